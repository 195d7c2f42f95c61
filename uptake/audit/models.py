"""The audit trail: one entry for every change to reported figures and to who may change them.

``log_action`` is the one way to write an entry (pretix's ``log_action``); ``audit_entry`` is
the rule of what an entry holds, which ``log_action`` follows and which the first submission
of a report hands to ``rawrows.insert_family`` to write it in the report's own statement (#7).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone


class AuditEntry(models.Model):
    """Who changed what, when: before and after, for every change to reported figures."""

    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=64)
    object_type = models.CharField(max_length=64)
    object_id = models.CharField(max_length=64)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)

    class Meta:
        # Its table from the days it lived in reports (moved without copying a row, #14).
        db_table = "reports_auditentry"
        verbose_name_plural = "audit entries"
        indexes = [
            # An object's history in the admin and on the unit page.
            models.Index(fields=["object_type", "object_id"], name="audit_object_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.object_type}:{self.object_id}"


def audit_entry(
    actor,
    action: str,
    object_type: str,
    object_id: Any = None,
    before: dict | None = None,
    after: dict | None = None,
    *,
    at: datetime | None = None,
) -> AuditEntry:
    """The entry, not yet stored: ``actor`` (a user, or None for the system) did ``action``
    ("report.submit", "flag.dismiss") to the object ``object_type``:``object_id`` at ``at``
    (now by default), changing it from ``before`` to ``after``. The object's key is kept as
    text; None leaves it for the writer to fill in (the key of a row inserted with it)."""
    return AuditEntry(
        at=at or timezone.now(),
        actor=actor,
        action=action,
        object_type=object_type,
        object_id="" if object_id is None else str(object_id),
        before=before,
        after=after,
    )


def log_action(
    actor,
    action: str,
    object_type: str,
    object_id: Any,
    before: dict | None = None,
    after: dict | None = None,
    *,
    at: datetime | None = None,
) -> AuditEntry:
    """Write the audit entry of a change (see ``audit_entry``) and return it."""
    entry = audit_entry(actor, action, object_type, object_id, before=before, after=after, at=at)
    entry.save(force_insert=True)
    return entry
