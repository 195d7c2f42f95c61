"""Zalo: template messages through the Zalo Notification Service (ZNS) of the office's Zalo
Official Account, to a person's phone number.

As ZNS's documentation describes it (https://developers.zalo.me/docs/zalo-notification-service):

- ``POST https://business.openapi.zalo.me/message/template`` with the header ``access_token``
  and the JSON body ``{"phone": "84912345678", "template_id": "...", "template_data": {...},
  "tracking_id": "..."}``. The answer is JSON: ``{"error": 0, "message": "Success", "data":
  {"msg_id": "...", "sent_time": "...", "quota": {...}}}``, or a negative ``error`` code.
- The OA's access token lives about 25 hours; it is refreshed with ``POST
  https://oauth.zaloapp.com/v4/oa/access_token`` (header ``secret_key``: the app's secret; form
  ``app_id``, ``grant_type=refresh_token``, ``refresh_token``), whose answer carries a new
  access token, ``expires_in`` (seconds) and a new refresh token: the old one is used up, so
  both are kept in ``ChannelToken`` (one scheduler refreshes at a time).
- A template is registered and approved on the ZNS dashboard with named parameters; its id is
  set per kind of message in ``ZALO_TEMPLATES``, and ``template_data`` gives exactly the
  parameters listed in ``TEMPLATE_PARAMS`` (README), each cut to ``ZALO_PARAM_MAX_LENGTH``.
- ``tracking_id`` is the delivery's id, so a retry (and ZNS's delivery callbacks) name it.

Only tried against a local server that answers as the documentation says (tests/fakes.py).
"""

from __future__ import annotations

import hashlib
import json
import urllib.parse
from datetime import date, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from uptake.accounts.models import mask_phone
from uptake.notify.channels.base import Channel, Outcome
from uptake.notify.channels.http import post
from uptake.notify.messages import _names, _percent
from uptake.notify.models import ChannelToken, Kind

# The parameters of each kind's template, as the office registers them on the ZNS dashboard.
TEMPLATE_PARAMS = {
    Kind.MORNING_REMINDER: ["name", "campaign", "date", "due", "units"],
    Kind.AFTERNOON_REMINDER: ["name", "campaign", "date", "due", "units"],
    Kind.OVERDUE: ["name", "campaign", "date", "due", "units"],
    Kind.STATUS_LIST: ["name", "campaign", "scope", "date", "missing", "late", "on_time"],
    Kind.DRAFT_READY: ["name", "campaign", "date", "reported", "expected"],
    Kind.SENT: ["name", "campaign", "date", "number", "recipients"],
    Kind.LEADERS_SUMMARY: ["name", "campaign", "scope", "date", "reported", "expected", "result"],
    Kind.TEST: ["name", "time"],
}

# ZNS's error codes worth another try; any other code is given up (a dead letter the admin
# sees, with the reason). -124: the access token is refused: refreshed, then tried again.
RETRY_CODES = {
    -100: "ZNS: unknown error",
    -32: "ZNS: too many requests (rate limit)",
    -124: "ZNS: access token refused",
}
GIVE_UP_CODES = {
    -108: "ZNS: the phone number is not valid",
    -109: "ZNS: the template id is not valid",
    -111: "ZNS: the template data is empty",
    -112: "ZNS: the template data is not valid",
    -115: "ZNS: the Zalo business account's balance is too low",
    -117: "ZNS: the OA or app may not use this template",
    -118: "ZNS: no Zalo account has this phone number, or it is disabled",
    -119: "ZNS: this account cannot receive template messages",
    -124: "ZNS: access token refused after a refresh",
    -131: "ZNS: the template is not approved",
    -133: "ZNS: template messages may not be sent at this time",
    -139: "ZNS: the person declined this kind of message",
    -144: "ZNS: the OA's daily quota is used up",
}

TOKEN_MARGIN = timedelta(minutes=5)  # refresh this long before the token expires


class TokenError(Exception):
    pass


def international(phone: str) -> str:
    """0912345678 → 84912345678, as ZNS wants it."""
    return "84" + phone[1:] if phone.startswith("0") else phone


def _date(iso: str) -> str:
    return date.fromisoformat(iso).strftime("%d/%m/%Y")


def template_data(kind: str, params: dict, user) -> dict:
    """The template's parameters for a message of ``kind``: short plain strings."""
    name = user.get_full_name() or user.username if user is not None else ""
    p = {"name": name, "campaign": params.get("campaign", ""), "scope": params.get("scope", "")}
    if "date" in params:
        p["date"] = _date(params["date"])
    p["due"] = params.get("due", "")
    if "units" in params:
        p["units"] = _names(params["units"])
    for key in ("missing", "late", "on_time"):
        if key in params:
            p[key] = str(params[key]["count"])
    for key in ("reported", "expected", "number"):
        if key in params:
            p[key] = str(params[key])
    if "recipients" in params:
        p["recipients"] = _names(params["recipients"])
    if "counts" in params:
        counts = params["counts"]
        p["reported"] = str(counts["on_time"] + counts["late"])
        p["expected"] = str(counts["expected"])
        p["result"] = "; ".join(
            f"{g['name']} {_percent(g['percent'])}/{_percent(g['target'])}"
            for g in params.get("groups", [])
        )
    if kind == Kind.TEST:
        p["time"] = timezone.localtime().strftime("%H:%M %d/%m/%Y")
    limit = getattr(settings, "ZALO_PARAM_MAX_LENGTH", 30)
    out = {}
    for key in TEMPLATE_PARAMS[kind]:
        value = str(p.get(key, ""))
        out[key] = cut(value, limit)
    return out


def cut(value: str, limit: int) -> str:
    """``value`` within ``limit`` characters, cut at a word's end where one is near: "…"."""
    if len(value) <= limit:
        return value
    head = value[: limit - 1]
    space = head.rfind(" ")
    if space >= limit // 2:
        head = head[:space]
    return head.rstrip(" ,;") + "…"


class Zalo(Channel):
    key = "zalo"
    label = _("Zalo")
    counter = "zalo"
    max_attempts = 6
    backoff = (60, 1800)
    at_most_once = True  # ZNS does not drop a repeat: a lapsed claim is not sent again
    default_kinds = frozenset(
        {Kind.MORNING_REMINDER, Kind.AFTERNOON_REMINDER, Kind.OVERDUE, Kind.LEADERS_SUMMARY}
    )
    default_rank = 10
    no_address = _("Add your mobile phone number first.")

    # --- settings ----------------------------------------------------------------------------

    def templates(self) -> dict[str, str]:
        return getattr(settings, "ZALO_TEMPLATES", {}) or {}

    def enabled(self) -> bool:
        return bool(
            getattr(settings, "ZALO_APP_ID", "")
            and getattr(settings, "ZALO_APP_SECRET", "")
            and (
                getattr(settings, "ZALO_REFRESH_TOKEN", "")
                or getattr(settings, "ZALO_ACCESS_TOKEN", "")
            )
            and self.templates()
        )

    def half_set(self) -> list[str]:
        given = {
            "ZALO_APP_ID": getattr(settings, "ZALO_APP_ID", ""),
            "ZALO_APP_SECRET": getattr(settings, "ZALO_APP_SECRET", ""),
            "ZALO_REFRESH_TOKEN": getattr(settings, "ZALO_REFRESH_TOKEN", "")
            or getattr(settings, "ZALO_ACCESS_TOKEN", ""),
            "ZALO_TEMPLATES": self.templates(),
        }
        missing = [name for name, value in given.items() if not value]
        return missing if len(missing) < len(given) else []

    def rate(self) -> float:
        return getattr(settings, "ZALO_RATE_PER_SECOND", 0)

    def secrets(self) -> list[str]:
        row = ChannelToken.objects.filter(channel=self.key).first()
        kept = [row.access_token, row.refresh_token] if row else []
        return [
            getattr(settings, "ZALO_APP_SECRET", ""),
            getattr(settings, "ZALO_REFRESH_TOKEN", ""),
            getattr(settings, "ZALO_ACCESS_TOKEN", ""),
            *kept,
        ]

    def timeout(self) -> float:
        return getattr(settings, "CHANNEL_TIMEOUT", 10)

    # --- addressing --------------------------------------------------------------------------

    def offers(self, kind: str) -> bool:
        return kind in self.templates()

    def shown(self, address: str) -> str:
        return mask_phone(address)

    def address(self, user, profile) -> str | None:
        phone = getattr(profile, "phone", "") if profile is not None else ""
        return phone or None

    # --- the access token --------------------------------------------------------------------

    def access_token(self, refused: str = "") -> str:
        """A valid access token: the kept one, or a new one when it is near its end or was
        ``refused``. One scheduler at a time refreshes (the row is locked: the refresh token
        works once)."""
        ChannelToken.objects.get_or_create(channel=self.key)
        seed_token = getattr(settings, "ZALO_REFRESH_TOKEN", "")
        seed = hashlib.sha256(seed_token.encode()).hexdigest() if seed_token else ""
        now = timezone.now()
        with transaction.atomic():
            # A write first: on SQLite it takes the database's write lock, on PostgreSQL the
            # row's; a second scheduler waits here and then finds the fresh token.
            ChannelToken.objects.filter(channel=self.key).update(seed=F("seed"))
            row = ChannelToken.objects.select_for_update().get(channel=self.key)
            if row.seed != seed:  # first use, or the office set a new refresh token
                row.refresh_token = seed_token
                row.access_token = getattr(settings, "ZALO_ACCESS_TOKEN", "")
                row.expires_at = None
                row.seed = seed
                row.save()
            fresh = row.access_token and (
                row.expires_at is None or row.expires_at > now + TOKEN_MARGIN
            )
            if fresh and row.access_token != refused:
                return row.access_token
            if not row.refresh_token:
                raise TokenError(
                    "ZNS: no refresh token (ZALO_REFRESH_TOKEN) to renew the access token"
                )
            body = urllib.parse.urlencode(
                {
                    "app_id": settings.ZALO_APP_ID,
                    "grant_type": "refresh_token",
                    "refresh_token": row.refresh_token,
                }
            ).encode()
            answer = post(
                settings.ZALO_OAUTH_URL,
                body,
                {
                    "Content-Type": "application/x-www-form-urlencoded",
                    "secret_key": settings.ZALO_APP_SECRET,
                },
                self.timeout(),
            )
            try:
                data = json.loads(answer.response) if answer.response else {}
            except ValueError:
                data = {}
            if not answer.ok or not data.get("access_token"):
                code = data.get("error", answer.status)
                why = data.get("error_description") or data.get("error_name") or answer.error
                raise TokenError(f"ZNS: the access token could not be renewed ({code}: {why})")
            row.access_token = data["access_token"]
            row.refresh_token = data.get("refresh_token") or row.refresh_token
            row.expires_at = now + timedelta(seconds=int(data.get("expires_in") or 3600))
            row.refreshed_at = now
            row.save()
            return row.access_token

    # --- sending -----------------------------------------------------------------------------

    def send(self, delivery, session=None) -> Outcome:
        notification = delivery.notification
        template = self.templates().get(notification.kind) if notification else None
        if not template:
            return Outcome.give_up(f"ZNS: no template for {delivery.kind} in ZALO_TEMPLATES")
        if not self.enabled():
            return Outcome.again("ZNS is not configured (ZALO_APP_ID, ZALO_APP_SECRET, ...)")
        with translation.override(settings.LANGUAGE_CODE):
            data = template_data(notification.kind, notification.params, notification.user)
        message = {
            "phone": international(delivery.address),
            "template_id": template,
            "template_data": data,
            "tracking_id": str(delivery.pk),
        }
        if getattr(settings, "ZALO_DEVELOPMENT", False):
            message["mode"] = "development"
        body = json.dumps(message, ensure_ascii=False).encode()
        refused = ""
        for _try in range(2):  # a refused token is renewed once, then the message is sent again
            try:
                token = self.access_token(refused)
            except TokenError as exc:
                return Outcome.again(str(exc))
            answer = post(
                settings.ZALO_API_URL,
                body,
                {"Content-Type": "application/json", "access_token": token},
                self.timeout(),
            )
            outcome = self.outcome(answer, refreshed=bool(refused))
            if outcome.status == -124 and not refused:
                refused = token
                continue
            return outcome
        return outcome

    def outcome(self, answer, refreshed: bool) -> Outcome:
        common = {"response": answer.response, "duration_ms": answer.duration_ms}
        if answer.status is None:
            return Outcome.again(answer.error, **common)
        if answer.status == 429 or answer.status >= 500:
            return Outcome.again(
                answer.error or f"HTTP {answer.status}", status=answer.status, **common
            )
        try:
            data = json.loads(answer.response)
            code = int(data.get("error"))
        except (ValueError, TypeError, AttributeError):
            return Outcome.again(
                f"ZNS: an answer that is not ZNS's (HTTP {answer.status})",
                status=answer.status,
                **common,
            )
        if code == 0:
            ref = str((data.get("data") or {}).get("msg_id", ""))
            return Outcome.sent(status=0, reference=ref, **common)
        said = str(data.get("message", ""))[:120]
        if code in RETRY_CODES and not (code == -124 and refreshed):
            return Outcome.again(f"{RETRY_CODES[code]} ({code}: {said})", status=code, **common)
        reason = GIVE_UP_CODES.get(code, "ZNS: refused")
        return Outcome.give_up(f"{reason} ({code}: {said})", status=code, **common)
