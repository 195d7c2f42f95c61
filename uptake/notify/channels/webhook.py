"""Webhooks: the campaign file's receivers get each event of a job run as a signed JSON POST,
at least once (a repeat carries the same id), retried with backoff, every try logged. They go
out through uptake/lib/netguard.py (#15): public https:// addresses only, checked again at
sending, no redirect followed, only the status and a short reason kept.

Requests follow Standard Webhooks (https://www.standardwebhooks.com), so a receiver verifies
them with an off-the-shelf library:

    Content-Type: application/json; charset=utf-8
    webhook-id: <the delivery's id, the same for every retry>
    webhook-timestamp: <unix seconds>
    webhook-signature: v1,<base64 of HMAC-SHA256 of "<id>.<timestamp>.<body>">

The key is the webhook's secret: a secret written ``whsec_<base64>`` is that base64's bytes, as
the standard says; any other secret is its UTF-8 bytes (give a library ``whsec_`` followed by
the secret in base64).

For one more release, the former headers are sent as well (deprecated):
    X-Uptake-Event: <job>
    X-Uptake-Delivery: <id>
    X-Uptake-Timestamp: <unix seconds, also "timestamp" in the body>
    X-Uptake-Signature: sha256=<hex HMAC-SHA256 of the raw body, keyed by the secret's UTF-8>
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import time

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from uptake.lib import netguard
from uptake.notify.channels.base import Channel, Outcome
from uptake.notify.channels.http import Answer

SECRET_PREFIX = "whsec_"


def hooks_for(campaign, event: str) -> list[dict]:
    """The campaign file's webhooks that want ``event`` (all events when ``events`` is absent)."""
    hooks = (campaign.source or {}).get("webhooks") or []
    return [h for h in hooks if not h.get("events") or event in h["events"]]


def signing_key(secret: str) -> bytes:
    """The HMAC key of a secret: ``whsec_<base64>`` decoded, any other secret as UTF-8."""
    if secret.startswith(SECRET_PREFIX):
        try:
            key = base64.b64decode(secret[len(SECRET_PREFIX) :], validate=True)
        except (binascii.Error, ValueError):
            raise ValueError("the webhook's whsec_ secret is not valid base64") from None
        if not key:
            raise ValueError("the webhook's whsec_ secret is empty")
        return key
    return secret.encode()


def standard_signature(secret: str, msg_id: str, timestamp: int, body: bytes) -> str:
    """The webhook-signature header's value (Standard Webhooks, v1)."""
    signed = f"{msg_id}.{timestamp}.".encode() + body
    digest = hmac.new(signing_key(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def sign(secret: str, body: bytes) -> str:
    """The deprecated X-Uptake-Signature header's value for ``body``."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def post(url: str, body: bytes, headers: dict, timeout: float) -> Answer:
    """POST through netguard (#15): public https:// addresses only, checked again after
    resolution, the connection pinned to the checked address, no redirect followed, and only
    the status and a short reason kept (never a receiver's body)."""
    started = time.perf_counter()
    reply = netguard.post(url, body, headers, timeout)
    duration = int((time.perf_counter() - started) * 1000)
    error = "" if reply.ok else reply.reason
    return Answer(reply.status, error, duration, "")


class Webhook(Channel):
    key = "webhook"
    label = _("Webhook")
    counter = "webhooks"
    max_attempts = 8
    backoff = (30, 3600)
    at_most_once = False  # receivers drop repeats by webhook-id
    chosen_by_people = False

    def event_addresses(self, campaign, event: str) -> list[dict]:
        return [{"address": hook["url"]} for hook in hooks_for(campaign, event)]

    def send(self, delivery, session=None) -> Outcome:
        hook = next(
            (
                h
                for h in hooks_for(delivery.campaign, delivery.event)
                if h["url"] == delivery.address
            ),
            None,
        )
        if hook is None:
            return Outcome.give_up("this webhook is no longer in the campaign file")
        secret = hook["secret"]
        timestamp = int(time.time())
        payload = {**delivery.payload, "delivery": delivery.pk, "timestamp": timestamp}
        body = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        body = body.encode()
        msg_id = str(delivery.pk)
        try:
            signature = standard_signature(secret, msg_id, timestamp, body)
        except ValueError as exc:
            return Outcome.give_up(str(exc))
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "User-Agent": "uptake-webhooks/2",
            "webhook-id": msg_id,
            "webhook-timestamp": str(timestamp),
            "webhook-signature": signature,
            # Deprecated, kept for one release (README):
            "X-Uptake-Event": delivery.event,
            "X-Uptake-Delivery": msg_id,
            "X-Uptake-Timestamp": str(timestamp),
            "X-Uptake-Signature": sign(secret, body),
        }
        answer = post(delivery.address, body, headers, getattr(settings, "WEBHOOK_TIMEOUT", 10))
        if answer.ok:
            return Outcome.sent(
                status=answer.status, response=answer.response, duration_ms=answer.duration_ms
            )
        return Outcome.again(
            answer.error or f"HTTP {answer.status}",
            status=answer.status,
            response=answer.response,
            duration_ms=answer.duration_ms,
        )
