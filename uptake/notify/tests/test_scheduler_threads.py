"""Exactly once: two schedulers at the same moment, and a scheduler killed in the middle of a job.

These tests commit for real (TransactionTestCase), so that each thread works through its own
database connection as two processes would; they pass on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import threading
from collections import Counter
from unittest import mock

import time_machine
from django.core import mail
from django.db import connection
from django.test import TransactionTestCase, override_settings

from uptake.campaigns.loader import load_campaign
from uptake.notify import jobs
from uptake.notify.models import Delivery, Job, JobRun, Kind, Notification
from uptake.notify.scheduler import Scheduler
from uptake.notify.tests.helpers import TODAY, ClockMixin, SqliteFileMixin, vn
from uptake.test import NOW, BaseTestCase, campaign_data


class Killed(BaseException):
    """The process dies: not an Exception, so nothing in the scheduler catches it."""


@override_settings(
    TIME_ZONE="UTC", PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]
)
class ExactlyOnceTestCase(SqliteFileMixin, ClockMixin, TransactionTestCase):
    make_user = BaseTestCase.make_user

    def setUp(self):
        super().setUp()
        clock = time_machine.travel(NOW, tick=False)
        clock.start()
        self.addCleanup(clock.stop)
        self.campaign, _stats = load_campaign(campaign_data())
        self.lan = self.make_user("lan", "reporter", "870-TTT")
        self.binh = self.make_user("binh", "reporter", "870-LKA")
        self.tuan = self.make_user("tuan", "reporter", "869-TH")
        self.minh = self.make_user("minh", "coordinator", "870")
        self.hoa = self.make_user("hoa", "viewer", "870")
        self.settle(self.campaign)

    def in_threads(self, *schedulers: Scheduler) -> list[Counter]:
        """Each scheduler makes one pass in its own thread, all starting at the same moment."""
        start = threading.Barrier(len(schedulers))
        results: list = [None] * len(schedulers)
        errors: list = []

        def work(i: int, scheduler: Scheduler):
            try:
                start.wait()
                results[i] = scheduler.run_due()
            except Exception as exc:  # reported below, in the test's thread
                errors.append(exc)
            finally:
                connection.close()

        threads = [threading.Thread(target=work, args=(i, s)) for i, s in enumerate(schedulers)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        self.assertEqual(errors, [])
        return results

    def assert_notified_once(self, kind: str, *users) -> None:
        """Each user has one notification of ``kind``, and one e-mail per notification."""
        for user in users:
            mine = Notification.objects.filter(user=user)
            self.assertEqual(mine.filter(kind=kind).count(), 1, user.username)
            emails = [m for m in mail.outbox if m.to == [user.email]]
            sent = Delivery.objects.filter(user=user, channel="email", state=Delivery.State.SENT)
            self.assertEqual(len(emails), sent.count())
            self.assertEqual(len({m.subject for m in emails}), len(emails), user.username)
        self.assertFalse(Delivery.objects.filter(state=Delivery.State.PENDING).exists())

    def test_two_schedulers_at_the_same_moment_run_each_job_once(self):
        # The afternoon reminder and the overdue notices are due; the 08:00 reminder is
        # recorded once, as skipped (more than an hour late).
        self.at(15, 0)
        results = self.in_threads(Scheduler("a"), Scheduler("b"))
        runs = JobRun.objects.filter(day=TODAY)
        self.assertEqual(
            sorted(runs.values_list("job", flat=True)),
            sorted([Job.AFTERNOON_REMINDER, Job.MORNING_REMINDER, Job.OVERDUE]),
        )
        for run in runs:
            expected = JobRun.State.SKIPPED if run.job == Job.MORNING_REMINDER else "done"
            self.assertEqual(
                (run.state, run.attempts), (expected, 0 if expected == "skipped" else 1), run.job
            )
        done = sum((r for r in results), Counter())
        self.assertEqual(done["afternoon_reminder:done"], 1)
        self.assertEqual(done["overdue:done"], 1)
        self.assertEqual(done["emails"], len(mail.outbox))
        self.assert_notified_once(Kind.AFTERNOON_REMINDER, self.lan, self.binh, self.tuan)
        self.assert_notified_once(Kind.OVERDUE, self.lan, self.binh, self.tuan)
        self.assert_notified_once(Kind.STATUS_LIST, self.minh)

    def test_four_schedulers_at_the_same_moment_still_run_each_job_once(self):
        self.at(8, 0)
        self.in_threads(*(Scheduler(name) for name in "abcd"))
        run = JobRun.objects.get(job=Job.MORNING_REMINDER, day=TODAY)
        self.assertEqual((run.state, run.attempts), (JobRun.State.DONE, 1))
        self.assert_notified_once(Kind.MORNING_REMINDER, self.lan, self.binh, self.tuan)

    def test_a_job_killed_half_way_is_finished_once_by_another_scheduler(self):
        self.settle(self.campaign, before=TODAY, jobs=[Job.MORNING_REMINDER])
        self.at(14, 0)
        a, b = Scheduler("a"), Scheduler("b")
        a.plan()
        run = a.claim()
        self.assertEqual(run.job, Job.AFTERNOON_REMINDER)

        # a writes the first reporter's notification, then its process dies.
        real = jobs.notify_users

        def dies_half_way(run, items):
            real(run, items[:1])
            raise Killed

        with mock.patch.object(jobs, "notify_users", dies_half_way), self.assertRaises(Killed):
            a.execute(run)
        self.assertEqual(Notification.objects.filter(kind=Kind.AFTERNOON_REMINDER).count(), 1)
        run.refresh_from_db()
        self.assertEqual((run.state, run.locked_by), (JobRun.State.RUNNING, "a"))

        # Until a's lease lapses, the run is a's; then b takes it over and finishes it.
        self.at(14, 4)
        self.in_threads(b)
        run.refresh_from_db()
        self.assertEqual(run.state, JobRun.State.RUNNING)
        self.move_to(run.locked_until.replace(second=1))
        self.in_threads(b, Scheduler("c"))
        run.refresh_from_db()
        self.assertEqual((run.state, run.attempts), (JobRun.State.DONE, 2))
        self.assertIn(run.locked_by, ("b", "c"))
        self.assert_notified_once(Kind.AFTERNOON_REMINDER, self.lan, self.binh, self.tuan)

    def test_a_job_killed_after_its_work_sends_nothing_twice(self):
        self.settle(self.campaign, before=TODAY, jobs=[Job.MORNING_REMINDER])
        self.at(14, 0)
        a = Scheduler("a")
        a.plan()
        run = a.claim()
        jobs.run_job(run)  # all of the work, then the process dies before recording it
        sent = Scheduler("mailer").run_due()["emails"]  # another scheduler sends the e-mails
        self.assertEqual(sent, 3)
        self.move_to(run.locked_until.replace(second=1))
        self.in_threads(Scheduler("b"), Scheduler("c"))
        run.refresh_from_db()
        self.assertEqual((run.state, run.attempts), (JobRun.State.DONE, 2))
        self.assert_notified_once(Kind.AFTERNOON_REMINDER, self.lan, self.binh, self.tuan)

    def test_an_email_whose_sender_died_while_sending_is_not_sent_again(self):
        self.settle(self.campaign, before=TODAY, jobs=[Job.MORNING_REMINDER])
        self.at(14, 0)
        a = Scheduler("a")
        a.plan()
        jobs.run_job(a.claim())
        # The sender claimed lan's e-mail and died: did it leave? Nobody knows.
        mine = Delivery.objects.get(user=self.lan, channel="email")
        Delivery.objects.filter(pk=mine.pk).update(
            state=Delivery.State.SENDING, next_attempt_at=vn(14, 5)
        )
        self.at(14, 6)
        self.in_threads(Scheduler("b"), Scheduler("c"))
        mine.refresh_from_db()
        self.assertEqual(mine.state, Delivery.State.FAILED)
        self.assertIn("not sent again", mine.last_error)
        self.assertEqual([m.to for m in mail.outbox if m.to == [self.lan.email]], [])
        self.assert_notified_once(Kind.AFTERNOON_REMINDER, self.binh, self.tuan)
