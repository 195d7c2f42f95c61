"""E-mail: one message per recipient, in Vietnamese, through Django's e-mail backend.

At most once: a claim that lapsed mid-send (the sender died) becomes a dead letter, not a
second e-mail. A failure (SMTP down, address refused) is tried again with backoff.
"""

from __future__ import annotations

from contextlib import contextmanager

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from uptake.notify.channels.base import Channel, Outcome, link_of, log_warning, site_url
from uptake.notify.messages import render
from uptake.notify.models import Kind


class Email(Channel):
    key = "email"
    label = _("E-mail")
    counter = "emails"
    max_attempts = 5
    backoff = (60, 3600)
    default_kinds = frozenset(Kind.values)
    default_rank = 30
    no_address = _("Your account has no e-mail address: ask the coordinating office to add one.")

    def rate(self) -> float:
        return getattr(settings, "EMAIL_RATE_PER_SECOND", 0)

    def secrets(self) -> list[str]:
        return [getattr(settings, "EMAIL_HOST_PASSWORD", "")]

    def address(self, user, profile) -> str | None:
        return user.email or None

    def build(self, delivery) -> EmailMessage:
        """The e-mail of a delivery: Vietnamese, to its address only."""
        notification = delivery.notification
        with translation.override(settings.LANGUAGE_CODE):
            title, body = render(notification.kind, notification.params)
            text = render_to_string(
                "notify/email.txt",
                {
                    "user": notification.user,
                    "title": title,
                    "body": body,
                    "link": link_of(delivery),
                    "preferences": site_url() + "/notifications/preferences/",
                },
            )
        message = EmailMessage(
            subject=f"[uptake] {title}",
            body=text,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[delivery.address],
        )
        brief = self.brief(notification)
        if brief is not None:
            message.attach(brief.filename, brief.content, brief.content_type)
        return message

    @staticmethod
    def brief(notification):
        """The leaders' daily summary carries the day on one page (#17), a PNG of the leader's
        top unit: the picture they forward. None for other messages, or when it cannot be
        made (the unit left the campaign): the e-mail still goes."""
        from datetime import date

        from uptake.campaigns.models import Campaign
        from uptake.documents.brief import render_brief
        from uptake.units.models import Unit

        wanted = notification.params.get("brief")
        if notification.kind != Kind.LEADERS_SUMMARY or not wanted:
            return None
        campaign = Campaign.objects.filter(slug=notification.params.get("slug")).first()
        unit = Unit.objects.filter(code=wanted.get("unit")).first()
        if campaign is None or unit is None or not unit.is_within(campaign.root):
            return None
        day = date.fromisoformat(notification.params["date"])
        return render_brief(campaign, day, unit, "png")

    @contextmanager
    def session(self):
        """One SMTP session for the batch; if it cannot open, each send tries on its own."""
        connection = get_connection()
        try:
            connection.open()
        except Exception as exc:
            log_warning("cannot open the e-mail connection: %s", exc, self.secrets())
        try:
            yield connection
        finally:
            connection.close()

    def send(self, delivery, session=None) -> Outcome:
        connection = session or get_connection()
        try:
            connection.send_messages([self.build(delivery)])
        except Exception as exc:  # SMTP down, bad address, ...: try again later
            return Outcome.again(f"{type(exc).__name__}: {exc}")
        return Outcome.sent()
