"""Changes a user makes to their notifications: read them, choose their channels, set their
phone number, ask for a test message."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from uptake.accounts.models import profile_of
from uptake.notify.channels import chosen_by_people, wanted
from uptake.notify.models import Delivery, Kind, Notification, Preference

TEST_EVERY = timedelta(minutes=1)  # one test per person and channel a minute at most


class Refused(Exception):
    """What the person asked cannot be done; the message says why."""


def mark_read(user, pks: Iterable[int] | None = None) -> int:
    """Mark the user's unread notifications (``pks`` of them, or all) read; how many were."""
    unread = Notification.objects.filter(user=user, read_at__isnull=True)
    if pks is not None:
        unread = unread.filter(pk__in=list(pks))
    return unread.update(read_at=timezone.now())


def preference_of(user) -> Preference:
    """The user's preference, unsaved defaults (every kind as the channels decide) when they
    chose none."""
    return Preference.objects.filter(user=user).first() or Preference(user=user)


def effective_channels(user, kind: str) -> list[str]:
    """The channels (besides the app) a message of ``kind`` would take to ``user`` now."""
    profile = profile_of(user)
    chosen = preference_of(user).chosen(kind)
    return [c.key for c, _a in wanted(user, profile, kind, chosen) if c.chosen_by_people]


def set_preferences(user, choices: dict[str, list[str]]) -> Preference:
    """The channels chosen for each kind in ``choices`` ({kind: [channel, ...]}); the kinds
    not in it keep what they had."""
    preference = preference_of(user)
    merged = dict(preference.channels or {})
    merged.update({kind: list(keys) for kind, keys in choices.items()})
    preference.channels = merged
    preference.save()
    return preference


def set_phone(user, phone: str) -> None:
    """The user's mobile number, already normalised (PhoneForm, normalise_phone); "" removes."""
    profile = profile_of(user)
    profile.phone = phone
    profile.save(update_fields=["phone"])


def send_test(user, key: str) -> Delivery:
    """A test message to ``user`` on the channel ``key``, sent by the next scheduler pass."""
    channel = next((c for c in chosen_by_people() if c.key == key), None)
    if channel is None:
        raise Refused(_("This channel is not turned on at this office."))
    if not channel.offers(Kind.TEST):
        raise Refused(_("This channel has no test message set up (see the README)."))
    address = channel.address(user, profile_of(user))
    if not address:
        raise Refused(str(channel.no_address))
    now = timezone.now()
    recent = Delivery.objects.filter(
        user=user, channel=key, kind=Kind.TEST, created_at__gt=now - TEST_EVERY
    )
    if recent.exists():
        raise Refused(_("A test was sent less than a minute ago: wait a moment."))
    notification = Notification.objects.create(
        user=user,
        kind=Kind.TEST,
        params={"channel": str(channel.label), "time": now.isoformat()},
        url="/notifications/preferences/",
        created_at=now,
    )
    return Delivery.objects.create(
        channel=key,
        notification=notification,
        user=user,
        kind=Kind.TEST,
        address=address,
        next_attempt_at=now,
        created_at=now,
    )


def last_tests(user) -> dict[str, Delivery]:
    """The latest test message on each channel, for the page that offers them."""
    out: dict[str, Delivery] = {}
    for delivery in Delivery.objects.filter(user=user, kind=Kind.TEST).order_by(
        "-created_at", "-pk"
    )[:20]:
        out.setdefault(delivery.channel, delivery)
    return out
