"""``manage.py compile SLUG [--date D]``: make the day's draft report, or refresh it.

What the scheduler (#6) will run at the campaign's compile time. An approved report is left
as it is (the command fails with the reason).
"""

from __future__ import annotations

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from uptake.campaigns.models import Campaign
from uptake.documents.actions import CompilationError, make_draft


class Command(BaseCommand):
    help = "Make or refresh a campaign's draft compiled report for a day (today by default)."

    def add_arguments(self, parser):
        parser.add_argument("slug", help="the campaign's slug")
        parser.add_argument(
            "--date",
            type=date.fromisoformat,
            help="the day to compile, YYYY-MM-DD (default: today in the campaign's time zone, "
            "or its last day when it is over)",
        )

    def handle(self, *args, slug: str, date: date | None, **options):
        campaign = Campaign.objects.select_related("root", "coordinator").filter(slug=slug).first()
        if campaign is None:
            raise CommandError(f"Unknown campaign {slug!r}.")
        day = date or min(campaign.today(), campaign.end)
        try:
            compilation, created = make_draft(campaign, day)
        except CompilationError as exc:
            raise CommandError(f"{exc.field}: {exc.message}") from None
        counts = compilation.snapshot["reporting"]
        verb = "Made" if created else "Refreshed"
        self.stdout.write(
            f"{verb} the draft report of {campaign.slug} for {day.isoformat()}: "
            f"{counts['expected']} units expected, {counts['on_time']} on time, "
            f"{counts['late']} late, {counts['missing']} missing."
        )
