"""E-mail: one message per recipient, in Vietnamese, as the user chose; retried, never doubled."""

from __future__ import annotations

from datetime import timedelta
from unittest import mock

from django.core import mail
from django.test import override_settings

from uptake.notify.actions import set_preferences
from uptake.notify.channels.email import Email
from uptake.notify.models import Delivery, Job, Kind
from uptake.notify.outbox import send_due
from uptake.notify.tests.helpers import NotifyTestCase


def send_due_emails() -> tuple[int, int]:
    """One pass of the sending loop: (e-mails sent, deliveries due)."""
    sent, due = send_due("test")
    return sent["emails"], due


def email_of(user) -> Delivery | None:
    return Delivery.objects.filter(user=user, channel="email").first()


@override_settings(SITE_URL="https://uptake.example.org")
class EmailTestCase(NotifyTestCase):
    def setUp(self):
        super().setUp()
        self.settle(self.campaign, jobs=[Job.MORNING_REMINDER])
        self.at(14, 0)

    def test_each_recipient_gets_a_message_of_their_own(self):
        self.run_scheduler()
        self.assertEqual(
            sorted(m.to[0] for m in mail.outbox),
            [
                "binh@example.org",
                "lan@example.org",
                "tuan@example.org",
            ],
        )
        for message in mail.outbox:
            self.assertEqual(len(message.to), 1)
            self.assertEqual((message.cc, message.bcc), ([], []))

    def test_the_message_is_in_vietnamese_with_a_link(self):
        self.run_scheduler()
        message = next(m for m in mail.outbox if m.to == ["lan@example.org"])
        self.assertEqual(message.subject, "[uptake] Chưa báo cáo: hạn nộp là 15:00 hôm nay")
        self.assertTrue(message.body.startswith(("Xin chào lan,", "Kính gửi lan,")))
        self.assertIn(
            "ngày 17/08/2020: Thị trấn Thường Thới Tiền chưa báo cáo. Đề nghị báo cáo trước 15:00.",
            message.body,
        )
        self.assertIn("https://uptake.example.org/c/bluezone-2020/report/", message.body)
        self.assertIn("https://uptake.example.org/notifications/preferences/", message.body)

    def test_a_user_who_turned_email_off_gets_it_in_the_app_only(self):
        set_preferences(self.lan, {kind: [] for kind in Kind.values})
        self.run_scheduler()
        self.assertEqual(self.kinds_of(self.lan), [Kind.AFTERNOON_REMINDER])
        self.assertNotIn(["lan@example.org"], [m.to for m in mail.outbox])
        self.assertIsNone(email_of(self.lan))

    def test_a_user_who_muted_a_kind_gets_the_other_kinds_by_email(self):
        set_preferences(
            self.lan,
            {Kind.MORNING_REMINDER: [], Kind.AFTERNOON_REMINDER: [], Kind.OVERDUE: ["email"]},
        )
        self.run_scheduler()
        self.assertNotIn(["lan@example.org"], [m.to for m in mail.outbox])
        self.at(15, 0)
        self.run_scheduler()
        self.assertIn(["lan@example.org"], [m.to for m in mail.outbox])

    def test_a_user_without_an_address_gets_it_in_the_app_only(self):
        self.lan.email = ""
        self.lan.save()
        self.run_scheduler()
        self.assertEqual(self.kinds_of(self.lan), [Kind.AFTERNOON_REMINDER])
        self.assertEqual(len(mail.outbox), 2)

    def test_a_failed_message_is_retried_with_backoff(self):
        with mock.patch(
            "django.core.mail.backends.locmem.EmailBackend.send_messages",
            side_effect=ConnectionRefusedError("smtp down"),
        ):
            self.run_scheduler()
        self.assertEqual(mail.outbox, [])
        failed = email_of(self.lan)
        self.assertEqual((failed.state, failed.attempts), (Delivery.State.PENDING, 1))
        self.assertIn("smtp down", failed.last_error)
        self.assertEqual(failed.next_attempt_at, self.now() + timedelta(minutes=1))
        self.assertEqual(send_due_emails(), (0, 0))  # not yet
        self.move_to(failed.next_attempt_at)
        self.assertEqual(send_due_emails(), (3, 3))
        failed.refresh_from_db()
        self.assertEqual((failed.state, failed.last_error), (Delivery.State.SENT, ""))
        self.assertEqual(send_due_emails(), (0, 0))
        self.assertEqual(len(mail.outbox), 3)

    def test_it_gives_up_after_the_last_attempt(self):
        with mock.patch(
            "django.core.mail.backends.locmem.EmailBackend.send_messages",
            side_effect=OSError("mailbox unavailable"),
        ):
            for _attempt in range(Email.max_attempts):
                self.run_scheduler()
                pending = Delivery.objects.filter(channel="email", state=Delivery.State.PENDING)
                if pending.exists():
                    self.move_to(pending.first().next_attempt_at)
        failed = email_of(self.lan)
        self.assertEqual(failed.state, Delivery.State.FAILED)
        self.assertEqual(failed.attempts, Email.max_attempts)

    def now(self):
        from django.utils import timezone

        return timezone.now()
