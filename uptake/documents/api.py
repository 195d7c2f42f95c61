"""API v1: the compiled daily report (mounted on the API by uptake.api.api).

``POST /campaigns/{slug}/compilations/{date}`` makes or refreshes the draft (and, with a body,
writes the coordinator's text); ``.../approve`` numbers and locks it (early, or with units
missing, only with ``confirm=true``); ``.../send`` e-mails it;
``GET .../{date}`` returns it with its snapshot; ``GET .../{date}/document.{fmt}`` the files.
Errors as everywhere in the API: ``{"errors": [{"field": ..., "message": ...}]}``.
"""

from __future__ import annotations

import datetime as dt
import json
from functools import wraps
from typing import Any
from urllib.parse import urlencode

import pydantic
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.urls import reverse
from ninja import Router, Schema, Status

from uptake.api.base import ApiError, ErrorOut, limit_query, offset_query, paged
from uptake.campaigns.models import Campaign, Coordination
from uptake.campaigns.scope import NotCoordinating, OutOfScope, Scope
from uptake.documents.actions import (
    TEXT_MAX,
    CompilationError,
    approve_compilation,
    make_draft,
    send_compilation,
    write_text,
)
from uptake.documents.models import Compilation, Dispatch
from uptake.documents.report import FORMATS, render
from uptake.ops.downloads import log_download

router = Router(tags=["compilations"])


def problems(view):
    """The documents' own refusals as the API's errors (uptake.api.base): a CompilationError
    with the status that fits, PermissionDenied as the coordinators' 403."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except CompilationError as exc:
            raise ApiError(exc.status, exc.field, exc.message) from exc
        except PermissionDenied:
            raise ApiError(403, "campaign", "Only the campaign's coordinators do this.") from None

    return wrapper


class TextIn(Schema):
    model_config = pydantic.ConfigDict(extra="forbid")

    situation: str = pydantic.Field(default="", max_length=TEXT_MAX)
    difficulties: str = pydantic.Field(default="", max_length=TEXT_MAX)
    proposals: str = pydantic.Field(default="", max_length=TEXT_MAX)


ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


UNIT_MAX = 64  # a unit's code, as the campaign file allows


def _level_for_reader(request, slug: str, unit: str | None) -> tuple[Campaign, Coordination]:
    """The campaign and the coordinating level named by ``?unit=CODE`` (a level's unit or
    office; the top level without it), as the Scope lets the caller read it (#14)."""
    campaign = Campaign.objects.select_related("root", "coordinator").filter(slug=slug).first()
    if campaign is None:
        raise ApiError(404, "campaign", f"Unknown campaign {slug!r}.")
    if unit is not None and (not unit.strip() or len(unit) > UNIT_MAX):
        raise ApiError(422, "unit", "Give the code of a coordinating unit.")
    scope = Scope.of(request.user, campaign)
    try:
        level = scope.level_for(unit)
    except NotCoordinating:
        raise ApiError(422, "unit", f"{unit!r} coordinates nothing in this campaign.") from None
    except OutOfScope:
        raise ApiError(403, "unit" if unit else "campaign", _OUTSIDE) from None
    return campaign, level


_OUTSIDE = "This report is outside your units."


def _level_for_coordinator(request, slug: str, unit: str | None) -> tuple[Campaign, Coordination]:
    campaign, level = _level_for_reader(request, slug, unit)
    if not Scope.of(request.user, campaign).may_compile(level):
        field = "unit" if unit else "campaign"
        raise ApiError(403, field, "Only this level's coordinators do this.")
    return campaign, level


def _compilation(campaign: Campaign, level: Coordination, day: dt.date) -> Compilation:
    compilation = (
        Compilation.objects.select_related(
            "made_by", "refreshed_by", "approved_by", "sent_by", "text_by", "unit"
        )
        .filter(campaign=campaign, unit=level.unit, date=day)
        .first()
    )
    if compilation is None:
        raise ApiError(404, "date", f"No report compiled for {day.isoformat()}.")
    compilation.campaign = campaign
    compilation.level = level
    return compilation


def _who(user) -> str | None:
    return user.username if user is not None else None


def _when(value: dt.datetime | None, campaign: Campaign) -> str | None:
    return value.astimezone(campaign.tz).isoformat() if value else None


def dispatch_out(d: Dispatch, campaign: Campaign) -> dict:
    return {
        "sent_at": _when(d.sent_at, campaign),
        "sent_by": _who(d.sent_by),
        "subject": d.subject,
        "recipients": d.recipients,
        "attachments": d.attachments,
    }


def totals_out(snapshot: dict) -> dict:
    """Per group: with_smartphone, installed, percent (the summary's totals' shape)."""
    return {
        key: {k: t.get(k) for k in ("with_smartphone", "installed", "percent")}
        for key, t in (snapshot.get("totals") or {}).items()
    }


def compilation_out(c: Compilation, campaign: Campaign, snapshot: bool = True) -> dict:
    query = {} if c.unit_id == campaign.root_id else {"unit": c.unit.code}
    out: dict[str, Any] = {
        "campaign": campaign.slug,
        "unit": c.unit.code,
        "date": c.date.isoformat(),
        "state": c.state,
        "number": c.number,
        "year": c.year,
        "symbol": c.symbol,
        "reference": c.reference if c.number else None,
        "made_at": _when(c.made_at, campaign),
        "made_by": _who(c.made_by),
        "refreshed_at": _when(c.refreshed_at, campaign),
        "refreshed_by": _who(c.refreshed_by),
        "approved_at": _when(c.approved_at, campaign),
        "approved_by": _who(c.approved_by),
        "sent_at": _when(c.sent_at, campaign),
        "sent_by": _who(c.sent_by),
        "situation": c.situation,
        "difficulties": c.difficulties,
        "proposals": c.proposals,
        "documents": {
            fmt: reverse(
                "api:compilation_document",
                kwargs={"slug": campaign.slug, "date": c.date.isoformat(), "fmt": fmt},
            )
            + ("?" + urlencode(query) if query else "")
            for fmt in FORMATS
        },
    }
    if snapshot:
        out["totals"] = totals_out(c.snapshot)
        out["below"] = c.snapshot.get("below", [])
        out["dispatches"] = [
            dispatch_out(d, campaign) for d in c.dispatches.select_related("sent_by")
        ]
        out["snapshot"] = c.snapshot
    return out


@router.get(
    "/campaigns/{slug}/compilations",
    response={200: list[dict], **ERRORS},
    summary="The campaign's compiled reports, newest first (without their snapshots)",
)
@problems
def list_compilations(
    request,
    response: HttpResponse,
    slug: str,
    unit: str | None = None,
    limit: int | None = limit_query(),
    offset: int = offset_query(),
):
    campaign, level = _level_for_reader(request, slug, unit)
    compilations = (
        Compilation.objects.filter(campaign=campaign, unit=level.unit)
        .select_related("made_by", "refreshed_by", "approved_by", "sent_by", "unit")
        .defer("snapshot")
        .order_by("-date")
    )
    return paged(
        request,
        response,
        compilations,
        lambda c: compilation_out(c, campaign, snapshot=False),
        limit=limit,
        offset=offset,
    )


@router.post(
    "/campaigns/{slug}/compilations/{date}",
    response={200: dict, 201: dict, **ERRORS},
    summary="Make the day's draft report, or refresh it (coordinators); a body sets its text",
)
@problems
def post_compilation(request, slug: str, date: dt.date, unit: str | None = None):
    campaign, level = _level_for_coordinator(request, slug, unit)
    text = _text(request)  # checked before anything is written
    compilation, created = make_draft(campaign, date, request.user, unit=level)
    if text is not None:
        compilation = write_text(compilation, request.user, **text.model_dump(exclude_unset=True))
    compilation = _compilation(campaign, level, date)
    return Status(201 if created else 200, compilation_out(compilation, campaign))


def _text(request) -> TextIn | None:
    """The optional body: {"situation": ..., "difficulties": ..., "proposals": ...}."""
    if request.content_type in ("multipart/form-data", "application/x-www-form-urlencoded"):
        if not request.POST:
            return None  # an empty form post: no body
        raise ApiError(422, "body", "Send the text as JSON.")
    if not request.body.strip():
        return None
    try:
        data = json.loads(request.body)
    except ValueError:
        raise ApiError(422, "body", "The body is not valid JSON.") from None
    try:
        return TextIn.model_validate(data)
    except pydantic.ValidationError as exc:
        err = exc.errors()[0]
        field = ".".join(str(p) for p in err["loc"]) or "body"
        raise ApiError(422, field, err["msg"]) from None


@router.get(
    "/campaigns/{slug}/compilations/{date}",
    response={200: dict, **ERRORS},
    summary="A day's compiled report: state, number, text and the frozen snapshot",
)
@problems
def get_compilation(request, slug: str, date: dt.date, unit: str | None = None):
    campaign, level = _level_for_reader(request, slug, unit)
    return compilation_out(_compilation(campaign, level, date), campaign)


class ApproveIn(Schema):
    model_config = pydantic.ConfigDict(extra="forbid")

    confirm: bool = False


def _confirm(request, query: bool) -> bool:
    """``confirm=true`` in the query or ``{"confirm": true}`` in the optional JSON body."""
    if request.content_type in ("multipart/form-data", "application/x-www-form-urlencoded"):
        if not request.POST:
            return query
        raise ApiError(422, "body", "Send the body as JSON.")
    if not request.body.strip():
        return query
    try:
        data = json.loads(request.body)
    except ValueError:
        raise ApiError(422, "body", "The body is not valid JSON.") from None
    try:
        body = ApproveIn.model_validate(data)
    except pydantic.ValidationError as exc:
        err = exc.errors()[0]
        field = ".".join(str(p) for p in err["loc"]) or "body"
        raise ApiError(422, field, err["msg"]) from None
    return query or body.confirm


@router.post(
    "/campaigns/{slug}/compilations/{date}/approve",
    response={200: dict, **ERRORS},
    summary="Approve the draft: it gets the next number and never changes again (not sent)",
    description=(
        "Approving does not send the report (see `.../send`). Before the day's deadline, or "
        "with units that have not reported, it answers 422 on the field `confirm` with the "
        "number of units missing and late, unless `confirm=true` is given (query, or "
        '`{"confirm": true}` as the JSON body).'
    ),
)
@problems
def approve(request, slug: str, date: dt.date, confirm: bool = False, unit: str | None = None):
    campaign, level = _level_for_coordinator(request, slug, unit)
    confirmed = _confirm(request, confirm)  # checked before anything is written
    approve_compilation(_compilation(campaign, level, date), request.user, confirm=confirmed)
    return compilation_out(_compilation(campaign, level, date), campaign)


@router.post(
    "/campaigns/{slug}/compilations/{date}/send",
    response={200: dict, 502: ErrorOut, **ERRORS},
    summary="E-mail the approved report (PDF, Word, Excel) to the campaign's recipients",
)
@problems
def send(request, slug: str, date: dt.date, unit: str | None = None):
    campaign, level = _level_for_coordinator(request, slug, unit)
    dispatch = send_compilation(_compilation(campaign, level, date), request.user)
    out = compilation_out(_compilation(campaign, level, date), campaign)
    out["dispatch"] = dispatch_out(dispatch, campaign)
    return out


@router.get(
    "/campaigns/{slug}/compilations/{date}/document.{fmt}",
    response={200: None, **ERRORS},
    url_name="compilation_document",
    summary="The report as a file: docx, pdf, xlsx or csv",
)
@problems
def document(request, slug: str, date: dt.date, fmt: str, unit: str | None = None):
    campaign, level = _level_for_reader(request, slug, unit)
    if fmt not in FORMATS:
        raise ApiError(404, "format", f"Unknown format {fmt!r}: docx, pdf, xlsx or csv.")
    rendered = render(_compilation(campaign, level, date), fmt)
    log_download(request, f"compilation.{fmt}", campaign, date.isoformat())
    response = HttpResponse(rendered.content, content_type=rendered.content_type)
    response["Content-Disposition"] = f'attachment; filename="{rendered.filename}"'
    return response
