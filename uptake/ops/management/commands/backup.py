"""``python manage.py backup FILE``: a consistent copy of the whole database while uptake runs."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from uptake.ops.backup import BackupError, write_backup


class Command(BaseCommand):
    help = (
        "Write a consistent copy of every table to FILE (gzip-compressed JSON lines with a "
        "header and a checksum), read in one snapshot while the app keeps running."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "file", help="where to write the backup, e.g. var/uptake-2020-08-17.json.gz"
        )

    def handle(self, *args, file: str, **options):
        try:
            summary = write_backup(file)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        for name, count in sorted(summary.counts.items()):
            if count:
                self.stdout.write(f"{name:32} {count:>9}")
        self.stdout.write(
            self.style.SUCCESS(
                f"{summary.objects} rows from {summary.vendor} written to {summary.path} "
                f"(sha256 {summary.sha256[:16]}…)"
            )
        )
