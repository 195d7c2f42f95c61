"""The API's shared pieces, below every router: token auth, errors and their JSON shape, paging.

Every app's ``api.py`` (a ``Router``) imports what it needs from here, never from
``uptake.api.api``, which only builds the ``NinjaAPI``, registers ``EXCEPTION_HANDLERS`` and
mounts the routers. An error body is always ``{"errors": [{"field": ..., "message": ...}]}``.
A list's body is always a JSON list: ``paged`` cuts it with ``limit`` and ``offset`` and says
the rest in headers (``X-Total-Count``, ``Link``).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import InterfaceError, OperationalError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.parser import Parser
from ninja.renderers import JSONRenderer
from ninja.responses import NinjaJSONEncoder
from ninja.security import HttpBearer

from uptake.accounts.models import ApiToken
from uptake.api import ratelimit
from uptake.lib import guards

# The API's renderer (uptake.api.api hands it to the NinjaAPI): the handlers below answer
# with the same bytes and content type as the API's own responses.
RENDERER = JSONRenderer()


class BodyParser(Parser):
    """django-ninja's JSON parser, which takes the body as the guard parsed it (#20): every
    JSON body is parsed first by ``uptake.lib.guards`` to bound its depth and check its text,
    and parsing it a second time was a few percent of a report's CPU. A body the guard did not
    parse (it is not JSON) is parsed here, and refused, as before."""

    def parse_body(self, request: HttpRequest):
        found = getattr(request, "parsed_json", None)
        return found if found is not None else super().parse_body(request)


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str):
        found = ApiToken.lookup(token)
        if found is None:
            return None
        ratelimit.check(found.key_hash)  # 429 past API_RATE_LIMIT requests a minute
        request.user = found.user
        return found.user


class ApiError(Exception):
    """Refuse a request: ``status`` with one error on ``field``."""

    def __init__(self, status: int, field: str, message: str):
        self.status, self.field, self.message = status, field, message


class ErrorOut(Schema):
    errors: list[dict[str, str]]


def error_response(request: HttpRequest, status: int, errors: list[dict[str, str]]) -> HttpResponse:
    """The API's error body, as the NinjaAPI's ``create_response`` would render it."""
    content = RENDERER.render(request, {"errors": errors}, response_status=status)
    return HttpResponse(
        content, status=status, content_type=f"{RENDERER.media_type}; charset={RENDERER.charset}"
    )


def on_api_error(request, exc: ApiError):
    return error_response(request, exc.status, [{"field": exc.field, "message": exc.message}])


def on_validation_error(request, exc: ValidationError):
    errors = []
    for err in exc.errors:
        loc = [str(part) for part in err.get("loc", ()) if part not in ("body", "payload", "query")]
        errors.append({"field": ".".join(loc) or "body", "message": err.get("msg", "invalid")})
    return error_response(request, 422, errors)


def on_permission_denied(request, exc):
    # submit_report's SubmitDenied says which field is refused (the unit, or on_behalf).
    field = getattr(exc, "field", "unit")
    message = getattr(exc, "message", "This unit is outside your units.")
    return error_response(request, 403, [{"field": field, "message": message}])


def on_unauthenticated(request, exc):
    return error_response(
        request, 401, [{"field": "authorization", "message": "A valid token is required."}]
    )


def on_rate_limited(request, exc: ratelimit.RateLimited):
    message = (
        f"Too many requests: at most {exc.limit} a minute with one token. "
        f"Try again in {exc.retry_after} seconds."
    )
    response = error_response(request, 429, [{"field": "authorization", "message": message}])
    response["Retry-After"] = str(exc.retry_after)
    return response


def on_database_unavailable(request, exc):
    # The database cannot be reached: 503 with Retry-After, even with DEBUG (uptake/lib/guards).
    return guards.database_unavailable(request, exc)


def on_http_error(request, exc: HttpError):
    # Ninja's own refusals (a body that is not JSON: 400) in the same shape as ours.
    field = "body" if exc.status_code == 400 else "request"
    return error_response(request, exc.status_code, [{"field": field, "message": exc.message}])


# Registered on the NinjaAPI by uptake.api.api; an app's own domain error that every route
# may raise gets its handler beside its router and is registered there too.
EXCEPTION_HANDLERS = {
    ApiError: on_api_error,
    ValidationError: on_validation_error,
    PermissionDenied: on_permission_denied,
    AuthenticationError: on_unauthenticated,
    ratelimit.RateLimited: on_rate_limited,
    OperationalError: on_database_unavailable,
    InterfaceError: on_database_unavailable,
    HttpError: on_http_error,
}


# --- paging: every list endpoint -----------------------------------------------------------
#
# A list's body stays a JSON list (its documented shape); ``limit`` and ``offset`` cut it, and
# the headers say the rest, as GitHub's API does: ``X-Total-Count: 312`` and
# ``Link: <https://.../units?q=an&limit=50&offset=50>; rel="next", <...>; rel="prev"``.
# A call without ``offset`` (and without ``limit`` where the endpoint had none) answers what
# it answered before paging existed.

MAX_LIMIT = 1000  # the most a page holds where an endpoint sets no lower bound of its own
MAX_OFFSET = 1_000_000_000  # past any list, within every database's integers
OFFSET_HELP = 'Items to skip (paging): the Link header\'s rel="next" gives the next page.'
LIMIT_HELP = "Items per page (at most 1000); without it, every item from offset on."


def offset_query() -> Any:
    """The ``offset`` parameter of a list endpoint: ``offset: int = offset_query()``."""
    return Query(0, ge=0, le=MAX_OFFSET, description=OFFSET_HELP)


def limit_query() -> Any:
    """``limit`` where an endpoint had none: every item by default, as before paging."""
    return Query(None, description=LIMIT_HELP)


class PageQuery(Schema):
    """``limit`` and ``offset`` for an endpoint that takes its query as one schema."""

    limit: int | None = Field(None, description=LIMIT_HELP)
    offset: int = Field(0, ge=0, le=MAX_OFFSET, description=OFFSET_HELP)


def paged(
    request: HttpRequest,
    response: HttpResponse,
    items: QuerySet | Sequence,
    out: Callable[[Any], Any],
    *,
    limit: int | None,
    offset: int = 0,
    max_limit: int = MAX_LIMIT,
) -> list:
    """One page of ``items`` (ordered: a QuerySet is cut in the database), each made by ``out``.

    ``limit`` is kept between 1 and ``max_limit`` (None: every item from ``offset`` on).
    Sets ``X-Total-Count``, ``Link`` (``rel="next"`` while items remain, ``rel="prev"`` past
    the first) and a weak ``ETag`` of the page and those headers, so that a 304 to
    ``If-None-Match`` (ConditionalGetMiddleware) is never sent for a page whose total or
    links changed. ``response`` is the view's temporal response (``response: HttpResponse``).
    Counting costs a query only when the page does not show where the list ends.
    """
    if limit is not None:
        limit = max(1, min(limit, max_limit))
    offset = max(0, offset)
    stop = None if limit is None else offset + limit
    found = list(items[offset:stop])
    if (offset == 0 or found) and (limit is None or len(found) < limit):
        total = offset + len(found)  # the page reaches the end of the list
    else:
        total = items.count() if isinstance(items, QuerySet) else len(items)
    body = [out(item) for item in found]

    links = []
    if limit is not None and offset + limit < total:
        links.append((offset + limit, limit, "next"))
    if offset > 0:
        back = limit if limit is not None else offset
        links.append((max(0, offset - back), back, "prev"))
    response["X-Total-Count"] = str(total)
    if links:
        response["Link"] = ", ".join(
            f'<{_page_url(request, at, size)}>; rel="{rel}"' for at, size, rel in links
        )
    digest = hashlib.md5(usedforsecurity=False)
    digest.update(json.dumps(body, cls=NinjaJSONEncoder, sort_keys=True).encode())
    digest.update(f"|{total}|{response.get('Link', '')}".encode())
    response["ETag"] = f'W/"{digest.hexdigest()}"'
    return body


def _page_url(request: HttpRequest, offset: int, limit: int) -> str:
    params = request.GET.copy()
    params["limit"], params["offset"] = str(limit), str(offset)
    return request.build_absolute_uri(f"{request.path}?{params.urlencode()}")
