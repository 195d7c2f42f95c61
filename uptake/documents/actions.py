"""The actions on a compilation, shared by the web pages, the API and the commands:
``make_draft``, ``write_text``, ``approve_compilation`` and ``send_compilation``.

Each checks the user's right (``user=None`` is the system: the command, later the scheduler),
raises ``PermissionDenied`` or a ``CompilationError`` naming the field and the reason, and
writes an audit entry.
"""

from __future__ import annotations

import hashlib
from datetime import date

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from uptake.audit.models import log_action
from uptake.campaigns.models import Campaign, Coordination
from uptake.campaigns.scope import NotCoordinating, Scope
from uptake.documents.formats import vn_date
from uptake.documents.models import Compilation, Counter, Dispatch, State
from uptake.documents.snapshot import build_snapshot
from uptake.units.models import Unit

TEXT_MAX = 10_000


class CompilationError(Exception):
    """The action cannot be done; nothing was changed. ``status`` is the API's HTTP status."""

    status = 422

    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class CompilationLocked(CompilationError):
    """The compilation is no longer a draft (or not yet approved, for sending)."""

    status = 409


class SendingFailed(CompilationError):
    status = 502


def level_of(campaign: Campaign, unit=None) -> Coordination:
    """The coordinating level a compilation is for: ``unit`` is a level, a unit's or office's
    code, a Unit, or None for the campaign's top level. ``CompilationError`` on ``unit`` when
    it coordinates nothing in the campaign."""
    if isinstance(unit, Coordination):
        return unit
    scope = Scope.system(campaign)
    code = unit.code if isinstance(unit, Unit) else unit
    try:
        return scope.level_for(code)
    except NotCoordinating:
        raise CompilationError(
            "unit", _("%(code)s coordinates nothing in this campaign.") % {"code": code}
        ) from None


def may_compile(user, campaign: Campaign, level: Coordination | None = None) -> bool:
    """The level's own coordinators, and admins (the top level by default)."""
    scope = Scope.of(user, campaign)
    return scope.may_compile(level or scope.top)


def auto_send(compilation: Compilation) -> bool:
    """The campaign file's ``auto_send`` for the compilation's level: the scheduler sends an
    approved report at the level's ``compile_at`` at the earliest. False by default: the
    coordinator sends it."""
    return compilation.level.auto_send


def _check(user, compilation_or_campaign, level: Coordination | None = None) -> None:
    if user is None:
        return
    if isinstance(compilation_or_campaign, Compilation):
        campaign, level = compilation_or_campaign.campaign, compilation_or_campaign.level
    else:
        campaign = compilation_or_campaign
    if not may_compile(user, campaign, level):
        raise PermissionDenied("only the level's coordinators compile its report")


def check_day(campaign: Campaign, day: date) -> None:
    if day < campaign.start:
        raise CompilationError(
            "date", _("The campaign's first day is %(day)s.") % {"day": vn_date(campaign.start)}
        )
    if day > campaign.end:
        raise CompilationError(
            "date", _("The campaign's last day is %(day)s.") % {"day": vn_date(campaign.end)}
        )
    if day > campaign.today():
        raise CompilationError("date", _("A day that has not come yet cannot be compiled."))


def _locked_message(compilation: Compilation) -> str:
    return _(
        "Report No. %(number)s was approved on %(day)s and no longer changes; "
        "later corrections go into the next report."
    ) % {
        "number": compilation.reference,
        "day": compilation.approved_at.astimezone(compilation.campaign.tz).strftime(
            "%d/%m/%Y %H:%M"
        ),
    }


def _audit(user, action: str, compilation: Compilation, after: dict, at=None) -> None:
    """Audit a change to ``compilation``: its campaign, level and day, then ``after``."""
    log_action(
        user,
        action,
        "compilation",
        compilation.pk,
        after={
            "campaign": compilation.campaign.slug,
            "unit": compilation.unit.code,
            "date": compilation.date.isoformat(),
            **after,
        },
        at=at,
    )


def _lock(compilation: Compilation) -> Compilation:
    locked = (
        Compilation.objects.select_for_update().select_related("campaign").get(pk=compilation.pk)
    )
    return locked


def make_draft(campaign: Campaign, day: date, user=None, *, unit=None) -> tuple[Compilation, bool]:
    """Make the day's draft of a level (``unit``: see ``level_of``; the top level by default),
    or refresh it with the figures as they are now.

    Returns the compilation and whether it was created. An approved one is refused.
    """
    level = level_of(campaign, unit)
    _check(user, campaign, level)
    check_day(campaign, day)
    now = timezone.now()
    with transaction.atomic():
        compilation = (
            Compilation.objects.select_for_update()
            .filter(campaign=campaign, unit=level.unit, date=day)
            .first()
        )
        if compilation is not None and not compilation.is_draft:
            raise CompilationLocked("state", _locked_message(compilation))
        snapshot = build_snapshot(campaign, day, level)
        created = False
        if compilation is None:
            try:
                with transaction.atomic():
                    compilation = Compilation.objects.create(
                        campaign=campaign,
                        unit=level.unit,
                        office=level.office,
                        date=day,
                        snapshot=snapshot,
                        symbol=snapshot["document"]["symbol"],
                        made_at=now,
                        made_by=user,
                        refreshed_at=now,
                        refreshed_by=user,
                    )
                created = True
            except IntegrityError:
                # Made at the same moment by someone else: refresh theirs.
                compilation = Compilation.objects.select_for_update().get(
                    campaign=campaign, unit=level.unit, date=day
                )
                if not compilation.is_draft:
                    raise CompilationLocked("state", _locked_message(compilation)) from None
        if not created:
            compilation.snapshot = snapshot
            compilation.symbol = snapshot["document"]["symbol"]
            compilation.refreshed_at, compilation.refreshed_by = now, user
            compilation.save(update_fields=["snapshot", "symbol", "refreshed_at", "refreshed_by"])
        _audit(
            user,
            "compilation.make" if created else "compilation.refresh",
            compilation,
            {"reporting": snapshot["reporting"]},
            now,
        )
    compilation.campaign = campaign
    compilation.level = level
    return compilation, created


def write_text(
    compilation: Compilation,
    user,
    *,
    situation: str | None = None,
    difficulties: str | None = None,
    proposals: str | None = None,
) -> Compilation:
    """The coordinator's own text: situation, difficulties, proposals (None keeps a text as it
    is). Drafts only."""
    _check(user, compilation)
    given = {"situation": situation, "difficulties": difficulties, "proposals": proposals}
    texts = {field: text.strip() for field, text in given.items() if text is not None}
    for field, text in texts.items():
        if len(text) > TEXT_MAX:
            raise CompilationError(
                field, _("At most %(max)s characters.") % {"max": f"{TEXT_MAX:,}"}
            )
    with transaction.atomic():
        locked = _lock(compilation)
        if not locked.is_draft:
            raise CompilationLocked("state", _locked_message(locked))
        before = {f: getattr(locked, f) for f in texts}
        for field, text in texts.items():
            setattr(locked, field, text)
        locked.text_at, locked.text_by = timezone.now(), user
        locked.save(update_fields=[*texts, "text_at", "text_by"])
        if before != texts and texts:
            _audit(user, "compilation.text", locked, texts, locked.text_at)
    return locked


def approval_warning(compilation: Compilation, now=None) -> str:
    """Why approving the draft now needs the coordinator's confirmation, or "" when it does not:
    the day's deadline has not passed, or units are missing from its figures. Names how many
    units are missing and late, and when the figures were taken."""
    from uptake.documents.report import taken_at

    campaign = compilation.campaign
    now = now or timezone.now()
    counts = compilation.snapshot.get("reporting") or {}
    missing, late = counts.get("missing", 0), counts.get("late", 0)
    early = now < campaign.deadline(compilation.date)
    if not early and not missing:
        return ""
    taken, due = taken_at(compilation), campaign.deadline(compilation.date)
    params = {
        "missing": missing,
        "late": late,
        "time": taken.strftime("%H:%M"),
        "date": taken.strftime("%d/%m/%Y"),
        "due_time": due.strftime("%H:%M"),
        "due_date": due.strftime("%d/%m/%Y"),
    }
    if early:
        return (
            _(
                "The deadline (%(due_time)s on %(due_date)s) has not passed yet. In these "
                "figures, taken at %(time)s on %(date)s, %(missing)s units have not reported and "
                "%(late)s reported late. Confirm to approve the report anyway."
            )
            % params
        )
    return (
        _(
            "In these figures, taken at %(time)s on %(date)s, %(missing)s units have not "
            "reported and %(late)s reported late. Confirm to approve the report anyway."
        )
        % params
    )


def approve_compilation(compilation: Compilation, user, *, confirm: bool = False) -> Compilation:
    """Lock the draft and give it the next number of its office's register for the year and
    symbol ("05/BC-VHTT"), shared by every campaign the office coordinates (#14).

    Approving is not sending (``send_compilation`` is). Before the day's deadline, or with units
    missing, it needs ``confirm``: without it, a CompilationError on ``confirm`` that names how
    many units are missing and late (``approval_warning``), and nothing changes.

    The register's row is locked for the length of the transaction, so two coordinators
    approving at once (in one campaign or two) get consecutive numbers, never the same one and
    never a gap.
    """
    _check(user, compilation)
    now = timezone.now()
    with transaction.atomic():
        locked = _lock(compilation)
        if not locked.is_draft:
            raise CompilationLocked("state", _locked_message(locked))
        campaign = locked.campaign
        warning = approval_warning(locked, now)
        if warning and not confirm:
            raise CompilationError("confirm", warning)
        year = now.astimezone(campaign.tz).year
        locked.symbol = locked.symbol or locked.snapshot.get("document", {}).get("symbol", "")
        register = {"office_id": locked.office_id, "year": year, "symbol": locked.symbol}
        try:
            with transaction.atomic():
                Counter.objects.get_or_create(**register)
        except IntegrityError:
            pass  # created by the other approval at the same moment
        counter = Counter.objects.select_for_update().get(**register)
        counter.last_number += 1
        counter.save(update_fields=["last_number"])
        locked.number, locked.year = counter.last_number, year
        locked.state = State.APPROVED
        locked.approved_at, locked.approved_by = now, user
        locked.save(
            update_fields=["number", "year", "symbol", "state", "approved_at", "approved_by"]
        )
        after = {"number": locked.reference, "reporting": locked.snapshot.get("reporting")}
        if warning:
            after["confirmed"] = warning
        _audit(user, "compilation.approve", locked, after, now)
    return locked


def email_subject(compilation: Compilation) -> str:
    from uptake.documents.report import title_in_sentence

    info = compilation.snapshot["campaign_info"]
    return (
        f"Báo cáo số {compilation.reference}: kết quả triển khai "
        f"{title_in_sentence(info)} ngày {vn_date(compilation.date)}"
    )


def email_body(compilation: Compilation, recipients: list[dict]) -> str:
    from uptake.documents.report import as_of, title_in_sentence

    info = compilation.snapshot["campaign_info"]
    lines = ["Kính gửi:"] + [f"- {r['name']};" for r in recipients]
    lines += [
        "",
        f"{info['coordinator_name']} gửi Báo cáo số {compilation.reference} về kết quả triển khai "
        f"{title_in_sentence(info)} ngày {vn_date(compilation.date)} (số liệu tính đến "
        f"{as_of(compilation)}).",
        "Báo cáo đính kèm ở các định dạng PDF, Word và Excel.",
        "",
        "(Thư gửi tự động từ uptake; vui lòng không trả lời thư này.)",
    ]
    return "\n".join(lines)


def send_compilation(compilation: Compilation, user) -> Dispatch:
    """E-mail the approved report (PDF, Word, Excel) to the recipients with an address and
    record the dispatch. Sending again (a recipient added, a failed delivery) is a new dispatch."""
    from uptake.documents.report import SENT_FORMATS, render

    _check(user, compilation)
    compilation = Compilation.objects.select_related("campaign").get(pk=compilation.pk)
    if compilation.is_draft:
        raise CompilationLocked("state", _("Approve the report before sending it."))
    recipients = [
        {"name": r["name"], "email": r["email"]}
        for r in compilation.snapshot.get("document", {}).get("recipients", [])
        if r.get("email")
    ]
    if not recipients:
        raise CompilationError(
            "recipients", _("No recipient has an e-mail address in the campaign file.")
        )
    files = [render(compilation, fmt) for fmt in SENT_FORMATS]
    message = EmailMessage(
        subject=email_subject(compilation),
        body=email_body(compilation, recipients),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[r["email"] for r in recipients],
    )
    for f in files:
        message.attach(f.filename, f.content, f.content_type.split(";")[0])
    try:
        message.send(fail_silently=False)
    except OSError as exc:  # SMTP errors are OSErrors
        raise SendingFailed(
            "email", _("The e-mail could not be sent: %(error)s") % {"error": exc}
        ) from exc
    now = timezone.now()
    with transaction.atomic():
        locked = _lock(compilation)
        dispatch = Dispatch.objects.create(
            compilation=locked,
            sent_at=now,
            sent_by=user,
            subject=message.subject,
            recipients=recipients,
            attachments=[
                {
                    "filename": f.filename,
                    "size": len(f.content),
                    "sha256": hashlib.sha256(f.content).hexdigest(),
                }
                for f in files
            ],
        )
        if locked.state == State.APPROVED:
            locked.state = State.SENT
            locked.sent_at, locked.sent_by = now, user
            locked.save(update_fields=["state", "sent_at", "sent_by"])
        _audit(user, "compilation.send", locked, {"to": [r["email"] for r in recipients]}, now)
    return dispatch
