"""Where a unit will stand on the target date if it keeps its recent pace.

The method (shown on the dashboard, backtested by bench/backtest_projection.py):
take the percent of each of the last ``WINDOW`` days up to the day in question (a day without a
report carries the latest figures forward), fit a straight line through them by least squares,
and extend it to the target date. The result is capped at 100% and never below 0%.
Fewer than two known days give no slope: the projection is the current percent.

Marked ``met`` when the current percent already reaches the target, ``on_track`` when the
projection reaches it by the target date, ``at_risk`` otherwise (and when nothing is known).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext_lazy as _

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
        }


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
    """``percents``: one value per day, oldest first, the last one being ``day``."""
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
