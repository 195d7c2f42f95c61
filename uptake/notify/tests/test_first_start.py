"""A scheduler's first start at 14:24 (#13): it sends only what a person still needs.

Nothing has run before (no JobRun at all); yesterday's report was approved by hand; 870-TTT
reported this morning. Yesterday's overdue notices, today's 08:00 reminder and yesterday's
summary are more than an hour late: skipped and recorded as such. The 14:00 reminder goes to
the units still missing only; the draft of a day already approved is not announced; no
message carries an empty list.
"""

from __future__ import annotations

from datetime import timedelta
from unittest import mock

from django.core import mail
from django.test import override_settings

from uptake.campaigns.loader import load_campaign
from uptake.documents.actions import approve_compilation, make_draft
from uptake.documents.models import State
from uptake.notify.channels.http import Answer
from uptake.notify.models import Delivery, Job, JobRun, Kind, Notification
from uptake.notify.tests.helpers import TODAY, YESTERDAY, NotifyTestCase, district_data, vn


def webhooks():
    return Delivery.objects.filter(channel="webhook")


SECRET = "s" * 32
HOOK = {"url": "https://hooks.example.org/uptake", "secret": SECRET}
STALE = (
    (Job.OVERDUE, YESTERDAY),
    (Job.LEADERS_SUMMARY, YESTERDAY),
    (Job.MORNING_REMINDER, TODAY),
)


@override_settings(TIME_ZONE="UTC")
class FirstStartTestCase(NotifyTestCase):
    def setUp(self):
        super().setUp()
        self.use_district_campaign()
        self.campaign, _stats = load_campaign(district_data(webhooks=[HOOK]))
        # Yesterday: everyone reported but 870-LKA, and minh approved the report at 17:00.
        self.at(14, 0, day=YESTERDAY)
        for code in ("870-VHTT", "870-NV", "870-TTT"):
            self.submit(code, day=YESTERDAY, user=self.minh)
        self.at(17, 0, day=YESTERDAY)
        draft, _made = make_draft(self.campaign, YESTERDAY, user=self.minh)
        approve_compilation(draft, self.minh, confirm=True)
        # Today: 870-TTT reported at 10:00.
        self.at(10, 0)
        self.submit("870-TTT", user=self.lan)
        self.posted = mock.patch(
            "uptake.notify.channels.webhook.post", return_value=Answer(200, "", 1, "ok")
        ).start()
        self.addCleanup(mock.patch.stopall)

    def start_at_fourteen_twenty_four(self):
        self.assertFalse(JobRun.objects.exists())  # a first start
        self.at(14, 24)
        with self.assertLogs("uptake.notify.scheduler", level="INFO") as logs:
            self.run_scheduler()
        return logs

    def test_stale_reminders_and_notices_are_skipped_and_logged(self):
        logs = self.start_at_fourteen_twenty_four()
        for job, day in STALE:
            run = self.run_of(job, day)
            self.assertEqual((run.state, run.attempts), (JobRun.State.SKIPPED, 0), job)
            self.assertIn("more than an hour late", run.result["skipped"])
            self.assertTrue(any(job in line and "skipped" in line for line in logs.output), job)
        self.assertFalse(
            Notification.objects.filter(
                kind__in=[Kind.OVERDUE, Kind.MORNING_REMINDER, Kind.LEADERS_SUMMARY]
            ).exists()
        )
        self.assertFalse(
            webhooks()
            .filter(event__in=[Job.OVERDUE, Job.MORNING_REMINDER, Job.LEADERS_SUMMARY])
            .exists()
        )
        older = JobRun.objects.filter(day=TODAY - timedelta(days=2))
        self.assertTrue(older.exists())
        self.assertEqual(set(older.values_list("state", flat=True)), {JobRun.State.SKIPPED})

    def test_the_afternoon_reminder_goes_only_to_the_units_still_missing(self):
        self.start_at_fourteen_twenty_four()
        run = self.run_of(Job.AFTERNOON_REMINDER)
        self.assertEqual((run.state, run.result["missing"]), (JobRun.State.DONE, 3))
        self.assertEqual(self.kinds_of(self.lan), [])  # 870-TTT has reported
        self.assertEqual(self.kinds_of(self.binh), [Kind.AFTERNOON_REMINDER])
        hook = webhooks().get(event=Job.AFTERNOON_REMINDER)
        names = [u["name"] for u in hook.payload["data"]["units"]]
        self.assertNotIn("Thị trấn Thường Thới Tiền", names)
        self.assertIn("Xã Long Khánh A", hook.payload["text"])

    def test_yesterdays_approved_report_is_not_announced_as_a_draft(self):
        self.start_at_fourteen_twenty_four()
        run = self.run_of(Job.COMPILE, YESTERDAY)  # the compilation itself is caught up
        self.assertEqual((run.state, run.result["state"]), (JobRun.State.DONE, State.APPROVED))
        self.assertFalse(Notification.objects.filter(kind=Kind.DRAFT_READY).exists())
        self.assertFalse(webhooks().filter(event=Job.COMPILE).exists())
        self.assertFalse([m for m in mail.outbox if "sẵn sàng" in m.subject])

    def test_a_day_nobody_missed_sends_no_message_with_an_empty_list(self):
        for code in ("870-VHTT", "870-NV", "870-LKA"):
            self.submit(code, user=self.minh)
        self.start_at_fourteen_twenty_four()
        run = self.run_of(Job.AFTERNOON_REMINDER)
        self.assertEqual((run.state, run.result["missing"]), (JobRun.State.DONE, 0))
        self.assertFalse(Notification.objects.exists())
        self.assertFalse(webhooks().exists())
        self.assertEqual(mail.outbox, [])

    def test_every_message_that_went_out_names_someone(self):
        self.start_at_fourteen_twenty_four()
        for delivery in webhooks().all():
            units = delivery.payload["data"].get("units")
            if units is not None:
                self.assertTrue(units, delivery.event)
            self.assertNotRegex(delivery.payload["text"], r": chưa báo cáo\.")
        for notification in Notification.objects.all():
            listed = notification.params.get("units")
            if listed is not None:
                self.assertGreater(listed["count"], 0)


class StaleRetryTestCase(NotifyTestCase):
    """A reminder planned in time whose run was left pending (its scheduler died) is not sent
    hours later by the next scheduler."""

    def test_a_reminder_left_pending_is_skipped_when_it_became_stale(self):
        self.settle(self.campaign)
        self.at(8, 0)
        from uptake.notify.scheduler import Scheduler

        Scheduler("a").plan()  # planned, then the scheduler died before running it
        self.at(10, 0)
        self.run_scheduler("b")
        run = self.run_of(Job.MORNING_REMINDER)
        self.assertEqual(run.state, JobRun.State.SKIPPED)
        self.assertIn("more than an hour late", run.result["skipped"])
        self.assertFalse(Notification.objects.exists())

    def test_a_reminder_fifty_minutes_late_still_goes(self):
        self.settle(self.campaign)
        self.at(8, 50)
        self.run_scheduler()
        self.assertEqual(self.run_of(Job.MORNING_REMINDER).state, JobRun.State.DONE)
        self.assertEqual(self.kinds_of(self.lan), [Kind.MORNING_REMINDER])
        self.assertEqual(self.run_of(Job.MORNING_REMINDER).due_at, vn(8, 0))
