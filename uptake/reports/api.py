"""API v1: the daily reports (submission, summary, campaigns, units, a unit's history).

A ``Router`` mounted by uptake.api.api like every other app's; its shared pieces (auth,
errors) come from uptake.api.base. ``EXCEPTION_HANDLERS`` are registered on the API there:
a ``ReportInvalid`` raised by any route answers 422 with one error per field.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpResponse
from ninja import Header, Query, Router, Schema
from pydantic import ConfigDict, Field

from uptake.accounts.models import profile_of
from uptake.api.base import (
    ApiError,
    ErrorOut,
    error_response,
    limit_query,
    offset_query,
    paged,
)
from uptake.api.idempotency import HEADER as IDEMPOTENCY_KEY
from uptake.api.idempotency import KEY_HELP, idempotent, json_response
from uptake.campaigns.models import Campaign
from uptake.lib.dbrouter import reads_on_replica
from uptake.reports.actions import ReportInvalid, check_date, find_submission, submit_report
from uptake.reports.models import Report, percent
from uptake.reports.summary import build_summary
from uptake.units.models import Unit

# No tags, and the operation ids these routes had when they sat on the NinjaAPI itself
# (uptake_api_api_*): API v1's OpenAPI stays as its clients know it.
router = Router()


def on_report_invalid(request, exc: ReportInvalid):
    errors = [{"field": e.field, "message": e.message} for e in exc.errors]
    return error_response(request, 422, errors)


EXCEPTION_HANDLERS = {ReportInvalid: on_report_invalid}


class FiguresOut(Schema):
    with_smartphone: int
    installed: int
    percent: float | None


class ReportIn(Schema):
    model_config = ConfigDict(extra="forbid")  # a misspelt key ("notes") is an error, not ignored

    campaign: str
    unit: str
    date: dt.date
    figures: dict[str, Any] = Field(
        description="Cumulative figures per group: {with_smartphone, installed}. Every group "
        "of the unit in a first submission; in a revision, a group left out keeps its figures."
    )
    activities: dict[str, Any] | None = Field(
        None,
        description="The day's counts per activity. Left out (or an activity left out, or "
        "null): unchanged from the day's earlier revision; 0 means none.",
    )
    note: str = Field(
        "",
        description="Explains this submission only (not carried to the next): required when "
        "installed is below the latest earlier report or above a later day's report, and "
        "on behalf when received_at is more than 15 minutes before the entry.",
    )
    on_behalf: bool = False
    source: str = ""
    received_at: dt.datetime | None = None


class ReportOut(Schema):
    campaign: str
    unit: str
    date: dt.date
    revision: int
    status: str
    submitted_at: str
    first_submitted_at: str
    figures: dict[str, FiguresOut]
    activities: dict[str, int]
    note: str


def report_out(report: Report) -> dict:
    """The report as ReportOut describes it, field for field (POST /reports renders it as it
    is; tests check it against the schema)."""
    tz = report.campaign.tz
    return {
        "campaign": report.campaign.slug,
        "unit": report.unit.code,
        "date": report.date,
        "revision": report.revision,
        "status": report.status,
        "submitted_at": report.submitted_at.astimezone(tz).isoformat(),
        "first_submitted_at": report.first_submitted_at.astimezone(tz).isoformat(),
        "figures": {  # FiguresOut's fields, and only those
            key: {
                "with_smartphone": g["with_smartphone"],
                "installed": g["installed"],
                "percent": percent(g["installed"], g["with_smartphone"]),
            }
            for key, g in report.figures.items()
        },
        "activities": report.activities,
        "note": report.note,
    }


def _campaign(slug: str) -> Campaign:
    # Slices, not first(): slugs and codes are unique, an ORDER BY would only cost (#7).
    campaign = next(iter(Campaign.objects.select_related("root").filter(slug=slug)[:1]), None)
    if campaign is None:
        raise ApiError(404, "campaign", f"Unknown campaign {slug!r}.")
    return campaign


def _unit(code: str, field: str = "unit") -> Unit:
    unit = next(iter(Unit.objects.filter(code=code)[:1]), None)
    if unit is None:
        raise ApiError(404, field, f"Unknown unit {code!r}.")
    return unit


def _readable_unit(request, code: str, field: str = "unit") -> Unit:
    unit = _unit(code, field)
    if not profile_of(request.user).can_read(unit):
        raise ApiError(403, field, "This unit is outside your units.")
    return unit


@router.post(
    "/reports",
    operation_id="uptake_api_api_post_report",
    response={201: ReportOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="Submit a unit's daily figures (a second submission is a new revision)",
    description="Send an `Idempotency-Key` header to retry safely: a retry with the same key "
    "gets the first answer and stores nothing new.",
)
def post_report(
    request,
    payload: ReportIn,
    idempotency_key: str | None = Header(None, alias=IDEMPOTENCY_KEY, description=KEY_HELP),
):
    def run():
        # The campaign, the unit, its participation and latest reports in one query (#7);
        # when none is found, the lookups one by one say what is missing.
        read = find_submission(payload.campaign, payload.unit, payload.date)
        if read is None:
            campaign, unit = _campaign(payload.campaign), _unit(payload.unit)
        else:
            campaign, unit = read.participation.campaign, read.participation.unit
        report = submit_report(
            campaign=campaign,
            unit=unit,
            read=read,
            day=payload.date,
            figures=payload.figures,
            activities=payload.activities,
            note=payload.note,
            user=request.user,
            on_behalf=payload.on_behalf,
            source=payload.source,
            received_at=payload.received_at,
            via="api",
        )
        # ReportOut's shape (report_out writes its fields) rendered as it is: pydantic
        # validating our own dict again was 3 % of a report's CPU (#20).
        return json_response(report_out(report), 201)

    # With an Idempotency-Key, a retry gets the first answer and stores nothing new.
    return idempotent(request, idempotency_key, run, ReportOut)


class SummaryQuery(Schema):
    date: dt.date | None = None
    root: str | None = None


@router.get(
    "/campaigns/{slug}/summary",
    operation_id="uptake_api_api_get_summary",
    response={200: dict, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="Who reported on a day, and every unit's figures against the targets",
)
def get_summary(request, slug: str, query: Query[SummaryQuery]):
    # A GET that writes nothing: served by the replica when there is one (DATABASE_REPLICA_URL).
    with reads_on_replica():
        campaign = _campaign(slug)
        root = _readable_unit(request, query.root or campaign.root.code, "root")
        day = query.date or min(campaign.today(), campaign.end)
        # Only a reporting day that has come: on any other, every unit would show as missing.
        errors = check_date(campaign, day)
        if errors:
            raise ReportInvalid(errors)
        return build_summary(campaign, day, root).as_dict()


class CampaignOut(Schema):
    slug: str
    app: str
    title: str
    timezone: str
    start: dt.date
    target_date: dt.date
    end: dt.date
    report_due: str
    compile_at: str
    coordinator: str
    root: str
    groups: dict[str, dict[str, Any]]


@router.get(
    "/campaigns",
    response=list[CampaignOut],
    summary="The campaigns you take part in",
    operation_id="uptake_api_api_list_campaigns",
)
def list_campaigns(
    request,
    response: HttpResponse,
    limit: int | None = limit_query(),
    offset: int = offset_query(),
):
    profile = profile_of(request.user)
    campaigns = Campaign.objects.select_related("coordinator", "root").prefetch_related("groups")
    if not profile.is_admin:
        campaigns = campaigns.filter(
            participations__unit__in=Unit.objects.filter(profile.scope_q())
        ).distinct()
    return paged(
        request,
        response,
        campaigns.order_by("-start", "pk"),
        lambda c: {
            "slug": c.slug,
            "app": c.app,
            "title": c.title,
            "timezone": c.timezone,
            "start": c.start,
            "target_date": c.target_date,
            "end": c.end,
            "report_due": c.report_due.strftime("%H:%M"),
            "compile_at": c.compile_at.strftime("%H:%M"),
            "coordinator": c.coordinator.code,
            "root": c.root.code,
            "groups": {
                g.key: {"name": g.name, "target_percent": float(g.target_percent)}
                for g in c.groups.all()
            },
        },
        limit=limit,
        offset=offset,
    )


class UnitOut(Schema):
    code: str
    name: str
    kind: str
    parent: str | None


@router.get(
    "/units",
    response=list[UnitOut],
    summary="Your units, searchable by name without diacritics",
    operation_id="uptake_api_api_list_units",
)
def list_units(
    request, response: HttpResponse, q: str = "", limit: int = 50, offset: int = offset_query()
):
    profile = profile_of(request.user)
    units = Unit.search(q) if q else Unit.objects.all()
    units = units.filter(profile.scope_q()).select_related("parent").order_by("path")
    return paged(
        request,
        response,
        units,
        lambda u: {
            "code": u.code,
            "name": u.name,
            "kind": u.kind,
            "parent": u.parent.code if u.parent else None,
        },
        limit=limit,  # kept between 1 and 500, as before paging
        offset=offset,
        max_limit=500,
    )


class RevisionOut(Schema):
    number: int
    submitted_at: str
    submitted_by: str | None
    on_behalf: bool
    source: str
    # On behalf: when the unit sent the figures (submitted_at is when they were entered).
    received_at: str | None = None
    via: str
    figures: dict[str, dict[str, int]]
    activities: dict[str, int]
    note: str


class HistoryOut(ReportOut):
    revisions: list[RevisionOut]


@router.get(
    "/campaigns/{slug}/units/{code}/reports",
    operation_id="uptake_api_api_unit_reports",
    response={200: list[HistoryOut], 401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="A unit's reports, newest first, with every revision",
)
def unit_reports(
    request,
    response: HttpResponse,
    slug: str,
    code: str,
    limit: int | None = limit_query(),
    offset: int = offset_query(),
):
    campaign = _campaign(slug)
    unit = _readable_unit(request, code)
    reports = (
        Report.objects.filter(campaign=campaign, unit=unit)
        .select_related("campaign", "unit")
        .prefetch_related("revisions__submitted_by")
        .order_by("-date")
    )
    tz = campaign.tz
    return paged(
        request,
        response,
        reports,
        lambda r: {
            **report_out(r),
            "revisions": [
                {
                    "number": rev.number,
                    "submitted_at": rev.submitted_at.astimezone(tz).isoformat(),
                    "submitted_by": rev.submitted_by.username if rev.submitted_by else None,
                    "on_behalf": rev.on_behalf,
                    "source": rev.source,
                    "received_at": rev.received_at.astimezone(tz).isoformat()
                    if rev.received_at
                    else None,
                    "via": rev.via,
                    "figures": rev.figures,
                    "activities": rev.activities,
                    "note": rev.note,
                }
                for rev in r.revisions.all()
            ],
        },
        limit=limit,
        offset=offset,
    )


# --- the summary as a file (#17): what the status page exports, with the same filters ------


class SummaryFileQuery(Schema):
    date: dt.date | None = None
    root: str | None = None
    show: str = Field("all", pattern="^(all|late|missing)$")
    q: str = Field("", max_length=100)


def _summary_file(request, slug: str, query: SummaryFileQuery, fmt: str) -> HttpResponse:
    from uptake.campaigns.scope import OutOfScope, Scope
    from uptake.reports.exports import StatusFilter, render_status

    with reads_on_replica():
        campaign = _campaign(slug)
        scope = Scope.of(request.user, campaign)
        if query.root:
            _unit(query.root, "root")  # 404 for a code that names no unit
        try:
            # No root: the top of the person's units in the campaign, as on the status page.
            root = scope.root_for(query.root)
        except OutOfScope:
            raise ApiError(403, "root", "This unit is outside your units.") from None
        day = query.date or min(campaign.today(), campaign.end)
        errors = check_date(campaign, day)
        if errors:
            raise ReportInvalid(errors)
        made = render_status(StatusFilter(campaign, root, day, query.show, query.q.strip()), fmt)
    response = HttpResponse(made.content, content_type=made.content_type)
    response["Content-Disposition"] = f'attachment; filename="{made.filename}"'
    return response


_FILE_RESPONSES = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


@router.get(
    "/campaigns/{slug}/summary.xlsx",
    response=_FILE_RESPONSES,
    summary="The summary as an Excel workbook (the status page's export, same filters)",
    openapi_extra={
        "responses": {
            200: {
                "description": "The workbook",
                "content": {
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {}
                },
            }
        }
    },
)
def get_summary_xlsx(request, slug: str, query: Query[SummaryFileQuery]):
    return _summary_file(request, slug, query, "xlsx")


@router.get(
    "/campaigns/{slug}/summary.csv",
    response=_FILE_RESPONSES,
    summary="The summary as CSV (UTF-8 with a BOM; the status page's export, same filters)",
    openapi_extra={"responses": {200: {"description": "The table", "content": {"text/csv": {}}}}},
)
def get_summary_csv(request, slug: str, query: Query[SummaryFileQuery]):
    return _summary_file(request, slug, query, "csv")


# --- the day on one page, to forward (#17) ---------------------------------------------------


class BriefQuery(Schema):
    date: dt.date | None = None
    unit: str | None = None


def _brief(request, slug: str, query: BriefQuery, fmt: str) -> HttpResponse:
    from uptake.campaigns.scope import OutOfScope, Scope
    from uptake.documents.brief import render_brief

    with reads_on_replica():
        campaign = _campaign(slug)
        if query.unit:
            _unit(query.unit)  # 404 for a code that names no unit
        try:
            # No unit: the top of the person's units in the campaign, as on the status page.
            root = Scope.of(request.user, campaign).root_for(query.unit)
        except OutOfScope:
            raise ApiError(403, "unit", "This unit is outside your units.") from None
        day = query.date or min(campaign.today(), campaign.end)
        errors = check_date(campaign, day)
        if errors:
            raise ReportInvalid(errors)
        made = render_brief(campaign, day, root, fmt)
    response = HttpResponse(made.content, content_type=made.content_type)
    response["Content-Disposition"] = f'inline; filename="{made.filename}"'
    return response


@router.get(
    "/campaigns/{slug}/brief.png",
    response=_FILE_RESPONSES,
    summary="The day on one picture to forward (PNG 1080 px wide): totals, reporting, trend",
    openapi_extra={
        "responses": {200: {"description": "The picture", "content": {"image/png": {}}}}
    },
)
def get_brief_png(request, slug: str, query: Query[BriefQuery]):
    return _brief(request, slug, query, "png")


@router.get(
    "/campaigns/{slug}/brief.pdf",
    response=_FILE_RESPONSES,
    summary="The day on one A4 page (PDF): totals, reporting, the units furthest, trend",
    openapi_extra={
        "responses": {200: {"description": "The page", "content": {"application/pdf": {}}}}
    },
)
def get_brief_pdf(request, slug: str, query: Query[BriefQuery]):
    return _brief(request, slug, query, "pdf")
