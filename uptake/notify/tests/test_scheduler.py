"""`manage.py scheduler`: each job at its time in Hồng Ngự, once, caught up or skipped, retried."""

from __future__ import annotations

import io
import os
import signal
from collections import Counter
from datetime import timedelta
from unittest import mock

from django.core import mail
from django.core.management import call_command
from django.test import override_settings

from uptake.campaigns.loader import load_campaign
from uptake.notify import jobs
from uptake.notify.models import Job, JobRun, Kind, Notification
from uptake.notify.scheduler import LeaseLost, Scheduler
from uptake.notify.tests.helpers import TODAY, YESTERDAY, NotifyTestCase, vn
from uptake.test import campaign_data

TIMED = [
    (Job.MORNING_REMINDER, 8, 0),
    (Job.AFTERNOON_REMINDER, 14, 0),
    (Job.OVERDUE, 15, 0),
    (Job.LEADERS_SUMMARY, 17, 0),
]


@override_settings(TIME_ZONE="UTC")
class SchedulerTimesTestCase(NotifyTestCase):
    """The server runs in UTC; the jobs run at Hồng Ngự's hours (UTC+7)."""

    def setUp(self):
        super().setUp()
        self.settle(self.campaign)

    def test_it_sends_no_morning_reminder_at_seven_fifty_nine(self):
        self.at(7, 59)
        self.run_scheduler()
        self.assertIsNone(self.run_of(Job.MORNING_REMINDER))
        self.assertFalse(Notification.objects.exists())
        self.assertEqual(mail.outbox, [])

    def test_it_sends_the_morning_reminder_at_eight_in_ho_chi_minh_city(self):
        moment = self.at(8, 0)
        self.assertEqual((moment.astimezone().hour, moment.utcoffset()), (8, timedelta(hours=7)))
        self.run_scheduler()
        run = self.run_of(Job.MORNING_REMINDER)
        self.assertEqual(run.state, JobRun.State.DONE)
        self.assertEqual(run.due_at, vn(8, 0))
        self.assertEqual(self.kinds_of(self.lan), [Kind.MORNING_REMINDER])
        self.assertEqual(self.kinds_of(self.binh), [Kind.MORNING_REMINDER])
        self.assertEqual(len(mail.outbox), Notification.objects.count())

    def test_each_job_waits_for_its_time_then_runs(self):
        for job, hour, minute in TIMED:
            with self.subTest(job=job):
                self.move_to(vn(hour, minute) - timedelta(seconds=1))
                self.run_scheduler()
                self.assertIsNone(self.run_of(job), f"{job} ran before {hour}:{minute:02d}")
                self.at(hour, minute)
                self.run_scheduler()
                self.assertEqual(self.run_of(job).state, JobRun.State.DONE)

    def test_it_runs_a_job_once_however_many_passes(self):
        self.at(8, 0)
        self.run_scheduler("a")
        self.at(8, 1)
        self.run_scheduler("b")
        call_command("scheduler", "--once", stdout=io.StringIO())
        self.assertEqual(JobRun.objects.filter(job=Job.MORNING_REMINDER, day=TODAY).count(), 1)
        self.assertEqual(Notification.objects.filter(user=self.lan).count(), 1)
        self.assertEqual(len([m for m in mail.outbox if m.to == [self.lan.email]]), 1)

    def test_it_runs_the_jobs_at_the_times_of_the_campaign_file(self):
        load_campaign(campaign_data(jobs={"morning_reminder": "07:30", "leaders_summary": "18:15"}))
        self.at(7, 30)
        self.run_scheduler()
        self.assertEqual(self.run_of(Job.MORNING_REMINDER).state, JobRun.State.DONE)
        self.at(18, 14)
        self.run_scheduler()
        self.assertIsNone(self.run_of(Job.LEADERS_SUMMARY))
        self.at(18, 15)
        self.run_scheduler()
        self.assertEqual(self.run_of(Job.LEADERS_SUMMARY).state, JobRun.State.DONE)

    def test_the_overdue_job_follows_the_report_deadline_by_default(self):
        load_campaign(campaign_data(report_due="16:00", compile_at="17:30"))
        self.campaign.refresh_from_db()
        times = jobs.job_times(self.campaign)
        self.assertEqual(times[Job.OVERDUE].strftime("%H:%M"), "16:00")
        self.assertEqual(times[Job.COMPILE].strftime("%H:%M"), "17:30")
        self.at(15, 59)
        self.run_scheduler()
        self.assertIsNone(self.run_of(Job.OVERDUE))
        self.at(16, 0)
        self.run_scheduler()
        self.assertEqual(self.run_of(Job.OVERDUE).state, JobRun.State.DONE)

    def test_the_command_runs_what_is_due_once_and_says_so(self):
        self.at(8, 0)
        out = io.StringIO()
        call_command("scheduler", "--once", stdout=out)
        self.assertIn("morning_reminder:done 1", out.getvalue())
        out = io.StringIO()
        call_command("scheduler", "--once", stdout=out)
        self.assertIn("nothing due", out.getvalue())

    def test_it_sleeps_until_the_next_job_time_at_most_the_poll(self):
        self.at(7, 59, second=30)
        scheduler = Scheduler("a")
        scheduler.run_due()
        self.assertAlmostEqual(scheduler.seconds_to_next(poll=60), 30.1, places=1)
        self.assertEqual(scheduler.seconds_to_next(poll=10), 10)


@override_settings(TIME_ZONE="UTC")
class CatchUpTestCase(NotifyTestCase):
    """A scheduler that was down catches up what it missed of today and yesterday, no more."""

    def setUp(self):
        super().setUp()
        self.settle(self.campaign, before=YESTERDAY)

    def test_it_records_the_jobs_of_two_days_ago_as_skipped(self):
        JobRun.objects.filter(day=TODAY - timedelta(days=2)).delete()
        self.at(17, 10)
        self.run_scheduler()
        runs = JobRun.objects.filter(day=TODAY - timedelta(days=2))
        self.assertEqual(runs.count(), 5)
        for run in runs:
            self.assertEqual(run.state, JobRun.State.SKIPPED)
            self.assertEqual(run.attempts, 0)
            self.assertIn("older than yesterday", run.result["skipped"])

    def test_it_skips_the_reminders_whose_deadline_has_passed(self):
        self.at(17, 10)
        self.run_scheduler()
        for day in (YESTERDAY, TODAY):
            for job in (Job.MORNING_REMINDER, Job.AFTERNOON_REMINDER):
                self.assertEqual(self.run_of(job, day).state, JobRun.State.SKIPPED)
                self.assertIn("deadline", self.run_of(job, day).result["skipped"])
        self.assertFalse(
            Notification.objects.filter(
                kind__in=[Kind.MORNING_REMINDER, Kind.AFTERNOON_REMINDER]
            ).exists()
        )

    def test_it_skips_yesterdays_overdue_notices_and_summary_but_makes_the_compilation(self):
        self.at(9, 0)
        self.run_scheduler()
        for job in (Job.OVERDUE, Job.LEADERS_SUMMARY):
            run = self.run_of(job, YESTERDAY)
            self.assertEqual((run.state, run.attempts), (JobRun.State.SKIPPED, 0))
            self.assertIn("more than an hour late", run.result["skipped"])
            self.assertEqual(
                run.due_at.astimezone(vn(0).tzinfo).hour, 15 if job == "overdue" else 17
            )
        self.assertEqual(self.run_of(Job.COMPILE, YESTERDAY).state, JobRun.State.DONE)
        self.assertEqual(self.run_of(Job.MORNING_REMINDER).state, JobRun.State.DONE)
        self.assertIsNone(self.run_of(Job.OVERDUE))  # today's is not due yet
        self.assertFalse(Notification.objects.filter(kind=Kind.OVERDUE).exists())

    @override_settings(SCHEDULER_CATCH_UP_HOURS=1)
    def test_it_skips_a_job_later_than_the_catch_up_window(self):
        self.at(15, 50)
        self.run_scheduler()
        self.assertEqual(self.run_of(Job.OVERDUE).state, JobRun.State.DONE)  # 50 minutes late
        self.assertEqual(self.run_of(Job.LEADERS_SUMMARY, YESTERDAY).state, JobRun.State.SKIPPED)
        self.assertIn(
            "SCHEDULER_CATCH_UP_HOURS", self.run_of(Job.OVERDUE, YESTERDAY).result["skipped"]
        )

    def test_it_plans_nothing_before_the_first_or_after_the_last_reporting_day(self):
        self.at(23, 0, day=self.campaign.start - timedelta(days=1))
        self.run_scheduler()
        self.assertFalse(JobRun.objects.filter(day__lt=self.campaign.start).exists())
        self.at(9, 0, day=self.campaign.end + timedelta(days=1))
        self.run_scheduler()
        self.assertFalse(JobRun.objects.filter(day__gt=self.campaign.end).exists())
        self.assertTrue(
            JobRun.objects.filter(day=self.campaign.end, job=Job.LEADERS_SUMMARY).exists()
        )
        self.assertEqual(
            JobRun.objects.filter(day=self.campaign.end, job=Job.COMPILE).get().state,
            JobRun.State.DONE,
        )


class RetryTestCase(NotifyTestCase):
    """A failed job is retried with exponential backoff, its error kept for the admin."""

    def setUp(self):
        super().setUp()
        self.settle(self.campaign)
        self.at(8, 0)

    def failing(self, times: int):
        real = jobs.JOBS[Job.MORNING_REMINDER]
        calls = Counter()

        def job(run, ctx):
            calls["n"] += 1
            if calls["n"] <= times:
                raise RuntimeError(f"the database hiccuped ({calls['n']})")
            return real(run, ctx)

        return mock.patch.dict(jobs.JOBS, {Job.MORNING_REMINDER: job})

    def test_a_failed_job_is_retried_after_a_minute_then_two(self):
        with self.failing(2):
            self.run_scheduler()
            run = self.run_of(Job.MORNING_REMINDER)
            self.assertEqual((run.state, run.attempts), (JobRun.State.PENDING, 1))
            self.assertEqual(run.next_attempt_at, vn(8, 1))
            self.assertIn("the database hiccuped (1)", run.last_error)
            self.at(8, 0, second=59)
            self.run_scheduler()
            self.assertEqual(self.run_of(Job.MORNING_REMINDER).attempts, 1)
            self.at(8, 1)
            self.run_scheduler()
            run = self.run_of(Job.MORNING_REMINDER)
            self.assertEqual((run.state, run.attempts), (JobRun.State.PENDING, 2))
            self.assertEqual(run.next_attempt_at, vn(8, 3))
            self.at(8, 3)
            self.run_scheduler()
        run = self.run_of(Job.MORNING_REMINDER)
        self.assertEqual((run.state, run.attempts), (JobRun.State.DONE, 3))
        self.assertIn("hiccuped (2)", run.last_error)  # the history stays readable
        self.assertEqual(Notification.objects.filter(user=self.lan).count(), 1)

    def test_it_gives_up_after_the_last_attempt(self):
        with self.failing(99):
            for _attempt in range(JobRun.MAX_ATTEMPTS):
                self.move_to(
                    self.run_of(Job.MORNING_REMINDER).next_attempt_at
                    if self.run_of(Job.MORNING_REMINDER)
                    else vn(8, 0)
                )
                self.run_scheduler()
        run = self.run_of(Job.MORNING_REMINDER)
        self.assertEqual((run.state, run.attempts), (JobRun.State.FAILED, JobRun.MAX_ATTEMPTS))
        self.assertIn("hiccuped (6)", run.last_error)
        self.move_to(vn(12, 0))
        self.run_scheduler()
        self.assertEqual(self.run_of(Job.MORNING_REMINDER).attempts, JobRun.MAX_ATTEMPTS)


class LeaseTestCase(NotifyTestCase):
    """A claim is a lease: renewed while the job works, taken over once it lapses."""

    def setUp(self):
        super().setUp()
        self.settle(self.campaign)
        self.at(8, 0)
        self.a, self.b = Scheduler("a"), Scheduler("b")
        self.a.plan()

    def test_a_claimed_run_is_nobody_elses_until_its_lease_lapses(self):
        run = self.a.claim()
        self.assertEqual((run.state, run.locked_by), (JobRun.State.RUNNING, "a"))
        self.assertEqual(run.locked_until, vn(8, 5))
        self.assertIsNone(self.b.claim())
        self.at(8, 5)
        self.assertIsNone(self.b.claim())
        self.at(8, 5, second=1)
        taken = self.b.claim()
        self.assertEqual((taken.pk, taken.locked_by, taken.attempts), (run.pk, "b", 2))

    def test_a_heartbeat_keeps_the_lease(self):
        run = self.a.claim()
        self.at(8, 4)
        self.a.beat(run)
        self.at(8, 8)
        self.assertIsNone(self.b.claim())

    def test_a_scheduler_that_lost_its_lease_stops_and_does_not_record_the_run(self):
        run = self.a.claim()
        self.at(8, 6)
        taken = self.b.claim()
        with self.assertRaises(LeaseLost):
            self.a.beat(run)
        self.assertEqual(self.a.execute(run), JobRun.State.RUNNING)
        self.assertEqual(self.b.execute(taken), JobRun.State.DONE)
        run.refresh_from_db()
        self.assertEqual((run.state, run.locked_by), (JobRun.State.DONE, "b"))
        self.assertEqual(Notification.objects.filter(user=self.lan).count(), 1)


class LoopTestCase(NotifyTestCase):
    def test_the_command_stops_cleanly_on_sigterm(self):
        for signum in (signal.SIGTERM, signal.SIGINT):
            self.addCleanup(signal.signal, signum, signal.getsignal(signum))
        passes = Counter()

        def run_due(scheduler):
            passes["n"] += 1
            os.kill(os.getpid(), signal.SIGTERM)  # a stop request arrives during a pass
            return Counter()

        out = io.StringIO()
        with mock.patch.object(Scheduler, "run_due", run_due):
            call_command("scheduler", "--poll", "3600", stdout=out)
        self.assertEqual(passes["n"], 1)
        self.assertIn("SIGTERM: stopping", out.getvalue())
        self.assertTrue(out.getvalue().rstrip().endswith("scheduler stopped"))
