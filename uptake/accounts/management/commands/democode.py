from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError
from django_otp.plugins.otp_totp.models import TOTPDevice

from uptake.accounts.twofactor import DEMO, current_code


class Command(BaseCommand):
    help = (
        "Print the current two-step log-in code of the demo's users (admin and the "
        "coordinators vhtt, vhtt.tamnong, sotttt): what an authenticator app with the demo's "
        "published key shows now. Demo devices only."
    )

    def add_arguments(self, parser):
        parser.add_argument("usernames", nargs="*", help="the demo users (all of them by default)")

    def handle(self, *args, usernames, **options):
        devices = TOTPDevice.objects.filter(name=DEMO, confirmed=True).select_related("user")
        if usernames:
            devices = devices.filter(user__username__in=usernames)
        devices = list(devices.order_by("user__username"))
        if not devices:
            raise CommandError("no demo device: run `manage.py demo` first")
        left = 30 - int(time.time()) % 30
        for device in devices:
            self.stdout.write(f"{device.user.username:<12} {current_code(device)}")
        self.stdout.write(f"(valid for {left} more seconds; then run this again)")
