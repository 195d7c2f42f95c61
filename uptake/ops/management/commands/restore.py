"""``python manage.py restore FILE [--force]``: load a backup into this database."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from uptake.ops.backup import BackupError, restore_backup


class Command(BaseCommand):
    help = (
        "Load a backup made by `manage.py backup` into this database, in one transaction, after "
        "checking its checksum. Refuses a database that already holds data unless --force, "
        "which replaces everything in it. Run `manage.py migrate` on a new database first."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="a file written by `manage.py backup`")
        parser.add_argument(
            "--force",
            action="store_true",
            help="replace whatever the database holds (every table) with the backup",
        )

    def handle(self, *args, file: str, force: bool, **options):
        try:
            header = restore_backup(file, force=force)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored {header['objects']} rows from the backup of {header['created_at']} "
                f"({header['vendor']}). Everyone must log in again."
            )
        )
