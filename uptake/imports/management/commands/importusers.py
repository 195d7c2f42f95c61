"""manage.py importusers FILE.csv [--dry-run] [--slips FILE.pdf]: accounts in bulk."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from uptake.imports import accounts


class Command(BaseCommand):
    help = (
        "Create accounts from a UTF-8 CSV with the header username,full_name,role,units,email,"
        "phone (units separated by spaces), all or nothing; the generated passwords go into a "
        "PDF of slips to print, never on the screen."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--dry-run", action="store_true", help="check the file, create nothing")
        parser.add_argument(
            "--slips", help="where to write the PDF of slips (default: slips-<time>.pdf here)"
        )

    def handle(self, *args, file, dry_run, slips, **options):
        path = Path(file)
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"{file}: {exc.strerror}") from None
        try:
            created = accounts.create(data, filename=path.name, dry_run=dry_run)
        except accounts.AccountsInvalid as exc:
            for error in exc.errors:
                self.stderr.write(str(error))
            raise CommandError(f"{len(exc.errors)} error(s): nobody was created") from None
        for a in created.accounts:
            units = " ".join(u.code for u in a.units) or "-"
            self.stdout.write(
                f"{'would create' if dry_run else 'created'} {a.username}: {a.role} of {units}"
            )
        if dry_run:
            self.stdout.write(
                f"{len(created.accounts)} account(s) checked; nothing created (--dry-run)"
            )
            return
        target = Path(slips or f"slips-{timezone.now():%Y%m%d-%H%M%S}.pdf")
        target.write_bytes(created.slips_pdf())
        target.chmod(0o600)
        self.stdout.write(
            f"{len(created.accounts)} account(s) created; their passwords are only in {target}: "
            "print it, hand out the slips, then delete the file"
        )
