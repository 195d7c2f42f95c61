"""python manage.py scheduler [--once] [--poll SECONDS]

Runs every campaign's daily jobs at their times in the campaign's time zone (reminders,
overdue notices, the draft compilation, sending, the leaders' summary) and sends the messages
they produce on every channel (in the app, e-mail, Zalo, SMS, webhooks: uptake/notify/channels).
Safe to run in several copies; stops cleanly on SIGTERM or SIGINT, after the job in hand.
``--once`` runs what is due and not yet done, then exits (for cron).
"""

from __future__ import annotations

import signal

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from uptake.notify.scheduler import Scheduler


class Command(BaseCommand):
    help = "Run the campaigns' daily jobs (reminders, escalation, compilation, sending)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--once", action="store_true", help="run what is due and not yet done, then exit"
        )
        parser.add_argument(
            "--poll",
            type=float,
            default=getattr(settings, "SCHEDULER_POLL_SECONDS", 30),
            help="longest sleep between two passes, in seconds (default %(default)s)",
        )

    def report(self, counts) -> None:
        done = ", ".join(f"{key} {value}" for key, value in sorted(counts.items()) if value)
        self.stdout.write(f"{timezone.now():%Y-%m-%d %H:%M:%S%z} {done or 'nothing due'}")

    def handle(self, *args, once: bool = False, poll: float = 30, **options):
        scheduler = Scheduler()
        if once:
            self.report(scheduler.run_due())
            return

        def stop(signum, frame):
            self.stdout.write(f"{signal.Signals(signum).name}: stopping after the work in hand")
            scheduler.stopping.set()

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        self.stdout.write(f"scheduler {scheduler.name} started; polling every {poll:g} s")
        scheduler.forever(poll, report=self.report)
        self.stdout.write("scheduler stopped")
