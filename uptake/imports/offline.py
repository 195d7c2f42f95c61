"""The daily form that works offline: a reporter fills it, presses "Gửi", and the report waits
on the phone (IndexedDB) until the network returns; it is then sent once, with the phone's id
of the report as the ``Idempotency-Key`` (the queue and the key of the visit page,
uptake/fieldwork/offline.py and uptake/api/idempotency.py).

The server decides on time or late by when it receives the report (``submit_report`` with no
``received_at``); the moment the phone says "Gửi" was pressed is kept beside the revision
(``QueuedReceipt``) and shown with it.
"""

from __future__ import annotations

import json
from datetime import datetime

from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from uptake.accounts.models import Role, profile_of
from uptake.campaigns.models import Campaign, Participation
from uptake.campaigns.scope import Scope
from uptake.imports.models import QueuedReceipt
from uptake.lib.offline import OfflinePage
from uptake.reports.actions import submit_report
from uptake.reports.models import Report, Revision
from uptake.units.models import Unit

VIA = "offline"
PAGE_ASSETS = ("imports/send.js", "imports/send.css")
SITE_ASSETS = ("css/uptake.css", "fieldwork/icon.svg", "fieldwork/icon-192.png")
CACHE_PREFIX = "uptake-send-"


class NotYours(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status, self.message = status, message


def store(campaign: Campaign, user, data: dict) -> dict:
    """Store a queued report as the server receives it now; keep when it was pressed."""
    unit = Unit.objects.filter(code=data["unit"]).first()
    if unit is None:
        raise NotYours(404, f"Unknown unit {data['unit']!r}.")
    if not Scope.of(user, campaign).may_submit(unit):
        raise NotYours(403, "This unit is outside your units.")
    pressed_at = data["pressed_at"]
    if timezone.is_naive(pressed_at):
        pressed_at = pressed_at.replace(tzinfo=campaign.tz)
    report = submit_report(
        campaign=campaign,
        unit=unit,
        day=data["date"],
        figures=data["figures"],
        activities=data.get("activities"),
        note=data.get("note") or "",
        user=user,
        via=VIA,
    )
    revision = Revision.objects.get(report=report, number=report.revision)
    QueuedReceipt.objects.create(revision=revision, pressed_at=pressed_at)
    tz = campaign.tz
    return {
        "unit": unit.code,
        "date": report.date,
        "revision": report.revision,
        "status": report.status,
        "received_at": revision.submitted_at.astimezone(tz).isoformat(),
        "pressed_at": pressed_at.astimezone(tz).isoformat(),
    }


def own_participations(user, campaign: Campaign, day) -> list[Participation]:
    """The units the person reports for themselves (not those below), expected on ``day``."""
    profile = profile_of(user)
    if profile.role == Role.VIEWER:
        return []
    return list(
        campaign.participations_on(day)
        .filter(unit__in=profile.units.all())
        .select_related("unit")
        .order_by("unit__path")
    )


# --- the page's files and its service worker ------------------------------------------------


PAGE = OfflinePage(cache_prefix=CACHE_PREFIX, assets=PAGE_ASSETS, kept=SITE_ASSETS)
version, cache_name, assets = PAGE.version, PAGE.cache_name, PAGE.assets


def urls(campaign: Campaign) -> dict[str, str]:
    return {
        "page": reverse("imports-send", args=[campaign.slug]),
        "sw": reverse("imports-send-sw", args=[campaign.slug]),
        "manifest": reverse("imports-send-manifest", args=[campaign.slug]),
        "api": reverse("api:post_queued", args=[campaign.slug]),
        "login": reverse("login"),
    }


def service_worker(campaign: Campaign) -> str:
    u = urls(campaign)
    keep = list(assets().values()) + [u["manifest"]] + [static(n) for n in SITE_ASSETS]
    return PAGE.worker(u["page"], keep)


def manifest(campaign: Campaign) -> str:
    u = urls(campaign)
    return json.dumps(
        {
            "name": f"uptake · {campaign.app}: " + _("daily report"),
            "short_name": _("Report"),
            "start_url": u["page"],
            "scope": u["page"],
            "id": u["page"],
            "display": "standalone",
            "background_color": "#ffffff",
            "theme_color": "#0b5cab",
            "icons": [
                {"src": static("fieldwork/icon-192.png"), "sizes": "192x192", "type": "image/png"},
                {"src": static("fieldwork/icon.svg"), "sizes": "any", "type": "image/svg+xml"},
            ],
        },
        ensure_ascii=False,
    )


def page_data(campaign: Campaign, user, participations: list[Participation]) -> dict:
    """What the page's script needs while offline, embedded in the page."""
    groups = {g.key: g.name for g in campaign.groups.all()}
    activities = {a.key: f"{a.name} ({a.unit})" for a in campaign.activities.all()}
    latest = {}
    for p in participations:
        report = (
            Report.objects.filter(campaign=campaign, unit=p.unit, date__lte=campaign.today())
            .order_by("-date")
            .first()
        )
        if report is not None:
            latest[p.unit.code] = report.figures
    return {
        "campaign": campaign.slug,
        "user": user.username,
        "tz": campaign.timezone,
        "start": campaign.start.isoformat(),
        "end": campaign.end.isoformat(),
        "urls": urls(campaign),
        "cache": cache_name(),
        "groups": groups,
        "activities": activities,
        "units": [
            {
                "code": p.unit.code,
                "name": p.unit.name,
                "groups": [k for k in groups if k in p.groups],
                "activities": [k for k in activities if k in p.activities],
            }
            for p in participations
        ],
        "latest": latest,
        "t": {
            "waiting": _("%(n)s waiting to be sent"),
            "none_waiting": _("Nothing waiting"),
            "queued": _("Kept on this phone: it will be sent when the network returns."),
            "pending": _("waiting to be sent"),
            "sent": _("sent"),
            "rejected": _("refused by the server"),
            "offline": _("No network: reports wait on this phone."),
            "online": _("Online"),
            "login": _("Log in again to send the waiting reports."),
            "pressed": _("pressed at %(time)s"),
            "received": _("received at %(time)s"),
            "on_time": _("On time"),
            "late": _("Late"),
            "discard": _("Discard"),
            "with_smartphone": _("With a smartphone"),
            "installed": _("Installed"),
            "whole": _("Enter a whole number, 0 or more."),
            "required": _("This figure is required."),
            "more": _("Installed cannot be more than the number with a smartphone."),
            "closed": _("There is no report to make today."),
        },
    }


def pressed_times(revisions) -> dict[int, datetime]:
    """revision pk -> when it was pressed on the phone, for the revisions that have one."""
    return dict(
        QueuedReceipt.objects.filter(revision__in=revisions).values_list(
            "revision_id", "pressed_at"
        )
    )
