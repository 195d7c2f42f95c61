"""Where a unit will stand on the target date if it keeps its recent pace.

The method (shown on the dashboard, backtested by bench/backtest_projection.py):
take the percent of each of the last ``WINDOW`` days up to the day in question (a day without a
report carries the latest figures forward), fit a straight line through them by least squares,
and extend it to the target date. The result is capped at 100% and never below 0%.
Fewer than two known days give no slope: the projection is the current percent.

Marked ``met`` when the current percent already reaches the target, ``on_track`` when the
projection reaches it by the target date, ``at_risk`` otherwise (and when nothing is known).

A total (a district, a province) is projected from its units' own projections, not from a line
through the total's percent: each unit's projected percent times its number with a smartphone
gives its projected installed; the total's projection is the sum of those over the sum of the
units' numbers with a smartphone (``project_total``). A line through the total's percent goes
wrong when the units do not all report from the first day: the denominator grows as they start,
and the total's percent falls or rises with who has reported, not with installs (on the demo,
the district's staff were projected to fall from 85.5% to 83.9%). The units' targets are the
directive's targets (each unit must reach them), so a total is ``on_track`` only when its
projection reaches the target and none of its units is at risk; it carries how many of its
units are (a unit that has reported nothing yet is one of them).
bench/backtest_projection.py compares both methods with what the units went on to reach.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext_lazy as _

from uptake.reports.models import percent

WINDOW = 4  # days of recent growth the line is fitted to

MET = "met"
ON_TRACK = "on_track"
AT_RISK = "at_risk"
LABELS = {MET: _("Met"), ON_TRACK: _("On track"), AT_RISK: _("At risk")}
LABELS_VI = {MET: "Đã đạt", ON_TRACK: "Kịp tiến độ", AT_RISK: "Có nguy cơ không đạt"}


@dataclass
class Projection:
    current: float | None
    expected: float | None  # the percent expected at the target date
    slope: float | None  # percentage points a day
    target: float
    status: str
    units: int | None = None  # a total: its units (reporting the group, expected that day)
    units_at_risk: int | None = None  # a total: how many of them are at risk

    @property
    def label(self) -> str:
        return str(LABELS[self.status])

    def as_dict(self) -> dict:
        return {
            "current": self.current,
            "expected": self.expected,
            "slope": self.slope,
            "target_percent": self.target,
            "status": self.status,
            "units": self.units,
            "units_at_risk": self.units_at_risk,
        }


Figures = tuple[int, int]  # (with_smartphone, installed)


class TotalPercents(list):
    """A total's percent by day, oldest first (a plain list of percents for the charts), that
    keeps the figures by day of each of its units, so that ``project()`` projects the total
    from its units (``project_total``) wherever a total's percents are projected."""

    def __init__(self, percents: list[float | None], members: list[list[Figures | None]]):
        super().__init__(percents)
        self.members = members


def fit_slope(points: list[tuple[float, float]]) -> float | None:
    """The least-squares slope of y over x; None for fewer than two distinct x."""
    if len(points) < 2:
        return None
    n = len(points)
    mean_x = sum(x for x, _y in points) / n
    mean_y = sum(y for _x, y in points) / n
    sxx = sum((x - mean_x) ** 2 for x, _y in points)
    if sxx == 0:
        return None
    return sum((x - mean_x) * (y - mean_y) for x, y in points) / sxx


def extrapolate(percents: list[float | None], ahead: int, window: int = WINDOW) -> float | None:
    """The percent ``ahead`` days after the last of ``percents`` (one value a day, oldest first)."""
    recent = percents[-window:]
    points = [(float(i), p) for i, p in enumerate(recent) if p is not None]
    if not points:
        return None
    current = points[-1][1] if recent[-1] is None else recent[-1]
    slope = fit_slope(points)
    if slope is None or ahead <= 0:
        return current
    return round(min(100.0, max(0.0, current + slope * ahead)), 1)


def project(
    percents: list[float | None], day: date, target_date: date, target: float, window: int = WINDOW
) -> Projection:
    """``percents``: one value per day, oldest first, the last one being ``day``; a total's
    (``TotalPercents``) is projected from its units."""
    if isinstance(percents, TotalPercents):
        return project_total(percents.members, day, target_date, target, window)
    known = [p for p in percents if p is not None]
    current = (
        percents[-1] if percents and percents[-1] is not None else (known[-1] if known else None)
    )
    recent = percents[-window:]
    slope = fit_slope([(float(i), p) for i, p in enumerate(recent) if p is not None])
    ahead = (target_date - day).days
    expected = extrapolate(percents, ahead, window)
    if current is not None and current >= target:
        status = MET
    elif expected is not None and expected >= target:
        status = ON_TRACK
    else:
        status = AT_RISK
    return Projection(
        current=current,
        expected=expected,
        slope=round(slope, 2) if slope is not None else None,
        target=target,
        status=status,
    )


def project_total(
    members: list[list[Figures | None]],
    day: date,
    target_date: date,
    target: float,
    window: int = WINDOW,
) -> Projection:
    """A total projected from its units: ``members``, per unit, its figures by day (oldest
    first, the last one being ``day``; None before its first report)."""
    phones = installed = 0
    projected = 0.0
    at_risk = 0
    for figures in members:
        mine = project(
            [percent(f[1], f[0]) if f else None for f in figures], day, target_date, target, window
        )
        at_risk += mine.status == AT_RISK
        latest = next((f for f in reversed(figures) if f), None)
        if latest is None or mine.expected is None:
            continue
        phones += latest[0]
        installed += latest[1]
        projected += mine.expected * latest[0] / 100
    current = percent(installed, phones)
    expected = round(min(100.0, 100 * projected / phones), 1) if phones else None
    ahead = (target_date - day).days
    if current is not None and current >= target:
        status = MET
    elif expected is not None and expected >= target and not at_risk:
        status = ON_TRACK
    else:
        status = AT_RISK
    return Projection(
        current=current,
        expected=expected,
        slope=round((expected - current) / ahead, 2)
        if expected is not None and ahead > 0
        else None,
        target=target,
        status=status,
        units=len(members),
        units_at_risk=at_risk,
    )
