"""The one path by which visits and teams change: the phone page, the API and importers."""

from __future__ import annotations

import re
import secrets
import uuid
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from uptake.accounts.models import Profile, Role
from uptake.audit.models import log_action
from uptake.campaigns.models import Campaign
from uptake.fieldwork import access
from uptake.fieldwork.models import Organisation, Outcome, Team, Visit
from uptake.reports.actions import FieldError, whole_number
from uptake.units.models import Unit

HOUSEHOLD_MAX = 80
NOTE_MAX = 300
PHONES_MAX = 50  # smartphones in one household; more is a typing slip
# A phone's clock may run a little ahead of the server's: a visit is "in the future" only
# beyond this.
CLOCK_SKEW = timedelta(minutes=5)
# Eight digits or more, whatever separates them: "0912 345 678", "+84.912.345.678".
PHONE_LIKE = re.compile(r"\+?\d(?:[\s.\-()]*\d){7,}")


class VisitInvalid(Exception):
    """The visit breaks a rule; nothing was saved."""

    def __init__(self, errors: list[FieldError]):
        super().__init__("; ".join(f"{e.field}: {e.message}" for e in errors))
        self.errors = errors


# Kinship words that come before a person's name: "nhà ông Ba", "hộ bà Tư", "gặp chị Lan".
HONORIFICS = {
    "ông", "bà", "anh", "chị", "cô", "chú", "bác", "cụ", "dì", "cậu", "mợ", "thím", "em",
    "mr", "mrs", "ms", "miss",
}  # fmt: skip
# The commonest family names: "Nguyễn Văn An" with no house number is a person, not an address.
SURNAMES = {
    "nguyễn", "trần", "lê", "phạm", "hoàng", "huỳnh", "phan", "vũ", "võ", "đặng", "bùi", "đỗ",
    "hồ", "ngô", "dương", "lý", "đinh", "trương", "lương", "lâm", "mai", "tạ", "cao", "châu",
}  # fmt: skip
# Words before a kinship word that make it a person's: "Nhà Ông Ba", "Gia đình Chị Lan".
HOUSEHOLD_WORDS = {"nhà", "hộ", "đình", "gặp", "của", "cho", "với"}
NAME_LABELS = re.compile(r"\b(họ và tên|họ tên|tên|name)\s*:", re.IGNORECASE)


def _capitalised(word: str) -> bool:
    return word[:1].isalpha() and word[:1].isupper()


def looks_like_a_name(text: str) -> bool:
    """Whether ``text`` names a person: a kinship word before a capitalised word ("nhà ông
    Ba", "chị Lan hẹn chiều"), "Tên: ...", or a family name and given names with no number
    ("Nguyễn Văn An"). Place names that begin with such a word ("Cầu Ông Lãnh", "12 Bà
    Triệu") are addresses: a capitalised kinship word after a capitalised word, or after a
    house number, is part of a name of a place."""
    if NAME_LABELS.search(text):
        return True
    words = [w.strip(".,;:()\"'") for w in text.split()]
    words = [w for w in words if w]
    for i, word in enumerate(words[:-1]):
        if word.lower() not in HONORIFICS or not _capitalised(words[i + 1]):
            continue
        before = words[i - 1] if i else ""
        household = before.lower() in HOUSEHOLD_WORDS  # "Nhà Ông Ba" is still a person
        if _capitalised(word) and not household and (_capitalised(before) or before[:1].isdigit()):
            continue  # "Cầu Ông Lãnh", "12 Bà Triệu": a street or a place
        return True
    if not any(ch.isdigit() for ch in text) and len(words) >= 2:
        if words[0].lower() in SURNAMES and all(_capitalised(w) for w in words[:3]):
            return True
    return False


def personal_data_error(text: str) -> str | None:
    """Why ``text`` may not be stored (it looks like a phone number, an e-mail or a person's
    name), or None. Households are told apart by house number or address only."""
    if PHONE_LIKE.search(text):
        return _("Do not write phone numbers: a house number or a short address is enough.")
    if "@" in text:
        return _("Do not write e-mail addresses: a house number or a short address is enough.")
    if looks_like_a_name(text):
        return _("Do not write people's names: a house number or a short address is enough.")
    return None


def check_figures(outcome: str, raw: dict) -> tuple[dict, list[FieldError]]:
    """Smartphones, already had, installed now: whole numbers ≥ 0 consistent with the outcome."""
    errors: list[FieldError] = []
    n: dict[str, int] = {}
    for name in ("smartphones", "already_had", "installed_now"):
        value = whole_number(raw.get(name, 0) if raw.get(name) not in (None, "") else 0)
        if value is None:
            errors.append(FieldError(name, _("Enter a whole number, 0 or more.")))
        elif value > PHONES_MAX:
            errors.append(FieldError(name, _("This number is too large for one household.")))
        else:
            n[name] = value
    if outcome not in Outcome.values:
        errors.append(FieldError("outcome", _("Choose one of the outcomes.")))
    if errors:
        return n, errors

    phones, had, now = n["smartphones"], n["already_had"], n["installed_now"]
    if had > phones:
        errors.append(
            FieldError("already_had", _("Cannot be more than the number of smartphones."))
        )
    elif now > phones - had:
        errors.append(
            FieldError(
                "installed_now",
                _("Installed during the visit cannot be more than smartphones minus already had."),
            )
        )
    if errors:
        return n, errors

    if outcome == Outcome.INSTALLED and now == 0:
        errors.append(FieldError("installed_now", _("Installed: count the phones it was put on.")))
    elif outcome == Outcome.ALREADY_HAD and (had == 0 or now > 0):
        field = "already_had" if had == 0 else "installed_now"
        errors.append(
            FieldError(field, _("Already had it: phones that had the app, none installed now."))
        )
    elif outcome == Outcome.REFUSED and (now > 0 or phones <= had):
        field = "installed_now" if now > 0 else "smartphones"
        errors.append(
            FieldError(field, _("Refused: a smartphone without the app, and nothing installed."))
        )
    elif outcome in (Outcome.NO_SMARTPHONE, Outcome.NOBODY_HOME) and (phones or had or now):
        field = "smartphones" if phones else ("already_had" if had else "installed_now")
        errors.append(FieldError(field, _("This outcome has no smartphones to count.")))
    return n, errors


def record_visit(
    *,
    visit_id: uuid.UUID | str,
    campaign: Campaign,
    hamlet: Unit,
    user,
    visited_at: datetime,
    outcome: str,
    household: str = "",
    smartphones=0,
    already_had=0,
    installed_now=0,
    note: str = "",
    team: Team | None = None,
    revisit_of: uuid.UUID | str | None = None,
    via: str = "web",
    at: datetime | None = None,
) -> tuple[Visit, bool]:
    """Store a household visit once; return it and whether it was stored just now.

    Idempotent on ``visit_id`` (made on the phone): the same visit sent again returns the
    stored one, unchanged. Raises PermissionDenied when the user may not record in the
    hamlet, VisitInvalid with every offending field when a rule is broken.
    """
    try:
        visit_id = uuid.UUID(str(visit_id))
    except ValueError:
        raise VisitInvalid([FieldError("id", _("The visit's id is not a UUID."))]) from None
    existing = _existing(visit_id, user)
    if existing is not None:
        return existing, False

    if hamlet.kind != Unit.Kind.HAMLET or not hamlet.is_within(campaign.root):
        raise VisitInvalid([FieldError("hamlet", _("Not a hamlet of this campaign."))])
    if not access.can_record(user, campaign, hamlet):
        raise PermissionDenied("hamlet outside the user's teams and units")

    now = at or timezone.now()
    household = " ".join((household or "").split())
    note = (note or "").strip()
    errors: list[FieldError] = []
    figures, figure_errors = check_figures(
        outcome,
        {
            "smartphones": smartphones,
            "already_had": already_had,
            "installed_now": installed_now,
        },
    )
    errors += figure_errors
    errors += _check_time(campaign, visited_at, now)
    if len(note) > NOTE_MAX:
        errors.append(FieldError("note", _("The note is too long.")))
    elif problem := personal_data_error(note):
        errors.append(FieldError("note", problem))
    team, team_errors = _team_for(user, campaign, hamlet, team)
    errors += team_errors

    first = None
    if revisit_of:
        first, revisit_errors = _first_visit(revisit_of, campaign, hamlet)
        errors += revisit_errors
        if first is not None and not household:
            household = first.household
    if not household:
        errors.append(FieldError("household", _("Give the house number or a short address.")))
    elif len(household) > HOUSEHOLD_MAX:
        errors.append(FieldError("household", _("Keep it short: a house number or address.")))
    elif problem := personal_data_error(household):
        errors.append(FieldError("household", problem))
    _raise_if(errors)

    try:
        with transaction.atomic():
            if first is not None:
                # Lock the household's first visit: two revisits of it queue up here.
                Visit.objects.select_for_update().filter(pk=first.pk).first()
                _raise_if(_check_revisit_due(first, visited_at))
            visit = Visit.objects.create(
                id=visit_id,
                campaign=campaign,
                hamlet=hamlet,
                commune_id=hamlet.parent_id,
                team=team,
                household=household,
                visited_at=visited_at,
                day=visited_at.astimezone(campaign.tz).date(),
                outcome=outcome,
                note=note,
                revisit_of=first,
                recorded_by=user,
                received_at=now,
                via=via,
                **figures,
            )
    except IntegrityError:
        # The same visit, sent twice at once from a flaky network: the other copy won.
        existing = _existing(visit_id, user)
        if existing is None:
            raise
        return existing, False
    return visit, True


def _existing(visit_id: uuid.UUID, user) -> Visit | None:
    visit = (
        Visit.objects.select_related("campaign__root", "hamlet", "team", "recorded_by")
        .filter(pk=visit_id)
        .first()
    )
    if visit is None:
        return None
    if visit.recorded_by_id != user.pk and not access.can_see(user, visit.campaign, visit.hamlet):
        raise VisitInvalid([FieldError("id", _("This id is already used by another visit."))])
    return visit


def _check_time(campaign: Campaign, visited_at: datetime, now: datetime) -> list[FieldError]:
    if visited_at is None or timezone.is_naive(visited_at):
        return [FieldError("visited_at", _("Give the time of the visit with its time zone."))]
    if visited_at > now + CLOCK_SKEW:
        return [FieldError("visited_at", _("This time has not come yet."))]
    day = visited_at.astimezone(campaign.tz).date()
    if not campaign.start <= day <= campaign.end:
        msg = _("The campaign runs from %(start)s to %(end)s.")
        fmt = "d/m/Y"
        return [
            FieldError(
                "visited_at",
                msg
                % {
                    "start": date_format(campaign.start, fmt),
                    "end": date_format(campaign.end, fmt),
                },
            )
        ]
    return []


def _team_for(user, campaign: Campaign, hamlet: Unit, team: Team | None):
    """The team the visit is made for: the one given, else the user's team for the hamlet."""
    if team is None:
        team = access.teams_of(user, campaign).filter(hamlets=hamlet).order_by("name").first()
        return team, []
    if team.campaign_id != campaign.pk or not team.hamlets.filter(pk=hamlet.pk).exists():
        return None, [FieldError("team", _("This team does not cover this hamlet."))]
    is_member = team.members.filter(pk=user.pk).exists()
    if not is_member and not access.can_manage_teams(user, hamlet.parent):
        return None, [FieldError("team", _("You are not a member of this team."))]
    return team, []


def _first_visit(revisit_of, campaign: Campaign, hamlet: Unit):
    try:
        earlier = Visit.objects.filter(pk=uuid.UUID(str(revisit_of))).first()
    except ValueError:
        earlier = None
    if earlier is None or earlier.campaign_id != campaign.pk or earlier.hamlet_id != hamlet.pk:
        return None, [FieldError("revisit_of", _("No such visit in this hamlet."))]
    first = earlier.revisit_of if earlier.revisit_of_id else earlier
    return first, []


def _check_revisit_due(first: Visit, visited_at: datetime) -> list[FieldError]:
    latest = (
        Visit.objects.filter(Q(pk=first.pk) | Q(revisit_of=first)).order_by("-visited_at").first()
    )
    if latest.outcome != Outcome.NOBODY_HOME:
        return [
            FieldError("revisit_of", _("This household has been visited since: no revisit is due."))
        ]
    if visited_at <= latest.visited_at:
        return [FieldError("visited_at", _("A revisit comes after the household's last visit."))]
    return []


def _raise_if(errors: list[FieldError]) -> None:
    if errors:
        raise VisitInvalid(errors)


# Teams ---------------------------------------------------------------------------------------


def save_team(
    *,
    campaign: Campaign,
    commune: Unit,
    user,
    name: str,
    organisations: list[str],
    members,
    hamlets,
    team: Team | None = None,
) -> Team:
    """Create or change a commune's team. The form has checked the values; this checks who."""
    if not access.can_manage_teams(user, commune):
        raise PermissionDenied("only the commune's reporter or a coordinator above it")
    if team is not None and (team.campaign_id != campaign.pk or team.commune_id != commune.pk):
        raise PermissionDenied("team of another commune")
    hamlets = list(hamlets)
    if any(h.parent_id != commune.pk or h.kind != Unit.Kind.HAMLET for h in hamlets):
        raise PermissionDenied("hamlet of another commune")
    organisations = [key for key in Organisation.values if key in set(organisations)]
    members = list(members)
    with transaction.atomic():
        before = _team_state(team) if team is not None else None
        if team is None:
            team = Team(campaign=campaign, commune=commune)
        team.name = name.strip()
        team.organisations = organisations
        team.save()
        team.members.set(members)
        team.hamlets.set(hamlets)
        log_action(
            user,
            "team.update" if before else "team.create",
            "team",
            team.pk,
            before=before,
            after=_team_state(team),
        )
    return team


def _team_state(team: Team) -> dict:
    return {
        "campaign": team.campaign.slug,
        "commune": team.commune.code,
        "name": team.name,
        "organisations": team.organisations,
        "members": sorted(team.members.values_list("username", flat=True)),
        "hamlets": sorted(team.hamlets.values_list("code", flat=True)),
    }


def create_member(*, commune: Unit, user, username: str, full_name: str = "") -> tuple:
    """A login for a volunteer of the commune's team: sees only their team's hamlets.

    Returns the user and the password to hand them (shown once).
    """
    if not access.can_manage_teams(user, commune):
        raise PermissionDenied("only the commune's reporter or a coordinator above it")
    password = _password()
    member = get_user_model().objects.create_user(
        username, password=password, first_name=" ".join(full_name.split())[:150]
    )
    # A viewer with no units: everything they see comes from their teams.
    Profile.objects.create(user=member, role=Role.VIEWER)
    log_action(
        user,
        "user.create",
        "user",
        member.pk,
        after={"username": username, "commune": commune.code, "role": Role.VIEWER},
    )
    return member, password


def _password() -> str:
    """Three groups of four letters and digits that cannot be misread: "k7hm-2xqa-9rtw"."""
    alphabet = "abcdefghjkmnpqrstuvwxyz23456789"
    return "-".join("".join(secrets.choice(alphabet) for _ in range(4)) for _ in range(3))


# Personal data ---------------------------------------------------------------------------------


def purge_visit_details(
    *, days: int | None = None, now: datetime | None = None, dry_run: bool = False
) -> list[tuple[Campaign, int]]:
    """Clear the household label and the note of every visit of the campaigns that ended more
    than ``days`` (VISIT_PURGE_DAYS) days ago, in their time zone. The counts stay: outcome,
    smartphones, installs, hamlet, team, day and the link of a revisit to its first visit.

    Returns each campaign purged now with its number of visits (none twice: a visit already
    cleared is not counted again). Audited per campaign.
    """
    days = settings.VISIT_PURGE_DAYS if days is None else days
    now = now or timezone.now()
    done = []
    ended = Campaign.objects.filter(end__lt=now.date() - timedelta(days=days - 1)).order_by("end")
    for campaign in ended:
        if campaign.end + timedelta(days=days) >= now.astimezone(campaign.tz).date():
            continue  # not yet in the campaign's own time zone
        visits = Visit.objects.filter(campaign=campaign).filter(~Q(household="") | ~Q(note=""))
        if dry_run:
            count = visits.count()
        else:
            with transaction.atomic():
                count = visits.update(household="", note="")
                if count:
                    log_action(
                        None,
                        "visits.purge",
                        "campaign",
                        campaign.slug,
                        after={"visits": count, "days": days, "ended": campaign.end.isoformat()},
                        at=now,
                    )
        if count:
            done.append((campaign, count))
    return done
