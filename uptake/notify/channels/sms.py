"""SMS: a short text to a person's phone under the office's brand name, through a Vietnamese
SMS provider behind a small seam (``SmsProvider``); eSMS.vn is the one done.

A message is made to fit one SMS when it can: without diacritics (GSM 7-bit, 160 characters)
unless ``SMS_UNICODE`` is on (70 characters, charged more by providers); the longer forms are
tried first and shortened (the body, then the title, with the link), at most
``SMS_MAX_PARTS`` parts.
"""

from __future__ import annotations

import json
import unicodedata

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from uptake.accounts.models import mask_phone
from uptake.notify.channels.base import Channel, Outcome, link_of
from uptake.notify.channels.http import post
from uptake.notify.messages import render
from uptake.notify.models import Kind

# GSM 03.38: the basic set (one septet each) and the extension (two septets each).
GSM_BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM_EXTENDED = set("^{}\\[~]|€")
REPLACEMENTS = {
    "đ": "d",
    "Đ": "D",
    "–": "-",
    "—": "-",
    "…": "...",
    "‘": "'",
    "’": "'",
    "“": '"',
    "”": '"',
    "•": "-",
}


def strip_diacritics(text: str) -> str:
    """Vietnamese without its marks, in GSM 7-bit: "Xã Long Khánh A" → "Xa Long Khanh A"."""
    text = "".join(REPLACEMENTS.get(ch, ch) for ch in text)
    decomposed = unicodedata.normalize("NFD", text)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return "".join(ch if ch in GSM_BASIC or ch in GSM_EXTENDED else "?" for ch in plain)


def parts(text: str, unicode: bool) -> int:
    """How many SMS ``text`` takes (concatenated parts carry a header: 153 or 67 each)."""
    if unicode:
        length = len(text.encode("utf-16-le")) // 2
        single, multi = 70, 67
    else:
        length = sum(2 if ch in GSM_EXTENDED else 1 for ch in text)
        single, multi = 160, 153
    if length <= single:
        return 1
    return -(-length // multi)


def fit(candidates: list[str], unicode: bool, max_parts: int, fallbacks=()) -> str:
    """The first candidate that fits one SMS, else the first within ``max_parts``, else the
    first of ``fallbacks`` (shorter, saying less) within ``max_parts``, else the shortest cut
    to ``max_parts``."""

    def plain(texts):
        texts = [" ".join(t.split()) for t in texts]
        return texts if unicode else [strip_diacritics(t) for t in texts]

    texts, spare = plain(candidates), plain(fallbacks)
    for limit, pool in ((1, texts), (max_parts, texts), (max_parts, spare)):
        for text in pool:
            if parts(text, unicode) <= limit:
                return text
    shortest = min(texts + spare, key=len)
    room = (67 if unicode else 153) * max_parts
    return shortest[: room - 3] + "..."


class SmsProvider:
    """A provider's HTTP API: one message to one phone. A second provider is one subclass."""

    key = ""

    def missing(self) -> list[str]:
        """The settings it still needs."""
        return []

    def secrets(self) -> list[str]:
        return []

    def send(self, phone: str, text: str, unicode: bool, request_id: str) -> Outcome:
        raise NotImplementedError


class Esms(SmsProvider):
    """eSMS.vn's brand-name SMS, API v4 (https://esms.vn/eSMS.vn_TailieuAPI.pdf):
    ``POST .../MainService.svc/json/SendMultipleMessage_V4_post_json/`` with a JSON body
    (ApiKey, SecretKey, Phone, Content, Brandname, SmsType "2" = customer care, IsUnicode,
    Sandbox, RequestId); the answer ``{"CodeResult": "100", "SMSID": "..."}`` means accepted.
    ``RequestId`` is the delivery's id: eSMS refuses a second request with the same id (124),
    so a retry after a lost answer is never a second SMS."""

    key = "esms"
    OK = "100"
    DUPLICATE = "124"  # this RequestId was accepted before: it was sent
    RETRY = {"99": "eSMS: unknown error"}
    GIVE_UP = {
        "101": "eSMS: the API key or secret key is wrong",
        "102": "eSMS: the account is locked",
        "103": "eSMS: the account's balance is too low",
        "104": "eSMS: the brand name is not right",
        "118": "eSMS: the SMS type is not valid",
        "119": "eSMS: an advertising brand name must send to at least 20,000 numbers",
        "131": "eSMS: the message is too long for this brand name",
        "132": "eSMS: no permission to send from a fixed number",
        "146": "eSMS: the text does not match a template registered for the brand name",
        "177": "eSMS: the brand name is not registered with this network",
    }

    def missing(self) -> list[str]:
        names = ("ESMS_API_KEY", "ESMS_SECRET_KEY", "ESMS_BRANDNAME")
        return [name for name in names if not getattr(settings, name, "")]

    def secrets(self) -> list[str]:
        return [getattr(settings, "ESMS_API_KEY", ""), getattr(settings, "ESMS_SECRET_KEY", "")]

    def send(self, phone: str, text: str, unicode: bool, request_id: str) -> Outcome:
        body = {
            "ApiKey": settings.ESMS_API_KEY,
            "SecretKey": settings.ESMS_SECRET_KEY,
            "Phone": phone,
            "Content": text,
            "Brandname": settings.ESMS_BRANDNAME,
            "SmsType": str(getattr(settings, "ESMS_SMS_TYPE", "2")),
            "IsUnicode": "1" if unicode else "0",
            "Sandbox": "1" if getattr(settings, "ESMS_SANDBOX", False) else "0",
            "RequestId": request_id,
        }
        answer = post(
            settings.ESMS_URL,
            json.dumps(body, ensure_ascii=False).encode(),
            {"Content-Type": "application/json; charset=utf-8"},
            getattr(settings, "CHANNEL_TIMEOUT", 10),
        )
        common = {"response": answer.response, "duration_ms": answer.duration_ms}
        if answer.status is None:
            return Outcome.again(answer.error, **common)
        if answer.status == 429 or answer.status >= 500:
            return Outcome.again(
                answer.error or f"HTTP {answer.status}", status=answer.status, **common
            )
        try:
            data = json.loads(answer.response)
            code = str(data["CodeResult"])
        except (ValueError, KeyError, TypeError):
            return Outcome.again(
                f"eSMS: an answer that is not eSMS's (HTTP {answer.status})",
                status=answer.status,
                **common,
            )
        status = int(code) if code.isdigit() else None
        if code in (self.OK, self.DUPLICATE):
            return Outcome.sent(status=status, reference=str(data.get("SMSID", "")), **common)
        said = str(data.get("ErrorMessage", ""))[:120]
        if code in self.RETRY:
            return Outcome.again(f"{self.RETRY[code]} ({code}: {said})", status=status, **common)
        reason = self.GIVE_UP.get(code, "eSMS: refused")
        return Outcome.give_up(f"{reason} ({code}: {said})", status=status, **common)


PROVIDERS: dict[str, type[SmsProvider]] = {Esms.key: Esms}


class Sms(Channel):
    key = "sms"
    label = _("SMS")
    counter = "sms"
    max_attempts = 5
    backoff = (60, 1800)
    default_kinds = frozenset({Kind.MORNING_REMINDER, Kind.AFTERNOON_REMINDER, Kind.OVERDUE})
    default_rank = 20
    no_address = _("Add your mobile phone number first.")
    at_most_once = False  # the provider drops a repeated RequestId (the delivery's id)

    def provider(self) -> SmsProvider | None:
        cls = PROVIDERS.get(getattr(settings, "SMS_PROVIDER", ""))
        return cls() if cls else None

    def enabled(self) -> bool:
        provider = self.provider()
        return provider is not None and not provider.missing()

    def half_set(self) -> list[str]:
        provider = self.provider()
        return provider.missing() if provider else []

    def rate(self) -> float:
        return getattr(settings, "SMS_RATE_PER_SECOND", 0)

    def secrets(self) -> list[str]:
        provider = self.provider()
        return provider.secrets() if provider else []

    def shown(self, address: str) -> str:
        return mask_phone(address)

    def address(self, user, profile) -> str | None:
        phone = getattr(profile, "phone", "") if profile is not None else ""
        return phone or None

    def text(self, delivery) -> str:
        """The message, in one SMS where it fits: the whole text with its link; the campaign
        named by its app (Bluezone) rather than its title; without the link; the title only.
        The brand name shows who sends it."""
        notification = delivery.notification
        unicode = getattr(settings, "SMS_UNICODE", False)
        params = notification.params
        app = getattr(notification.campaign, "app", "") if notification.campaign_id else ""
        with translation.override(settings.LANGUAGE_CODE):
            title, body = render(notification.kind, params)
            short = render(notification.kind, {**params, "campaign": app})[1] if app else body
        link = link_of(delivery)
        tail = f" {link}" if link else ""
        return fit(
            [body + tail, short + tail, short],
            unicode,
            getattr(settings, "SMS_MAX_PARTS", 3),
            fallbacks=[title + tail, title],
        )

    def send(self, delivery, session=None) -> Outcome:
        provider = self.provider()
        if provider is None or provider.missing():
            return Outcome.again("SMS is not configured (SMS_PROVIDER and its settings)")
        return provider.send(
            delivery.address,
            self.text(delivery),
            getattr(settings, "SMS_UNICODE", False),
            str(delivery.pk),
        )
