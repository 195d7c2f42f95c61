"""E-mail: one message per recipient, in Vietnamese, as the user chose; retried, never doubled."""

from __future__ import annotations

from datetime import timedelta
from unittest import mock

from django.core import mail
from django.test import override_settings

from uptake.notify.actions import set_preferences
from uptake.notify.channels import send_due_emails
from uptake.notify.models import Delivery, Job, Kind, Notification
from uptake.notify.tests.helpers import NotifyTestCase


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
        set_preferences(self.lan, email=False, email_kinds=[], offered=[])
        self.run_scheduler()
        self.assertEqual(self.kinds_of(self.lan), [Kind.AFTERNOON_REMINDER])
        self.assertNotIn(["lan@example.org"], [m.to for m in mail.outbox])
        self.assertEqual(Notification.objects.get(user=self.lan).email_state, Delivery.NONE)

    def test_a_user_who_muted_a_kind_gets_the_other_kinds_by_email(self):
        set_preferences(
            self.lan,
            email=True,
            email_kinds=[Kind.OVERDUE],
            offered=[Kind.MORNING_REMINDER, Kind.AFTERNOON_REMINDER, Kind.OVERDUE],
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
        failed = Notification.objects.get(user=self.lan)
        self.assertEqual((failed.email_state, failed.email_attempts), (Delivery.PENDING, 1))
        self.assertIn("smtp down", failed.email_error)
        self.assertEqual(failed.email_next_at, self.now() + timedelta(minutes=1))
        self.assertEqual(send_due_emails(), (0, 0))  # not yet
        self.move_to(failed.email_next_at)
        self.assertEqual(send_due_emails(), (3, 3))
        failed.refresh_from_db()
        self.assertEqual((failed.email_state, failed.email_error), (Delivery.SENT, ""))
        self.assertEqual(send_due_emails(), (0, 0))
        self.assertEqual(len(mail.outbox), 3)

    def test_it_gives_up_after_the_last_attempt(self):
        with mock.patch(
            "django.core.mail.backends.locmem.EmailBackend.send_messages",
            side_effect=OSError("mailbox unavailable"),
        ):
            for _attempt in range(Notification.EMAIL_MAX_ATTEMPTS):
                self.run_scheduler()
                pending = Notification.objects.filter(email_state=Delivery.PENDING)
                if pending.exists():
                    self.move_to(pending.first().email_next_at)
        failed = Notification.objects.get(user=self.lan)
        self.assertEqual(failed.email_state, Delivery.FAILED)
        self.assertEqual(failed.email_attempts, Notification.EMAIL_MAX_ATTEMPTS)

    def now(self):
        from django.utils import timezone

        return timezone.now()
