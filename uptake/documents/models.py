"""The 16:30 report: a campaign's compilation of a day, its number, and where it was sent."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from uptake.campaigns.models import Campaign, Coordination
from uptake.units.models import Unit


class State(models.TextChoices):
    DRAFT = "draft", _("Draft")
    APPROVED = "approved", _("Approved")
    SENT = "sent", _("Sent")


class Compilation(models.Model):
    """The day's consolidated report of a campaign: a frozen snapshot plus the coordinator's text.

    A draft is made (by the command, later the scheduler) and refreshed until it is approved.
    Approval gives it the next number of its office's register and locks it: nothing about an
    approved compilation changes again, except that it is sent (``state`` = sent, ``Dispatch``).
    """

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="compilations")
    # The coordinating level (#14): the unit whose subtree it compiles (the campaign's top unit,
    # or a district with its own coordinator) and the office that issues it, whose register of
    # outgoing documents gives its number. Kept on the report: a level may leave the file.
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    office = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    date = models.DateField(_("date"))
    state = models.CharField(_("state"), max_length=8, choices=State.choices, default=State.DRAFT)
    # Assigned at approval: "Số: 05/BC-VHTT" is number 5 of ``year`` with the symbol BC-VHTT.
    number = models.PositiveIntegerField(_("number"), null=True, blank=True)
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    symbol = models.CharField(_("symbol"), max_length=40, blank=True)
    # False only for numbers handed out before #14 by a campaign's own counter that another
    # campaign of the same office had already used: kept as printed, outside the register's
    # uniqueness. Every number handed out since is the office's next.
    registered = models.BooleanField(default=True, editable=False)
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
            # One compilation per campaign, level and day; its unique index also serves the
            # page of a day (campaign, unit, date) and a level's list, newest first.
            models.UniqueConstraint(
                fields=["campaign", "unit", "date"], name="compilation_unique_level_day"
            ),
            # The office's register never hands out a number twice; this makes sure of it.
            models.UniqueConstraint(
                fields=["office", "year", "symbol", "number"],
                condition=models.Q(registered=True),
                name="compilation_unique_office_number",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.campaign.slug} {self.unit.code} {self.date} ({self.state})"

    @property
    def level(self):
        """The campaign's coordinating level of this report; when the level has left the
        campaign file since, one made up from the report's own unit and office (not saved)."""
        found = self.__dict__.get("_level")
        if found is None:
            found = Coordination.objects.filter(
                campaign_id=self.campaign_id, unit_id=self.unit_id
            ).select_related("unit", "office").first() or Coordination(
                campaign=self.campaign, unit=self.unit, office=self.office
            )
            found.campaign = self.campaign
            self.__dict__["_level"] = found
        return found

    @level.setter
    def level(self, value) -> None:
        self.__dict__["_level"] = value

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
    """An office's register of outgoing documents (Decree 30/2020): the last number handed out
    for a year and symbol, shared by every campaign the office coordinates, locked while the
    next is taken."""

    office = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    symbol = models.CharField(max_length=40, blank=True)
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["office", "year", "symbol"], name="counter_unique_register"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.office.code} {self.year} {self.symbol}: {self.last_number}"


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
