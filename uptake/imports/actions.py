"""Figures in bulk: a day's workbook or a pasted message, checked row by row by the same rules
as a report (``submit_report``) and stored all or nothing. Shared by the page, the API and the
bench.

Each row is an entry on behalf of its unit (source "Excel: <file>" or "Tin nhắn", kept in the
revision's history). A row whose figures are all empty is ``skipped``; a row equal to the
unit's latest revision for that day is ``unchanged`` and adds no revision (the same file sent
twice stores nothing the second time); a row in error is ``error``; the others are ``ok``. One
row in error, or a dry run, stores nothing: every row runs through ``submit_report`` inside one
transaction that is then rolled back, so the preview tells exactly what storing would do.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from uptake.campaigns.models import Campaign, Participation
from uptake.campaigns.scope import Scope
from uptake.imports import message, sheet
from uptake.imports.sheet import CellError, CellInvalid, FileRefused
from uptake.reports.actions import ReportInvalid, SubmitDenied, check_date, submit_report
from uptake.reports.models import Report
from uptake.units.models import Unit

VIA = "import"
SOURCE_TEXT = "Tin nhắn"
OK, UNCHANGED, SKIPPED, ERROR = "ok", "unchanged", "skipped", "error"

__all__ = ["FileRefused", "ImportDenied", "Outcome", "import_file", "import_text"]


class ImportDenied(PermissionDenied):
    """Only coordinators and admins import figures (as entries on behalf of the units)."""


@dataclass
class Entry:
    """One row (or line) before the rules: what it says, and what could not be read."""

    row: int
    code: str = ""
    name: str = ""
    figures: dict = field(default_factory=dict)
    activities: dict = field(default_factory=dict)
    note: str = ""
    received_at: datetime | None = None
    errors: list[CellError] = field(default_factory=list)
    letters: dict = field(default_factory=dict)  # column key -> letter (workbooks)
    text: str = ""  # the line itself (messages)

    def error(self, field_name: str, msg: str) -> None:
        self.errors.append(CellError(field_name, msg, self.row, self.letter(field_name)))

    def letter(self, field_name: str) -> str:
        if field_name in self.letters:
            return self.letters[field_name]
        parts = field_name.split(".")
        if parts[0] == "figures" and len(parts) == 2:  # a group: its first column
            return self.letters.get(f"{field_name}.with_smartphone", "")
        return ""

    @property
    def empty(self) -> bool:
        return not self.figures and not self.activities


@dataclass
class RowResult:
    row: int
    unit: str
    name: str
    status: str
    errors: list[CellError] = field(default_factory=list)
    figures: dict = field(default_factory=dict)
    activities: dict = field(default_factory=dict)
    note: str = ""
    text: str = ""

    def as_dict(self) -> dict:
        return {
            "row": self.row,
            "unit": self.unit,
            "status": self.status,
            "errors": [{k: v for k, v in e.as_dict().items() if k != "row"} for e in self.errors],
        }


@dataclass
class Outcome:
    rows: list[RowResult]
    stored: int
    dry_run: bool

    def count(self, status: str) -> int:
        return sum(1 for r in self.rows if r.status == status)

    @property
    def has_errors(self) -> bool:
        return any(r.status == ERROR for r in self.rows)

    @property
    def to_store(self) -> int:
        return self.count(OK)

    def as_dict(self) -> dict:
        return {
            "rows": [r.as_dict() for r in self.rows],
            "stored": self.stored,
            "dry_run": self.dry_run,
        }


def scope_for_import(user, campaign: Campaign) -> Scope:
    scope = Scope.of(user, campaign)
    if not scope.coordinates or not scope.takes_part:
        raise ImportDenied(_("Only coordinators import figures, for the units under them."))
    return scope


def check_day(campaign: Campaign, day: date) -> None:
    errors = check_date(campaign, day)
    if errors:
        raise FileRefused([CellError("date", e.message) for e in errors])


# --- a workbook ------------------------------------------------------------------------------


def entries_from_sheet(read: sheet.Sheet, campaign: Campaign, day: date) -> list[Entry]:
    tz = campaign.tz
    entries = []
    for line in read.lines:
        entry = Entry(line.number, letters=line.letters)
        cells = line.cells
        try:
            entry.code = sheet.text(cells.get("unit"))
        except CellInvalid as exc:
            entry.error("unit", str(exc))
        try:
            entry.name = sheet.text(cells.get("name"))
        except CellInvalid:
            entry.name = ""
        for key, value in cells.items():
            kind, _dot, rest = key.partition(".")
            if kind not in ("figures", "activities"):
                continue
            try:
                found = sheet.number(value)
            except CellInvalid as exc:
                entry.error(key, str(exc))
                continue
            if found is None:
                continue
            if kind == "activities":
                entry.activities[rest] = found
            else:
                group, _dot, name = rest.partition(".")
                entry.figures.setdefault(group, {})[name] = found
        try:
            entry.note = sheet.text(cells.get("note"))
        except CellInvalid as exc:
            entry.error("note", str(exc))
        try:
            entry.received_at = sheet.received(cells.get("received_at"), day, tz)
        except CellInvalid as exc:
            entry.error("received_at", str(exc))
        if not entry.code and not entry.name and entry.empty and not entry.errors:
            continue  # a row with nothing at all
        entries.append(entry)
    return entries


def import_file(
    *, campaign: Campaign, user, day: date, data: bytes, filename: str, dry_run: bool = True
) -> Outcome:
    """Check (and unless ``dry_run``, store) a day's workbook or its .csv. ``FileRefused`` when
    the file as a whole cannot be read; ``ImportDenied`` for anyone but a coordinator."""
    scope = scope_for_import(user, campaign)
    check_day(campaign, day)
    read = sheet.read(data, filename, campaign)
    if read.day is not None and read.day != day:
        raise FileRefused(
            [
                CellError(
                    "date",
                    _(
                        "This workbook is for %(file)s, the import for %(day)s: download the "
                        "template of the day, or choose its day."
                    )
                    % {
                        "file": date_format(read.day, "d/m/Y"),
                        "day": date_format(day, "d/m/Y"),
                    },
                    1,
                    "A",
                )
            ]
        )
    entries = entries_from_sheet(read, campaign, day)
    source = f"Excel: {(filename or '').strip()}"[:200]
    return run(scope, user, day, entries, source=source, dry_run=dry_run)


# --- a message -------------------------------------------------------------------------------


def import_text(*, campaign: Campaign, user, day: date, text: str, dry_run: bool = True) -> Outcome:
    """Check (and unless ``dry_run``, store) a pasted message, one unit per line."""
    scope = scope_for_import(user, campaign)
    check_day(campaign, day)
    if len(text) > message.MAX_CHARS:
        raise FileRefused(
            [CellError("text", _("The message is too long: paste a district at a time."))]
        )
    if not text.strip():
        raise FileRefused([CellError("text", _("Paste the message first."))])
    reader = message.Reader(campaign, importable(scope, day))
    entries = []
    for parsed in reader.read(text):
        entry = Entry(
            parsed.number,
            code=parsed.unit_code,
            figures=parsed.figures,
            activities=parsed.activities,
            note=parsed.note,
            text=parsed.text,
        )
        for field_name, msg in parsed.errors:
            entry.error(field_name, msg)
        entries.append(entry)
    if not entries:
        raise FileRefused([CellError("text", _("No line of the message has figures."))])
    return run(scope, user, day, entries, source=SOURCE_TEXT, dry_run=dry_run)


def importable(scope: Scope, day: date, root: Unit | None = None) -> list[Participation]:
    """The participations a person may import for on ``day``, under ``root`` (every root of
    theirs when None), in the tree's order."""
    roots = [root] if root is not None else scope.roots
    found = []
    for top in roots:
        found += (
            scope.campaign.participations_on(day)
            .filter(unit__path__startswith=top.path)
            .select_related("unit")
            .order_by("unit__path")
        )
    return [p for p in found if scope.may_submit(p.unit)]


# --- the rules -------------------------------------------------------------------------------


def _unchanged(entry: Entry, report: Report | None) -> bool:
    """The row says what the unit's latest revision of the day already says."""
    if report is None:
        return False
    for key, values in entry.figures.items():
        if (report.figures or {}).get(key) != values:
            return False
    for key, count in entry.activities.items():
        if (report.activities or {}).get(key) != count:
            return False
    return not entry.note or entry.note == report.note


def run(
    scope: Scope, user, day: date, entries: list[Entry], *, source: str, dry_run: bool
) -> Outcome:
    campaign = scope.campaign
    codes = {e.code for e in entries if e.code}
    units = {u.code: u for u in Unit.objects.filter(code__in=codes)}
    # A unit named in the message by its name: found by the reader, code set.
    participations = {
        p.unit_id: p
        for p in Participation.objects.filter(campaign=campaign, unit__in=units.values())
    }
    reports = {
        r.unit_id: r
        for r in Report.objects.filter(campaign=campaign, date=day, unit__in=units.values())
    }
    results: list[RowResult] = []
    pending: list[tuple[Entry, RowResult, Unit]] = []
    first_row: dict[str, int] = {}
    for entry in entries:
        unit = units.get(entry.code)
        result = RowResult(
            entry.row,
            entry.code,
            unit.name if unit else entry.name,
            ERROR,
            figures=entry.figures,
            activities=entry.activities,
            note=entry.note,
            text=entry.text,
        )
        results.append(result)
        if not entry.code:
            if not any(e.field == "unit" for e in entry.errors):
                entry.error("unit", _("Write the unit's code."))
        elif unit is None:
            entry.error("unit", _("No unit has the code %(code)s.") % {"code": entry.code})
        elif unit.pk not in participations:
            entry.error("unit", _("This unit does not report in this campaign."))
        elif not scope.may_submit(unit):
            entry.error("unit", _("This unit is outside the units you import for."))
        elif entry.code in first_row:
            entry.error(
                "unit",
                _("This unit is already in row %(row)s: one row per unit.")
                % {"row": first_row[entry.code]},
            )
        if entry.code and entry.code not in first_row:
            first_row[entry.code] = entry.row
        result.errors = entry.errors
        if entry.errors:
            continue
        if entry.empty:
            result.status = SKIPPED
        elif _unchanged(entry, reports.get(unit.pk)):
            result.status = UNCHANGED
        else:
            pending.append((entry, result, unit))

    stored = 0
    with transaction.atomic():
        for entry, result, unit in pending:
            try:
                with transaction.atomic():
                    submit_report(
                        campaign=campaign,
                        unit=unit,
                        day=day,
                        figures=entry.figures,
                        activities=entry.activities or None,
                        note=entry.note,
                        user=user,
                        on_behalf=True,
                        source=source,
                        received_at=entry.received_at,
                        via=VIA,
                    )
            except ReportInvalid as exc:
                for e in exc.errors:
                    entry.error(e.field, e.message)
            except SubmitDenied as exc:
                entry.error(exc.field, exc.message)
            else:
                result.status = OK
        outcome = Outcome(results, 0, dry_run)
        if dry_run or outcome.has_errors:
            transaction.set_rollback(True)
        else:
            stored = outcome.count(OK)
    outcome.stored = stored
    return outcome
