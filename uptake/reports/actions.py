"""The one path by which figures enter uptake: the web form, on-behalf entry and the API."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import NamedTuple

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from uptake.accounts.models import profile_of
from uptake.audit.models import audit_entry, log_action
from uptake.campaigns.models import Campaign, Participation
from uptake.lib import rawrows
from uptake.lib.numbers import num
from uptake.reports.models import Report, Revision
from uptake.units.models import Unit

FIELDS = ("with_smartphone", "installed")
NOTE_MAX = 2000
# On behalf: figures received longer than this before they are entered need a note saying why.
BACKDATE_GRACE = timedelta(minutes=15)
# "5200", "5.200", "5,200" or "5 200": ASCII digits, optionally grouped by thousands.
WHOLE_TEXT = re.compile(r"^\d+$|^\d{1,3}([.,\s]\d{3})+$", re.ASCII)


@dataclass
class FieldError:
    field: str
    message: str


class SubmitDenied(PermissionDenied):
    """The user may not submit this; ``field`` names the part of the request refused."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


class ReportInvalid(Exception):
    """The submission breaks a rule; nothing was saved."""

    def __init__(self, errors: list[FieldError]):
        super().__init__("; ".join(f"{e.field}: {e.message}" for e in errors))
        self.errors = errors


def whole_number(value, max_digits: int = 15) -> int | None:
    """``value`` as a whole number ≥ 0, or None when it is not one.

    At most ``max_digits`` digits (no count of people comes near): a string of 5,000 digits
    is refused before ``int()``, which fails past 4,300 digits (a 500, #15), and a number too
    large for any column is refused as well.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if 0 <= value < 10**max_digits else None
    if not isinstance(value, str) or len(value) > 2 * max_digits + 64:
        return None  # longer than any figure written with separators and spaces around
    if WHOLE_TEXT.match(value.strip()):
        digits = re.sub(r"\D", "", value)
        return int(digits) if len(digits) <= max_digits else None
    return None


def clean_figures(
    participation: Participation, raw, *, partial: bool = False
) -> tuple[dict, list[FieldError]]:
    """Check the shape of ``raw`` figures for the unit's groups; return them cleaned.

    ``partial``: a revision of a report, where a group left out (or null) keeps its figures.
    """
    errors: list[FieldError] = []
    figures: dict = {}
    if not isinstance(raw, dict):
        return figures, [FieldError("figures", _("Figures must be given per group."))]
    for key in raw:
        if key not in participation.groups:
            errors.append(FieldError(f"figures.{key}", _("This unit does not report this group.")))
    for key in participation.groups:
        group = raw.get(key)
        if group is None and partial:
            continue  # unchanged: the report keeps this group's figures
        if group is None:
            errors.append(
                FieldError(f"figures.{key}", _("The figures of this group are required."))
            )
            continue
        if not isinstance(group, dict):
            errors.append(FieldError(f"figures.{key}", _("Give with_smartphone and installed.")))
            continue
        for name in group:
            if name not in FIELDS:
                errors.append(FieldError(f"figures.{key}.{name}", _("Unknown figure.")))
        cleaned = {}
        for name in FIELDS:
            if group.get(name) is None or group.get(name) == "":
                errors.append(FieldError(f"figures.{key}.{name}", _("This figure is required.")))
                continue
            number = whole_number(group[name])
            if number is None:
                errors.append(
                    FieldError(f"figures.{key}.{name}", _("Enter a whole number, 0 or more."))
                )
            elif number > 10**9:
                errors.append(FieldError(f"figures.{key}.{name}", _("This number is too large.")))
            else:
                cleaned[name] = number
        if len(cleaned) == 2 and cleaned["installed"] > cleaned["with_smartphone"]:
            errors.append(
                FieldError(
                    f"figures.{key}.installed",
                    _("Installed cannot be more than the number with a smartphone."),
                )
            )
        figures[key] = cleaned
    return figures, errors


def clean_activities(participation: Participation, raw) -> tuple[dict, list[FieldError]]:
    """The day's activity counts: whole numbers ≥ 0, only the unit's declared activities.

    Only the counts given: an activity left out, null or blank is not mentioned (a revision
    keeps its earlier count); 0 is a count."""
    if raw is None:
        return {}, []
    if not isinstance(raw, dict):
        return {}, [FieldError("activities", _("Activities must be given as counts per activity."))]
    errors, cleaned = [], {}
    for key, value in raw.items():
        if key not in participation.activities:
            errors.append(
                FieldError(f"activities.{key}", _("This unit does not report this activity."))
            )
            continue
        if value is None or value == "":
            continue  # not reported today
        number = whole_number(value)
        if number is None:
            errors.append(FieldError(f"activities.{key}", _("Enter a whole number, 0 or more.")))
        elif number > 10**9:
            errors.append(FieldError(f"activities.{key}", _("This number is too large.")))
        else:
            cleaned[key] = number
    return cleaned, errors


def check_date(campaign: Campaign, day: date) -> list[FieldError]:
    fmt = "d/m/Y"
    if day < campaign.start:
        msg = _("The campaign's first reporting day is %(day)s.")
        return [FieldError("date", msg % {"day": date_format(campaign.start, fmt)})]
    if day > campaign.end:
        msg = _("The campaign's last reporting day is %(day)s.")
        return [FieldError("date", msg % {"day": date_format(campaign.end, fmt)})]
    if day > campaign.today():
        return [FieldError("date", _("A report cannot be made for a day that has not come yet."))]
    return []


def check_expected(participation: Participation, day: date) -> list[FieldError]:
    """The unit is expected on ``day``: it had joined and had not left the campaign."""
    fmt = "d/m/Y"
    if day < participation.active_from:
        msg = _("This unit reports from %(day)s.")
        return [FieldError("date", msg % {"day": date_format(participation.active_from, fmt)})]
    if participation.active_until is not None and day > participation.active_until:
        msg = _("This unit no longer reports in this campaign after %(day)s.")
        return [FieldError("unit", msg % {"day": date_format(participation.active_until, fmt)})]
    return []


class Recent(NamedTuple):
    """A unit's reports around a day: the day's own, the latest earlier one (the figures a new
    one may not go below) and the next later one (the figures it may not go above)."""

    report: Report | None
    previous: Report | None
    later: Report | None


def recent_reports(campaign: Campaign, unit: Unit, day: date) -> Recent:
    """The unit's reports around ``day`` (``Recent``), in one query: the two latest dated
    ``day`` or before and the first one after, hand-written as every submission runs it
    (#7, uptake/lib/rawrows.py)."""
    params = [campaign.pk, unit.pk, day, campaign.pk, unit.pk, day]
    rows = rawrows.select(_recent_sql(), params, _columns()[0])
    return _around([found for (found,) in rows], day)


@dataclass
class Submission:
    """What a submission reads before it writes (see ``find_submission``)."""

    participation: Participation  # with its campaign and its unit
    day: date
    report: Report | None  # the unit's report of the day, if it has one
    previous: Report | None  # its latest report of an earlier day
    later: Report | None = None  # its first report of a later day

    def of(self, campaign: Campaign, unit: Unit, day: date) -> bool:
        """Whether this was read for ``unit``'s report of ``day`` in ``campaign``."""
        p = self.participation
        return (p.campaign_id, p.unit_id, self.day) == (campaign.pk, unit.pk, day)

    @property
    def recent(self) -> Recent:
        return Recent(self.report, self.previous, self.later)


def find_submission(slug: str, code: str, day: date) -> Submission | None:
    """The participation of the unit ``code`` in the campaign ``slug`` with the campaign, the
    unit and its ``recent_reports`` around ``day``, in one hand-written query (#7: every
    report through the API reads them); None when the unit does not report in such a
    campaign."""
    rows = rawrows.select(_find_sql(), [day, day, slug, code], *_columns())
    if not rows:
        return None
    _report, found, found.campaign, found.unit = rows[0]
    recent = _around([row[0] for row in rows if row[0] is not None], day)
    return Submission(found, day, *recent)


def _around(reports: list[Report], day: date) -> Recent:
    """``Recent`` from up to three reports, newest first: the first after ``day`` (if any),
    then the latest of ``day`` or before."""
    later = reports.pop(0) if reports and reports[0].date > day else None
    report = reports.pop(0) if reports and reports[0].date == day else None
    return Recent(report, reports[0] if reports else None, later)


@functools.cache
def _columns() -> tuple[rawrows.Columns, ...]:
    # Not the campaign's ``source``: the file as loaded, which a submission does not read.
    campaign = [f.attname for f in Campaign._meta.concrete_fields if f.name != "source"]
    return (
        rawrows.Columns(Report, "r"),
        rawrows.Columns(Participation, "p"),
        rawrows.Columns(Campaign, "c", campaign),
        rawrows.Columns(Unit, "u"),
    )


# The reports around a day: those of the day or before, or the first after it (its date
# found in the unique constraint's index, campaign, unit, date), newest first. Three rows
# hold the next later one, the day's and the previous one.
_AROUND = (
    "(r.date <= %s OR r.date = (SELECT MIN(n.date) FROM {table} n"
    " WHERE n.campaign_id = {campaign} AND n.unit_id = {unit} AND n.date > %s))"
)


@functools.cache
def _recent_sql() -> str:
    report, table = _columns()[0], Report._meta.db_table
    around = _AROUND.format(table=table, campaign="%s", unit="%s")
    return (
        f"SELECT {report.sql} FROM {table} r"
        f" WHERE r.campaign_id = %s AND r.unit_id = %s AND {around}"
        f" ORDER BY r.date DESC LIMIT 3"
    )


@functools.cache
def _find_sql() -> str:
    report, participation, campaign, unit = _columns()
    table = Report._meta.db_table
    around = _AROUND.format(table=table, campaign="p.campaign_id", unit="p.unit_id")
    return (
        f"SELECT {report.sql}, {participation.sql}, {campaign.sql}, {unit.sql}"
        f" FROM {Participation._meta.db_table} p"
        f" INNER JOIN {Campaign._meta.db_table} c ON c.id = p.campaign_id"
        f" INNER JOIN {Unit._meta.db_table} u ON u.id = p.unit_id"
        f" LEFT OUTER JOIN {table} r"
        f" ON r.campaign_id = p.campaign_id AND r.unit_id = p.unit_id AND {around}"
        f" WHERE c.slug = %s AND u.code = %s ORDER BY r.date DESC LIMIT 3"
    )


def _n(value: int) -> str:
    """5.200 in Vietnamese, 5,200 in English (the pages' own ``num``)."""
    return num(value)


def check_decrease(previous: Report | None, figures: dict, note: str) -> list[FieldError]:
    """Installed below the unit's latest earlier report needs a note explaining it."""
    if previous is None or note.strip():
        return []
    errors = []
    for key, group in figures.items():
        before = (previous.figures.get(key) or {}).get("installed")
        if before is not None and "installed" in group and group["installed"] < before:
            msg = _(
                "Lower than the %(before)s reported for %(day)s: "
                "explain the correction in the note."
            )
            errors.append(
                FieldError(
                    f"figures.{key}.installed",
                    msg % {"before": _n(before), "day": date_format(previous.date, "d/m/Y")},
                )
            )
    return errors


def check_later(later: Report | None, figures: dict, note: str) -> list[FieldError]:
    """A report for a past day fits below the unit's next later report: installed above it
    (the later day would then read as a decrease) needs a note explaining it. Stored with
    its note, the later day is flagged as a decrease by the data-quality rules."""
    if later is None or note.strip():
        return []
    errors = []
    for key, group in figures.items():
        after = (later.figures.get(key) or {}).get("installed")
        if after is not None and "installed" in group and group["installed"] > after:
            msg = _(
                "Higher than the %(after)s already reported for a later day, %(day)s: "
                "explain it in the note."
            )
            errors.append(
                FieldError(
                    f"figures.{key}.installed",
                    msg % {"after": _n(after), "day": date_format(later.date, "d/m/Y")},
                )
            )
    return errors


def check_received_at(
    campaign: Campaign,
    day: date,
    received_at: datetime,
    now: datetime,
    on_behalf: bool,
    note: str,
) -> list[FieldError]:
    """When the unit sent figures entered on its behalf: not in the future, not before the
    day, and more than ``BACKDATE_GRACE`` before the entry only with a note saying why."""
    if not on_behalf:
        return [FieldError("received_at", _("Only figures entered on behalf have one."))]
    if received_at > now:
        return [FieldError("received_at", _("This time has not come yet."))]
    if received_at.astimezone(campaign.tz).date() < day:
        return [FieldError("received_at", _("Figures for a day cannot arrive before that day."))]
    if received_at < now - BACKDATE_GRACE and not note:
        msg = _(
            "Received at %(received)s, more than %(minutes)s minutes before this entry "
            "(%(entered)s): say in the note why it is entered later."
        )
        values = {
            "received": date_format(received_at.astimezone(campaign.tz), "H:i d/m/Y"),
            "entered": date_format(now.astimezone(campaign.tz), "H:i d/m/Y"),
            "minutes": int(BACKDATE_GRACE.total_seconds() // 60),
        }
        return [FieldError("received_at", msg % values)]
    return []


def submit_report(
    *,
    campaign: Campaign,
    unit: Unit,
    day: date,
    figures,
    user,
    activities=None,
    note: str = "",
    on_behalf: bool = False,
    source: str = "",
    received_at: datetime | None = None,
    via: str = "web",
    at: datetime | None = None,
    read: Submission | None = None,
) -> Report:
    """Store a report (or a new revision of it) after checking every rule.

    Raises PermissionDenied when the user may not submit for the unit, ReportInvalid with
    every offending field when a rule is broken. Either way nothing is written.
    ``at`` is the moment of submission: now, except for importers and the demo's history.
    ``read``: what ``find_submission`` read for this unit and day, when the caller has it
    (the API), so as not to read it again.

    A revision keeps what it does not mention: a group left out of ``figures`` keeps its
    figures, an activity left out of ``activities`` (or ``activities`` left out) its count.
    The note is the submission's own: it explains this revision only.
    """
    profile = profile_of(user)
    if not profile.can_submit(unit):
        raise SubmitDenied("unit", _("You may not submit figures for this unit."))
    if on_behalf and not profile.enters_on_behalf:
        raise SubmitDenied("on_behalf", _("Only coordinators enter figures on behalf of a unit."))

    now = at or timezone.now()
    note = (note or "").strip()
    source = (source or "").strip()
    if received_at is not None and timezone.is_naive(received_at):
        # A clock time without an offset is the campaign's clock.
        received_at = received_at.replace(tzinfo=campaign.tz)
    errors: list[FieldError] = check_date(campaign, day)
    recent = None
    if read is not None and read.of(campaign, unit, day):
        participation, recent = read.participation, read.recent
    else:
        # A slice, not first(): (campaign, unit) is unique, an ORDER BY would only cost (#7).
        participation = next(iter(campaign.participations.filter(unit=unit)[:1]), None)
    if participation is None:
        raise ReportInvalid([FieldError("unit", _("This unit does not report in this campaign."))])
    if not errors:
        errors += check_expected(participation, day)
    # The day's report decides whether a group may be left out (a revision keeps it).
    report, previous, later = recent or recent_reports(campaign, unit, day)
    cleaned, figure_errors = clean_figures(participation, figures, partial=report is not None)
    errors += figure_errors
    counts, activity_errors = clean_activities(participation, activities)
    errors += activity_errors
    if len(note) > NOTE_MAX:
        errors.append(FieldError("note", _("The note is too long.")))
    if on_behalf and not source:
        errors.append(FieldError("source", _("Say how the unit sent its figures.")))
    if received_at is not None:
        errors += check_received_at(campaign, day, received_at, now, on_behalf, note)
    _raise_if(errors)

    arrived = received_at or now
    # Checked against the latest earlier day, for a first revision and a correction alike:
    # a revision cannot drop below yesterday's figures without its own note; nor, for a
    # past day, rise above what a later day already reported.
    _raise_if(check_decrease(previous, cleaned, note) + check_later(later, cleaned, note))

    def written(report: Report, before: dict | None) -> tuple[Revision, dict]:
        """The revision row of ``report``'s latest revision, and its audit entry's values."""
        revision = Revision(
            report=report,
            number=report.revision,
            figures=report.figures,
            activities=report.activities,
            note=note,
            submitted_by=user,
            submitted_at=now,
            on_behalf=on_behalf,
            source=source,
            received_at=received_at,
            via=via,
        )
        audit = {
            "actor": user,
            "action": "report.revise" if before else "report.submit",
            "object_type": "report",
            "object_id": report.pk,  # a new report's: set by insert_family
            "at": now,
            "before": before,
            "after": {
                "campaign": campaign.slug,
                "unit": unit.code,
                "date": day.isoformat(),
                "revision": report.revision,
                "figures": report.figures,
                "activities": report.activities,
                "note": note,
                "on_behalf": on_behalf,
                "source": source,
            },
        }
        return revision, audit

    if report is None:
        report = Report(
            campaign=campaign,
            unit=unit,
            date=day,
            status=campaign.status_at(day, arrived),
            first_submitted_at=arrived,
            revision=1,
            submitted_at=now,
            figures=cleaned,
            activities=counts,
            note=note,
        )
        revision, audit = written(report, None)
        # The report, its revision 1 and its audit entry together (one statement on
        # PostgreSQL, #7), or nothing when another submission created the report first.
        children = [(revision, "report"), (audit_entry(**audit), "object_id")]
        if rawrows.insert_family(report, children, unique=("campaign", "unit", "date")):
            return report
    with transaction.atomic():
        # Locked and read again: the revisions of a report are numbered one after another.
        report = _locked_report(campaign, unit, day)
        if at is None:
            # The report's lock is ours: after any revision that got it first, in order.
            now = timezone.now()
        before = {"figures": report.figures, "activities": report.activities, "note": report.note}
        report.revision += 1
        # What this revision does not mention stays as the latest revision left it.
        report.figures = {
            key: cleaned[key] if key in cleaned else report.figures[key]
            for key in participation.groups
            if key in cleaned or key in (report.figures or {})
        }
        report.activities = {**(report.activities or {}), **counts}
        report.note = note
        report.submitted_at = now
        report.save(update_fields=["revision", "figures", "activities", "note", "submitted_at"])
        revision, audit = written(report, before)
        rawrows.insert(revision)
        log_action(**audit)
    return report


def _raise_if(errors: list[FieldError]) -> None:
    if errors:
        raise ReportInvalid(errors)


def _locked_report(campaign: Campaign, unit: Unit, day: date) -> Report | None:
    # A slice, not first(): (campaign, unit, date) is unique, an ORDER BY would only cost.
    locked = Report.objects.select_for_update().filter(campaign=campaign, unit=unit, date=day)[:1]
    return next(iter(locked), None)
