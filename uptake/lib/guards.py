"""Middleware that keeps two kinds of trouble from becoming a bare "500 Server Error".

``DatabaseUnavailableMiddleware`` (first in MIDDLEWARE): when the database cannot be reached
(it restarts, the network drops, SQLite is locked for too long), every page and API call
answers **503** with ``Retry-After``, a small page in the user's language, or for /api/
``{"errors": [{"field": "database", "message": ...}]}``. Nothing was stored, so a client may
send again: the offline visit page (#4) keeps its queue and retries, and API clients retry with
their ``Idempotency-Key``. The error is still logged.

``UnstorableTextMiddleware``: text that no database column can hold, the NUL character (which
PostgreSQL refuses) and unpaired UTF-16 surrogates (which no UTF-8 database can encode), is
refused with 400 (pages) or 422 naming the field (API) before any view sees it.
"""

from __future__ import annotations

import json
import logging
import sys

from django.conf import settings
from django.core.signals import got_request_exception
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

log = logging.getLogger(__name__)

RETRY_AFTER = 30  # seconds: a restarting database is usually back within that
DATABASE_ERRORS = (OperationalError, InterfaceError)


def is_api(request) -> bool:
    return request.path.startswith("/api/")


def unavailable(request) -> HttpResponse:
    """The 503 answer: JSON for the API, a page that needs no database for the rest."""
    message = _(
        "The database cannot be reached at the moment. Nothing was saved: please try again "
        "in a minute."
    )
    if is_api(request):
        response = JsonResponse({"errors": [{"field": "database", "message": message}]}, status=503)
    else:
        # No context processors, no base template: they would ask the database again.
        html = render_to_string("503.html", {"message": message, "retry_after": RETRY_AFTER})
        response = HttpResponse(html, status=503)
    response["Retry-After"] = str(RETRY_AFTER)
    response["Cache-Control"] = "no-store"
    response["Content-Language"] = translation.get_language() or settings.LANGUAGE_CODE
    return response


def _mark_database_error(sender, request=None, **kwargs) -> None:
    """An exception escaped a middleware (Django made it a 500): note a database one."""
    exc = sys.exc_info()[1]
    if request is not None and isinstance(exc, DATABASE_ERRORS):
        request.database_unavailable = True


got_request_exception.connect(_mark_database_error, dispatch_uid="uptake-database-unavailable")


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            response = self.get_response(request)
        except DATABASE_ERRORS:  # only when exceptions propagate (DEBUG_PROPAGATE_EXCEPTIONS)
            log.exception("database unavailable: %s %s", request.method, request.path)
            return unavailable(request)
        if getattr(request, "database_unavailable", False):
            return unavailable(request)
        return response

    def process_exception(self, request, exception):
        """A view (or the API's authentication) could not reach the database."""
        if isinstance(exception, DATABASE_ERRORS):
            return database_unavailable(request, exception)
        return None


def database_unavailable(request, exception) -> HttpResponse:
    """Log the database error and answer 503 (the middleware, and the API's handler)."""
    # With its traceback: "no such table" (a missing migrate) is an OperationalError too.
    log.error(
        "database unavailable: %s %s: %s",
        request.method,
        request.path,
        exception,
        exc_info=exception,
    )
    return unavailable(request)


# --- text no database can store -----------------------------------------------------------


def unstorable(text: str) -> bool:
    """Holds NUL or an unpaired surrogate: PostgreSQL or the UTF-8 encoder would fail."""
    if "\x00" in text:
        return True
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def first_unstorable(value, path: str = "") -> str | None:
    """The path ("figures.staff.note", "items.2") of the first unstorable string in ``value``."""
    if isinstance(value, str):
        return (path or "body") if unstorable(value) else None
    if isinstance(value, dict):
        for key, item in value.items():
            where = f"{path}.{key}" if path else str(key)
            if isinstance(key, str) and unstorable(key):
                return where
            found = first_unstorable(item, where)
            if found:
                return found
    if isinstance(value, list):
        for i, item in enumerate(value):
            found = first_unstorable(item, f"{path}.{i}" if path else str(i))
            if found:
                return found
    return None


class UnstorableTextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        field = None
        for key, values in request.GET.lists():
            if unstorable(key) or any(unstorable(v) for v in values):
                field = key
                break
        content_type = request.content_type or ""
        if field is None and is_api(request) and content_type.endswith("json"):
            try:
                field = first_unstorable(json.loads(request.body or b"null"))
            except ValueError:
                pass  # not JSON: the API answers that itself
        if field is None:
            return self.get_response(request)
        message = _("This text holds a character that cannot be stored (NUL or a broken one).")
        if is_api(request):
            return JsonResponse({"errors": [{"field": field, "message": message}]}, status=422)
        return HttpResponse(message, status=400, content_type="text/plain; charset=utf-8")
