"""What the API keeps besides the figures: the answers to requests sent with an idempotency key."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class IdempotencyKey(models.Model):
    """A client's ``Idempotency-Key`` and the first answer it got.

    Written in the same transaction as what the request stored (a report, a visit), so that
    either both are kept or neither: a retry after a lost answer, a crash or a timeout finds
    the key and gets the same answer again, and nothing is stored twice. Only successful
    answers are kept; a refused request stored nothing, and its retry is simply run again.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="idempotency_keys"
    )
    key = models.CharField(max_length=255)
    # The method, path and body of the first request (SHA-256 of their canonical JSON): the
    # same key with another request is refused instead of answered with the wrong thing.
    request_hash = models.CharField(max_length=64)
    method = models.CharField(max_length=8)
    path = models.CharField(max_length=255)
    response_status = models.PositiveSmallIntegerField()
    response_body = models.TextField()  # the JSON exactly as first sent
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            # One answer per key and user: two copies of a request racing each other insert
            # one row; the other waits for it and replays it.
            models.UniqueConstraint(fields=["user", "key"], name="idempotency_unique_key"),
        ]
        indexes = [
            # Forgetting keys older than KEEP_DAYS (the daily purge): WHERE created_at < ...
            models.Index(fields=["created_at"], name="idempotency_created_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.key}"
