"""Users' roles, the units they act for, and their API tokens."""

from __future__ import annotations

import functools
import hashlib
import re
import secrets
from datetime import timedelta
from functools import reduce
from operator import or_

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import connection, models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from uptake.lib import rawrows
from uptake.units.models import Unit


class Role(models.TextChoices):
    REPORTER = "reporter", _("Reporter")
    COORDINATOR = "coordinator", _("Coordinator")
    VIEWER = "viewer", _("Viewer")
    ADMIN = "admin", _("Administrator")


# Vietnamese mobile numbers since the 2018 renumbering: 10 digits, the networks' prefixes
# (Viettel 032-039, 086, 096-098; MobiFone 070, 076-079, 089, 090, 093; VinaPhone 081-085,
# 088, 091, 094; Vietnamobile 052, 056, 058, 092; Gmobile 059, 099; Reddi 055; iTel 087).
MOBILE = re.compile(r"^0(3[2-9]|5[25689]|7[06-9]|8[1-9]|9[0-46-9])\d{7}$")


def normalise_phone(value: str) -> str:
    """A Vietnamese mobile number as stored, 0912345678, from the ways people write it
    (0912 345 678, 0912.345.678, +84 912 345 678, 84912345678); ValidationError otherwise."""
    digits = re.sub(r"[\s.\-()]", "", value or "")
    if digits.startswith("+84"):
        digits = "0" + digits[3:]
    elif digits.startswith("84") and len(digits) == 11:
        digits = "0" + digits[2:]
    if not MOBILE.match(digits):
        raise ValidationError(
            _("Enter a Vietnamese mobile number of 10 digits, such as 0912 345 678."),
            code="invalid_phone",
        )
    return digits


def mask_phone(phone: str) -> str:
    """0912345678 → 091••••678: enough to recognise one's own number on a page."""
    if len(phone) < 7:
        return phone
    return phone[:3] + "•" * (len(phone) - 6) + phone[-3:]


class PhoneNumberField(models.CharField):
    """A mobile number, normalised (0912345678) whenever a form or ``full_clean`` sees it."""

    def to_python(self, value):
        value = super().to_python(value)
        return normalise_phone(value) if value else value

    def formfield(self, **kwargs):
        # Written with spaces or +84, a number is longer than it is stored.
        widget = forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"})
        return super().formfield(**{"max_length": 20, "widget": widget, **kwargs})


class Profile(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.VIEWER)
    units = models.ManyToManyField(Unit, blank=True, verbose_name=_("units"))
    # For Zalo and SMS notifications (#18); set by the person, ``importusers`` or the admin.
    phone = PhoneNumberField(
        _("mobile phone"),
        max_length=10,
        blank=True,
        help_text=_("A Vietnamese mobile number, for Zalo and SMS notifications."),
    )

    class Meta:
        verbose_name = _("profile")

    def __str__(self) -> str:
        return f"{self.user.username} ({self.role})"

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN or self.user.is_superuser

    def unit_paths(self) -> list[str]:
        if not hasattr(self, "_unit_paths"):
            self._unit_paths = list(self.units.values_list("path", flat=True))
        return self._unit_paths

    def scope_q(self, field: str = "path") -> models.Q:
        """A filter on units (``field`` is the path lookup) limited to this user's units."""
        if self.is_admin:
            return models.Q()
        paths = self.unit_paths()
        if not paths:
            return models.Q(pk__in=[])
        return reduce(or_, (models.Q(**{f"{field}__startswith": p}) for p in paths))

    def can_read(self, unit: Unit) -> bool:
        return self.is_admin or any(unit.path.startswith(p) for p in self.unit_paths())

    def can_submit(self, unit: Unit) -> bool:
        """Reporters submit for their units, coordinators (on behalf) under theirs."""
        if self.role == Role.VIEWER:
            return False
        return self.can_read(unit)

    @property
    def enters_on_behalf(self) -> bool:
        return self.role in (Role.COORDINATOR, Role.ADMIN) or self.user.is_superuser


def profile_of(user) -> Profile:
    """The user's profile, made on first use (superusers made by createsuperuser have none)."""
    try:
        return user.profile
    except Profile.DoesNotExist:
        role = Role.ADMIN if user.is_superuser else Role.VIEWER
        profile, _created = Profile.objects.get_or_create(user=user, defaults={"role": role})
        return profile


class ApiToken(models.Model):
    """A bearer token for the API. Only its SHA-256 is stored; the token is shown once.

    A token a user minted on their account page is revoked when their role or units change
    (#15): it was made for what they could do then, and an API token skips the second step of
    log-in that a promotion to coordinator brings. ``manage.py apitoken``'s tokens, the
    operator's for scripts, are kept.
    """

    class Source(models.TextChoices):
        WEB = "web", _("account page")
        COMMAND = "command", _("manage.py apitoken")

    class Revoked(models.TextChoices):
        BY_USER = "user", _("by its owner")
        ACCESS_CHANGED = "access", _("role or units changed")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    prefix = models.CharField(max_length=8)
    key_hash = models.CharField(max_length=64, unique=True)
    created = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    # Where it was made. Tokens made before this field: "web", so that a change of role
    # revokes them too (the operator can give a script a new one with `manage.py apitoken`).
    source = models.CharField(max_length=8, choices=Source.choices, default=Source.WEB)
    revoked_reason = models.CharField(max_length=8, choices=Revoked.choices, blank=True)
    # Revoked because of a change the user did not make: told at their next log-in, once.
    notice_pending = models.BooleanField(default=False)

    # ``last_used_at`` is written at most once a minute per token: the account page shows it
    # to the minute, and a script's every call need not write (#7).
    USE_RECORDED_EVERY = timedelta(minutes=1)

    class Meta:
        verbose_name = _("API token")

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user.username})"

    @staticmethod
    def hash(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()

    @classmethod
    def issue(cls, user, days: int | None = 365, source: str = Source.WEB) -> str:
        token = "upt_" + secrets.token_urlsafe(32)
        expires = timezone.now() + timedelta(days=days) if days else None
        cls.objects.create(
            user=user,
            prefix=token[4:12],
            key_hash=cls.hash(token),
            expires_at=expires,
            source=source,
        )
        return token

    @classmethod
    def lookup(cls, token: str) -> ApiToken | None:
        """The active token ``token`` of an active user (its use recorded), or None.

        Every API call starts here, so it is one hand-written query (#7, uptake/lib/rawrows.py):
        the token, its user, the user's profile and the paths of the profile's units, a row
        per unit. Its use is recorded at most once a minute (``USE_RECORDED_EVERY``).
        On PostgreSQL the same statement records the use (#20: a statement and a commit fewer
        on each first call of a minute, which at 15:00 is every phone's), in an UPDATE that
        runs only when the SELECT found an active token: the row read is the token as it was.
        """
        now, key_hash = timezone.now(), cls.hash(token)
        since = now - cls.USE_RECORDED_EVERY
        records = connection.vendor == "postgresql"
        params = [key_hash, now, now, key_hash, since] if records else [key_hash, now]
        rows = rawrows.select(_lookup_sql(records), params, *_lookup_columns())
        if not rows:
            return None
        found, user, profile, _path = rows[0]
        found.user = user
        if profile is not None:  # a superuser made by createsuperuser has none yet
            profile._unit_paths = [path for *_models, path in rows if path is not None]
            user.profile = profile
        if found.last_used_at is None or found.last_used_at <= since:
            found.last_used_at = now
            if not records:
                rawrows.update(found, "last_used_at")
        return found

    @classmethod
    def authenticate(cls, token: str):
        """The active user behind ``token``, or None."""
        found = cls.lookup(token)
        return found.user if found is not None else None

    @property
    def state(self) -> str:
        """``active``, ``expired`` or ``revoked``, as the account page shows it."""
        if self.revoked_at is not None:
            return "revoked"
        if self.expires_at is not None and self.expires_at <= timezone.now():
            return "expired"
        return "active"

    def revoke(self) -> None:
        if self.revoked_at is None:
            self.revoked_at = timezone.now()
            self.revoked_reason = self.Revoked.BY_USER
            self.save(update_fields=["revoked_at", "revoked_reason"])

    @classmethod
    def revoke_web_tokens(cls, user_id: int) -> int:
        """Revoke the live tokens ``user_id`` minted on the web (their role or units changed);
        how many. Told at their next log-in (``notice_pending``)."""
        now = timezone.now()
        return (
            cls.objects.filter(user_id=user_id, source=cls.Source.WEB, revoked_at__isnull=True)
            .filter(models.Q(expires_at__isnull=True) | models.Q(expires_at__gt=now))
            .update(revoked_at=now, revoked_reason=cls.Revoked.ACCESS_CHANGED, notice_pending=True)
        )


@functools.cache
def _lookup_columns() -> tuple[rawrows.Columns, ...]:
    return (
        rawrows.Columns(ApiToken, "t"),
        rawrows.Columns(get_user_model(), "u", ["id", "username", "is_superuser", "is_active"]),
        rawrows.Columns(Profile, "p"),
    )


@functools.cache
def _lookup_sql(records: bool) -> str:
    """ApiToken.lookup's query, written from the models' tables and columns; ``records``: with
    the UPDATE of ``last_used_at`` (PostgreSQL's data-modifying WITH, which SQLite has not)."""
    token, user, profile = _lookup_columns()
    units = Profile.units.through._meta
    table = ApiToken._meta.db_table
    if records:
        # The SELECT (a WITH) is the one below; the UPDATE runs in the same statement, when it
        # found the token, and sees the row as it was: so does the SELECT.
        return (
            f"WITH found AS ({_lookup_sql(False)}),"
            f" used AS (UPDATE {table} SET last_used_at = %s WHERE key_hash = %s"
            f" AND EXISTS (SELECT 1 FROM found)"
            f" AND (last_used_at IS NULL OR last_used_at <= %s))"
            f" SELECT * FROM found"
        )
    return (
        f"SELECT {token.sql}, {user.sql}, {profile.sql}, un.path"
        f" FROM {ApiToken._meta.db_table} t"
        f" INNER JOIN {get_user_model()._meta.db_table} u ON u.id = t.user_id"
        f" LEFT OUTER JOIN {Profile._meta.db_table} p ON p.user_id = u.id"
        f" LEFT OUTER JOIN {units.db_table} pu ON pu.profile_id = p.id"
        f" LEFT OUTER JOIN {Unit._meta.db_table} un ON un.id = pu.unit_id"
        f" WHERE t.key_hash = %s AND t.revoked_at IS NULL AND u.is_active"
        f" AND (t.expires_at IS NULL OR t.expires_at > %s)"
    )
