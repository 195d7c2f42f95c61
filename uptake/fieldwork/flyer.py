"""The printable flyer of a hamlet: how to install the app, and QR codes for its store pages.

A5, in Vietnamese (it goes to the residents), as an HTML page with print CSS and as a PDF
made by WeasyPrint from the same HTML. The QR codes are SVG made by segno from the campaign
file's ``store_links``.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import segno
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from uptake.campaigns.models import Campaign
from uptake.units.models import Unit

STORES = (
    ("android", "Android", "Google Play"),
    ("ios", "iPhone", "App Store"),
)


def qr_svg(url: str, title: str) -> str:
    """The QR code of ``url`` as an inline SVG that scales to its box (size it with CSS)."""
    code = segno.make(url, error="m", micro=False)
    return code.svg_inline(
        scale=1, border=2, omitsize=True, title=title, svgclass="qr", lineclass=None
    )


def store_codes(campaign: Campaign) -> list[dict]:
    links = (campaign.source or {}).get("store_links") or {}
    return [
        {
            "key": key,
            "platform": platform,
            "store": store,
            "url": links[key],
            "svg": mark_safe(qr_svg(links[key], f"{campaign.app} · {store}")),  # noqa: S308
        }
        for key, platform, store in STORES
        if links.get(key)
    ]


def _in_sentence(name: str) -> str:
    """ "Ấp Long Thạnh A" -> "ấp Long Thạnh A", as it reads inside a sentence."""
    return name[:1].lower() + name[1:]


def context(campaign: Campaign, hamlet: Unit) -> dict:
    commune = hamlet.parent
    return {
        "campaign": campaign,
        "hamlet": hamlet,
        "commune": commune,
        "hamlet_in_sentence": _in_sentence(hamlet.name),
        "commune_in_sentence": _in_sentence(commune.name),
        "codes": store_codes(campaign),
    }


@cache
def flyer_css() -> str:
    """The flyer's stylesheet, which the page links to and the PDF carries inside."""
    return Path(finders.find("fieldwork/flyer.css")).read_text(encoding="utf-8")


def render_html(campaign: Campaign, hamlet: Unit, *, for_pdf: bool = False) -> str:
    extra = {"for_pdf": for_pdf, "flyer_css": flyer_css() if for_pdf else ""}
    return render_to_string("fieldwork/flyer.html", {**context(campaign, hamlet), **extra})


def render_pdf(campaign: Campaign, hamlet: Unit, base_url: str | None = None) -> bytes:
    from weasyprint import HTML  # heavy: loaded only when a PDF is asked for

    return HTML(string=render_html(campaign, hamlet, for_pdf=True), base_url=base_url).write_pdf()
