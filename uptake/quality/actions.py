"""The actions of quality work, shared by the pages, the API and the command line.

- ``check_quality(campaign, root)``: run the rules and store their findings as flags;
- ``flags_for(campaign, date_from, date_to, root)``: the open flags, fresh (compilation #3);
- ``refresh_stale_flags()``: the scheduler's pass over the running campaigns (#19);
- ``dismiss_flag`` / ``restore_flag``: a coordinator's judgement on a flag, audited;
- ``record_inspection`` / ``update_inspection``: an inspection and its verified rate;
- ``draw_sample``: a random sample of a unit's staff or visited households, from a seed.

Flags are stored rather than computed on every read: a dismissal needs a row to live on,
the data-quality page filters and paginates them in the database, and a province's whole
campaign takes seconds to check, too long for every page. They never go stale: the rules
compare a unit with its peers (the units under the same parent), so each peer group is
checked as a whole, and before flags are read ``refresh_flags`` compares a fingerprint of
the group's reports and inspections (count, revisions, latest change) with the one of its
last check, and checks again the groups that changed. That happens where data changes and
in the background, never on a page or API read (a GET writes nothing, #19): an inspection
refreshes its group, a compilation its level, and the scheduler (``refresh_stale_flags``, at
most a minute after a report arrives) every running campaign; a report itself does not, so
that the 15:00 burst stays four statements a report. ``python manage.py checkquality``
checks a whole campaign from the command line.
"""

from __future__ import annotations

import hashlib
import json
import random
import secrets
from dataclasses import dataclass
from datetime import date, timedelta

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Case, Count, IntegerField, Max, Q, QuerySet, Sum, Value, When
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from uptake.accounts.models import profile_of
from uptake.audit.models import log_action
from uptake.campaigns.models import Campaign, Participation
from uptake.quality import rules
from uptake.quality.models import (
    SEVERITY_RANK,
    Flag,
    Inspection,
    Method,
    QualityCheck,
    Sample,
    StaffMember,
)
from uptake.reports.actions import FieldError
from uptake.reports.models import Report
from uptake.units.models import Unit

RULES_VERSION = "1"  # change when the rules change: every peer group is checked again
REASON_MAX = 1000
TEXT_MAX = 5000
SAMPLE_MAX = 1000
INSPECTION_SAMPLE_MAX = 100_000


class QualityInvalid(Exception):
    """The input breaks a rule; nothing was saved. ``errors`` name the offending fields."""

    def __init__(self, errors: list[FieldError]):
        super().__init__("; ".join(f"{e.field}: {e.message}" for e in errors))
        self.errors = errors


def _raise_if(errors: list[FieldError]) -> None:
    if errors:
        raise QualityInvalid(errors)


# --- who may do what -------------------------------------------------------------------------


def can_inspect(user, unit: Unit) -> bool:
    """Coordinators and admins of units above: inspect, draw samples, dismiss flags."""
    profile = profile_of(user)
    return profile.enters_on_behalf and profile.can_read(unit)


def can_edit_roster(user, unit: Unit) -> bool:
    """The unit's reporter, coordinators above it and admins keep its staff roster."""
    return profile_of(user).can_submit(unit)


# --- checking --------------------------------------------------------------------------------


def parent_path(path: str) -> str:
    """The path of a unit's parent from the unit's own: "87/870/870-TTT/" -> "87/870/"."""
    head = path.rstrip("/").rpartition("/")[0]
    return head + "/" if head else ""


def _scope_units(scopes: set[str]) -> Q:
    """Units whose parent is one of ``scopes`` (a parent's path; "" for top-level units)."""
    q = Q(parent__path__in=[s for s in scopes if s])
    if "" in scopes:
        q |= Q(parent__isnull=True)
    return q


def _scopes_under(campaign: Campaign, root: Unit | None) -> set[str]:
    """The peer groups that hold the campaign's units at or under ``root``."""
    participations = Participation.objects.filter(campaign=campaign)
    if root is not None:
        participations = participations.filter(unit__path__startswith=root.path)
    return {parent_path(p) for p in participations.values_list("unit__path", flat=True)}


def _fingerprints(campaign: Campaign, scopes: set[str]) -> dict[str, str]:
    """What each peer group's flags depend on, summed up in a string (two queries)."""
    units = Unit.objects.filter(_scope_units(scopes))
    reports = (
        Report.objects.filter(campaign=campaign, unit__in=units)
        .values("unit__parent__path")
        .annotate(n=Count("id"), rev=Sum("revision"), last=Max("submitted_at"))
    )
    inspections = (
        Inspection.objects.filter(campaign=campaign, unit__in=units)
        .values("unit__parent__path")
        .annotate(n=Count("id"), v=Sum("version"), last=Max("updated_at"))
    )
    base = f"{RULES_VERSION}|{_campaign_digest(campaign)}"
    parts: dict[str, list[str]] = {scope: [base, "r0", "i0"] for scope in scopes}
    for row in reports:
        last = row["last"].timestamp() if row["last"] else 0
        parts[row["unit__parent__path"] or ""][1] = f"r{row['n']}.{row['rev']}.{last:.6f}"
    for row in inspections:
        last = row["last"].timestamp() if row["last"] else 0
        parts[row["unit__parent__path"] or ""][2] = f"i{row['n']}.{row['v']}.{last:.6f}"
    return {scope: "|".join(p) for scope, p in parts.items()}


def _campaign_digest(campaign: Campaign) -> str:
    """The campaign file as last loaded (targets, dates, who reports what), in 12 characters."""
    text = json.dumps(campaign.source, sort_keys=True, default=str)
    return hashlib.sha1(text.encode(), usedforsecurity=False).hexdigest()[:12]


def _stale(campaign: Campaign, scopes: set[str]) -> tuple[set[str], dict[str, str]]:
    current = _fingerprints(campaign, scopes)
    stored = dict(
        QualityCheck.objects.filter(campaign=campaign, scope__in=scopes).values_list(
            "scope", "fingerprint"
        )
    )
    return {s for s in scopes if stored.get(s) != current[s]}, current


@dataclass
class CheckResult:
    groups: int = 0  # peer groups checked
    units: int = 0
    reports: int = 0
    flags: int = 0
    created: int = 0
    removed: int = 0


def check_quality(
    campaign: Campaign, root: Unit | None = None, *, only_stale: bool = False
) -> CheckResult:
    """Run every rule over the units at or under ``root`` (the whole campaign by default).

    The peer groups (the units under one parent) that hold them are checked whole, so that a
    unit's flags do not depend on where the check started. Flags still found keep their
    dismissal; flags no longer found are removed (their dismissal stays in the audit).
    ``only_stale``: skip the peer groups whose reports and inspections have not changed.
    """
    scopes = _scopes_under(campaign, root)
    if only_stale:
        scopes, _current = _stale(campaign, scopes)
    result = CheckResult()
    if not scopes:
        return result
    with transaction.atomic():
        # One check of a campaign at a time (SQLite's IMMEDIATE transactions already queue).
        Campaign.objects.select_for_update().filter(pk=campaign.pk).exists()
        if only_stale:  # another request may have checked them while we waited
            scopes, current = _stale(campaign, scopes)
            if not scopes:
                return result
        else:
            current = _fingerprints(campaign, scopes)
        findings = _evaluate(campaign, scopes, result)
        _store(campaign, scopes, findings, result)
        now = timezone.now()
        existing = {
            c.scope: c for c in QualityCheck.objects.filter(campaign=campaign, scope__in=scopes)
        }
        for scope in scopes:
            check = existing.get(scope) or QualityCheck(campaign=campaign, scope=scope)
            check.fingerprint, check.checked_at = current[scope], now
            check.save()
    result.groups = len(scopes)
    return result


def refresh_flags(campaign: Campaign, root: Unit | None = None) -> CheckResult:
    """Check again the peer groups at or under ``root`` whose data changed since their check."""
    return check_quality(campaign, root, only_stale=True)


# Reports of a campaign may still be corrected a while after its last day.
REFRESH_AFTER_END = timedelta(days=7)


def refresh_stale_flags(now=None) -> dict[str, CheckResult]:
    """The scheduler's pass: ``refresh_flags`` on every campaign running, or ended within
    ``REFRESH_AFTER_END``; the results of those with a group checked again, by slug.

    Cheap when nothing changed (the fingerprints' two queries and one read per campaign);
    safe in several schedulers at once (check_quality locks the campaign, then looks again).
    """
    today = timezone.localdate(now or timezone.now())
    done = {}
    campaigns = Campaign.objects.select_related("root").filter(
        start__lte=today + timedelta(days=1), end__gte=today - REFRESH_AFTER_END
    )
    for campaign in campaigns.order_by("pk"):
        result = refresh_flags(campaign)
        if result.groups:
            done[campaign.slug] = result
    return done


def _evaluate(campaign: Campaign, scopes: set[str], result: CheckResult) -> list[rules.Finding]:
    units = Unit.objects.filter(_scope_units(scopes))
    targets = {g.key: float(g.target_percent) for g in campaign.groups.all()}
    participations = Participation.objects.filter(campaign=campaign, unit__in=units).values_list(
        "unit_id", "unit__parent_id", "groups"
    )
    series: dict[tuple[int, str], rules.Series] = {}
    peers: dict[tuple[int | None, str], list[rules.Series]] = {}
    for unit_id, parent_id, groups in participations:
        result.units += 1
        for key in groups:
            s = series[(unit_id, key)] = rules.Series(unit_id, key, [])
            peers.setdefault((parent_id, key), []).append(s)
    reports = (
        Report.objects.filter(campaign=campaign, unit__in=units)
        .order_by("unit_id", "date")
        .values_list("unit_id", "date", "figures", "note")
    )
    for unit_id, day, figures, note in reports.iterator(chunk_size=5000):
        result.reports += 1
        for key, numbers in (figures or {}).items():
            s = series.get((unit_id, key))
            if s is None or not isinstance(numbers, dict):
                continue  # a group the unit no longer reports
            try:
                point = rules.Point(
                    day, int(numbers["with_smartphone"]), int(numbers["installed"]), note
                )
            except (KeyError, TypeError, ValueError):
                continue
            s.points.append(point)
    inspections = [
        rules.InspectionResult(*row)
        for row in Inspection.objects.filter(campaign=campaign, unit__in=units).values_list(
            "id", "unit_id", "group", "date", "sample_size", "with_app"
        )
    ]
    return rules.evaluate(peers.values(), targets, campaign.target_date, inspections)


def _store(
    campaign: Campaign, scopes: set[str], findings: list[rules.Finding], result: CheckResult
) -> None:
    existing = {
        f.key: f
        for f in Flag.objects.filter(
            campaign=campaign, unit__in=Unit.objects.filter(_scope_units(scopes))
        )
    }
    create, update = [], []
    seen = set()
    for finding in findings:
        if finding.key in seen:
            continue
        seen.add(finding.key)
        flag = existing.get(finding.key)
        if flag is None:
            create.append(
                Flag(
                    campaign=campaign,
                    unit_id=finding.unit_id,
                    date=finding.date,
                    group=finding.group,
                    rule=finding.rule,
                    severity=finding.severity,
                    evidence=finding.evidence,
                )
            )
        elif (flag.severity, flag.evidence) != (finding.severity, finding.evidence):
            flag.severity, flag.evidence = finding.severity, finding.evidence
            update.append(flag)
    gone = [f.pk for key, f in existing.items() if key not in seen]
    if gone:
        Flag.objects.filter(pk__in=gone).delete()
    Flag.objects.bulk_create(create, batch_size=500)
    Flag.objects.bulk_update(update, ["severity", "evidence"], batch_size=500)
    result.flags += len(seen)
    result.created += len(create)
    result.removed += len(gone)


# --- reading flags ---------------------------------------------------------------------------


def by_severity(flags: QuerySet) -> QuerySet:
    """Flags with ``rank`` (3 high, 2 medium, 1 low) for ordering in the database."""
    return flags.annotate(
        rank=Case(
            *(When(severity=s, then=Value(n)) for s, n in SEVERITY_RANK.items()),
            default=Value(0),
            output_field=IntegerField(),
        )
    )


def flags_for(
    campaign: Campaign,
    date_from: date | None = None,
    date_to: date | None = None,
    root: Unit | None = None,
    *,
    include_dismissed: bool = False,
    refresh: bool = True,
) -> list[Flag]:
    """The flags of the units at or under ``root`` dated ``date_from``..``date_to``, fresh.

    For the compilation's annex (#3) and a unit's page: open flags only unless
    ``include_dismissed``, most severe first, then by unit (tree order), date and rule. Each
    flag has ``unit`` loaded, ``message`` (a sentence in the active language),
    ``get_rule_display()``, ``get_severity_display()``, ``evidence`` and ``as_dict()``.
    ``refresh=False`` reads the flags as stored and writes nothing: for a page's GET (#19).
    """
    root = root or campaign.root
    if refresh:
        refresh_flags(campaign, root)
    flags = Flag.objects.filter(campaign=campaign, unit__path__startswith=root.path)
    if date_from is not None:
        flags = flags.filter(date__gte=date_from)
    if date_to is not None:
        flags = flags.filter(date__lte=date_to)
    if not include_dismissed:
        flags = flags.filter(dismissed_at__isnull=True)
    flags = by_severity(flags).select_related("unit")
    return list(flags.order_by("-rank", "unit__path", "date", "group", "rule"))


# --- dismissing ------------------------------------------------------------------------------


def _flag_ref(flag: Flag) -> dict:
    return {
        "campaign": flag.campaign.slug,
        "unit": flag.unit.code,
        "date": flag.date.isoformat(),
        "group": flag.group,
        "rule": flag.rule,
    }


def dismiss_flag(flag: Flag, *, user, reason: str) -> Flag:
    """A coordinator judges a flag explained: it leaves the open list, the reason is kept."""
    if not can_inspect(user, flag.unit):
        raise PermissionDenied("flag outside the user's units")
    reason = (reason or "").strip()
    errors = []
    if not reason:
        errors.append(FieldError("reason", _("Say why this flag can be dismissed.")))
    elif len(reason) > REASON_MAX:
        errors.append(FieldError("reason", _("The reason is too long.")))
    if flag.dismissed:
        errors.append(FieldError("reason", _("This flag is already dismissed.")))
    _raise_if(errors)
    with transaction.atomic():
        flag.dismissed_at = timezone.now()
        flag.dismissed_by = user
        flag.dismiss_reason = reason
        flag.save(update_fields=["dismissed_at", "dismissed_by", "dismiss_reason"])
        log_action(
            user,
            "flag.dismiss",
            "flag",
            flag.pk,
            before={**_flag_ref(flag), "dismissed": False},
            after={**_flag_ref(flag), "dismissed": True, "reason": reason},
        )
    return flag


def restore_flag(flag: Flag, *, user) -> Flag:
    """Undo a dismissal: the flag is open again (the dismissal stays in the audit)."""
    if not can_inspect(user, flag.unit):
        raise PermissionDenied("flag outside the user's units")
    if not flag.dismissed:
        raise QualityInvalid([FieldError("flag", _("This flag is not dismissed."))])
    with transaction.atomic():
        before = {**_flag_ref(flag), "dismissed": True, "reason": flag.dismiss_reason}
        flag.dismissed_at, flag.dismissed_by, flag.dismiss_reason = None, None, ""
        flag.save(update_fields=["dismissed_at", "dismissed_by", "dismiss_reason"])
        log_action(
            user, "flag.restore", "flag", flag.pk, before, {**_flag_ref(flag), "dismissed": False}
        )
    return flag


# --- inspections -----------------------------------------------------------------------------


def reported_point(campaign: Campaign, unit: Unit, group: str, day: date) -> rules.Point | None:
    """The unit's figures for ``group`` in its latest report on or before ``day``."""
    report = (
        Report.objects.filter(campaign=campaign, unit=unit, date__lte=day)
        .order_by("-date")
        .only("date", "figures")
        .first()
    )
    numbers = (report.figures or {}).get(group) if report else None
    if not numbers:
        return None
    return rules.Point(report.date, numbers["with_smartphone"], numbers["installed"])


@dataclass
class Verdict:
    """An inspection against what the unit reported."""

    rate: float  # verified, 0..1
    low: float
    high: float
    reported: rules.Point | None

    @property
    def reported_rate(self) -> float | None:
        rate = self.reported.rate if self.reported else None
        return None if rate is None else rate / 100

    @property
    def gap(self) -> bool:
        """The reported rate lies above the interval: the sample does not bear it out."""
        return self.reported_rate is not None and self.reported_rate > self.high

    @property
    def svg(self) -> dict:
        """Positions on interval.html's 0–100% scale (x from 20 to 380)."""

        def x(fraction: float) -> str:
            return f"{20 + 360 * min(max(fraction, 0.0), 1.0):.1f}"

        reported = self.reported_rate
        return {
            "low": x(self.low),
            "width": f"{max(360 * (self.high - self.low), 2):.1f}",
            "rate": x(self.rate),
            "reported": None if reported is None else x(reported),
            "ticks": [{"x": x(t / 100), "label": f"{t}%"} for t in (0, 25, 50, 75, 100)],
        }

    @property
    def percents(self) -> dict:
        return {
            "rate": round(100 * self.rate, 1),
            "low": round(100 * self.low, 1),
            "high": round(100 * self.high, 1),
            "reported": None if self.reported_rate is None else round(100 * self.reported_rate, 1),
        }


def verdict(inspection: Inspection) -> Verdict:
    low, high = inspection.interval
    point = reported_point(inspection.campaign, inspection.unit, inspection.group, inspection.date)
    return Verdict(inspection.verified_rate, low, high, point)


def _check_inspection(
    campaign: Campaign, unit: Unit, fields: dict, user
) -> tuple[dict, list[FieldError]]:
    errors: list[FieldError] = []
    participation = campaign.participations.filter(unit=unit).first()
    if participation is None:
        raise QualityInvalid([FieldError("unit", _("This unit does not report in this campaign."))])
    day = fields.get("date")
    if not isinstance(day, date):
        errors.append(FieldError("date", _("Give the date of the inspection.")))
    elif day < campaign.start:
        errors.append(
            FieldError(
                "date",
                _("The campaign's first reporting day is %(day)s.")
                % {"day": date_format(campaign.start, "d/m/Y")},
            )
        )
    elif day > campaign.today():
        errors.append(FieldError("date", _("This day has not come yet.")))
    inspector = (fields.get("inspector") or "").strip()
    if not inspector:
        inspector = (user.get_full_name() or user.get_username()).strip()
    if len(inspector) > 200:
        errors.append(FieldError("inspector", _("The name is too long.")))
    if fields.get("method") not in Method.values:
        errors.append(FieldError("method", _("Choose how the inspection was made.")))
    group = fields.get("group")
    if group not in participation.groups:
        errors.append(FieldError("group", _("This unit does not report this group.")))
    size, with_app = fields.get("sample_size"), fields.get("with_app")
    if not isinstance(size, int) or isinstance(size, bool) or size < 1:
        errors.append(FieldError("sample_size", _("The sample has at least one member.")))
        size = None
    elif size > INSPECTION_SAMPLE_MAX:
        errors.append(FieldError("sample_size", _("This number is too large.")))
    if not isinstance(with_app, int) or isinstance(with_app, bool) or with_app < 0:
        errors.append(FieldError("with_app", _("Enter a whole number, 0 or more.")))
    elif size is not None and with_app > size:
        errors.append(FieldError("with_app", _("More than the sample size.")))
    sample = fields.get("sample")
    if sample is not None:
        if sample.campaign_id != campaign.pk or sample.unit_id != unit.pk:
            errors.append(FieldError("sample", _("This sample was drawn for another unit.")))
        elif size is not None and size > len(sample.items):
            errors.append(
                FieldError(
                    "sample_size",
                    _("The sample drawn has %(n)s members.") % {"n": len(sample.items)},
                )
            )
    for name in ("findings", "follow_up"):
        if len(fields.get(name) or "") > TEXT_MAX:
            errors.append(FieldError(name, _("This text is too long.")))
    cleaned = {
        "date": day,
        "inspector": inspector,
        "method": fields.get("method"),
        "group": group,
        "sample": sample,
        "sample_size": size,
        "with_app": with_app,
        "findings": (fields.get("findings") or "").strip(),
        "follow_up": (fields.get("follow_up") or "").strip(),
    }
    return cleaned, errors


def record_inspection(campaign: Campaign, unit: Unit, *, user, **fields) -> Inspection:
    """Record an inspection of ``unit``: date, inspector, method, group, sample_size, with_app,
    findings, follow_up and optionally the ``sample`` it checked. Checks and stores its flag."""
    if not can_inspect(user, unit):
        raise PermissionDenied("unit outside the user's units")
    cleaned, errors = _check_inspection(campaign, unit, fields, user)
    _raise_if(errors)
    with transaction.atomic():
        inspection = Inspection.objects.create(
            campaign=campaign, unit=unit, recorded_by=user, **cleaned
        )
        log_action(
            user,
            "inspection.record",
            "inspection",
            inspection.pk,
            after={"campaign": campaign.slug, "unit": unit.code, **inspection.as_dict()},
        )
    refresh_flags(campaign, unit)
    return inspection


def update_inspection(inspection: Inspection, *, user, **fields) -> Inspection:
    """Correct an inspection or add its findings and follow-up later; audited."""
    if not can_inspect(user, inspection.unit):
        raise PermissionDenied("unit outside the user's units")
    cleaned, errors = _check_inspection(inspection.campaign, inspection.unit, fields, user)
    _raise_if(errors)
    with transaction.atomic():
        before = inspection.as_dict()
        for name, value in cleaned.items():
            setattr(inspection, name, value)
        inspection.version += 1
        inspection.updated_at = timezone.now()
        inspection.save()
        log_action(
            user, "inspection.update", "inspection", inspection.pk, before, inspection.as_dict()
        )
    refresh_flags(inspection.campaign, inspection.unit)
    return inspection


# --- samples ---------------------------------------------------------------------------------


def draw_items(population: list[dict], size: int, seed: int) -> list[dict]:
    """``size`` members of ``population`` (in its stable order) drawn with ``seed``.

    ``random.Random(seed).sample`` over the population's order: the same population and seed
    always give the same members. Returned in population order, the handier for a checklist.
    """
    chosen = random.Random(seed).sample(range(len(population)), min(size, len(population)))
    return [population[i] for i in sorted(chosen)]


def sample_population(campaign: Campaign, unit: Unit, source: str) -> list[dict]:
    """Who can be drawn, in a stable order: staff with a smartphone in roster order, or the
    households recorded as visited (#4) in the order of their visits."""
    if source == Sample.Source.ROSTER:
        members = StaffMember.objects.filter(campaign=campaign, unit=unit, has_smartphone=True)
        return [
            {"ref": str(m.pk), "label": m.name, "detail": m.position}
            for m in members.order_by("row", "pk")
        ]
    if source == Sample.Source.VISITS:
        from uptake.quality import visits

        return visits.population(campaign, unit)
    return []


def sample_sources(campaign: Campaign, unit: Unit) -> list[str]:
    """The sources a sample of ``unit`` can be drawn from: its roster (empty or not, so that
    the form says why nothing can be drawn), and its recorded household visits if any (#4)."""
    from uptake.quality import visits

    sources = [Sample.Source.ROSTER]
    if visits.recorded(campaign, unit):
        sources.append(Sample.Source.VISITS)
    return sources


def draw_sample(
    campaign: Campaign,
    unit: Unit,
    *,
    user,
    source: str,
    size: int,
    group: str,
    seed: int | None = None,
) -> Sample:
    """Draw and record a random sample of ``size`` (all of them when fewer)."""
    if not can_inspect(user, unit):
        raise PermissionDenied("unit outside the user's units")
    participation = campaign.participations.filter(unit=unit).first()
    if participation is None:
        raise QualityInvalid([FieldError("unit", _("This unit does not report in this campaign."))])
    errors = []
    if source not in sample_sources(campaign, unit):
        errors.append(FieldError("source", _("A sample cannot be drawn from this source.")))
    if group not in participation.groups:
        errors.append(FieldError("group", _("This unit does not report this group.")))
    if not isinstance(size, int) or isinstance(size, bool) or not 1 <= size <= SAMPLE_MAX:
        errors.append(FieldError("size", _("Between 1 and %(max)s.") % {"max": SAMPLE_MAX}))
    if seed is not None and (not isinstance(seed, int) or not 0 <= seed < 10**12):
        errors.append(FieldError("seed", _("A whole number below 1,000,000,000,000.")))
    _raise_if(errors)
    population = sample_population(campaign, unit, source)
    if not population:
        message = (
            _("Nobody on the unit's roster has a smartphone.")
            if source == Sample.Source.ROSTER
            else _("No household visit of this unit is recorded.")
        )
        raise QualityInvalid([FieldError("source", message)])
    if seed is None:
        seed = secrets.randbelow(10**9)
    items = draw_items(population, size, seed)
    with transaction.atomic():
        sample = Sample.objects.create(
            campaign=campaign,
            unit=unit,
            source=source,
            group=group,
            size=len(items),
            population=len(population),
            seed=seed,
            items=items,
            drawn_by=user,
        )
        log_action(
            user,
            "sample.draw",
            "sample",
            sample.pk,
            after={
                "campaign": campaign.slug,
                "unit": unit.code,
                "source": source,
                "group": group,
                "size": len(items),
                "population": len(population),
                "seed": seed,
            },
        )
    return sample
