"""What makes the visit page work with no network: its data, its assets, the service worker's
list of what to keep, and the web app manifest (installable on the phone's home screen).

Static assets are listed with a version made of their contents (``?v=…``), so that the
service worker keeps them until one of them changes, and the page, once cached, costs only
its own HTML (and the worker's own update check) on each load.
"""

from __future__ import annotations

import json

from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _

from uptake.campaigns.models import Campaign
from uptake.fieldwork.models import Outcome
from uptake.lib.offline import OfflinePage

# The page's own files, under uptake/static/.
PAGE_ASSETS = ("fieldwork/visit.css", "fieldwork/visit.js")
ICONS = ("fieldwork/icon-192.png", "fieldwork/icon-512.png", "fieldwork/icon.svg")
# Loaded by base.html on every page, the visit page included.
SITE_ASSETS = ("css/uptake.css",)


PAGE = OfflinePage(
    cache_prefix="uptake-visits-",
    assets=PAGE_ASSETS + ICONS,
    kept=SITE_ASSETS,
)
version, cache_name, assets = PAGE.version, PAGE.cache_name, PAGE.assets


def page_urls(campaign: Campaign) -> dict[str, str]:
    return {
        "page": reverse("fieldwork-visit", args=[campaign.slug]),
        "sw": reverse("fieldwork-sw", args=[campaign.slug]),
        "manifest": reverse("fieldwork-manifest", args=[campaign.slug]),
        "api": reverse("api:post_visit"),
        "login": reverse("login"),
    }


def service_worker(campaign: Campaign) -> str:
    urls = page_urls(campaign)
    keep = list(assets().values()) + [urls["manifest"]] + [static(n) for n in SITE_ASSETS]
    return PAGE.worker(urls["page"], keep)


def manifest(campaign: Campaign) -> str:
    urls = page_urls(campaign)
    icons = assets()
    return json.dumps(
        {
            "name": f"uptake · {campaign.app}: " + _("household visits"),
            "short_name": _("Visits"),
            "description": campaign.title,
            "start_url": urls["page"],
            "scope": urls["page"],
            "id": urls["page"],
            "display": "standalone",
            "orientation": "portrait",
            "background_color": "#ffffff",
            "theme_color": "#0b5cab",
            "icons": [
                {"src": icons["icon_192_png"], "sizes": "192x192", "type": "image/png"},
                {"src": icons["icon_512_png"], "sizes": "512x512", "type": "image/png"},
                {"src": icons["icon_svg"], "sizes": "any", "type": "image/svg+xml"},
            ],
        },
        ensure_ascii=False,
        separators=(",", ":"),
    )


def page_data(campaign: Campaign, user, hamlets, teams, due) -> dict:
    """Everything the page's script needs, embedded in the page (no request while offline)."""
    tz = campaign.tz
    return {
        "campaign": campaign.slug,
        "user": user.username,
        "urls": page_urls(campaign),
        "cache": cache_name(),
        "hamlets": {h.code: h.name for h in hamlets},
        "teams": [
            {"id": t.pk, "name": t.name, "hamlets": [h.code for h in t.hamlets.all()]}
            for t in teams
        ],
        "due": [
            {
                "id": str(v.pk),
                "hamlet": v.hamlet.code,
                "household": v.household,
                "at": v.visited_at.astimezone(tz).strftime("%d/%m %H:%M"),
            }
            for v in due
        ],
        "outcomes": dict(Outcome.choices),
        "t": {
            "waiting": _("%(n)s waiting"),
            "none_waiting": _("All sent"),
            "saved": _("Saved on this phone: %(household)s."),
            "sent": _("sent"),
            "pending": _("waiting"),
            "rejected": _("refused by the server"),
            "offline": _("No network: visits wait on this phone."),
            "online": _("Online"),
            "login": _("Log in again to send the waiting visits."),
            "household": _("Give the house number or a short address."),
            "phone": _("Do not write phone numbers: a house number or a short address is enough."),
            "name": _("Do not write people's names: a house number or a short address is enough."),
            "had": _("Already had the app cannot be more than the number of smartphones."),
            "now": _(
                "Installed during the visit cannot be more than smartphones minus already had."
            ),
            "installed": _("Installed: count the phones it was put on."),
            "already_had": _("Already had it: phones that had the app, none installed now."),
            "refused": _("Refused: a smartphone without the app, and nothing installed."),
            "revisit": _("Revisit of %(household)s"),
            "discard": _("Discard"),
            "hamlet": _("Choose the hamlet."),
        },
    }
