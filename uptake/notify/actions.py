"""Changes a user makes to their notifications: read them, choose their channels."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils import timezone

from uptake.notify.models import Notification, Preference


def mark_read(user, pks: Iterable[int] | None = None) -> int:
    """Mark the user's unread notifications (``pks`` of them, or all) read; how many were."""
    unread = Notification.objects.filter(user=user, read_at__isnull=True)
    if pks is not None:
        unread = unread.filter(pk__in=list(pks))
    return unread.update(read_at=timezone.now())


def preference_of(user) -> Preference:
    """The user's preference, unsaved defaults (e-mail on, every kind) when they chose none."""
    return Preference.objects.filter(user=user).first() or Preference(user=user)


def set_preferences(user, *, email: bool, email_kinds: Iterable[str], offered: Iterable[str]):
    """E-mail on or off, and which of the ``offered`` kinds come by e-mail."""
    wanted = set(email_kinds)
    muted = sorted(kind for kind in offered if kind not in wanted)
    preference, _created = Preference.objects.update_or_create(
        user=user, defaults={"email": email, "email_muted": muted}
    )
    return preference
