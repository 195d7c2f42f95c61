"""Who gets what on which channel: the defaults (reporters: Zalo, else SMS, else e-mail for
reminders; leaders: the summary by Zalo), a person's own choice, and a new channel that is one
class in the table."""

from __future__ import annotations

from django.test import override_settings

from uptake.accounts.models import profile_of
from uptake.notify import channels as registry
from uptake.notify.actions import effective_channels, set_preferences
from uptake.notify.channels import CHANNELS, Channel, Outcome
from uptake.notify.models import Delivery, Job, Kind
from uptake.notify.tests.helpers import NotifyTestCase
from uptake.test import PASSWORD

ZALO = {
    "ZALO_APP_ID": "1",
    "ZALO_APP_SECRET": "s",
    "ZALO_REFRESH_TOKEN": "r",
    "ZALO_TEMPLATES": {"afternoon_reminder": "1", "leaders_summary": "2"},
}
SMS = {
    "SMS_PROVIDER": "esms",
    "ESMS_API_KEY": "k",
    "ESMS_SECRET_KEY": "s",
    "ESMS_BRANDNAME": "B",
}


class DefaultsTestCase(NotifyTestCase):
    def setUp(self):
        super().setUp()
        for user, phone in ((self.lan, "0912345678"), (self.hoa, "0387654321")):
            profile = profile_of(user)
            profile.phone = phone
            profile.save()

    def test_without_zalo_or_sms_everything_comes_by_email(self):
        self.assertEqual(effective_channels(self.lan, Kind.AFTERNOON_REMINDER), ["email"])
        self.assertEqual(effective_channels(self.hoa, Kind.LEADERS_SUMMARY), ["email"])

    @override_settings(**ZALO, **SMS)
    def test_a_reporter_gets_reminders_by_zalo_first(self):
        self.assertEqual(effective_channels(self.lan, Kind.AFTERNOON_REMINDER), ["zalo"])
        # No template for the morning reminder: SMS is next.
        self.assertEqual(effective_channels(self.lan, Kind.MORNING_REMINDER), ["sms"])
        # No phone: e-mail.
        self.assertEqual(effective_channels(self.binh, Kind.AFTERNOON_REMINDER), ["email"])

    @override_settings(**SMS)
    def test_without_zalo_a_reporter_gets_reminders_by_sms(self):
        self.assertEqual(effective_channels(self.lan, Kind.AFTERNOON_REMINDER), ["sms"])

    @override_settings(**ZALO, **SMS)
    def test_leaders_get_their_summary_by_zalo_and_coordinators_keep_email(self):
        self.assertEqual(effective_channels(self.hoa, Kind.LEADERS_SUMMARY), ["zalo"])
        profile = profile_of(self.minh)
        profile.phone = "0901234567"
        profile.save()
        self.assertEqual(effective_channels(self.minh, Kind.STATUS_LIST), ["email"])

    @override_settings(**ZALO, **SMS)
    def test_a_persons_choice_wins_over_the_defaults(self):
        set_preferences(self.lan, {Kind.AFTERNOON_REMINDER: ["sms", "email"]})
        self.assertEqual(effective_channels(self.lan, Kind.AFTERNOON_REMINDER), ["email", "sms"])
        set_preferences(self.lan, {Kind.AFTERNOON_REMINDER: []})
        self.assertEqual(effective_channels(self.lan, Kind.AFTERNOON_REMINDER), [])

    @override_settings(**SMS)
    def test_the_preferences_page_offers_each_channel_turned_on(self):

        self.client.login(username="lan", password=PASSWORD)
        response = self.client.get("/notifications/preferences/")
        form = response.context["form"]
        self.assertEqual(sorted(c.key for c in form.channels), ["email", "sms"])
        self.assertEqual(
            form.initial["sms_kinds"],
            [Kind.MORNING_REMINDER, Kind.AFTERNOON_REMINDER, Kind.OVERDUE],
        )
        self.assertEqual(form.initial["email_kinds"], [])
        self.assertContains(response, "091••••678")
        self.assertNotContains(response, "0912345678")
        response = self.client.post(
            "/notifications/preferences/",
            {
                "sms": "on",
                "sms_kinds": [Kind.OVERDUE],
                "email": "on",
                "email_kinds": [Kind.OVERDUE],
            },
        )
        self.assertRedirects(response, "/notifications/preferences/")
        self.assertEqual(effective_channels(self.lan, Kind.OVERDUE), ["email", "sms"])
        self.assertEqual(effective_channels(self.lan, Kind.MORNING_REMINDER), [])


class Pigeon(Channel):
    """A channel made in a test: it records what it is handed."""

    key = "pigeon"
    label = "Pigeon"
    counter = "pigeons"
    default_kinds = frozenset({Kind.AFTERNOON_REMINDER})
    default_rank = 1
    carried: list = []

    def address(self, user, profile):
        return f"loft-{user.username}"

    def send(self, delivery, session=None):
        self.carried.append((delivery.address, delivery.notification.kind))
        return Outcome.sent(reference=f"p{len(self.carried)}")


class NewChannelTestCase(NotifyTestCase):
    def test_a_new_channel_is_one_class_in_the_table(self):
        Pigeon.carried = []
        CHANNELS["pigeon"] = Pigeon()
        self.addCleanup(CHANNELS.pop, "pigeon")
        self.settle(self.campaign, jobs=[Job.MORNING_REMINDER])
        self.at(14, 0)
        counts = self.run_scheduler()
        self.assertEqual(counts["pigeons"], 3)
        self.assertEqual(
            sorted(Pigeon.carried),
            [(f"loft-{u}", Kind.AFTERNOON_REMINDER) for u in ("binh", "lan", "tuan")],
        )
        self.assertEqual(Delivery.objects.filter(channel="pigeon", state="sent").count(), 3)
        self.assertIs(registry.CHANNELS, CHANNELS)


class HalfSetUpTestCase(NotifyTestCase):
    def test_a_channel_half_set_up_is_named_by_a_system_check(self):
        from uptake.notify.apps import channels_check

        self.assertEqual(channels_check(), [])
        with override_settings(ZALO_APP_ID="1", ZALO_TEMPLATES={}, ZALO_APP_SECRET=""):
            [warning] = channels_check()
        self.assertIn("zalo channel is off", warning.msg)
        self.assertIn("ZALO_APP_SECRET, ZALO_REFRESH_TOKEN, ZALO_TEMPLATES", warning.msg)
        with override_settings(SMS_PROVIDER="esms", ESMS_API_KEY="k"):
            [warning] = channels_check()
        self.assertIn("ESMS_SECRET_KEY, ESMS_BRANDNAME", warning.msg)
        with override_settings(**ZALO, **SMS):
            self.assertEqual(channels_check(), [])
