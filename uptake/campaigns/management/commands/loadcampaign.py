from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from uptake.campaigns.loader import CampaignFileError, load_campaign, read_file


class Command(BaseCommand):
    help = "Load a campaign file (YAML); loading again updates the campaign in place."

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, file: str, **options):
        try:
            campaign, stats = load_campaign(read_file(file))
        except CampaignFileError as exc:
            raise CommandError(f"{file}: {exc} (nothing was written)") from None
        self.stdout.write(
            f"{campaign.slug}: {stats['units']} units, {stats['participating']} reporting"
            + (f", {stats['retired']} no longer expected" if stats["retired"] else "")
            + (f", {stats['levels']} coordinating levels" if stats["levels"] > 1 else "")
        )
