"""``manage.py compile SLUG [--date D] [--unit CODE]``: make a level's draft report of a day
(the top level's by default; ``--unit``: a coordinating unit or its office, #14), or refresh it.

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
        parser.add_argument(
            "--unit",
            help="the coordinating unit (or its office) whose report to make (default: the "
            "campaign's top unit)",
        )

    def handle(self, *args, slug: str, date: date | None, unit: str | None, **options):
        campaign = Campaign.objects.select_related("root", "coordinator").filter(slug=slug).first()
        if campaign is None:
            raise CommandError(f"Unknown campaign {slug!r}.")
        day = date or min(campaign.today(), campaign.end)
        try:
            compilation, created = make_draft(campaign, day, unit=unit)
        except CompilationError as exc:
            raise CommandError(f"{exc.field}: {exc.message}") from None
        counts = compilation.snapshot["reporting"]
        verb = "Made" if created else "Refreshed"
        self.stdout.write(
            f"{verb} the draft report of {campaign.slug}"
            + ("" if compilation.unit_id == campaign.root_id else f" ({compilation.unit.code})")
            + f" for {day.isoformat()}: "
            f"{counts['expected']} units expected, {counts['on_time']} on time, "
            f"{counts['late']} late, {counts['missing']} missing."
        )
