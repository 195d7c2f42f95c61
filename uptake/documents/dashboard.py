"""What the dashboard shows for a campaign and one of its units (the root by default):
per group the figure against the target, days left and the projection; today's reporting;
the chart; a row per district (province campaigns); the units ranked by distance to target;
the units whose projection misses the target.

A constant number of queries: the summary (#2), the progress by day and the districts' names.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.utils.translation import gettext as _

from uptake.campaigns.models import Campaign, Group
from uptake.documents.charts import Series, percent_chart
from uptake.documents.progress import Progress
from uptake.documents.projection import AT_RISK, WINDOW, Projection, project
from uptake.documents.snapshot import area_of
from uptake.reports.summary import GroupFigures, Summary, UnitRow, build_summary
from uptake.units.models import Unit


@dataclass
class GroupCard:
    group: Group
    figures: GroupFigures
    projection: Projection


@dataclass
class UnitLine:
    unit: Unit
    row: UnitRow | None
    groups: list[tuple[Group, GroupFigures | None, Projection | None]]
    gap: float  # the largest distance below target among its groups, in percentage points
    counts: dict = field(default_factory=dict)  # reporting counts (districts)

    @property
    def risky(self) -> list[tuple[Group, GroupFigures | None, Projection]]:
        """The groups whose projection is at risk."""
        return [(g, f, p) for g, f, p in self.groups if p is not None and p.status == AT_RISK]

    @property
    def at_risk(self) -> bool:
        return bool(self.risky)


@dataclass
class Dashboard:
    campaign: Campaign
    unit: Unit
    day: date
    summary: Summary
    cards: list[GroupCard]
    days_left: int
    chart: str
    chart_phone: str  # the same chart drawn for a phone's width (#17)
    areas: list[UnitLine]
    ranked: list[UnitLine]

    @property
    def at_risk(self) -> list[UnitLine]:
        return [line for line in self.ranked if line.at_risk]

    @property
    def counts(self) -> dict:
        return self.summary.counts

    @property
    def on_time_share(self) -> float | None:
        counts = self.counts
        return (
            round(100 * counts["on_time"] / counts["expected"], 1) if counts["expected"] else None
        )

    @property
    def window(self) -> int:
        return WINDOW


def _gap(figures: GroupFigures | None, target: float) -> float:
    if figures is None:
        return 0.0
    current = figures.percent if figures.percent is not None else 0.0
    return max(0.0, target - current)


def build_dashboard(campaign: Campaign, unit: Unit, day: date) -> Dashboard:
    summary = build_summary(campaign, day, unit)
    progress = Progress.build(campaign, day, unit)
    groups = summary.groups
    targets = {g.key: float(g.target_percent) for g in groups}
    target_date = campaign.target_date

    # A total's percents carry its units' figures: project() projects it from the units.
    totals = progress.percents()
    cards = [
        GroupCard(
            g, summary.totals[g.key], project(totals[g.key], day, target_date, targets[g.key])
        )
        for g in groups
    ]
    chart_series = [Series(g.name, targets[g.key], totals[g.key]) for g in groups]
    labels = {"target_label": _("Target"), "deadline_label": _("Target date"), "title": unit.name}
    chart = percent_chart(progress.days, chart_series, target_date, **labels)
    chart_phone = percent_chart(
        progress.days, chart_series, target_date, width=340, height=380, compact=True, **labels
    )

    by_unit = {up.unit.pk: up for up in progress.units}
    ranked = []
    for row in summary.rows:
        up = by_unit.get(row.unit.pk)
        line_groups = []
        for g in groups:
            figures = row.groups.get(g.key)
            proj = None
            if figures is not None and up is not None:
                proj = project(up.percents(g.key), day, target_date, targets[g.key])
            line_groups.append((g, figures, proj))
        gap = max((_gap(f, targets[g.key]) for g, f, _p in line_groups if f is not None), default=0)
        ranked.append(UnitLine(row.unit, row, line_groups, gap))
    ranked.sort(key=lambda line: (-line.gap, line.unit.path))

    # A province: a row per district (the unit's children with participating units below).
    area_codes = []
    for row in summary.rows:
        code = area_of(row.unit, unit)
        if code is not None and code not in area_codes:
            area_codes.append(code)
    areas = []
    if area_codes:
        area_units = {u.code: u for u in Unit.objects.filter(code__in=area_codes)}
        for code in area_codes:
            area = area_units[code]
            rows = [r for r in summary.rows if r.unit.path.startswith(area.path)]
            area_totals = progress.percents(area)
            line_groups = []
            for g in groups:
                ws = sum(r.groups[g.key].with_smartphone or 0 for r in rows if g.key in r.groups)
                inst = sum(r.groups[g.key].installed or 0 for r in rows if g.key in r.groups)
                reporting = any(g.key in r.groups for r in rows)
                figures = GroupFigures(g.key, ws, inst, targets[g.key]) if reporting else None
                proj = (
                    project(area_totals[g.key], day, target_date, targets[g.key])
                    if reporting
                    else None
                )
                line_groups.append((g, figures, proj))
            counts = {"expected": len(rows), "on_time": 0, "late": 0, "missing": 0}
            for r in rows:
                counts[r.status] += 1
            gap = max(
                (_gap(f, targets[g.key]) for g, f, _p in line_groups if f is not None), default=0
            )
            areas.append(UnitLine(area, None, line_groups, gap, counts))
    return Dashboard(
        campaign=campaign,
        unit=unit,
        day=day,
        summary=summary,
        cards=cards,
        days_left=(target_date - campaign.today()).days,
        chart=chart,
        chart_phone=chart_phone,
        areas=areas,
        ranked=ranked,
    )
