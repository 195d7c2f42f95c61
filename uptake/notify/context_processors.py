"""``unread_notifications`` for every page's header (counted only when a template shows it)."""

from __future__ import annotations

from django.utils.functional import SimpleLazyObject

from uptake.notify.models import Notification


def notifications(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "unread_notifications": SimpleLazyObject(
            lambda: Notification.objects.filter(user=user, read_at__isnull=True).count()
        )
    }
