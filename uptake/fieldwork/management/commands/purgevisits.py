"""``python manage.py purgevisits``: clear visit details VISIT_PURGE_DAYS after a campaign ends.

Households are identified on a visit only by a short label (a house number) and maybe a note;
once the campaign is over they are no longer needed. The counts (outcomes, smartphones,
installs per hamlet, team and day) are kept. The scheduler runs this once a day too.
"""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from uptake.fieldwork.actions import purge_visit_details


class Command(BaseCommand):
    help = (
        "Clear the household label and note of the visits of campaigns that ended more than "
        "VISIT_PURGE_DAYS days ago; their counts are kept."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help="days after a campaign's end (default: the setting VISIT_PURGE_DAYS)",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="say what would be cleared, change nothing"
        )

    def handle(self, *args, days, dry_run, **options):
        days = settings.VISIT_PURGE_DAYS if days is None else days
        if days < 0:
            raise CommandError("--days must be 0 or more.")
        done = purge_visit_details(days=days, dry_run=dry_run)
        verb = "would be cleared" if dry_run else "cleared"
        for campaign, count in done:
            self.stdout.write(f"{campaign.slug}: {count} visits' details {verb}")
        total = sum(count for _campaign, count in done)
        self.stdout.write(
            f"{total} visits' details {verb} (campaigns ended more than {days} days ago)."
        )
