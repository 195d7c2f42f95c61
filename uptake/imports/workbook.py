"""The day's workbook for the units under one unit of a person's scope (page and API)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import OuterRef, Subquery

from uptake.campaigns.models import Campaign
from uptake.imports import actions, sheet
from uptake.reports.models import Report
from uptake.units.models import Unit

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass
class Made:
    data: bytes
    filename: str
    rows: int


def latest_reports(campaign: Campaign, root: Unit, day: date, units: list[Unit]) -> list[Report]:
    """Each unit's latest report on or before ``day``, in one query."""
    latest = (
        Report.objects.filter(campaign=campaign, unit=OuterRef("unit"), date__lte=day)
        .order_by("-date")
        .values("date")[:1]
    )
    found = (
        Report.objects.filter(
            campaign=campaign, unit__path__startswith=root.path, date=Subquery(latest)
        )
        .select_related("unit")
        .order_by("unit__path")
    )
    wanted = {u.pk for u in units}
    return [r for r in found if r.unit_id in wanted]


def make(user, campaign: Campaign, day: date | None, code: str | None) -> Made:
    """``OutOfScope`` for a unit outside the person's scope; ``ImportDenied`` for a reporter or
    a viewer; ``FileRefused`` (on ``date``) for a day that is not a reporting day yet."""
    scope = actions.scope_for_import(user, campaign)
    day = day or min(campaign.today(), campaign.end)
    actions.check_day(campaign, day)
    root = scope.root_for(code)
    participations = actions.importable(scope, day, root)
    latest = latest_reports(campaign, root, day, [p.unit for p in participations])
    data = sheet.template(campaign, day, root, participations, latest)
    return Made(data, f"{campaign.slug}-{root.code}-{day:%Y-%m-%d}.xlsx", len(participations))
