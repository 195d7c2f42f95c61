"""Charts drawn on the server as SVG: the same picture on the dashboard, in the PDF and (as PNG,
through CairoSVG) in the Word document."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from html import escape

from uptake.documents.formats import vn_day_month, vn_number

PALETTE = ["#1f4e9c", "#c0392b", "#2e7d32", "#8e44ad", "#d35400", "#00838f"]
CLASS_COMPACT = ' class="compact"'
FONT = "'Times New Roman', 'Liberation Serif', serif"


@dataclass
class Series:
    name: str
    target: float
    values: list[float | None]  # one per day, oldest first


def _fmt(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _text(x: float, y: float, text: str, size: int, **attrs: str) -> str:
    """A label on a white halo: drawn after the lines, no line ever shows through it (the halo
    is a copy under it, not paint-order, which CairoSVG and WeasyPrint do not all follow)."""
    extra = "".join(f' {k.replace("_", "-")}="{v}"' for k, v in attrs.items() if k != "fill")
    fill = attrs.get("fill", "#222")
    body = escape(text)
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}"{extra} fill="#ffffff" stroke="#ffffff" '
        f'stroke-width="{max(3, size // 4)}" stroke-linejoin="round" aria-hidden="true">'
        f"{body}</text>"
        f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}"{extra} fill="{fill}">{body}</text>'
    )


def _wrap(text: str, width: int) -> list[str]:
    """``text`` in lines of at most ``width`` characters, cut between words."""
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines or [""]


def _clear_of(y: float, size: int, lines: list[float]) -> bool:
    """A label whose baseline is ``y`` leaves every horizontal line of ``lines`` clear."""
    return all(not (y - size - 2 <= line <= y + 4) for line in lines)


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
    compact: bool = False,
) -> str:
    """Percent by day per group, each group's target as a dashed line, the target date marked.

    The x axis runs from the first day to the later of the last day and the target date.
    ``compact`` is the phone's form: drawn at the size it is shown (340 px wide), its text is
    15 px, the targets are named inside the plot, the legend wraps and fewer days are labelled.
    Every label is drawn after the lines, on a halo, and a group's last value moves off any
    target line it would sit on.
    """
    if not days:
        days = [target_date]
    first = days[0]
    last = max(days[-1], target_date)
    span = max((last - first).days, 1)
    size = 15 if compact else 13
    legend = [_wrap(s.name, 36 if compact else 80) for s in series]
    legend_h = sum(len(lines) for lines in legend) * (size + 5)
    left = 46 if not compact else 44
    right = 88 if not compact else 48
    top = 18 + (size + 6 if title else 0)
    bottom = 34 + legend_h
    plot_w, plot_h = width - left - right, height - top - bottom

    def x(day: date) -> float:
        return left + plot_w * (day - first).days / span

    def y(value: float) -> float:
        return top + plot_h * (1 - value / 100)

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="{FONT}" font-size="{size}" role="img"'
        f"{CLASS_COMPACT if compact else ''}>",
        f'<rect x="0" y="0" width="{width}" height="{height}" fill="#ffffff"/>',
    ]
    labels: list[str] = []  # drawn last, over every line
    if title:
        out.append(f"<title>{escape(title)}</title>")
        labels.append(
            _text(width / 2, size + 1, title, size, text_anchor="middle", font_weight="bold")
        )
    # Grid and the y axis: 0% to 100% every 20.
    for value in range(0, 101, 20):
        yy = y(value)
        out.append(
            f'<line x1="{left}" y1="{yy:.1f}" x2="{left + plot_w}" y2="{yy:.1f}" '
            f'stroke="#d0d0d0" stroke-width="{1 if value else 1.2}"/>'
        )
        labels.append(_text(left - 6, yy + 4, f"{value}%", size, text_anchor="end", fill="#333"))
    # The x axis: every day, or every few days so that the labels never touch.
    per_label = size * 3.4  # "17/08" and a gap
    step = max(1, -(-span * per_label // plot_w)) if compact else max(1, round(span / 10))
    day = first
    while day <= last:
        xx = x(day)
        out.append(
            f'<line x1="{xx:.1f}" y1="{top + plot_h}" x2="{xx:.1f}" y2="{top + plot_h + 4}" '
            f'stroke="#555"/>'
        )
        labels.append(
            _text(
                xx,
                top + plot_h + size + 4,
                vn_day_month(day),
                size,
                text_anchor="middle",
                fill="#333",
            )
        )
        day += timedelta(days=int(step))
    # The target date.
    tx = x(target_date)
    out.append(
        f'<line x1="{tx:.1f}" y1="{top}" x2="{tx:.1f}" y2="{top + plot_h}" stroke="#555" '
        f'stroke-dasharray="2,3" stroke-width="1.2"/>'
    )
    labels.append(
        _text(
            tx - 4,
            top + plot_h - 6,
            f"{deadline_label} {vn_day_month(target_date)}",
            size,
            text_anchor="end",
            fill="#333",
            font_style="italic",
        )
    )
    target_ys = [y(s.target) for s in series]
    for i, s in enumerate(series):
        color = PALETTE[i % len(PALETTE)]
        ty = target_ys[i]
        out.append(
            f'<line x1="{left}" y1="{ty:.1f}" x2="{left + plot_w}" y2="{ty:.1f}" stroke="{color}" '
            f'stroke-dasharray="7,4" stroke-width="1.4"/>'
        )
        if compact:  # inside the plot, at its left, just above (or below) its line
            below = ty - size - 2 < top
            labels.append(
                _text(
                    left + 4,
                    ty + (size + 2 if below else -4),
                    f"{target_label} {_fmt(s.target)}%",
                    size,
                    fill=color,
                )
            )
        else:
            labels.append(
                _text(
                    left + plot_w + 4, ty + 4, f"{target_label} {_fmt(s.target)}%", size, fill=color
                )
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
            text = f"{vn_number(v)}%"
            # Above the point; below it when a target line runs there; further off if both.
            for ly in (py - 6, py + size + 4, py - size - 8, py + 2 * size + 6):
                if _clear_of(ly, size, target_ys) and top + size <= ly <= top + plot_h:
                    break
            else:
                ly = py - 6
            anchor = "end" if px + 5 + len(text) * size * 0.6 > width else "start"
            lx = px - 5 if anchor == "end" else px + 5
            labels.append(
                _text(lx, ly, text, size, fill=color, font_weight="bold", text_anchor=anchor)
            )
    # Legend under the axis, a name per group (on more lines when it is long).
    ly = top + plot_h + 2 * size + 10
    for i, lines in enumerate(legend):
        color = PALETTE[i % len(PALETTE)]
        out.append(
            f'<line x1="{left}" y1="{ly - 4}" x2="{left + 24}" y2="{ly - 4}" stroke="{color}" '
            f'stroke-width="2.2"/>'
        )
        for line in lines:
            labels.append(_text(left + 30, ly, line, size, fill="#222"))
            ly += size + 5
    out.extend(labels)
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
