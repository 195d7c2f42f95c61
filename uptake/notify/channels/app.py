"""In the app: the notification row is the inbox, shown on the list page and counted in every
page's header. Its delivery is written as sent with the notification; nothing is carried."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from uptake.notify.channels.base import Channel, Outcome


class App(Channel):
    key = "app"
    label = _("In the app")
    counter = "in_app"
    chosen_by_people = False  # always on
    delivered_on_write = True

    def address(self, user, profile) -> str | None:
        return ""

    def send(self, delivery, session=None) -> Outcome:
        return Outcome.sent()  # never due: written as sent (see delivered_on_write)
