"""API v1: figures in bulk (mounted on the API by uptake.api.api) and the offline form's queue.

- ``GET /campaigns/{slug}/imports/template.xlsx?date=D&unit=CODE``: the day's workbook;
- ``POST /campaigns/{slug}/imports?date=D&dry_run=true|false`` (multipart ``file``): a workbook
  or its .csv, checked (dry run) or stored all or nothing;
- ``POST /campaigns/{slug}/imports/text``: the same for a pasted message;
- ``POST /campaigns/{slug}/reports/queued``: a report the offline form kept on the phone, with
  an ``Idempotency-Key`` (sent once, however often the phone retries).

Errors as everywhere in the API: ``{"errors": [{"field": ..., "message": ...}]}``; a file or
message refused as a whole is a 422 whose errors may carry ``row`` and ``column``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpResponse
from ninja import File, Header, Query, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.security import SessionAuth
from ninja.utils import check_csrf
from pydantic import ConfigDict, Field

from uptake.api.base import ApiError, ErrorOut, TokenAuth
from uptake.api.idempotency import HEADER as IDEMPOTENCY_KEY
from uptake.api.idempotency import KEY_HELP, idempotent
from uptake.campaigns.models import Campaign
from uptake.campaigns.scope import OutOfScope
from uptake.imports import actions, offline, workbook
from uptake.imports.sheet import MAX_BYTES, FileRefused
from uptake.ops.downloads import log_download
from uptake.reports.actions import ReportInvalid


class PageSession(SessionAuth):
    """The logged-in pages (the offline form): CSRF is checked when the session authenticates."""

    def _get_key(self, request):
        if not request.user.is_authenticated:
            return None
        if check_csrf(request):
            raise ApiError(403, "csrf", "The page's security token has expired: reload the page.")
        return request.COOKIES.get(self.param_name)


router = Router(tags=["imports"], auth=[TokenAuth(), PageSession()])


class ImportErrorOut(Schema):
    field: str
    message: str
    column: str | None = None


class ImportRowOut(Schema):
    row: int
    unit: str
    status: str = Field(description="ok, unchanged, skipped or error")
    errors: list[ImportErrorOut]


class ImportOut(Schema):
    rows: list[ImportRowOut]
    stored: int = Field(description="Rows stored: 0 for a dry run or when any row is in error")
    dry_run: bool


def _campaign(slug: str) -> Campaign:
    campaign = Campaign.objects.select_related("root").filter(slug=slug).first()
    if campaign is None:
        raise ApiError(404, "campaign", f"Unknown campaign {slug!r}.")
    return campaign


def _refused(exc: FileRefused):
    return Status(422, {"errors": [e.as_dict() for e in exc.errors]})


def _denied(exc: actions.ImportDenied):
    return Status(403, {"errors": [{"field": "campaign", "message": str(exc)}]})


class TemplateQuery(Schema):
    date: dt.date | None = None
    unit: str | None = Field(None, description="Default: the top of your units in the campaign")


@router.get(
    "/campaigns/{slug}/imports/template.xlsx",
    response={200: Any, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="The day's workbook: one row per unit under CODE, figure cells empty",
)
def get_template(request, slug: str, query: Query[TemplateQuery]):
    campaign = _campaign(slug)
    try:
        made = workbook.make(request.user, campaign, query.date, query.unit)
    except actions.ImportDenied as exc:
        return _denied(exc)
    except OutOfScope:
        raise ApiError(403, "unit", "This unit is outside your units.") from None
    except FileRefused as exc:
        return _refused(exc)
    log_download(request, "imports-template", campaign, made.filename)
    response = HttpResponse(made.data, content_type=workbook.XLSX)
    response["Content-Disposition"] = f'attachment; filename="{made.filename}"'
    return response


@router.post(
    "/campaigns/{slug}/imports",
    response={200: ImportOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="Import a day's workbook (.xlsx or .csv): every row checked; stored all or nothing",
    description=f"Multipart field `file`, at most {MAX_BYTES // 1024 // 1024} MB. "
    "`dry_run=true` (the default) checks and stores nothing.",
)
def post_import(
    request,
    slug: str,
    file: File[UploadedFile],
    date: dt.date | None = None,
    dry_run: bool = True,
):
    campaign = _campaign(slug)
    if file.size is not None and file.size > MAX_BYTES:
        return Status(
            422, {"errors": [{"field": "file", "message": "The file is larger than 5 MB."}]}
        )
    try:
        outcome = actions.import_file(
            campaign=campaign,
            user=request.user,
            day=date or campaign.today(),
            data=file.read(MAX_BYTES + 1),
            filename=file.name or "",
            dry_run=dry_run,
        )
    except actions.ImportDenied as exc:
        return _denied(exc)
    except FileRefused as exc:
        return _refused(exc)
    return outcome.as_dict()


class TextIn(Schema):
    model_config = ConfigDict(extra="forbid")

    date: dt.date | None = None
    text: str = Field(max_length=500_000)
    dry_run: bool = True


@router.post(
    "/campaigns/{slug}/imports/text",
    response={200: ImportOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="Import figures pasted from a message, one unit per line; stored all or nothing",
)
def post_import_text(request, slug: str, payload: TextIn):
    campaign = _campaign(slug)
    try:
        outcome = actions.import_text(
            campaign=campaign,
            user=request.user,
            day=payload.date or campaign.today(),
            text=payload.text,
            dry_run=payload.dry_run,
        )
    except actions.ImportDenied as exc:
        return _denied(exc)
    except FileRefused as exc:
        return _refused(exc)
    return outcome.as_dict()


class QueuedIn(Schema):
    model_config = ConfigDict(extra="forbid")

    unit: str
    date: dt.date
    figures: dict[str, Any]
    activities: dict[str, Any] | None = None
    note: str = ""
    pressed_at: dt.datetime = Field(description="When the phone says 'Gửi' was pressed")


class QueuedOut(Schema):
    unit: str
    date: dt.date
    revision: int
    status: str
    received_at: str
    pressed_at: str


@router.post(
    "/campaigns/{slug}/reports/queued",
    response={201: QueuedOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="A report kept on the phone while offline, sent when the network returns",
    description="On time or late is decided by when the server receives it; `pressed_at` is "
    "stored beside it. Send an `Idempotency-Key` (the phone's id of the report): a retry with "
    "the same key gets the first answer and stores nothing new.",
)
def post_queued(
    request,
    slug: str,
    payload: QueuedIn,
    idempotency_key: str | None = Header(None, alias=IDEMPOTENCY_KEY, description=KEY_HELP),
):
    campaign = _campaign(slug)

    def run_it():
        try:
            stored = offline.store(campaign, request.user, payload.model_dump())
        except offline.NotYours as exc:
            raise ApiError(exc.status, "unit", exc.message) from None
        except ReportInvalid as exc:
            errors = [{"field": e.field, "message": e.message} for e in exc.errors]
            return Status(422, {"errors": errors})
        return Status(201, stored)

    return idempotent(request, idempotency_key, run_it, QueuedOut)
