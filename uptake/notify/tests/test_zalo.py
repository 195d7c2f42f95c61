"""Zalo (ZNS): template messages to a reporter's phone, against a local server that answers
as ZNS's documentation describes; tokens renewed, errors retried or given up, secrets kept out."""

from __future__ import annotations

from datetime import timedelta

from django.core import mail
from django.test import override_settings
from django.utils import timezone

from uptake.accounts.models import profile_of
from uptake.notify.channels.zalo import TEMPLATE_PARAMS, Zalo
from uptake.notify.models import ChannelToken, Delivery, Job, Kind
from uptake.notify.outbox import send_due
from uptake.notify.tests.fakes import FakeZalo
from uptake.notify.tests.helpers import NotifyTestCase

TEMPLATES = {
    Kind.MORNING_REMINDER: "301001",
    Kind.AFTERNOON_REMINDER: "301002",
    Kind.OVERDUE: "301003",
    Kind.TEST: "301009",
}


class ZaloTestCase(NotifyTestCase):
    def setUp(self):
        super().setUp()
        self.zalo = FakeZalo({TEMPLATES[k]: TEMPLATE_PARAMS[k] for k in TEMPLATES})
        self.zalo.__enter__()
        self.addCleanup(self.zalo.__exit__, None, None, None)
        overridden = override_settings(**self.zalo.settings(ZALO_TEMPLATES=dict(TEMPLATES)))
        overridden.enable()
        self.addCleanup(overridden.disable)
        self.set_phone(self.lan, "0912345678")
        self.settle(self.campaign, jobs=[Job.MORNING_REMINDER])
        self.at(14, 0)

    def set_phone(self, user, phone: str) -> None:
        profile = profile_of(user)
        profile.phone = phone
        profile.save()

    def zalo_of(self, user) -> Delivery:
        return Delivery.objects.get(user=user, channel="zalo")

    def test_a_reporter_with_a_phone_gets_the_reminder_by_zalo_as_a_template_message(self):
        counts = self.run_scheduler()
        self.assertEqual(counts["zalo"], 1)
        delivery = self.zalo_of(self.lan)
        self.assertEqual(delivery.state, Delivery.State.SENT)
        [message] = self.zalo.sent
        self.assertEqual(message["phone"], "84912345678")
        self.assertEqual(message["template_id"], TEMPLATES[Kind.AFTERNOON_REMINDER])
        self.assertEqual(message["tracking_id"], str(delivery.pk))
        self.assertEqual(
            message["template_data"],
            {
                "name": "lan",
                "campaign": "Cài đặt, sử dụng ứng dụng…",
                "date": "17/08/2020",
                "due": "15:00",
                "units": "Thị trấn Thường Thới Tiền",
            },
        )
        self.assertEqual(delivery.reference, message["msg_id"])
        # Zalo instead of e-mail for lan (the default); e-mail for those without a phone.
        self.assertNotIn(["lan@example.org"], [m.to for m in mail.outbox])
        self.assertIn(["binh@example.org"], [m.to for m in mail.outbox])
        self.assertFalse(Delivery.objects.filter(user=self.binh, channel="zalo").exists())

    def test_the_first_send_renews_the_token_and_keeps_the_new_refresh_token(self):
        first_refresh = self.zalo.refresh_token
        self.run_scheduler()
        self.assertEqual(self.zalo.refreshes, 1)
        kept = ChannelToken.objects.get(channel="zalo")
        self.assertNotEqual(kept.refresh_token, first_refresh)  # the old one is used up
        self.assertEqual(kept.refresh_token, self.zalo.refresh_token)
        self.assertEqual(kept.expires_at, timezone.now() + timedelta(seconds=90000))
        oauth = [r for r in self.zalo.requests if r["path"] == FakeZalo.OAUTH_PATH]
        self.assertEqual(oauth[0]["headers"]["secret_key"], FakeZalo.SECRET)
        # The next message uses the kept token: no second renewal.
        self.at(15, 0)
        self.run_scheduler()
        self.assertEqual(len(self.zalo.sent), 2)
        self.assertEqual(self.zalo.refreshes, 1)

    def test_a_refused_token_is_renewed_and_the_message_sent_in_the_same_try(self):
        self.run_scheduler()
        self.zalo.access_tokens = set()  # revoked on Zalo's side
        self.at(15, 0)
        self.run_scheduler()
        delivery = Delivery.objects.get(user=self.lan, channel="zalo", kind=Kind.OVERDUE)
        self.assertEqual((delivery.state, delivery.attempts), (Delivery.State.SENT, 1))
        self.assertEqual(self.zalo.refreshes, 2)

    def test_a_wrong_number_is_a_dead_letter_at_once(self):
        self.zalo.script = [(200, {"error": -108, "message": "Phone number is invalid"})]
        self.run_scheduler()
        delivery = self.zalo_of(self.lan)
        self.assertEqual((delivery.state, delivery.attempts), (Delivery.State.FAILED, 1))
        self.assertEqual(delivery.last_status, -108)
        self.assertIn("phone number is not valid", delivery.last_error)

    def test_a_rate_limit_or_a_server_error_is_tried_again_later(self):
        self.zalo.script = [
            (200, {"error": -32, "message": "Request exceeded rate limit"}),
            (503, {"error": -1, "message": "unavailable"}),
        ]
        self.run_scheduler()
        delivery = self.zalo_of(self.lan)
        self.assertEqual((delivery.state, delivery.last_status), (Delivery.State.PENDING, -32))
        self.assertIn("rate limit", delivery.last_error)
        self.assertEqual(delivery.next_attempt_at, timezone.now() + timedelta(seconds=60))
        self.move_to(delivery.next_attempt_at)
        send_due("test")
        delivery.refresh_from_db()
        self.assertEqual((delivery.state, delivery.last_status), (Delivery.State.PENDING, 503))
        self.move_to(delivery.next_attempt_at)
        send_due("test")
        delivery.refresh_from_db()
        self.assertEqual((delivery.state, delivery.attempts), (Delivery.State.SENT, 3))
        self.assertEqual([t.status_code for t in delivery.tries.all()], [-32, 503, 0])
        # A retry carries the same tracking id: the delivery's.
        tracking = {r["raw"] for r in self.zalo.requests if r["path"] == FakeZalo.TEMPLATE_PATH}
        self.assertTrue(all(f'"tracking_id": "{delivery.pk}"'.encode() in raw for raw in tracking))

    def test_it_gives_up_after_the_last_try(self):
        self.zalo.script = [(200, {"error": -100, "message": "Unknown error"})] * Zalo.max_attempts
        for _try in range(Zalo.max_attempts):
            self.run_scheduler()
            delivery = self.zalo_of(self.lan)
            self.move_to(delivery.next_attempt_at)
        delivery.refresh_from_db()
        self.assertEqual((delivery.state, delivery.attempts), (Delivery.State.FAILED, 6))

    def test_a_failed_renewal_keeps_the_secrets_out_of_the_error_and_the_log(self):
        ours = self.zalo.refresh_token  # in the settings, and sent to Zalo, which refuses it
        self.zalo.refresh_token = "someone-else-renewed-it"
        with self.assertLogs("uptake.notify", level="WARNING") as logs:
            self.run_scheduler()
        delivery = self.zalo_of(self.lan)
        self.assertEqual(delivery.state, Delivery.State.PENDING)
        self.assertIn("could not be renewed", delivery.last_error)
        written = [delivery.last_error, *(t.error + t.response for t in delivery.tries.all())]
        for secret in (ours, FakeZalo.SECRET):
            for text in written + logs.output:
                self.assertNotIn(secret, text)
        self.assertIn("***", delivery.last_error)

    def test_a_kind_without_a_template_goes_by_email(self):
        profile_of(self.hoa).phone = "0987654321"
        profile_of(self.hoa).save()
        self.set_phone(self.hoa, "0987654321")
        self.at(17, 0)
        self.run_scheduler()
        self.assertFalse(Delivery.objects.filter(user=self.hoa, channel="zalo").exists())
        summary = Delivery.objects.get(user=self.hoa, kind=Kind.LEADERS_SUMMARY, channel="email")
        self.assertEqual(summary.state, Delivery.State.SENT)

    def test_a_claim_that_lapsed_mid_send_is_not_sent_again(self):
        from uptake.notify.jobs import run_job
        from uptake.notify.scheduler import Scheduler

        scheduler = Scheduler("a")
        scheduler.plan()
        run_job(scheduler.claim())
        delivery = self.zalo_of(self.lan)
        Delivery.objects.filter(pk=delivery.pk).update(
            state=Delivery.State.SENDING, next_attempt_at=timezone.now() + timedelta(minutes=5)
        )
        self.at(14, 6)
        send_due("b")
        delivery.refresh_from_db()
        self.assertEqual(delivery.state, Delivery.State.FAILED)
        self.assertIn("not sent again", delivery.last_error)
        self.assertEqual(self.zalo.sent, [])
