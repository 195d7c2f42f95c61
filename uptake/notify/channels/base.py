"""What every channel is: one class that knows its settings, how to address a person (or a
group), how to render a message for its medium, how to send one, and which failures are worth
another try. The sending loop (outbox.py) knows nothing more of a channel than this.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from uptake.notify.models import Delivery, Kind

ERROR_LENGTH = 300  # Delivery.last_error's length

log = logging.getLogger("uptake.notify.channels")


@dataclass
class Outcome:
    """What one try of a delivery came to."""

    ok: bool
    retry: bool = False  # worth another try (when the channel has tries left)
    error: str = ""
    status: int | None = None  # the HTTP status, or the service's own code
    response: str = ""  # the start of the answer, for the admin
    reference: str = ""  # the service's id of the message
    duration_ms: int = 0
    retry_after: timedelta | None = None  # the service said when

    @classmethod
    def sent(cls, **kw) -> Outcome:
        return cls(ok=True, **kw)

    @classmethod
    def again(cls, error: str, **kw) -> Outcome:
        return cls(ok=False, retry=True, error=error, **kw)

    @classmethod
    def give_up(cls, error: str, **kw) -> Outcome:
        return cls(ok=False, retry=False, error=error, **kw)


def sanitise(text: str, secrets: list[str], length: int = ERROR_LENGTH) -> str:
    """One line, every secret replaced by ***, cut to ``length``: what may be stored."""
    for secret in sorted((s for s in secrets if s), key=len, reverse=True):
        text = text.replace(secret, "***")
    text = re.sub(r"\s+", " ", text).strip()
    return text if len(text) <= length else text[: length - 1] + "…"


def log_warning(message: str, detail, secrets: list[str]) -> None:
    """Log a channel's trouble with its secrets blanked out."""
    log.warning(message, sanitise(str(detail), secrets, 1000))


class Channel:
    """A notification channel. Subclass, set the class attributes, add it to ``CHANNELS``."""

    key: str = ""  # stored in Delivery.channel and Preference.channels
    label = ""
    counter = ""  # the scheduler's count of what was sent ("emails", "webhooks", ...)
    max_attempts = 5
    backoff = (60, 3600)  # first wait and longest wait between tries, in seconds
    # A claim that lapsed mid-send (the sender died) is a dead letter, not sent again: the
    # message may have left and the service cannot tell a repeat. Otherwise it is sent again.
    at_most_once = True
    # A person chooses it per kind on their settings page (the app is always on; webhooks
    # are the campaign file's).
    chosen_by_people = True
    # Default channels for the kinds a person never chose: the first available of those that
    # list the kind, by rank (lower first).
    default_kinds: frozenset[str] = frozenset()
    default_rank = 100
    # Written as sent when the notification is written (the app: the row is the inbox).
    delivered_on_write = False
    no_address = _("Your account has no address for this channel.")

    # --- settings --------------------------------------------------------------------------

    def enabled(self) -> bool:
        """Its settings are there: deliveries are written for it."""
        return True

    def half_set(self) -> list[str]:
        """The settings still missing when some of the channel's are set (a system check
        warns: a channel half set up is off, silently otherwise)."""
        return []

    def rate(self) -> float:
        """Messages per second the service accepts (0: as fast as it answers)."""
        return 0

    def secrets(self) -> list[str]:
        """Values never to be stored or logged (keys, tokens)."""
        return []

    # --- addressing ------------------------------------------------------------------------

    def offers(self, kind: str) -> bool:
        """Whether it can carry a message of ``kind`` (Zalo: only kinds with a template)."""
        return True

    def address(self, user, profile) -> str | None:
        """Where a person receives it, or None when they cannot."""
        return None

    def shown(self, address: str) -> str:
        """The address as a page shows it to its owner (a phone number masked)."""
        return address

    def event_addresses(self, campaign, event: str) -> list[dict]:
        """The group addresses of a campaign's event ({"address": ..., ...}); none by default."""
        return []

    # --- rendering and sending -------------------------------------------------------------

    @contextmanager
    def session(self) -> Iterator[object]:
        """What a batch of sends shares (an SMTP connection); passed to ``send``."""
        yield None

    def send(self, delivery: Delivery, session=None) -> Outcome:
        raise NotImplementedError

    def lapsed(self) -> str:
        """The error of a claim that lapsed mid-send (stored, in English like every error)."""
        return "interrupted while sending; not sent again (it may have been delivered)"


def site_url() -> str:
    return getattr(settings, "SITE_URL", "http://127.0.0.1:8000").rstrip("/")


def link_of(delivery: Delivery) -> str:
    url = delivery.notification.url if delivery.notification_id else ""
    return site_url() + url if url else ""


def person_kinds() -> list[str]:
    return [k.value for k in Kind if k != Kind.TEST]
