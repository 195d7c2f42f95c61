"""The notification channels: one class each (base.py), registered in ``CHANNELS``.

The jobs write a ``Notification`` per person and ask ``CHANNELS`` which of them carry it
(``wanted``); the sending loop (outbox.py) takes the due deliveries of every channel in the
table. Adding a channel is a class and its settings, then a line here.
"""

from __future__ import annotations

from uptake.notify.channels.app import App
from uptake.notify.channels.base import Channel, Outcome, sanitise
from uptake.notify.channels.email import Email
from uptake.notify.channels.sms import Sms
from uptake.notify.channels.webhook import Webhook
from uptake.notify.channels.zalo import Zalo

CHANNELS: dict[str, Channel] = {c.key: c for c in (App(), Email(), Zalo(), Sms(), Webhook())}


def chosen_by_people() -> list[Channel]:
    """The channels a person may turn on or off per kind (the enabled ones)."""
    return [c for c in CHANNELS.values() if c.chosen_by_people and c.enabled()]


def wanted(user, profile, kind: str, chosen: list[str] | None) -> list[tuple[Channel, str]]:
    """The channels that carry a message of ``kind`` to a person, with the person's address
    on each: the app always; then the ones they chose for ``kind``, or, when they chose none,
    the first available of the defaults (Zalo, else SMS, else e-mail for reporters'
    reminders; Zalo, else e-mail for leaders' summary; e-mail for the rest)."""
    out = []
    for channel in CHANNELS.values():
        if not channel.chosen_by_people and channel.address(user, profile) is not None:
            out.append((channel, channel.address(user, profile)))

    def usable(channel: Channel) -> str | None:
        if not (channel.chosen_by_people and channel.enabled() and channel.offers(kind)):
            return None
        return channel.address(user, profile)

    if chosen is not None:
        for channel in CHANNELS.values():
            address = usable(channel) if channel.key in chosen else None
            if address:
                out.append((channel, address))
        return out
    defaults = sorted(
        (c for c in CHANNELS.values() if kind in c.default_kinds), key=lambda c: c.default_rank
    )
    for channel in defaults:
        address = usable(channel)
        if address:
            out.append((channel, address))
            break
    return out


__all__ = ["CHANNELS", "Channel", "Outcome", "chosen_by_people", "sanitise", "wanted"]
