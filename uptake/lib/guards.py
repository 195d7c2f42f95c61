"""Middleware that keeps two kinds of trouble from becoming a bare "500 Server Error".

``DatabaseUnavailableMiddleware`` (first in MIDDLEWARE): when the database cannot be reached
(it restarts, the network drops, SQLite is locked for too long), every page and API call
answers **503** with ``Retry-After``, a small page in the user's language, or for /api/
``{"errors": [{"field": "database", "message": ...}]}``. Nothing was stored, so a client may
send again: the offline visit page (#4) keeps its queue and retries, and API clients retry with
their ``Idempotency-Key``. The error is still logged.

``UnstorableTextMiddleware``: what no view should see is refused before any view sees it,
with 400 (pages, ``400.html``) or 422 naming the field (API), never a 500 (#15):

- text that no database column can hold, the NUL character (which PostgreSQL refuses) and
  unpaired UTF-16 surrogates (which no UTF-8 database can encode), in the path, the query or
  the body;
- JSON nested deeper than MAX_JSON_DEPTH (walked without recursion);
- a body over DATA_UPLOAD_MAX_MEMORY_SIZE: 413 (the API's JSON, not Django's HTML 400);
- invisible formatting characters (right-to-left overrides, zero-width spaces) in what people
  type (form fields and JSON strings, passwords aside): visual spoofing of names and notes.
"""

from __future__ import annotations

import json
import logging
import sys
import unicodedata

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.core.signals import got_request_exception
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.http.multipartparser import MultiPartParserError
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


# --- text no database can store, and bodies no view should parse ---------------------------

# JSON nested deeper than this is refused before anything walks it: uptake's deepest real body
# (a report's figures per group) is three levels deep. Python's own limit (about 1,000 frames)
# turned deeper bodies into a RecursionError, a 500 (#15).
MAX_JSON_DEPTH = 32

# Format characters (Unicode category Cf) are invisible: a right-to-left override makes
# "exe.txt" read "txt.exe", a zero-width space makes two names look the same. Refused in the
# text people type (names, notes), except the zero-width joiner that emoji sequences use.
# Combining marks (Mn, Vietnamese tones in decomposed form) are letters' parts, and allowed.
ALLOWED_FORMAT = frozenset("\u200d")
# Control characters other than tab and line breaks are refused with them.
ALLOWED_CONTROL = frozenset("\t\n\r")
# Form fields left alone: passwords are never shown, tokens are machine-made.
UNCHECKED_FIELDS = ("password", "csrfmiddlewaretoken")


class TooDeep(ValueError):
    """JSON nested deeper than MAX_JSON_DEPTH."""


def unstorable(text: str) -> bool:
    """Holds NUL or an unpaired surrogate: PostgreSQL or the UTF-8 encoder would fail."""
    if "\x00" in text:
        return True
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def invisible(text: str) -> bool:
    """Holds an invisible formatting or control character (RLO, zero-width space, BOM...)."""
    if text.isprintable():  # no Cc, Cf, Zl or Zp in it: the common case, checked in C
        return False
    for ch in text:
        if ch.isprintable() or ch in ALLOWED_CONTROL or ch in ALLOWED_FORMAT:
            continue
        category = unicodedata.category(ch)
        if category in ("Cf", "Cc") or category in ("Zl", "Zp"):
            return True
    return False


def strings(value, path: str = "", max_depth: int = MAX_JSON_DEPTH):
    """Every string of ``value`` (keys included) with its path ("figures.staff.note",
    "items.2"), without recursion; TooDeep past ``max_depth`` levels of lists and objects."""
    stack = [(value, path, 0)]
    while stack:
        item, where, depth = stack.pop()
        if isinstance(item, str):
            yield where or "body", item
            continue
        if not isinstance(item, (dict, list)):
            continue
        if depth >= max_depth:
            raise TooDeep(where or "body")
        if isinstance(item, dict):
            children = []
            for key, child in item.items():
                here = f"{where}.{key}" if where else str(key)
                if isinstance(key, str):
                    yield here, key
                children.append((child, here, depth + 1))
        else:
            children = [
                (child, f"{where}.{i}" if where else str(i), depth + 1)
                for i, child in enumerate(item)
            ]
        stack.extend(reversed(children))  # in order: the first bad string is named


def first_unstorable(value, path: str = "") -> str | None:
    """The path ("figures.staff.note", "items.2") of the first unstorable string in ``value``."""
    return next((where for where, text in strings(value, path) if unstorable(text)), None)


class Refused(Exception):
    def __init__(self, status: int, field: str, message: str):
        super().__init__(message)
        self.status, self.field, self.message = status, field, message


def refusal(request, status: int, field: str, message: str) -> HttpResponse:
    """The API's ``{"errors": [{"field", "message"}]}``, or the site's error page."""
    if is_api(request):
        response = JsonResponse({"errors": [{"field": field, "message": message}]}, status=status)
    else:
        # Before the log-in middleware: a page of its own, like 503.html (no context processors).
        response = HttpResponse(render_to_string("400.html", {"message": message}), status=status)
    response["Cache-Control"] = "no-store"
    return response


def _cannot_store() -> str:
    return _("This text holds a character that cannot be stored (NUL or a broken one).")


def _invisible_message() -> str:
    return _(
        "This text holds an invisible formatting character (such as a right-to-left mark or a "
        "zero-width space): type it again without it."
    )


def _json_body(request):
    """The request's JSON body, parsed once, with bounds on its depth (and Django's on its
    size: DATA_UPLOAD_MAX_MEMORY_SIZE). None when it is not JSON (the API answers that)."""
    body = request.body  # RequestDataTooBig past DATA_UPLOAD_MAX_MEMORY_SIZE
    try:
        found = json.loads(body or b"null")
    except RecursionError:  # "[" * 100_000: deeper than Python's own stack
        raise TooDeep("body") from None
    except ValueError:
        return None
    if body:  # the API's parser takes it from here (uptake.api.base.BodyParser): parsed once
        request.parsed_json = found
    return found


def check_request(request) -> None:
    """Raise Refused for what no view should see: NUL or broken text anywhere (path, query,
    body), JSON nested too deep, a body over the size limit, invisible characters in typed
    text. Reading the body here is where its size and depth are first bounded."""
    if unstorable(request.path):
        raise Refused(400, "path", _cannot_store())
    for key, values in request.GET.lists():
        if unstorable(key) or any(unstorable(v) for v in values):
            raise Refused(422 if is_api(request) else 400, key, _cannot_store())
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return
    content_type = request.content_type or ""
    status = 422 if is_api(request) else 400
    too_large = Refused(
        413,
        "body",
        _("The request is too large: at most %(size)s bytes.")
        % {"size": settings.DATA_UPLOAD_MAX_MEMORY_SIZE},
    )
    if content_type.startswith("multipart/"):
        body = None  # its files are streamed to the view, never read here whole
    else:
        try:
            body = request.body
        except RequestDataTooBig:
            raise too_large from None
    if content_type.endswith("json"):
        try:
            found = _json_body(request)
            texts = list(strings(found)) if found is not None else []
        except TooDeep as exc:
            raise Refused(
                status,
                str(exc),
                _("The JSON is nested too deeply: at most %(depth)s levels.")
                % {"depth": MAX_JSON_DEPTH},
            ) from None
    elif content_type == "application/x-www-form-urlencoded" or body is None:
        try:  # a form's fields (the files of a multipart one are not text to check)
            fields = list(request.POST.lists())
        except RequestDataTooBig:
            raise too_large from None
        except (TooManyFieldsSent, TooManyFilesSent, MultiPartParserError):
            raise Refused(status, "body", _("This form could not be read.")) from None
        texts = [(key, value) for key, values in fields for value in [key, *values]]
    else:
        return
    for where, text in texts:
        if unstorable(text):
            raise Refused(status, where, _cannot_store())
    for where, text in texts:
        if invisible(text) and not any(name in where.lower() for name in UNCHECKED_FIELDS):
            raise Refused(status, where, _invisible_message())


class UnstorableTextMiddleware:
    """Refuses, before any view, what ``check_request`` finds (see the module's docstring)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            check_request(request)
        except Refused as refused:
            return refusal(request, refused.status, refused.field, refused.message)
        return self.get_response(request)
