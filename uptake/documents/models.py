"""The 16:30 report: a campaign's compilation of a day, its number, and where it was sent."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from uptake.campaigns.models import Campaign


class State(models.TextChoices):
    DRAFT = "draft", _("Draft")
    APPROVED = "approved", _("Approved")
    SENT = "sent", _("Sent")


class Compilation(models.Model):
    """The day's consolidated report of a campaign: a frozen snapshot plus the coordinator's text.

    A draft is made (by the command, later the scheduler) and refreshed until it is approved.
    Approval gives it the next number of the campaign's year and locks it: nothing about an
    approved compilation changes again, except that it is sent (``state`` = sent, ``Dispatch``).
    """

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="compilations")
    date = models.DateField(_("date"))
    state = models.CharField(_("state"), max_length=8, choices=State.choices, default=State.DRAFT)
    # Assigned at approval: "Số: 05/BC-VHTT" is number 5 of ``year`` with the symbol BC-VHTT.
    number = models.PositiveIntegerField(_("number"), null=True, blank=True)
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    symbol = models.CharField(_("symbol"), max_length=40, blank=True)
    # The summary at the moment of the latest refresh (see documents.snapshot), frozen at approval.
    snapshot = models.JSONField(default=dict)
    situation = models.TextField(_("situation"), blank=True)
    difficulties = models.TextField(_("difficulties"), blank=True)
    proposals = models.TextField(_("proposals"), blank=True)

    made_at = models.DateTimeField()
    made_by = models.ForeignKey(  # None: made by the command or the scheduler
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    refreshed_at = models.DateTimeField()
    refreshed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    text_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    text_at = models.DateTimeField(null=True, blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    sent_at = models.DateTimeField(null=True, blank=True)  # the first dispatch
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("compilation")
        verbose_name_plural = _("compilations")
        constraints = [
            # One compilation per campaign and day; its unique index also serves the page of a
            # day (campaign, date) and the list, newest first.
            models.UniqueConstraint(fields=["campaign", "date"], name="compilation_unique_day"),
            # The counter never hands out a number twice; this makes sure of it.
            models.UniqueConstraint(
                fields=["campaign", "year", "number"], name="compilation_unique_number"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.campaign.slug} {self.date} ({self.state})"

    @property
    def is_draft(self) -> bool:
        return self.state == State.DRAFT

    @property
    def reference(self) -> str:
        """ "05/BC-VHTT" once approved (numbers below 10 take a leading zero), else "/BC-VHTT"."""
        if self.number is None:
            return f"/{self.symbol}" if self.symbol else ""
        return f"{self.number:02d}/{self.symbol}" if self.symbol else f"{self.number:02d}"


class Counter(models.Model):
    """The last number handed out for a campaign and year, locked while the next is taken."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["campaign", "year"], name="counter_unique_year"),
        ]

    def __str__(self) -> str:
        return f"{self.campaign.slug} {self.year}: {self.last_number}"


class Dispatch(models.Model):
    """One sending of an approved compilation: who sent what, when, to whom."""

    compilation = models.ForeignKey(
        Compilation, on_delete=models.PROTECT, related_name="dispatches"
    )
    sent_at = models.DateTimeField()
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    subject = models.CharField(max_length=300)
    recipients = models.JSONField(default=list)  # [{"name": ..., "email": ...}], those e-mailed
    attachments = models.JSONField(default=list)  # [{"filename", "size", "sha256"}]

    class Meta:
        verbose_name = _("dispatch")
        verbose_name_plural = _("dispatches")
        ordering = ("sent_at",)

    def __str__(self) -> str:
        return f"{self.compilation} → {len(self.recipients)} at {self.sent_at:%Y-%m-%d %H:%M}"
