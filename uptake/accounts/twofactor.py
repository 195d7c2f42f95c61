"""Two-factor authentication: who needs it, their TOTP device and their recovery codes.

Coordinators and admins (and anyone with access to Django's admin) log in with a password and
then a code: the 6 digits of an authenticator app (TOTP, django-otp's ``otp_totp``) or one of
ten recovery codes (``otp_static``), each used once. API tokens are not affected.
"""

from __future__ import annotations

from base64 import b32decode, b32encode

import segno
from django.db import transaction
from django_otp import devices_for_user
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from uptake.accounts.models import Role, profile_of

RECOVERY_CODES = 10
AUTHENTICATOR = "authenticator"  # the name of a device set up on the two-factor page
RECOVERY = "recovery"
DEMO = "demo"  # the demo's devices, whose secret is published (``manage.py democode``)
# The demo's published TOTP key (base32, as authenticator apps take it): demo data only.
DEMO_SECRET = "UPTAKEDEMOHONGNGUUPTAKEDEMOHONGN"


def requires_two_factor(user) -> bool:
    """Coordinators, admins and staff (Django's admin) need a second factor."""
    if not user.is_authenticated:
        return False
    if user.is_superuser or user.is_staff:
        return True
    return profile_of(user).role in (Role.COORDINATOR, Role.ADMIN)


def has_device(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def pending_device(user) -> TOTPDevice:
    """The device being set up (unconfirmed until a first code is right), made on first use."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=AUTHENTICATOR, confirmed=False)
    return device


def secret(device: TOTPDevice) -> str:
    """The device's key as authenticator apps ask for it: base32, in groups of four."""
    text = b32encode(device.bin_key).decode()
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def qr_svg(device: TOTPDevice) -> str:
    """The otpauth:// URI as an inline SVG QR code (no style: it passes the CSP)."""
    return segno.make(device.config_url, error="m").svg_inline(
        scale=4, border=2, omitsize=True, title="otpauth", svgclass="qr", lineclass=None
    )


def current_code(device: TOTPDevice) -> str:
    """The code the device's app shows now (for tests and the demo)."""
    code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
    return f"{code:0{device.digits}d}"


@transaction.atomic
def confirm_device(device: TOTPDevice) -> list[str]:
    """The first right code: the device replaces any earlier one, and recovery codes are made."""
    TOTPDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return new_recovery_codes(device.user)


@transaction.atomic
def new_recovery_codes(user) -> list[str]:
    """Ten fresh recovery codes (the old ones stop working); shown once to the user."""
    device, _created = StaticDevice.objects.get_or_create(
        user=user, name=RECOVERY, defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _i in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=c) for c in codes)
    return codes


def recovery_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def verify(user, code: str):
    """The device that accepts ``code`` (a TOTP code, or a recovery code, which is then used
    up), or None. Each device throttles repeated failures (django-otp's ThrottlingMixin)."""
    code = "".join(code.split()).lower()
    if not code:
        return None
    # Six digits are an app's code, anything else a recovery code: a recovery code tried on
    # the app's device would count as a failure there and slow its next try down.
    kind = TOTPDevice if code.isdigit() and len(code) == 6 else StaticDevice
    with transaction.atomic():
        for device in devices_for_user(user, confirmed=True, for_verify=True):
            if isinstance(device, kind) and device.verify_token(code):
                return device
    return None


def demo_device(user, secret_b32: str = DEMO_SECRET) -> TOTPDevice:
    """The demo user's authenticator, with the published key that the demo prints."""
    key = b32decode(secret_b32.replace(" ", "")).hex()
    TOTPDevice.objects.filter(user=user).exclude(name=DEMO).delete()
    device, _created = TOTPDevice.objects.update_or_create(
        user=user, name=DEMO, defaults={"key": key, "confirmed": True, "last_t": -1}
    )
    return device
