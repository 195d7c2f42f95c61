"""The day on one page, to forward (#17): a scope's figures of a day as one picture.

``brief_svg`` draws it as SVG at 1080 × 1527 px (A4's proportions): the scope's name and the
time of the figures, each group's total against its target, the units on time, late and
missing, the units furthest from the target, and the trend to the target date (the
dashboard's chart). ``render_brief`` turns it into a PNG 1080 px wide (CairoSVG) for a Zalo
group, or a one-page A4 PDF. The text is Vietnamese: the picture is forwarded as it is.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from html import escape

from django.utils import timezone

from uptake.campaigns.models import Campaign
from uptake.documents.charts import PALETTE, Series, percent_chart
from uptake.documents.formats import vn_date, vn_int, vn_number
from uptake.documents.progress import Progress
from uptake.documents.snapshot import furthest
from uptake.reports.summary import build_summary
from uptake.units.models import Unit

WIDTH, HEIGHT = 1080, 1527  # A4's proportions at 1080 px wide
FONT = "'Liberation Sans', 'DejaVu Sans', Arial, sans-serif"
INK, MUTED, LINE = "#1b2530", "#5b6773", "#d5dbe1"
STATUS = {
    "on_time": ("Đúng hạn", "#2e7d32"),
    "late": ("Trễ hạn", "#b26a00"),
    "missing": ("Chưa báo cáo", "#b3261e"),
}
FURTHEST = 5
FORMATS = {"png": "image/png", "pdf": "application/pdf"}


@dataclass
class Brief:
    content: bytes
    filename: str
    content_type: str


def _t(x: float, y: float, text: str, size: int, **attrs) -> str:
    extra = "".join(f' {k.replace("_", "-")}="{v}"' for k, v in attrs.items())
    return f'<text x="{x:.0f}" y="{y:.0f}" font-size="{size}"{extra}>{escape(text)}</text>'


def _fit(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def brief_svg(campaign: Campaign, day: date, root: Unit, now: datetime | None = None) -> str:
    """The brief of ``root``'s subtree on ``day`` as one SVG."""
    now = (now or timezone.now()).astimezone(campaign.tz)
    summary = build_summary(campaign, day, root)
    progress = Progress.build(campaign, day, root)
    counts = summary.counts
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" font-family="{FONT}" fill="{INK}">',
        f'<rect width="{WIDTH}" height="{HEIGHT}" fill="#fff"/>',
        f'<rect width="{WIDTH}" height="150" fill="#0b5a75"/>',
        _t(48, 62, _fit(root.name, 40), 44, font_weight="700", fill="#fff"),
        _t(48, 104, _fit(campaign.title, 60), 26, fill="#dcecf2"),
        _t(
            48,
            136,
            f"Số liệu ngày {vn_date(day)} · lúc {now:%H:%M} ngày {vn_date(now.date())}",
            24,
            fill="#dcecf2",
        ),
    ]
    y = 200
    # Each group's total against its target, as a bar with the target marked.
    for i, g in enumerate(summary.groups):
        total = summary.totals[g.key]
        pct = total.percent
        target = float(g.target_percent)
        color = PALETTE[i % len(PALETTE)]
        met = pct is not None and pct >= target
        out.append(_t(48, y, _fit(g.name, 52), 28, font_weight="700"))
        shown = "–" if pct is None else f"{vn_number(pct)}%"
        out.append(_t(1032, y, shown, 40, font_weight="700", text_anchor="end", fill=color))
        bar_y, bar_w = y + 18, 984
        out.append(f'<rect x="48" y="{bar_y}" width="{bar_w}" height="22" rx="11" fill="#e8edf1"/>')
        if pct:
            w = bar_w * min(pct, 100) / 100
            out.append(
                f'<rect x="48" y="{bar_y}" width="{w:.0f}" height="22" rx="11" fill="{color}"/>'
            )
        tx = 48 + bar_w * min(target, 100) / 100
        out.append(f'<rect x="{tx - 2:.0f}" y="{bar_y - 6}" width="4" height="34" fill="{INK}"/>')
        detail = (
            f"{vn_int(total.installed or 0)} đã cài / {vn_int(total.with_smartphone or 0)} có ĐTTM"
            f" · chỉ tiêu {vn_number(target)}% · {'đạt' if met else 'chưa đạt'}"
        )
        out.append(_t(48, bar_y + 58, detail, 22, fill=MUTED))
        y += 130
    # Reporting: expected, on time, late, missing.
    box_w = (984 - 3 * 16) / 4
    boxes = [("Phải báo cáo", counts["expected"], INK)] + [
        (label, counts[key], color) for key, (label, color) in STATUS.items()
    ]
    for i, (label, n, color) in enumerate(boxes):
        x = 48 + i * (box_w + 16)
        out.append(
            f'<rect x="{x:.0f}" y="{y}" width="{box_w:.0f}" height="110" rx="10" '
            f'fill="#fff" stroke="{LINE}" stroke-width="2"/>'
        )
        out.append(_t(x + 18, y + 56, vn_int(n), 44, font_weight="700", fill=color))
        out.append(_t(x + 18, y + 92, label, 22, fill=MUTED))
    y += 160
    # The units furthest from the target, per group.
    # Units with figures only: one that has sent none is among the missing counted above.
    far = {
        key: [u for u in units if u["percent"] is not None][:FURTHEST]
        for key, units in furthest(summary, len(summary.rows)).items()
    }
    lines = [(g, u) for g in summary.groups for u in far.get(g.key, [])]
    if lines:
        out.append(_t(48, y, "Xa chỉ tiêu nhất", 28, font_weight="700"))
        y += 14
        for g in summary.groups:
            units = far.get(g.key, [])
            if not units:
                continue
            y += 38
            out.append(_t(48, y, _fit(g.name, 60), 22, fill=MUTED))
            for u in units:
                y += 36
                pct = "–" if u["percent"] is None else f"{vn_number(u['percent'])}%"
                out.append(_t(72, y, _fit(u["name"], 50), 24))
                out.append(_t(1032, y, pct, 24, font_weight="700", text_anchor="end"))
        y += 40
    # The trend to the target date: the dashboard's chart, drawn for this width.
    totals = progress.percents()
    series = [Series(g.name, float(g.target_percent), totals[g.key]) for g in summary.groups]
    # Drawn at half the width and scaled twice: its 13 px text reads as 26 px on the picture,
    # about 9 px on a phone's screen, as large as the page's own.
    chart_h = max(360, HEIGHT - y - 30)
    chart = percent_chart(
        progress.days,
        series,
        campaign.target_date,
        target_label="Chỉ tiêu",
        deadline_label="Hạn",
        width=492,
        height=chart_h // 2,
        title="Diễn biến tỷ lệ cài đặt",
    )
    out.append(f'<g transform="translate(48 {y}) scale(2)">{chart}</g>')
    out.append("</svg>")
    return "".join(out)


def render_brief(campaign: Campaign, day: date, root: Unit, fmt: str) -> Brief:
    """The brief as a PNG 1080 px wide or a one-page A4 PDF."""
    import cairosvg

    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}")
    svg = brief_svg(campaign, day, root).encode()
    if fmt == "png":
        content = cairosvg.svg2png(bytestring=svg, output_width=WIDTH)
    else:
        # 1080 px drawn on 210 mm: one A4 page.
        a4 = svg.replace(
            f'width="{WIDTH}" height="{HEIGHT}"'.encode(), b'width="210mm" height="297mm"', 1
        )
        content = cairosvg.svg2pdf(bytestring=a4)
    name = f"tom-tat-{campaign.slug}-{root.code}-{day.isoformat()}.{fmt}"
    return Brief(content, name, FORMATS[fmt])
