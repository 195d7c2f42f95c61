"""The scheduler: plans each campaign's daily jobs, claims them, runs them, sends what they wrote.

Like healthchecks' ``sendalerts``, it needs no broker and may run in several copies:

- **plan** writes one ``JobRun`` per (campaign, job, day) once its time has come in the
  campaign's time zone (a unique constraint: two schedulers planning at once write one row).
  A day older than yesterday, or a job later than the catch-up window, is recorded as skipped;
  so is a reminder whose day's deadline has passed (it would only confuse), and a reminder or
  notice whose moment passed more than ``STALE_AFTER`` ago (a first start at 14:24 sends no
  08:00 reminder and no overdue notice of yesterday). The compilation itself is caught up.
  Sending an approved compilation is planned only for a campaign whose file says
  ``auto_send: true``, at its ``compile_at`` at the earliest (``plan_sending``); otherwise the
  coordinator sends it.
- **claim** takes a due run with a conditional update, pending → running with a lease
  (``locked_until``): exactly one scheduler updates the row, and that one runs it. A long job
  renews its lease as it goes; a run whose lease lapsed (its scheduler was killed) is claimed
  again, and its work is idempotent (jobs.py), so nothing is done twice.
- a failed run goes back to pending with exponential backoff, and fails for good after
  ``JobRun.MAX_ATTEMPTS``; its error is kept for the admin.
- then the deliveries that are due are sent, on every channel in the table (outbox.py);
- at most once every ``FLAGS_EVERY``, the data-quality flags of the groups of units whose
  reports changed are brought up to date (quality's ``refresh_stale_flags``): pages and API
  reads only read them (#19).
"""

from __future__ import annotations

import logging
import os
import secrets
import socket
import threading
import time
import traceback
from collections import Counter
from datetime import datetime, timedelta

from django.conf import settings
from django.db import close_old_connections
from django.db.models import F, Min
from django.utils import timezone

from uptake.campaigns.models import Campaign
from uptake.notify import outbox
from uptake.notify.jobs import Context, job_plan, run_job
from uptake.notify.models import Delivery, Job, JobRun, backoff

log = logging.getLogger(__name__)

# Days before yesterday are never run; they are recorded as skipped this far back.
LOOKBACK_DAYS = 7
JOB_BACKOFF = (60, 3600)  # first wait and longest wait after a failure, in seconds
# Reminders make no sense once the day's deadline has passed.
REMINDERS = (Job.MORNING_REMINDER, Job.AFTERNOON_REMINDER)
# Reminders and notices are sent near their moment or not at all; the compilation (and its
# sending) is caught up within SCHEDULER_CATCH_UP_HOURS.
NOTICES = (Job.MORNING_REMINDER, Job.AFTERNOON_REMINDER, Job.OVERDUE, Job.LEADERS_SUMMARY)
STALE_AFTER = timedelta(hours=1)
# How often the data-quality flags are brought up to date (seconds).
FLAGS_EVERY = 60


class LeaseLost(Exception):
    """Another scheduler took over the run (our lease had lapsed): stop, it will finish."""


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"


class Scheduler:
    def __init__(self, name: str | None = None):
        self.name = name or worker_name()
        self.stopping = threading.Event()
        self.cleaned_on = None  # the day of this scheduler's last daily clean-up
        self.flags_at = None  # time.monotonic() of this scheduler's last flags refresh

    # --- settings ------------------------------------------------------------------------

    @property
    def lease(self) -> timedelta:
        return timedelta(seconds=getattr(settings, "SCHEDULER_LEASE_SECONDS", 300))

    @property
    def catch_up(self) -> timedelta:
        return timedelta(hours=getattr(settings, "SCHEDULER_CATCH_UP_HOURS", 48))

    # --- planning ------------------------------------------------------------------------

    def skip_reason(self, campaign: Campaign, job: str, day, due: datetime, now: datetime) -> str:
        today = now.astimezone(campaign.tz).date()
        if day < today - timedelta(days=1):
            return "its day is older than yesterday"
        if now - due > self.catch_up:
            hours = int(self.catch_up.total_seconds() // 3600)
            return f"more than {hours} hours late (SCHEDULER_CATCH_UP_HOURS)"
        if job in REMINDERS and now > campaign.deadline(day):
            return "the day's deadline had passed"
        return self.stale_reason(job, due, now)

    def stale_reason(self, job: str, due: datetime, now: datetime) -> str:
        """A reminder or notice more than STALE_AFTER late is not sent: nobody needs it."""
        if job in NOTICES and now - due > STALE_AFTER:
            return (
                "more than an hour late: a reminder or notice is sent near its time or not at all"
            )
        return ""

    def plan(self, now: datetime | None = None) -> int:
        """Write the runs whose time has come; returns how many were written (run or skipped)."""
        now = now or timezone.now()
        utc_today = now.date()
        campaigns = Campaign.objects.filter(
            start__lte=utc_today + timedelta(days=1),
            end__gte=utc_today - timedelta(days=LOOKBACK_DAYS + 1),
        )
        new: list[JobRun] = []
        for campaign in campaigns:
            today = now.astimezone(campaign.tz).date()
            first = max(campaign.start, today - timedelta(days=LOOKBACK_DAYS))
            last = min(campaign.end, today)
            if first > last:
                continue
            seen = set(
                JobRun.objects.filter(campaign=campaign, day__gte=first, day__lte=last).values_list(
                    "job", "day", "level"
                )
            )
            planned = job_plan(campaign)
            for n in range((last - first).days + 1):
                day = first + timedelta(days=n)
                for job, level, at in planned:
                    if (job, day, level) in seen:
                        continue
                    due = datetime.combine(day, at, tzinfo=campaign.tz)
                    if due > now:
                        continue
                    new.append(self._run(campaign, job, day, due, now, level))
        new += self.plan_sending(now)
        if new:
            JobRun.objects.bulk_create(new, ignore_conflicts=True)
        return len(new)

    def _run(self, campaign, job, day, due, now, level: str) -> JobRun:
        reason = self.skip_reason(campaign, job, day, due, now)
        if reason:
            log.info("%s %s %s %s: skipped (%s)", campaign.slug, job, day, level, reason)
        return JobRun(
            campaign=campaign,
            job=job,
            day=day,
            level=level,
            due_at=due,
            next_attempt_at=due,
            created_at=now,
            state=JobRun.State.SKIPPED if reason else JobRun.State.PENDING,
            finished_at=now if reason else None,
            result={"skipped": reason} if reason else {},
        )

    def plan_sending(self, now: datetime) -> list[JobRun]:
        """A send run for each approved compilation not yet sent of a campaign whose file says
        ``auto_send: true``, due at the campaign's ``compile_at`` of its day, or at its approval
        when that is later. Without ``auto_send``, the coordinator sends it (#13)."""
        from uptake.notify import documents

        out = []
        for compilation in documents.approved_unsent():
            campaign = compilation.campaign
            due = documents.send_due_at(compilation)
            reason = (
                ""
                if now - due <= self.catch_up
                else ("approved more than the catch-up window ago (SCHEDULER_CATCH_UP_HOURS)")
            )
            out.append(
                JobRun(
                    campaign_id=campaign.pk,
                    job=Job.SEND,
                    day=compilation.date,
                    level=compilation.unit.code,
                    due_at=due,
                    next_attempt_at=due,
                    created_at=now,
                    state=JobRun.State.SKIPPED if reason else JobRun.State.PENDING,
                    finished_at=now if reason else None,
                    result={"skipped": reason} if reason else {},
                )
            )
        return out

    # --- claiming and running ------------------------------------------------------------

    def claim(self, now: datetime | None = None) -> JobRun | None:
        """Take one due run: the conditional update that changes it is ours, or try the next."""
        now = now or timezone.now()
        candidates = list(
            JobRun.objects.filter(JobRun.claimable(now))
            .order_by("next_attempt_at", "pk")
            .values_list("pk", flat=True)[:20]
        )
        for pk in candidates:
            claimed = JobRun.objects.filter(JobRun.claimable(now), pk=pk).update(
                state=JobRun.State.RUNNING,
                locked_by=self.name,
                locked_until=now + self.lease,
                attempts=F("attempts") + 1,
                started_at=now,
            )
            if claimed != 1:
                continue
            run = JobRun.objects.select_related("campaign__root", "campaign__coordinator").get(
                pk=pk
            )
            if run.attempts > JobRun.MAX_ATTEMPTS:
                # Its schedulers keep dying on it (lapsed leases): stop trying.
                self._finish(
                    run,
                    JobRun.State.FAILED,
                    last_error=run.last_error or "gave up: every attempt was interrupted",
                )
                continue
            return run
        return None

    def beat(self, run: JobRun) -> None:
        """Renew the run's lease; LeaseLost when another scheduler has taken it over."""
        renewed = JobRun.objects.filter(
            pk=run.pk, state=JobRun.State.RUNNING, locked_by=self.name
        ).update(locked_until=timezone.now() + self.lease)
        if renewed != 1:
            raise LeaseLost(run.pk)

    def _finish(self, run: JobRun, state: str, **fields) -> bool:
        now = timezone.now()
        done = JobRun.objects.filter(
            pk=run.pk, state=JobRun.State.RUNNING, locked_by=self.name
        ).update(state=state, locked_until=None, finished_at=now, **fields)
        return done == 1

    def execute(self, run: JobRun) -> str:
        """Run a claimed run and record the outcome; returns the run's new state. A reminder or
        notice that has become stale meanwhile (its scheduler died, it was retried) is skipped."""
        reason = self.stale_reason(run.job, run.due_at, timezone.now())
        if reason:
            log.info("%s: skipped (%s)", run, reason)
            self._finish(run, JobRun.State.SKIPPED, result={"skipped": reason})
            return JobRun.State.SKIPPED
        try:
            result = run_job(run, Context(lambda: self.beat(run)))
        except LeaseLost:
            log.warning("%s: lost the lease of %s; another scheduler finishes it", self.name, run)
            return JobRun.State.RUNNING
        except Exception as exc:
            log.exception("%s failed (attempt %s)", run, run.attempts)
            error = "".join(traceback.format_exception(exc, limit=-8))[-4000:]
            if run.attempts >= JobRun.MAX_ATTEMPTS:
                self._finish(run, JobRun.State.FAILED, last_error=error)
                return JobRun.State.FAILED
            JobRun.objects.filter(
                pk=run.pk, state=JobRun.State.RUNNING, locked_by=self.name
            ).update(
                state=JobRun.State.PENDING,
                locked_until=None,
                next_attempt_at=timezone.now() + backoff(run.attempts, *JOB_BACKOFF),
                last_error=error,
            )
            return JobRun.State.PENDING
        if not self._finish(run, JobRun.State.DONE, result=result):
            log.warning("%s: %s was taken over before it finished", self.name, run)
        return JobRun.State.DONE

    # --- one pass, and the loop ----------------------------------------------------------

    def run_due(self) -> Counter:
        """Plan, run every due job, send what is due. One pass: what ``--once`` does."""
        counts: Counter = Counter()
        counts["planned"] = self.plan()
        counts.update(self.clean_up_daily())
        while not self.stopping.is_set():
            run = self.claim()
            if run is None:
                break
            counts[f"{run.job}:{self.execute(run)}"] += 1
        # Batch after batch until nothing is due (a 1,000-unit morning is 1,000 messages), on
        # every channel at once, each at its rate.
        pacer = outbox.Pacer(self.stopping)
        while not self.stopping.is_set():
            sent, tried = outbox.send_due(self.name, self.stopping, pacer)
            counts.update(sent)
            if tried < outbox.BATCH:
                break
        if not self.stopping.is_set():
            counts.update(self.refresh_flags())
        return counts

    def refresh_flags(self) -> Counter:
        """The data-quality flags of the running campaigns, at most every FLAGS_EVERY seconds,
        after the jobs and the sending (the 15:00 burst's reminders do not wait for it)."""
        if self.flags_at is not None and time.monotonic() - self.flags_at < FLAGS_EVERY:
            return Counter()
        from uptake.quality.actions import refresh_stale_flags

        done = Counter()
        for result in refresh_stale_flags().values():
            done["flag_groups_checked"] += result.groups
        self.flags_at = time.monotonic()
        return done

    def clean_up_daily(self) -> Counter:
        """Once a day: clear visit details past VISIT_PURGE_DAYS (personal data, #8) and forget
        old idempotency keys. Both are idempotent, so several schedulers may do it."""
        today = timezone.now().date()
        if self.cleaned_on == today:
            return Counter()
        from uptake.api.idempotency import forget_old_keys
        from uptake.fieldwork.actions import purge_visit_details

        done = Counter()
        for _campaign, count in purge_visit_details():
            done["visits_purged"] += count
        done["keys_forgotten"] += forget_old_keys()
        self.cleaned_on = today
        return +done  # only what was done: no zero counts

    def seconds_to_next(self, poll: float) -> float:
        """How long to sleep: until the next job time, retry or lease end, at most ``poll``."""
        now = timezone.now()
        moments = []
        for campaign in Campaign.objects.filter(end__gte=now.date() - timedelta(days=1)):
            today = now.astimezone(campaign.tz).date()
            for day in (today, today + timedelta(days=1)):
                if campaign.start <= day <= campaign.end:
                    for _job, _level, at in job_plan(campaign):
                        due = datetime.combine(day, at, tzinfo=campaign.tz)
                        if due > now:
                            moments.append(due)
        for queryset, field in (
            (JobRun.objects.filter(state=JobRun.State.PENDING), "next_attempt_at"),
            (JobRun.objects.filter(state=JobRun.State.RUNNING), "locked_until"),
            (
                Delivery.objects.filter(state__in=[Delivery.State.PENDING, Delivery.State.SENDING]),
                "next_attempt_at",
            ),
        ):
            soonest = queryset.aggregate(at=Min(field))["at"]
            if soonest is not None:
                moments.append(soonest)
        if not moments:
            return poll
        wait = (min(moments) - now).total_seconds()
        return max(0.5, min(poll, wait + 0.1))

    def forever(self, poll: float, report=None) -> None:
        """Loop until ``stopping`` is set (SIGTERM, SIGINT): run what is due, sleep, repeat."""
        while not self.stopping.is_set():
            try:
                counts = self.run_due()
                if report is not None and any(v for k, v in counts.items()):
                    report(counts)
                wait = self.seconds_to_next(poll)
            except Exception:
                # The database went away, a bug: log it, wait, try again. Nothing is lost,
                # the work is in the database.
                log.exception("scheduler pass failed")
                wait = poll
            finally:
                close_old_connections()
            self.stopping.wait(wait)
