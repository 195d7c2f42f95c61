"""Charts drawn on the server as SVG: the same picture on the dashboard, in the PDF and (as PNG,
through CairoSVG) in the Word document."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from html import escape

from uptake.documents.formats import vn_day_month, vn_number

PALETTE = ["#1f4e9c", "#c0392b", "#2e7d32", "#8e44ad", "#d35400", "#00838f"]
FONT = "'Times New Roman', 'Liberation Serif', serif"


@dataclass
class Series:
    name: str
    target: float
    values: list[float | None]  # one per day, oldest first


def _fmt(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def percent_chart(
    days: list[date],
    series: list[Series],
    target_date: date,
    *,
    target_label: str = "Chỉ tiêu",
    deadline_label: str = "Hạn",
    width: int = 640,
    height: int = 300,
    title: str = "",
) -> str:
    """Percent by day per group, each group's target as a dashed line, the target date marked.

    The x axis runs from the first day to the later of the last day and the target date.
    """
    if not days:
        days = [target_date]
    first = days[0]
    last = max(days[-1], target_date)
    span = max((last - first).days, 1)
    legend_h = 18 * len(series)
    left, right, top = 46, 88, 18 + (18 if title else 0)
    bottom = 34 + legend_h
    plot_w, plot_h = width - left - right, height - top - bottom

    def x(day: date) -> float:
        return left + plot_w * (day - first).days / span

    def y(value: float) -> float:
        return top + plot_h * (1 - value / 100)

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="{FONT}" font-size="13" role="img">',
        f'<rect x="0" y="0" width="{width}" height="{height}" fill="#ffffff"/>',
    ]
    if title:
        out.append(f"<title>{escape(title)}</title>")
        out.append(
            f'<text x="{width / 2:.1f}" y="14" text-anchor="middle" font-weight="bold">'
            f"{escape(title)}</text>"
        )
    # Grid and the y axis: 0% to 100% every 20.
    for value in range(0, 101, 20):
        yy = y(value)
        out.append(
            f'<line x1="{left}" y1="{yy:.1f}" x2="{left + plot_w}" y2="{yy:.1f}" '
            f'stroke="#d0d0d0" stroke-width="{1 if value else 1.2}"/>'
        )
        out.append(
            f'<text x="{left - 6}" y="{yy + 4:.1f}" text-anchor="end" fill="#333">{value}%</text>'
        )
    # The x axis: every day (or every few days when there are many).
    step = max(1, round(span / 10))
    day = first
    while day <= last:
        xx = x(day)
        out.append(
            f'<line x1="{xx:.1f}" y1="{top + plot_h}" x2="{xx:.1f}" y2="{top + plot_h + 4}" '
            f'stroke="#555"/>'
        )
        out.append(
            f'<text x="{xx:.1f}" y="{top + plot_h + 17}" text-anchor="middle" fill="#333">'
            f"{vn_day_month(day)}</text>"
        )
        day += timedelta(days=step)
    # The target date.
    tx = x(target_date)
    out.append(
        f'<line x1="{tx:.1f}" y1="{top}" x2="{tx:.1f}" y2="{top + plot_h}" stroke="#555" '
        f'stroke-dasharray="2,3" stroke-width="1.2"/>'
    )
    out.append(
        f'<text x="{tx - 4:.1f}" y="{top + plot_h - 6}" text-anchor="end" fill="#333" '
        f'font-style="italic">'
        f"{escape(deadline_label)} {vn_day_month(target_date)}</text>"
    )
    for i, s in enumerate(series):
        color = PALETTE[i % len(PALETTE)]
        ty = y(s.target)
        out.append(
            f'<line x1="{left}" y1="{ty:.1f}" x2="{left + plot_w}" y2="{ty:.1f}" stroke="{color}" '
            f'stroke-dasharray="7,4" stroke-width="1.4"/>'
        )
        out.append(
            f'<text x="{left + plot_w + 4}" y="{ty + 4:.1f}" fill="{color}">'
            f"{escape(target_label)} {_fmt(s.target)}%</text>"
        )
        points = [(x(d), y(v), v) for d, v in zip(days, s.values, strict=False) if v is not None]
        if len(points) > 1:
            path = " ".join(f"{px:.1f},{py:.1f}" for px, py, _v in points)
            out.append(
                f'<polyline points="{path}" fill="none" stroke="{color}" stroke-width="2.2" '
                f'stroke-linejoin="round"/>'
            )
        for px, py, _v in points:
            out.append(f'<circle cx="{px:.1f}" cy="{py:.1f}" r="3" fill="{color}"/>')
        if points:
            px, py, v = points[-1]
            out.append(
                f'<text x="{px + 5:.1f}" y="{py - 6:.1f}" fill="{color}" font-weight="bold">'
                f"{vn_number(v)}%</text>"
            )
        # Legend, one line per group under the axis.
        ly = top + plot_h + 34 + 18 * i
        out.append(
            f'<line x1="{left}" y1="{ly - 4}" x2="{left + 24}" y2="{ly - 4}" stroke="{color}" '
            f'stroke-width="2.2"/>'
        )
        out.append(f'<text x="{left + 30}" y="{ly}" fill="#222">{escape(s.name)}</text>')
    out.append("</svg>")
    return "".join(out)


def chart_from_snapshot(snapshot: dict, **labels) -> str:
    """The campaign's chart as a compilation froze it."""
    days = [date.fromisoformat(d) for d in snapshot["history"]["days"]]
    series = [
        Series(
            g["name"],
            g["target_percent"],
            [entry["percent"] for entry in snapshot["history"]["groups"].get(g["key"], [])],
        )
        for g in snapshot["groups"]
    ]
    target_date = date.fromisoformat(snapshot["campaign_info"]["target_date"])
    return percent_chart(days, series, target_date, **labels)
