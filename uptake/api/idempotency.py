"""``Idempotency-Key`` on the API's POSTs: a retried request gets the first answer, nothing new.

A phone on a weak network, or a script whose connection dropped, cannot tell whether its
POST arrived. Sending it again with the same ``Idempotency-Key`` header (any text of 1 to 255
printable characters, new for each new request: a UUID does) is safe:

- the first request stores its report (or visit) and, in the same transaction, the key with
  its answer (``IdempotencyKey``), so a crash keeps both or neither;
- a retry with the same key and the same request gets that answer again, status and body,
  with ``Idempotent-Replayed: true``, and stores nothing;
- the same key with a different request is refused (422): the key was reused by mistake;
- two copies racing each other: the key's unique constraint lets one insert it; the other
  waits for that transaction (PostgreSQL's unique index, SQLite's write lock), then replays.

Keys are per user. Only successful answers are kept: a refused request stored nothing, so
its retry simply runs again. Keys older than ``KEEP_DAYS`` are forgotten by the daily purge.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Status
from ninja.responses import NinjaJSONEncoder

from uptake.api.models import IdempotencyKey

HEADER = "Idempotency-Key"
KEY_HELP = (
    "Optional. A new unique text (a UUID) per request: a retry with the same key gets the "
    "first answer again and stores nothing new; the same key with another request is refused."
)
KEEP_DAYS = 30
# Printable ASCII, no control characters: what a UUID, a ULID or "report-870-TTT-1" is made of.
VALID_KEY = re.compile(r"^[\x21-\x7e][\x20-\x7e]{0,254}$")
JSON = "application/json; charset=utf-8"


def json_response(data, status: int) -> HttpResponse:
    """A JSON answer as django-ninja writes it."""
    return HttpResponse(json.dumps(data, cls=NinjaJSONEncoder), status=status, content_type=JSON)


def error(message: str, status: int = 422) -> HttpResponse:
    return json_response({"errors": [{"field": HEADER, "message": message}]}, status)


def request_hash(request: HttpRequest) -> str:
    """SHA-256 of the request's method, path, query and body (JSON in canonical form, so that
    a retry that orders its keys differently is still the same request)."""
    try:
        body = json.dumps(
            json.loads(request.body or b"null"),
            sort_keys=True,
            separators=(",", ":"),
            ensure_ascii=False,
        ).encode()
    except ValueError:
        body = request.body
    query = json.dumps(sorted(request.GET.lists()), ensure_ascii=False).encode()
    digest = hashlib.sha256()
    for part in (request.method.encode(), request.path.encode(), query, body):
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return digest.hexdigest()


def _as_response(result, schema) -> HttpResponse:
    """A view's result (``Status(code, value)`` or a response) as the response it makes."""
    if isinstance(result, HttpResponse):
        return result
    status, value = (
        (result.status_code, result.value) if isinstance(result, Status) else (200, result)
    )
    if schema is not None and 200 <= status < 300:  # refusals are {"errors": [...]} as they are
        value = schema.model_validate(value).model_dump(mode="json")
    return json_response(value, status)


def _replay(stored: IdempotencyKey, digest: str) -> HttpResponse:
    if stored.request_hash != digest:
        return error(
            _(
                "This Idempotency-Key was already used for a different request: "
                "send a new key with each new request."
            )
        )
    response = HttpResponse(stored.response_body, status=stored.response_status, content_type=JSON)
    response["Idempotent-Replayed"] = "true"
    return response


class _NotKept(Exception):
    """The request was refused: roll back its key (it stored nothing) and answer."""

    def __init__(self, response: HttpResponse):
        self.response = response


def idempotent(request: HttpRequest, key: str | None, run: Callable, schema=None):
    """Run ``run()`` (a view's work) once per ``key`` of the user; replay its answer after.

    Without a key, ``run()``'s result is returned as it is. With one, the answer is an
    ``HttpResponse`` whose body is ``schema`` (the operation's response schema) as JSON.
    """
    if key is None:
        return run()
    if not VALID_KEY.match(key):
        return error(_("Give an Idempotency-Key of 1 to 255 printable characters, such as a UUID."))
    digest = request_hash(request)
    user = request.user
    for attempt in range(3):
        stored = IdempotencyKey.objects.filter(user=user, key=key).first()
        if stored is not None:
            return _replay(stored, digest)
        try:
            with transaction.atomic():
                # Claimed first: a copy of this request racing us waits here until we commit.
                claim = IdempotencyKey.objects.create(
                    user=user,
                    key=key,
                    request_hash=digest,
                    method=request.method[:8],
                    path=request.path[:255],
                    response_status=0,
                    response_body="",
                )
                response = _as_response(run(), schema)
                if not 200 <= response.status_code < 300:
                    raise _NotKept(response)
                claim.response_status = response.status_code
                claim.response_body = response.content.decode()
                claim.save(update_fields=["response_status", "response_body"])
        except _NotKept as refused:
            return refused.response
        except IntegrityError:
            # Another copy of this request stored the key first: answer as it did. (An
            # IntegrityError of the work itself, with no key stored, is a real error.)
            if attempt < 2 and IdempotencyKey.objects.filter(user=user, key=key).exists():
                continue
            raise
        return response
    raise RuntimeError("unreachable")  # pragma: no cover


def forget_old_keys(now=None) -> int:
    """Delete the keys older than KEEP_DAYS (a retry comes within minutes, not weeks)."""
    cutoff = (now or timezone.now()) - timedelta(days=KEEP_DAYS)
    deleted, _by_model = IdempotencyKey.objects.filter(created_at__lt=cutoff).delete()
    return deleted
