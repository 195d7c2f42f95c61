"""Users' roles, the units they act for, and their API tokens."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from functools import reduce
from operator import or_

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from uptake.units.models import Unit


class Role(models.TextChoices):
    REPORTER = "reporter", _("Reporter")
    COORDINATOR = "coordinator", _("Coordinator")
    VIEWER = "viewer", _("Viewer")
    ADMIN = "admin", _("Administrator")


class Profile(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.VIEWER)
    units = models.ManyToManyField(Unit, blank=True, verbose_name=_("units"))

    class Meta:
        verbose_name = _("profile")

    def __str__(self) -> str:
        return f"{self.user.username} ({self.role})"

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
    """A bearer token for the API. Only its SHA-256 is stored; the token is shown once."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    prefix = models.CharField(max_length=8)
    key_hash = models.CharField(max_length=64, unique=True)
    created = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("API token")

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user.username})"

    @staticmethod
    def hash(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()

    @classmethod
    def issue(cls, user, days: int | None = 365) -> str:
        token = "upt_" + secrets.token_urlsafe(32)
        expires = timezone.now() + timedelta(days=days) if days else None
        cls.objects.create(
            user=user, prefix=token[4:12], key_hash=cls.hash(token), expires_at=expires
        )
        return token

    @classmethod
    def lookup(cls, token: str) -> ApiToken | None:
        """The active token ``token`` of an active user (its use recorded), or None."""
        now = timezone.now()
        # With the user's profile, which every API call reads next (#7: one query less); a
        # slice, not first(): the hash is unique, an ORDER BY would only cost (#7).
        found = next(
            iter(
                cls.objects.select_related("user", "user__profile")
                .filter(key_hash=cls.hash(token), revoked_at__isnull=True, user__is_active=True)
                .filter(models.Q(expires_at__isnull=True) | models.Q(expires_at__gt=now))[:1]
            ),
            None,
        )
        if found is None:
            return None
        cls.objects.filter(pk=found.pk).update(last_used_at=now)
        found.last_used_at = now
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
            self.save(update_fields=["revoked_at"])
