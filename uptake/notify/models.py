"""The daily rhythm's records: job runs, notifications, users' channels and webhook deliveries.

Every piece of work is a row claimed with a conditional ``update()`` (healthchecks' sendalerts):
the scheduler that changes the row's state is the one that does the work, however many run.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from uptake.campaigns.models import Campaign


class Job(models.TextChoices):
    """A campaign's daily jobs. The values are also the keys of ``jobs`` in the campaign file
    and the ``event`` names of its webhooks."""

    MORNING_REMINDER = "morning_reminder", _("Morning reminder")
    AFTERNOON_REMINDER = "afternoon_reminder", _("Afternoon reminder")
    OVERDUE = "overdue", _("Overdue notices")
    COMPILE = "compile", _("Draft compilation")
    SEND = "send", _("Sending the approved compilation")
    LEADERS_SUMMARY = "leaders_summary", _("Summary for leaders")


def backoff(attempts: int, base: int, cap: int) -> timedelta:
    """The wait before the next attempt after ``attempts`` failed ones: base, 2×base, 4×base, ..."""
    return timedelta(seconds=min(cap, base * 2 ** max(0, attempts - 1)))


class JobRun(models.Model):
    """One job of one campaign for one day: planned once, claimed, run, retried, recorded."""

    class State(models.TextChoices):
        PENDING = "pending", _("Pending")  # waiting for its time or for its next attempt
        RUNNING = "running", _("Running")  # claimed; the claim lapses at locked_until
        DONE = "done", _("Done")
        SKIPPED = "skipped", _("Skipped")  # its day was long past when a scheduler saw it
        FAILED = "failed", _("Failed")  # gave up after MAX_ATTEMPTS

    MAX_ATTEMPTS = 6

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="job_runs")
    job = models.CharField(_("job"), max_length=32, choices=Job.choices)
    day = models.DateField(_("day"))
    # The coordinating level (#14) a compile or send run is for: its unit's code. The jobs of
    # the whole campaign (reminders, notices) carry the campaign's top unit.
    level = models.CharField(_("level"), max_length=64)
    due_at = models.DateTimeField(_("due at"))
    state = models.CharField(_("state"), max_length=8, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"))
    locked_until = models.DateTimeField(_("locked until"), null=True, blank=True)
    locked_by = models.CharField(_("locked by"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("planned at"), default=timezone.now)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    result = models.JSONField(_("result"), default=dict, blank=True)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        verbose_name = _("job run")
        verbose_name_plural = _("job runs")
        ordering = ("-due_at",)
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "job", "day", "level"], name="jobrun_once_a_day_and_level"
            ),
        ]
        indexes = [
            # Claiming: pending runs whose next attempt is due, running ones whose lease lapsed.
            models.Index(fields=["state", "next_attempt_at"], name="jobrun_due_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.campaign.slug} {self.job} {self.day} {self.level}"

    @staticmethod
    def claimable(now) -> Q:
        """Runs a scheduler may take: due and pending, or running with a lapsed lease."""
        return Q(state=JobRun.State.PENDING, next_attempt_at__lte=now) | Q(
            state=JobRun.State.RUNNING, locked_until__lt=now
        )


class Kind(models.TextChoices):
    """What a notification is about; a user may turn e-mail off per kind."""

    MORNING_REMINDER = "morning_reminder", _("Morning reminder to report")
    AFTERNOON_REMINDER = "afternoon_reminder", _("Reminder: not reported yet")
    OVERDUE = "overdue", _("Report overdue")
    STATUS_LIST = "status_list", _("Who has reported at the deadline")
    DRAFT_READY = "draft_ready", _("Draft compilation ready")
    SENT = "sent", _("Compilation sent")
    LEADERS_SUMMARY = "leaders_summary", _("Daily summary for leaders")


class Delivery(models.TextChoices):
    """The state of one delivery over a channel (an e-mail, a webhook POST)."""

    NONE = "", _("Not wanted")
    PENDING = "pending", _("Pending")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class Notification(models.Model):
    """A message to one user, shown in the app and, when the user wants it, e-mailed.

    A job run notifies a user at most once (``notification_once_per_run``): a run taken over
    after a crash finds the rows it made before and sends nothing twice. The texts are rendered
    from ``kind`` and ``params`` in the reader's language (messages.py); e-mails in Vietnamese.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    campaign = models.ForeignKey(
        Campaign, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    day = models.DateField(_("day"), null=True, blank=True)
    job_run = models.ForeignKey(
        JobRun, null=True, blank=True, on_delete=models.CASCADE, related_name="notifications"
    )
    params = models.JSONField(default=dict, blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    # The e-mail channel, an outbox: claimed pending → sending, then sent or retried. An e-mail
    # whose sender died mid-send is marked failed, never sent again (it may have gone out).
    email_state = models.CharField(
        _("e-mail"), max_length=8, choices=Delivery.choices, default=Delivery.NONE, blank=True
    )
    email_attempts = models.PositiveSmallIntegerField(default=0)
    email_next_at = models.DateTimeField(null=True, blank=True)  # next try, or end of the claim
    emailed_at = models.DateTimeField(null=True, blank=True)
    email_error = models.TextField(blank=True)

    EMAIL_MAX_ATTEMPTS = 5

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ("-created_at", "-pk")
        constraints = [
            models.UniqueConstraint(fields=["job_run", "user"], name="notification_once_per_run"),
        ]
        indexes = [
            # The list page and GET /api/v1/notifications: a user's newest first.
            models.Index(F("user"), F("created_at").desc(), name="notification_user_idx"),
            # The header's unread count on every page.
            models.Index(
                fields=["user"], condition=Q(read_at__isnull=True), name="notification_unread_idx"
            ),
            # The e-mail outbox: pending e-mails whose (next) attempt is due.
            models.Index(
                fields=["email_state", "email_next_at"],
                condition=Q(email_state__in=["pending", "sending"]),
                name="notification_outbox_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} → {self.user} ({self.created_at:%Y-%m-%d %H:%M})"

    def text(self) -> tuple[str, str]:
        """The title and the body in the active language."""
        from uptake.notify.messages import render

        return render(self.kind, self.params)

    @property
    def title(self) -> str:
        return self.text()[0]

    @property
    def body(self) -> str:
        return self.text()[1]


class Preference(models.Model):
    """A user's channels. In-app notifications always; e-mail on or off, and per kind."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notify_preference"
    )
    email = models.BooleanField(_("e-mail me"), default=True)
    # Kinds the user does not want by e-mail (an empty list: every kind that concerns them).
    email_muted = models.JSONField(_("kinds not e-mailed"), default=list, blank=True)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")

    def __str__(self) -> str:
        return f"{self.user}: e-mail {'on' if self.email else 'off'}"

    def wants_email(self, kind: str) -> bool:
        return self.email and kind not in self.email_muted


class WebhookDelivery(models.Model):
    """One event POSTed to one of the campaign file's webhooks, retried until it is accepted.

    Delivery is at least once: a receiver that must not act twice keeps the ``X-Uptake-Delivery``
    id (also ``delivery`` in the body) it has seen.
    """

    MAX_ATTEMPTS = 8

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="+")
    job_run = models.ForeignKey(
        JobRun, null=True, blank=True, on_delete=models.CASCADE, related_name="webhook_deliveries"
    )
    event = models.CharField(_("event"), max_length=32)
    url = models.CharField(_("URL"), max_length=500)
    payload = models.JSONField(default=dict)
    state = models.CharField(_("state"), max_length=8, choices=Delivery.choices, default="pending")
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), default=timezone.now)
    locked_until = models.DateTimeField(null=True, blank=True)
    locked_by = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    last_status = models.PositiveSmallIntegerField(_("last status"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ("-created_at", "-pk")
        constraints = [
            models.UniqueConstraint(fields=["job_run", "url"], name="webhook_once_per_run"),
        ]
        indexes = [
            # Claiming: pending deliveries whose attempt is due, sending ones whose lease lapsed.
            models.Index(fields=["state", "next_attempt_at"], name="webhook_due_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.event} → {self.url}"

    @staticmethod
    def claimable(now) -> Q:
        return Q(state=Delivery.PENDING, next_attempt_at__lte=now) | Q(
            state=Delivery.SENDING, locked_until__lt=now
        )


class WebhookAttempt(models.Model):
    """Every POST of a delivery: when, what came back, how long it took."""

    delivery = models.ForeignKey(WebhookDelivery, on_delete=models.CASCADE, related_name="tries")
    number = models.PositiveSmallIntegerField()
    at = models.DateTimeField(default=timezone.now)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    error = models.TextField(blank=True)
    duration_ms = models.PositiveIntegerField(default=0)
    response = models.TextField(blank=True)  # the start of the answer's body, for diagnosis

    class Meta:
        verbose_name = _("webhook attempt")
        verbose_name_plural = _("webhook attempts")
        ordering = ("number",)

    def __str__(self) -> str:
        return f"#{self.number} {self.status_code or self.error[:40]}"
