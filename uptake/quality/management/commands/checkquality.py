from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError

from uptake.campaigns.models import Campaign
from uptake.quality.actions import check_quality
from uptake.units.models import Unit


class Command(BaseCommand):
    help = "Run the data-quality rules over a campaign's reports and store the flags."

    def add_arguments(self, parser):
        parser.add_argument("slug", help="the campaign's slug")
        parser.add_argument("--root", help="only the units at or under this unit's code")
        parser.add_argument(
            "--stale", action="store_true", help="only the groups of units whose data changed"
        )

    def handle(self, *args, slug, root, stale, **options):
        campaign = Campaign.objects.filter(slug=slug).first()
        if campaign is None:
            raise CommandError(f"no campaign {slug!r}")
        unit = None
        if root:
            unit = Unit.objects.filter(code=root).first()
            if unit is None:
                raise CommandError(f"no unit {root!r}")
        started = time.perf_counter()
        result = check_quality(campaign, unit, only_stale=stale)
        elapsed = time.perf_counter() - started
        self.stdout.write(
            f"{campaign.slug}: {result.units} units, {result.reports} reports checked in "
            f"{result.groups} groups ({elapsed:.2f} s): {result.flags} flags, "
            f"{result.created} new, {result.removed} gone"
        )
