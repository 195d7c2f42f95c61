from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from uptake.campaigns.loader import CampaignFileError, load_campaign, locate, read_file


class Command(BaseCommand):
    help = "Load a campaign file (YAML); loading again updates the campaign in place."

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, file: str, **options):
        try:
            campaign, stats = load_campaign(read_file(file))
        except CampaignFileError as exc:
            raise CommandError(refusal(file, exc)) from None
        self.stdout.write(
            f"{campaign.slug}: {stats['units']} units, {stats['participating']} reporting"
            + (f", {stats['retired']} no longer expected" if stats["retired"] else "")
            + (f", {stats['levels']} coordinating levels" if stats["levels"] > 1 else "")
        )


def refusal(file: str, exc: CampaignFileError) -> str:
    """Every error of the file, one a line, as a compiler says them: ``FILE:LINE: key:
    message`` (the line where the key is, or where a missing one belongs), then what that
    means. One error keeps the one-line form: ``FILE:LINE: key: message (nothing was
    written)``."""
    try:
        text = Path(file).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        text = None
    lines = []
    for key, message in exc.errors:
        line = locate(text, key) if text is not None and key else None
        where = f"{file}:{line}" if line else file
        lines.append(f"{where}: {key}: {message}" if key else f"{where}: {message}")
    if len(lines) == 1:
        return f"{lines[0]} (nothing was written)"
    return "\n".join([*lines, f"{len(lines)} errors (nothing was written)"])
