"""The API's shared pieces, below every router: token auth, errors and their JSON shape.

Every app's ``api.py`` (a ``Router``) imports what it needs from here, never from
``uptake.api.api``, which only builds the ``NinjaAPI``, registers ``EXCEPTION_HANDLERS`` and
mounts the routers. An error body is always ``{"errors": [{"field": ..., "message": ...}]}``.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from ninja import Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.renderers import JSONRenderer
from ninja.security import HttpBearer

from uptake.accounts.models import ApiToken
from uptake.api import ratelimit
from uptake.lib import guards

# The API's renderer (uptake.api.api hands it to the NinjaAPI): the handlers below answer
# with the same bytes and content type as the API's own responses.
RENDERER = JSONRenderer()


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
