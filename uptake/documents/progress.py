"""Every unit's figures day by day, from the campaign's first day: the charts, the per-group
history sheets and the projection are made from it.

Figures are cumulative: a day without a report carries the unit's latest earlier figures
forward, as the summary does. A unit counts on a day when it was expected that day.
Three queries whatever the number of units: the groups, the participations under the root and
every report under the root up to the day.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from uptake.campaigns.models import Campaign, Group, Status
from uptake.documents.projection import TotalPercents
from uptake.reports.models import Report, percent
from uptake.units.models import Unit


@dataclass
class UnitProgress:
    unit: Unit
    groups: list[str]
    active_from: date
    active_until: date | None
    # Per group, per day (index into Progress.days): (with_smartphone, installed) or None.
    series: dict[str, list[tuple[int, int] | None]] = field(default_factory=dict)
    # Per day: on_time | late | missing, or "" when the unit was not expected that day.
    statuses: list[str] = field(default_factory=list)

    def expected(self, day: date) -> bool:
        return self.active_from <= day and (self.active_until is None or day <= self.active_until)

    def percents(self, key: str) -> list[float | None]:
        return [percent(f[1], f[0]) if f else None for f in self.series.get(key, [])]


@dataclass
class DayTotal:
    date: date
    with_smartphone: int
    installed: int
    expected: int = 0
    on_time: int = 0
    late: int = 0

    @property
    def percent(self) -> float | None:
        return percent(self.installed, self.with_smartphone)

    @property
    def missing(self) -> int:
        return self.expected - self.on_time - self.late


@dataclass
class Progress:
    campaign: Campaign
    root: Unit
    days: list[date]
    groups: list[Group]
    units: list[UnitProgress]  # in the order of the tree (path)

    @classmethod
    def build(cls, campaign: Campaign, day: date, root: Unit | None = None) -> Progress:
        root = root or campaign.root
        groups = list(campaign.groups.all())
        last = max(campaign.start, day)
        days = [campaign.start + timedelta(n) for n in range((last - campaign.start).days + 1)]
        index = {d: i for i, d in enumerate(days)}
        participations = (
            campaign.participations.filter(unit__path__startswith=root.path, active_from__lte=last)
            .select_related("unit")
            .order_by("unit__path")
        )
        units = {
            p.unit_id: UnitProgress(p.unit, list(p.groups), p.active_from, p.active_until)
            for p in participations
        }
        reports: dict[int, dict[int, tuple[str, dict]]] = {}
        rows = Report.objects.filter(
            campaign=campaign,
            date__gte=campaign.start,
            date__lte=last,
            unit__path__startswith=root.path,
        ).values_list("unit_id", "date", "status", "figures")
        for unit_id, d, status, figures in rows:
            if unit_id in units:
                reports.setdefault(unit_id, {})[index[d]] = (status, figures)
        for unit_id, up in units.items():
            mine = reports.get(unit_id, {})
            carried: dict[str, tuple[int, int] | None] = {key: None for key in up.groups}
            up.series = {key: [] for key in up.groups}
            for i, d in enumerate(days):
                report = mine.get(i)
                if report is not None:
                    for key in up.groups:
                        numbers = report[1].get(key) or {}
                        if (
                            numbers.get("with_smartphone") is not None
                            and numbers.get("installed") is not None
                        ):
                            carried[key] = (numbers["with_smartphone"], numbers["installed"])
                for key in up.groups:
                    up.series[key].append(carried[key])
                if report is not None:
                    up.statuses.append(report[0])
                else:
                    up.statuses.append(Status.MISSING if up.expected(d) else "")
        return cls(campaign, root, days, groups, list(units.values()))

    def within(self, unit: Unit) -> list[UnitProgress]:
        return [up for up in self.units if up.unit.path.startswith(unit.path)]

    def totals(self, unit: Unit | None = None) -> dict[str, list[DayTotal]]:
        """Per group, per day: the sum over the units under ``unit`` expected that day."""
        members = self.within(unit) if unit is not None else self.units
        out = {g.key: [DayTotal(d, 0, 0) for d in self.days] for g in self.groups}
        for up in members:
            for i, d in enumerate(self.days):
                if not up.expected(d):
                    continue
                status = up.statuses[i]
                for key, series in up.series.items():
                    if key not in out:
                        continue
                    total = out[key][i]
                    total.expected += 1
                    total.on_time += status == Status.ON_TIME
                    total.late += status == Status.LATE
                    figures = series[i]
                    if figures is not None:
                        total.with_smartphone += figures[0]
                        total.installed += figures[1]
        return out

    def percents(self, unit: Unit | None = None) -> dict[str, TotalPercents]:
        """Per group, the total's percent by day, with the figures of the units expected on the
        last day: ``project()`` projects the total from them (see projection.py)."""
        members = self.within(unit) if unit is not None else self.units
        last = self.days[-1]
        return {
            key: TotalPercents(
                [t.percent for t in days],
                [up.series[key] for up in members if key in up.series and up.expected(last)],
            )
            for key, days in self.totals(unit).items()
        }
