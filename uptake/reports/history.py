"""A unit's reports day by day (with the daily increase), what each revision changed and how
it arrived (received by phone at one time, entered at another, by whom)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.utils.translation import gettext as _

from uptake.campaigns.models import Activity, Campaign, Group, Participation, Status
from uptake.reports.actions import BACKDATE_GRACE, FIELDS
from uptake.reports.models import Report, Revision
from uptake.reports.summary import GroupFigures


@dataclass
class DayGroup:
    """One group's figures on one day (None without a report), with the increase of
    ``installed`` since the latest earlier report."""

    group: Group
    figures: GroupFigures | None
    increase: int | None


@dataclass
class Day:
    date: date
    status: str  # on_time | late | missing | "" (the unit was not expected that day)
    report: Report | None
    groups: list[DayGroup] = field(default_factory=list)


def last_day(campaign: Campaign) -> date:
    """The last day with anything to show: today, or the campaign's end when it is over."""
    return max(campaign.start, min(campaign.end, campaign.today()))


def expected_on(participation: Participation, day: date) -> bool:
    return participation.active_from <= day and (
        participation.active_until is None or day <= participation.active_until
    )


def daily_history(
    campaign: Campaign,
    participation: Participation,
    groups: list[Group],
    reports: list[Report],
) -> list[Day]:
    """Every day from the campaign's start to ``last_day``, newest first.

    The increase compares ``installed`` with the latest earlier report (a day without a report
    carries the figures before it forward, so the day after a gap shows the gap's growth).
    """
    by_date = {r.date: r for r in reports}
    groups = [g for g in groups if g.key in participation.groups]
    carried: dict[str, int] = {}
    days = []
    day, end = campaign.start, last_day(campaign)
    while day <= end:
        report = by_date.get(day)
        if report is not None:
            status = report.status
        else:
            status = Status.MISSING if expected_on(participation, day) else ""
        entry = Day(day, status, report)
        for g in groups:
            if report is None:
                entry.groups.append(DayGroup(g, None, None))
                continue
            numbers = report.figures.get(g.key) or {}
            installed = numbers.get("installed")
            before = carried.get(g.key)
            increase = None if installed is None or before is None else installed - before
            figures = GroupFigures(
                g.key, numbers.get("with_smartphone"), installed, float(g.target_percent)
            )
            entry.groups.append(DayGroup(g, figures, increase))
            if installed is not None:
                carried[g.key] = installed
        days.append(entry)
        day += timedelta(days=1)
    return days[::-1]


@dataclass
class Change:
    label: str
    before: object
    after: object

    @property
    def delta(self) -> int | None:
        if isinstance(self.before, int) and isinstance(self.after, int):
            return self.after - self.before
        return None


def revision_changes(
    before: Revision | None,
    after: Revision,
    groups: list[Group],
    activities: list[Activity],
) -> list[Change]:
    """What ``after`` changed from the revision ``before`` it: figures, activities, note."""
    if before is None:
        return []
    labels = {"with_smartphone": _("with a smartphone"), "installed": _("installed")}
    changes = []
    for g in groups:
        old, new = before.figures.get(g.key) or {}, after.figures.get(g.key) or {}
        for name in FIELDS:
            if old.get(name) != new.get(name):
                changes.append(Change(f"{g.name}: {labels[name]}", old.get(name), new.get(name)))
    for a in activities:
        old, new = before.activities.get(a.key), after.activities.get(a.key)
        if old != new:
            changes.append(Change(a.name, old, new))
    if before.note != after.note:
        changes.append(Change(_("Note"), before.note, after.note))
    return changes


@dataclass
class Arrival:
    """How a revision came in. Entered on behalf of the unit, it has two times: when the unit
    sent its figures (``received_at``: by phone at 15:30) and when the coordinator typed them
    in (``entered_at``: 17:10, by ``entered_by``); otherwise the unit sent them itself."""

    entered_at: datetime
    entered_by: str
    on_behalf: bool
    source: str
    received_at: datetime | None

    @property
    def delay(self) -> timedelta | None:
        """How long after it was received it was entered, when longer than the grace."""
        if self.received_at is None:
            return None
        delay = self.entered_at - self.received_at
        return delay if delay > BACKDATE_GRACE else None

    @property
    def delay_text(self) -> str:
        """ "1 h 40 min" ("1 giờ 40 phút"), "40 min"; empty without a delay."""
        if self.delay is None:
            return ""
        minutes = int(self.delay.total_seconds() // 60)
        return duration_text(minutes)


def arrival(rev: Revision) -> Arrival:
    user = rev.submitted_by
    by = (user.get_full_name() or user.username) if user is not None else _("unknown user")
    return Arrival(
        entered_at=rev.submitted_at,
        entered_by=by,
        on_behalf=rev.on_behalf,
        source=rev.source,
        received_at=rev.received_at if rev.on_behalf else None,
    )


def duration_text(minutes: int) -> str:
    """A duration in whole minutes as read: "39 min" under an hour, "2 h 5 min" from one
    hour ("39 phút", "2 giờ 5 phút" in Vietnamese), never "0 h 39 min"."""
    hours, minutes = divmod(max(minutes, 0), 60)
    if not hours:
        return _("%(minutes)s min") % {"minutes": minutes}
    return _("%(hours)s h %(minutes)s min") % {"hours": hours, "minutes": minutes}
