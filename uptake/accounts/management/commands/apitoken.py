from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from uptake.accounts.models import ApiToken


class Command(BaseCommand):
    help = "Print a new API token for USERNAME (last line of the output). Only its hash is kept."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument(
            "--days", type=int, default=365, help="days until it expires (0: never)"
        )

    def handle(self, *args, username, days, **options):
        user = get_user_model().objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"no active user {username!r}")
        if days < 0:
            raise CommandError("--days must be 0 or more")
        token = ApiToken.issue(user, days=days or None, source=ApiToken.Source.COMMAND)
        self.stdout.write(f"token for {username} (shown once, keep it secret):")
        self.stdout.write(token)
