"""Daily reports and their revisions (the audit trail of every change is uptake.audit)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db import models

from uptake.campaigns.models import Campaign, Status
from uptake.units.models import Unit


def percent(installed: int, with_smartphone: int) -> float | None:
    """100 × installed / with_smartphone, rounded half up to one decimal; None for 0 phones."""
    if not with_smartphone:
        return None
    value = Decimal(100 * installed) / Decimal(with_smartphone)
    return float(value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


class Report(models.Model):
    """One unit's report for one day of a campaign. Its figures are those of its latest revision."""

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="reports")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="reports")
    date = models.DateField()
    status = models.CharField(max_length=8, choices=Status.choices)
    first_submitted_at = models.DateTimeField()
    revision = models.PositiveIntegerField(default=1)  # number of the latest revision
    submitted_at = models.DateTimeField()  # when the latest revision arrived
    figures = models.JSONField()  # {"staff": {"with_smartphone": 41, "installed": 39}, ...}
    activities = models.JSONField(default=dict)  # the day's counts: {"broadcasts": 2, ...}
    note = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["campaign", "unit", "date"], name="report_unique_day"),
        ]
        indexes = [
            # Summary and status page: every report of a campaign for one date.
            models.Index(fields=["campaign", "date"], name="report_campaign_date_idx"),
        ]
        # The unique constraint's index (campaign, unit, date) serves "the latest report of a
        # unit on or before a date" (carried-forward figures) and the unit's history.

    def __str__(self) -> str:
        return f"{self.unit.code} {self.date} r{self.revision}"


class Revision(models.Model):
    """Every submission of a report, kept forever: who, when, what."""

    report = models.ForeignKey(Report, on_delete=models.PROTECT, related_name="revisions")
    number = models.PositiveIntegerField()
    figures = models.JSONField()
    activities = models.JSONField(default=dict)
    note = models.TextField(blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField()
    on_behalf = models.BooleanField(default=False)
    source = models.CharField(max_length=200, blank=True)  # "phone", "Zalo", ... when on behalf
    # On behalf: when the unit sent its figures by phone or Zalo (decides on time / late).
    received_at = models.DateTimeField(null=True, blank=True)
    via = models.CharField(max_length=8, default="web")  # web | api

    class Meta:
        ordering = ("number",)
        constraints = [
            models.UniqueConstraint(fields=["report", "number"], name="revision_unique_number"),
        ]

    def __str__(self) -> str:
        return f"{self.report} #{self.number}"
