"""API v1 for data quality (mounted at the end of uptake/api/api.py; import it only from there).

- ``GET /campaigns/{slug}/flags?date=D`` or ``?from=D1&to=D2`` (or neither: every day), with
  ``root=CODE`` and ``dismissed=true`` optional: ``[{"unit", "date", "group", "rule",
  "severity", "message", "evidence", "dismissed"}]``, only for units within the user's units.
  It reads the stored flags and writes nothing: the scheduler brings them up to date within a
  minute of a change (``refresh_stale_flags``), as do inspections and compilations;
- ``POST /campaigns/{slug}/flags/refresh`` (``root=CODE`` optional): bring them up to date now
  (coordinators and admins, as the data-quality page's check);
- ``GET /campaigns/{slug}/inspections?unit=CODE``: inspections with their verified rate, 95%
  Wilson interval and the reported rate they were checked against;
- ``POST /campaigns/{slug}/inspections``: record one (coordinators and admins).
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from ninja import Field, Query, Router, Schema, Status

from uptake.accounts.models import profile_of
from uptake.api.base import ApiError, ErrorOut, PageQuery, limit_query, offset_query, paged
from uptake.campaigns.models import Campaign
from uptake.campaigns.scope import Scope
from uptake.quality.actions import (
    CheckResult,
    QualityInvalid,
    Verdict,
    by_severity,
    can_inspect,
    record_inspection,
    refresh_flags,
    reported_point,
)
from uptake.quality.models import Flag, Inspection, Sample
from uptake.units.models import Unit

router = Router(tags=["quality"])


def _campaign(slug: str) -> Campaign:
    campaign = Campaign.objects.select_related("root").filter(slug=slug).first()
    if campaign is None:
        raise ApiError(404, "campaign", f"Unknown campaign {slug!r}.")
    return campaign


def _readable(request, code: str, field: str) -> Unit:
    unit = Unit.objects.filter(code=code).first()
    if unit is None:
        raise ApiError(404, field, f"Unknown unit {code!r}.")
    if not profile_of(request.user).can_read(unit):
        raise ApiError(403, field, "This unit is outside your units.")
    return unit


class FlagQuery(PageQuery):
    date: dt.date | None = None
    date_from: dt.date | None = Field(None, alias="from")
    date_to: dt.date | None = Field(None, alias="to")
    root: str | None = None
    dismissed: bool = False


class FlagOut(Schema):
    unit: str
    date: dt.date
    group: str
    rule: str
    severity: str
    message: str
    evidence: dict
    dismissed: bool


@router.get(
    "/campaigns/{slug}/flags",
    response={200: list[FlagOut], 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="Data-quality flags of your units on a day (date) or between two days (from, to)",
)
def list_flags(request, response: HttpResponse, slug: str, query: Query[FlagQuery]):
    # Reads only (#19): the flags are refreshed where data changes and by the scheduler.
    campaign = _campaign(slug)
    if query.date and (query.date_from or query.date_to):
        raise ApiError(422, "date", "Give either date or from and to, not both.")
    if query.date_from and query.date_to and query.date_from > query.date_to:
        raise ApiError(422, "to", "to comes before from.")
    root = _readable(request, query.root, "root") if query.root else None
    profile = profile_of(request.user)
    flags = Flag.objects.filter(campaign=campaign).filter(profile.scope_q("unit__path"))
    if root is not None:
        flags = flags.filter(unit__path__startswith=root.path)
    if query.date:
        flags = flags.filter(date=query.date)
    if query.date_from:
        flags = flags.filter(date__gte=query.date_from)
    if query.date_to:
        flags = flags.filter(date__lte=query.date_to)
    if not query.dismissed:
        flags = flags.filter(dismissed_at__isnull=True)
    flags = by_severity(flags).select_related("unit")
    flags = flags.order_by("date", "unit__path", "-rank", "rule", "pk")
    return paged(request, response, flags, Flag.as_dict, limit=query.limit, offset=query.offset)


class RefreshOut(Schema):
    groups: int = Field(description="Groups of peer units checked again (their data changed)")
    units: int
    reports: int
    flags: int = Field(description="Flags of the groups checked")
    created: int
    removed: int


@router.post(
    "/campaigns/{slug}/flags/refresh",
    response={200: RefreshOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="Bring the flags of your units (or of root) up to date now (coordinators)",
    description="Checks again the groups of units whose reports or inspections changed since "
    "their last check; the scheduler does the same within a minute of a change. For those who "
    "inspect the units (coordinators and admins), as the data-quality page's check.",
)
def refresh(request, slug: str, root: str | None = None):
    campaign = _campaign(slug)
    if root:
        tops = [_readable(request, root, "root")]
    else:
        tops = Scope.of(request.user, campaign).roots
    field = "root" if root else "campaign"
    if not tops or not all(can_inspect(request.user, top) for top in tops):
        raise ApiError(403, field, "Only the coordinators of these units check their flags.")
    total = CheckResult()
    for top in tops:
        result = refresh_flags(campaign, top)
        for name in ("groups", "units", "reports", "flags", "created", "removed"):
            setattr(total, name, getattr(total, name) + getattr(result, name))
    return total


class InspectionIn(Schema):
    unit: str
    date: dt.date
    inspector: str = ""
    method: str
    group: str
    sample: int | None = None
    sample_size: int
    with_app: int
    findings: str = ""
    follow_up: str = ""


class InspectionOut(Schema):
    id: int
    unit: str
    date: dt.date
    inspector: str
    method: str
    group: str
    sample: int | None
    sample_size: int
    with_app: int
    verified_percent: float
    interval: list[float]
    reported_percent: float | None
    reported_date: dt.date | None
    above_interval: bool
    findings: str
    follow_up: str


def inspection_out(inspection: Inspection, verdict: Verdict) -> dict:
    p = verdict.percents
    return {
        "id": inspection.pk,
        "unit": inspection.unit.code,
        "date": inspection.date,
        "inspector": inspection.inspector,
        "method": inspection.method,
        "group": inspection.group,
        "sample": inspection.sample_id,
        "sample_size": inspection.sample_size,
        "with_app": inspection.with_app,
        "verified_percent": p["rate"],
        "interval": [p["low"], p["high"]],
        "reported_percent": p["reported"],
        "reported_date": verdict.reported.date if verdict.reported else None,
        "above_interval": verdict.gap,
        "findings": inspection.findings,
        "follow_up": inspection.follow_up,
    }


def _verdict(inspection: Inspection) -> Verdict:
    low, high = inspection.interval
    point = reported_point(inspection.campaign, inspection.unit, inspection.group, inspection.date)
    return Verdict(inspection.verified_rate, low, high, point)


@router.get(
    "/campaigns/{slug}/inspections",
    response={200: list[InspectionOut], 401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="A unit's inspections, newest first, against what it reported",
)
def list_inspections(
    request,
    response: HttpResponse,
    slug: str,
    unit: str,
    limit: int | None = limit_query(),
    offset: int = offset_query(),
):
    campaign = _campaign(slug)
    found = _readable(request, unit, "unit")
    inspections = Inspection.objects.filter(campaign=campaign, unit=found).select_related(
        "unit", "campaign"
    )  # newest first (Inspection.Meta.ordering)
    return paged(
        request,
        response,
        inspections,
        lambda i: inspection_out(i, _verdict(i)),
        limit=limit,
        offset=offset,
    )


@router.post(
    "/campaigns/{slug}/inspections",
    response={201: InspectionOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="Record an inspection of a unit (coordinators and admins of units above it)",
)
def post_inspection(request, slug: str, payload: InspectionIn):
    campaign = _campaign(slug)
    unit = _readable(request, payload.unit, "unit")
    fields = payload.dict(exclude={"unit", "sample"})
    if payload.sample is not None:
        sample = Sample.objects.filter(campaign=campaign, unit=unit, pk=payload.sample).first()
        if sample is None:
            raise ApiError(422, "sample", "No such sample of this unit.")
        fields["sample"] = sample
    try:
        inspection = record_inspection(campaign, unit, user=request.user, **fields)
    except PermissionDenied:
        raise ApiError(403, "unit", "Only coordinators of this unit record inspections.") from None
    except QualityInvalid as exc:
        errors = [{"field": e.field, "message": e.message} for e in exc.errors]
        return Status(422, {"errors": errors})
    inspection.campaign = campaign
    return Status(201, inspection_out(inspection, _verdict(inspection)))
