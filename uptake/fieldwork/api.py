"""API v1 for door-to-door visits: ``POST /api/v1/visits`` (idempotent) and ``GET``.

Mounted at the end of uptake/api/api.py (``api.add_router("", fieldwork_router)``); import it
only from there. Besides a bearer token, the phone page's session is accepted, with Django's
CSRF token in ``X-CSRFToken``: the offline page sends its waiting visits here.
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.utils import timezone
from ninja import Header, Query, Router, Schema, Status
from ninja.security import SessionAuth
from ninja.utils import check_csrf

from uptake.api.base import ApiError, ErrorOut, PageQuery, TokenAuth, paged
from uptake.api.idempotency import HEADER as IDEMPOTENCY_KEY
from uptake.api.idempotency import KEY_HELP, idempotent
from uptake.campaigns.models import Campaign
from uptake.fieldwork import access
from uptake.fieldwork.actions import VisitInvalid, record_visit
from uptake.fieldwork.models import Team, Visit
from uptake.units.models import Unit


class PageSession(SessionAuth):
    """The logged-in phone page. CSRF is checked only when the session is what authenticates,
    so that a request with neither token nor session gets a plain 401."""

    def _get_key(self, request):
        if not request.user.is_authenticated:
            return None
        if check_csrf(request):
            raise ApiError(403, "csrf", "The page's security token has expired: reload the page.")
        return request.COOKIES.get(self.param_name)


router = Router(tags=["visits"], auth=[TokenAuth(), PageSession()])


class VisitIn(Schema):
    id: uuid.UUID
    campaign: str
    hamlet: str
    household: str = ""
    visited_at: dt.datetime
    outcome: str
    smartphones: int = 0
    already_had: int = 0
    installed_now: int = 0
    note: str = ""
    team: int | None = None
    revisit_of: uuid.UUID | None = None


class VisitOut(Schema):
    id: uuid.UUID
    campaign: str
    hamlet: str
    commune: str
    team: int | None
    team_name: str | None
    household: str
    visited_at: str
    date: dt.date
    outcome: str
    smartphones: int
    already_had: int
    installed_now: int
    note: str
    revisit_of: uuid.UUID | None
    recorded_by: str | None
    received_at: str


def visit_out(visit: Visit) -> dict:
    tz = visit.campaign.tz
    return {
        "id": visit.pk,
        "campaign": visit.campaign.slug,
        "hamlet": visit.hamlet.code,
        "commune": visit.commune.code,
        "team": visit.team_id,
        "team_name": visit.team.name if visit.team_id else None,
        "household": visit.household,
        "visited_at": visit.visited_at.astimezone(tz).isoformat(),
        "date": visit.day,
        "outcome": visit.outcome,
        "smartphones": visit.smartphones,
        "already_had": visit.already_had,
        "installed_now": visit.installed_now,
        "note": visit.note,
        "revisit_of": visit.revisit_of_id,
        "recorded_by": visit.recorded_by.username if visit.recorded_by_id else None,
        "received_at": visit.received_at.astimezone(tz).isoformat(),
    }


def _errors(exc: VisitInvalid) -> dict:
    return {"errors": [{"field": e.field, "message": e.message} for e in exc.errors]}


def _campaign(slug: str) -> Campaign:
    campaign = Campaign.objects.select_related("root").filter(slug=slug).first()
    if campaign is None:
        raise ApiError(404, "campaign", f"Unknown campaign {slug!r}.")
    return campaign


def _hamlet(code: str) -> Unit:
    hamlet = Unit.objects.filter(code=code, kind=Unit.Kind.HAMLET).first()
    if hamlet is None:
        raise ApiError(404, "hamlet", f"Unknown hamlet {code!r}.")
    return hamlet


@router.post(
    "/visits",
    response={
        200: VisitOut,
        201: VisitOut,
        401: ErrorOut,
        403: ErrorOut,
        404: ErrorOut,
        422: ErrorOut,
    },
    summary="Record a household visit (idempotent on its id: a repeat returns the stored visit)",
)
def post_visit(
    request,
    payload: VisitIn,
    idempotency_key: str | None = Header(None, alias=IDEMPOTENCY_KEY, description=KEY_HELP),
):
    # Idempotent on the visit's id already; an Idempotency-Key also replays the first answer.
    return idempotent(request, idempotency_key, lambda: _post_visit(request, payload), VisitOut)


def _post_visit(request, payload: VisitIn):
    stored = Visit.objects.filter(pk=payload.id).exists()
    if not stored:
        campaign = _campaign(payload.campaign)
        hamlet = _hamlet(payload.hamlet)
    else:  # a repeat: answered with the stored visit, whatever has changed since
        campaign, hamlet = None, None
    team = None
    if payload.team is not None:
        team = Team.objects.filter(pk=payload.team).first()
        if team is None:
            raise ApiError(422, "team", "Unknown team.")
    visited_at = payload.visited_at
    if campaign is not None and timezone.is_naive(visited_at):
        visited_at = visited_at.replace(tzinfo=campaign.tz)
    try:
        visit, created = record_visit(
            visit_id=payload.id,
            campaign=campaign,
            hamlet=hamlet,
            user=request.user,
            household=payload.household,
            visited_at=visited_at,
            outcome=payload.outcome,
            smartphones=payload.smartphones,
            already_had=payload.already_had,
            installed_now=payload.installed_now,
            note=payload.note,
            team=team,
            revisit_of=payload.revisit_of,
            via="api" if request.headers.get("Authorization") else "web",
        )
    except VisitInvalid as exc:
        return Status(422, _errors(exc))
    except PermissionDenied:
        raise ApiError(403, "hamlet", "This hamlet is outside your teams and units.") from None
    return Status(201 if created else 200, visit_out(visit))


class VisitsQuery(PageQuery):
    hamlet: str
    date: dt.date
    campaign: str | None = None


@router.get(
    "/visits",
    response={200: list[VisitOut], 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="A hamlet's visits on one day",
)
def list_visits(request, response: HttpResponse, query: Query[VisitsQuery]):
    hamlet = _hamlet(query.hamlet)
    campaigns = Campaign.objects.select_related("root")
    if query.campaign:
        campaigns = [_campaign(query.campaign)]
    else:
        campaigns = list(campaigns.filter(root__path__in=_ancestor_paths(hamlet)))
    readable = [c for c in campaigns if access.can_see(request.user, c, hamlet)]
    if not readable:
        raise ApiError(403, "hamlet", "This hamlet is outside your teams and units.")
    visits = (
        Visit.objects.filter(campaign__in=readable, hamlet=hamlet, day=query.date)
        .select_related("campaign", "hamlet", "commune", "team", "recorded_by")
        .order_by("visited_at", "pk")
    )
    return paged(request, response, visits, visit_out, limit=query.limit, offset=query.offset)


def _ancestor_paths(unit: Unit) -> list[str]:
    """ "87/870/870-TTT/870-TTT-K1/" -> "87/", "87/870/", ...: the campaigns it may be in."""
    parts = unit.path.strip("/").split("/")
    return ["/".join(parts[: i + 1]) + "/" for i in range(len(parts))]
