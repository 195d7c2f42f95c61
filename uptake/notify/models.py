"""The daily rhythm's records: job runs, notifications, users' channels and the deliveries.

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
    """What a notification is about; a user chooses its channels per kind."""

    MORNING_REMINDER = "morning_reminder", _("Morning reminder to report")
    AFTERNOON_REMINDER = "afternoon_reminder", _("Reminder: not reported yet")
    OVERDUE = "overdue", _("Report overdue")
    STATUS_LIST = "status_list", _("Who has reported at the deadline")
    DRAFT_READY = "draft_ready", _("Draft compilation ready")
    SENT = "sent", _("Compilation sent")
    LEADERS_SUMMARY = "leaders_summary", _("Daily summary for leaders")
    TEST = "test", _("Test message")


class Notification(models.Model):
    """A message to one user: shown in the app, and carried by the channels the user chose
    (one ``Delivery`` per channel).

    A job run notifies a user at most once (``notification_once_per_run``): a run taken over
    after a crash finds the rows it made before and sends nothing twice. The texts are rendered
    from ``kind`` and ``params`` in the reader's language (messages.py); e-mails, Zalo and SMS
    in Vietnamese.
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
    """A user's channels per kind of message. In the app always; for a kind the user never
    chose, the channels' defaults decide (channels/__init__.py, ``wanted``)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notify_preference"
    )
    # {kind: [channel, ...]}: the channels (besides the app) the user chose for a kind; a kind
    # absent from it follows the defaults, an empty list means the app only.
    channels = models.JSONField(_("channels by kind"), default=dict, blank=True)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")

    def __str__(self) -> str:
        return f"{self.user}: {self.channels or 'defaults'}"

    def chosen(self, kind: str) -> list[str] | None:
        """The channels chosen for ``kind``, or None when the defaults apply."""
        value = (self.channels or {}).get(kind)
        return list(value) if isinstance(value, list) else None


class Delivery(models.Model):
    """One message carried by one channel to one address: the one outbox of every channel.

    A person's message is a ``Notification`` (at most one delivery per notification and
    channel: ``delivery_once_per_message``); an event of a job run goes to a channel's group
    addresses (a webhook's URL: ``delivery_once_per_event``). The sending loop (outbox.py)
    claims a due row with a conditional update, hands it to its channel, and records the
    outcome: sent, tried again later with backoff, or a dead letter (``FAILED``) after the
    channel's last try, which the admin shows and can send again.
    """

    class State(models.TextChoices):
        PENDING = "pending", _("Pending")  # waiting for its (next) try
        SENDING = "sending", _("Sending")  # claimed; the claim lapses at next_attempt_at
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Dead letter")  # given up: the admin may send it again

    channel = models.CharField(_("channel"), max_length=16)
    notification = models.ForeignKey(
        Notification, null=True, blank=True, on_delete=models.CASCADE, related_name="deliveries"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notify_deliveries",
    )
    campaign = models.ForeignKey(
        Campaign, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    job_run = models.ForeignKey(
        JobRun, null=True, blank=True, on_delete=models.CASCADE, related_name="deliveries"
    )
    event = models.CharField(_("event"), max_length=32, blank=True)  # the run's job
    kind = models.CharField(_("kind"), max_length=32, blank=True)
    # An e-mail address, a phone number (0912345678), a URL; empty in the app.
    address = models.CharField(_("address"), max_length=500, blank=True)
    payload = models.JSONField(default=dict, blank=True)  # what an event's delivery carries
    state = models.CharField(_("state"), max_length=8, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    # The next try when pending; the end of the claim when sending.
    next_attempt_at = models.DateTimeField(_("next attempt at"), default=timezone.now)
    locked_by = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    last_status = models.IntegerField(_("last status"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)  # sanitised
    reference = models.CharField(_("provider's id"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        ordering = ("-created_at", "-pk")
        constraints = [
            models.UniqueConstraint(
                fields=["notification", "channel"],
                condition=Q(notification__isnull=False),
                name="delivery_once_per_message",
            ),
            models.UniqueConstraint(
                fields=["job_run", "channel", "address"],
                condition=Q(notification__isnull=True, job_run__isnull=False),
                name="delivery_once_per_event",
            ),
        ]
        indexes = [
            # The sending loop: pending deliveries whose try is due, claims that lapsed.
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(state__in=["pending", "sending"]),
                name="delivery_due_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.channel} {self.kind or self.event} → {self.address or self.user_id}"

    @staticmethod
    def claimable(now) -> Q:
        """Deliveries the loop may take: pending and due, or sending with a lapsed claim."""
        return Q(
            state__in=[Delivery.State.PENDING, Delivery.State.SENDING], next_attempt_at__lte=now
        )


class DeliveryAttempt(models.Model):
    """Every try of a delivery: when, what came back, how long it took."""

    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="tries")
    number = models.PositiveSmallIntegerField()
    at = models.DateTimeField(default=timezone.now)
    status_code = models.IntegerField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)
    duration_ms = models.PositiveIntegerField(default=0)
    response = models.CharField(max_length=500, blank=True)  # the answer's start, sanitised

    class Meta:
        verbose_name = _("delivery attempt")
        verbose_name_plural = _("delivery attempts")
        ordering = ("number",)

    def __str__(self) -> str:
        answer = self.status_code if self.status_code is not None else self.error[:40]
        return f"#{self.number} {answer}"


class ChannelToken(models.Model):
    """A channel's rotating credentials (Zalo's OA access token and its single-use refresh
    token): kept here because each refresh replaces them. Never shown, never logged."""

    channel = models.CharField(max_length=16, unique=True)
    access_token = models.TextField(blank=True)
    refresh_token = models.TextField(blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    # SHA-256 of the refresh token of the settings these started from: a new one there wins.
    seed = models.CharField(max_length=64, blank=True)
    refreshed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("channel token")

    def __str__(self) -> str:
        return f"{self.channel} (expires {self.expires_at})"
