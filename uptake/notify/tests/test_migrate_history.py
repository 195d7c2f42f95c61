"""#18's migrations: e-mails, in-app notifications, webhook deliveries and preferences of the
former tables arrive in the one Delivery table with their history, and go back."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import TransactionTestCase

BEFORE = [("notify", "0002_jobrun_level")]
AFTER = [("notify", "0005_drop_old_outboxes")]
T0 = datetime(2020, 8, 17, 7, 0, tzinfo=UTC)


class MigrateHistoryTestCase(TransactionTestCase):
    def migrate(self, targets):
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(targets)
        return executor.loader.project_state(targets).apps

    def tearDown(self):
        self.migrate(executor_leaves())
        super().tearDown()

    def test_the_history_moves_with_ids_states_tries_and_choices(self):
        old = self.migrate(BEFORE)
        User = old.get_model("auth", "User")
        Campaign = old.get_model("campaigns", "Campaign")
        Unit = old.get_model("units", "Unit")
        Notification = old.get_model("notify", "Notification")
        Preference = old.get_model("notify", "Preference")
        WebhookDelivery = old.get_model("notify", "WebhookDelivery")
        WebhookAttempt = old.get_model("notify", "WebhookAttempt")

        lan = User.objects.create(username="lan", email="lan@example.org")
        hoa = User.objects.create(username="hoa", email="hoa@example.org")
        root = Unit.objects.create(code="87", name="Đồng Tháp", kind="province", path="87/")
        day = T0.date()
        campaign = Campaign.objects.create(
            slug="c",
            app="Bluezone",
            title="C",
            start=day,
            target_date=day,
            end=day,
            root=root,
            coordinator=root,
        )
        sent = Notification.objects.create(
            user=lan,
            kind="morning_reminder",
            created_at=T0,
            email_state="sent",
            email_attempts=1,
            emailed_at=T0 + timedelta(minutes=1),
        )
        pending = Notification.objects.create(
            user=lan,
            kind="afternoon_reminder",
            created_at=T0,
            email_state="pending",
            email_attempts=2,
            email_next_at=T0 + timedelta(minutes=4),
            email_error="SMTPServerDisconnected:\n  Connection unexpectedly closed",
        )
        app_only = Notification.objects.create(user=hoa, kind="leaders_summary", created_at=T0)
        hook = WebhookDelivery.objects.create(
            id=41,
            campaign=campaign,
            event="overdue",
            url="https://hooks.example.org/x",
            payload={"kind": "status_list", "title": "t"},
            state="failed",
            attempts=8,
            created_at=T0,
            last_status=500,
            last_error="HTTP 500",
        )
        WebhookAttempt.objects.create(delivery=hook, number=1, at=T0, status_code=500)
        Preference.objects.create(user=hoa, email=False)
        Preference.objects.create(user=lan, email=True, email_muted=["overdue"])

        new = self.migrate(AFTER)
        Delivery = new.get_model("notify", "Delivery")
        Preference = new.get_model("notify", "Preference")

        moved = Delivery.objects.get(channel="webhook")
        self.assertEqual(
            (moved.pk, moved.state, moved.attempts, moved.last_status, moved.address, moved.kind),
            (41, "failed", 8, 500, "https://hooks.example.org/x", "status_list"),
        )
        self.assertEqual(list(moved.tries.values_list("number", "status_code")), [(1, 500)])
        email = Delivery.objects.get(notification_id=sent.pk, channel="email")
        self.assertEqual(
            (email.state, email.attempts, email.sent_at, email.address),
            ("sent", 1, T0 + timedelta(minutes=1), "lan@example.org"),
        )
        retry = Delivery.objects.get(notification_id=pending.pk, channel="email")
        self.assertEqual(
            (retry.state, retry.next_attempt_at), ("pending", T0 + timedelta(minutes=4))
        )
        self.assertEqual(retry.last_error, "SMTPServerDisconnected: Connection unexpectedly closed")
        self.assertFalse(Delivery.objects.filter(notification_id=app_only.pk, channel="email"))
        self.assertEqual(Delivery.objects.filter(channel="app", state="sent").count(), 3)
        self.assertEqual(Preference.objects.get(user_id=lan.pk).channels, {"overdue": []})
        hoa_channels = Preference.objects.get(user_id=hoa.pk).channels
        self.assertEqual(hoa_channels["leaders_summary"], [])
        # A new delivery gets an id after the ones given (the sequence moved on).
        fresh = Delivery.objects.create(channel="app", address="")
        self.assertGreater(fresh.pk, 41)
        fresh.delete()

        back = self.migrate(BEFORE)
        Notification = back.get_model("notify", "Notification")
        WebhookDelivery = back.get_model("notify", "WebhookDelivery")
        Preference = back.get_model("notify", "Preference")
        self.assertEqual(Notification.objects.get(pk=pending.pk).email_state, "pending")
        self.assertEqual(Notification.objects.get(pk=app_only.pk).email_state, "")
        self.assertEqual(WebhookDelivery.objects.get().pk, 41)
        self.assertFalse(Preference.objects.get(user_id=hoa.pk).email)
        self.assertEqual(Preference.objects.get(user_id=lan.pk).email_muted, ["overdue"])


def executor_leaves():
    executor = MigrationExecutor(connection)
    return executor.loader.graph.leaf_nodes()
