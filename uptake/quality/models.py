"""Inspections of what units report, the samples they check, staff rosters, data-quality flags."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from uptake.campaigns.models import Campaign
from uptake.units.models import Unit


class Method(models.TextChoices):
    STAFF_PHONES = "staff_phones", _("Checking staff phones on site")
    CALLING = "calling_households", _("Calling a sample of households")
    VISITING = "visiting_households", _("Visiting a sample of households")


class Rule(models.TextChoices):
    DECREASE = "decrease", _("Decrease")
    STALE = "stale", _("Same figures")
    SPIKE = "spike", _("Unusual increase")
    TARGET_SNAP = "target_snap", _("Jump to the target")
    SMARTPHONES_JUMP = "smartphones_jump", _("Smartphone count jump")
    VERIFIED_GAP = "verified_gap", _("Not borne out by inspection")


class Severity(models.TextChoices):
    HIGH = "high", _("High")
    MEDIUM = "medium", _("Medium")
    LOW = "low", _("Low")


SEVERITY_RANK = {Severity.HIGH: 3, Severity.MEDIUM: 2, Severity.LOW: 1}


class StaffMember(models.Model):
    """One person on a unit's staff roster for a campaign (the app installed is the campaign's)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("name"), max_length=200)
    position = models.CharField(_("position"), max_length=200, blank=True)
    has_smartphone = models.BooleanField(_("has a smartphone"), default=False)
    installed = models.BooleanField(_("installed"), default=False)
    installed_on = models.DateField(_("installed on"), null=True, blank=True)
    row = models.PositiveIntegerField(default=0)  # order on the roster (the import's row order)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("staff member")
        verbose_name_plural = _("staff members")
        ordering = ("row", "pk")
        indexes = [
            # A unit's roster: the roster page, roster_figures() and drawing a sample.
            models.Index(fields=["campaign", "unit", "row"], name="staffmember_unit_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    def as_dict(self) -> dict:
        return {
            "name": self.name,
            "position": self.position,
            "has_smartphone": self.has_smartphone,
            "installed": self.installed,
            "installed_on": self.installed_on.isoformat() if self.installed_on else None,
        }


class Sample(models.Model):
    """A random sample of a unit's staff or visited households, reproducible from its seed."""

    class Source(models.TextChoices):
        ROSTER = "roster", _("Staff roster")
        VISITS = "visits", _("Recorded household visits")

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    source = models.CharField(_("drawn from"), max_length=16, choices=Source.choices)
    group = models.CharField(_("group"), max_length=32)
    size = models.PositiveIntegerField(_("size"))  # as drawn (the population may be smaller)
    population = models.PositiveIntegerField(_("population"))
    seed = models.PositiveBigIntegerField(_("seed"))
    # The drawn people or households, in checklist order: [{"ref", "label", "detail"}].
    items = models.JSONField(default=list)
    drawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    drawn_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("sample")
        indexes = [
            # A unit's samples, newest first, on its quality page and the inspection form.
            models.Index(fields=["campaign", "unit", "drawn_at"], name="sample_unit_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.unit.code} {self.get_source_display()} n={len(self.items)} seed={self.seed}"


class Inspection(models.Model):
    """A check of a unit's figures against a sample: its verified rate and 95% Wilson interval."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    date = models.DateField(_("date"))
    inspector = models.CharField(_("inspector"), max_length=200)
    method = models.CharField(_("method"), max_length=32, choices=Method.choices)
    group = models.CharField(_("group"), max_length=32)
    sample = models.ForeignKey(
        Sample, null=True, blank=True, on_delete=models.SET_NULL, related_name="inspections"
    )
    sample_size = models.PositiveIntegerField(_("sample size"))
    with_app = models.PositiveIntegerField(_("had the app"))
    findings = models.TextField(_("findings"), blank=True)
    follow_up = models.TextField(_("follow-up"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)  # +1 on every edit (flags' freshness)

    class Meta:
        verbose_name = _("inspection")
        ordering = ("-date", "-pk")
        indexes = [
            # A unit's inspections: its quality page, and the reports they are checked against.
            models.Index(fields=["campaign", "unit", "date"], name="inspection_unit_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.unit.code} {self.date} {self.with_app}/{self.sample_size}"

    @property
    def verified_rate(self) -> float:
        return self.with_app / self.sample_size if self.sample_size else 0.0

    @property
    def interval(self) -> tuple[float, float]:
        from uptake.quality.stats import wilson_interval

        return wilson_interval(self.with_app, self.sample_size)

    def as_dict(self) -> dict:
        return {
            "date": self.date.isoformat(),
            "inspector": self.inspector,
            "method": self.method,
            "group": self.group,
            "sample": self.sample_id,
            "sample_size": self.sample_size,
            "with_app": self.with_app,
            "findings": self.findings,
            "follow_up": self.follow_up,
        }


class Flag(models.Model):
    """A data-quality finding on one unit, date and group, kept up to date by check_quality()."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    date = models.DateField(_("date"))
    group = models.CharField(_("group"), max_length=32)
    rule = models.CharField(_("rule"), max_length=32, choices=Rule.choices)
    severity = models.CharField(_("severity"), max_length=8, choices=Severity.choices)
    evidence = models.JSONField(default=dict)  # the figures behind it; see rules.py per rule
    found_at = models.DateTimeField(default=timezone.now)
    dismissed_at = models.DateTimeField(null=True, blank=True)
    dismissed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    dismiss_reason = models.TextField(blank=True)

    class Meta:
        verbose_name = _("flag")
        constraints = [
            # Its index also serves a unit's flags (the unit's quality page, flags_for(root=unit)).
            models.UniqueConstraint(
                fields=["campaign", "unit", "date", "group", "rule"], name="flag_unique_key"
            ),
        ]
        indexes = [
            # The API's ?date= / ?from=&to= and the data-quality page's date filter.
            models.Index(fields=["campaign", "date"], name="flag_campaign_date_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.unit.code} {self.date} {self.group} {self.rule}"

    @property
    def key(self) -> tuple:
        return (self.unit_id, self.date, self.group, self.rule)

    @property
    def dismissed(self) -> bool:
        return self.dismissed_at is not None

    @property
    def dismissed_by_name(self) -> str:
        user = self.dismissed_by
        return (user.get_full_name() or user.get_username()) if user else "?"

    @property
    def message(self) -> str:
        """What a coordinator reads: the finding and its evidence, in the active language."""
        from uptake.quality.rules import describe

        return describe(self.rule, self.group, self.evidence)

    @property
    def severity_rank(self) -> int:
        return SEVERITY_RANK.get(self.severity, 0)

    def as_dict(self) -> dict:
        return {
            "unit": self.unit.code,
            "date": self.date.isoformat(),
            "group": self.group,
            "rule": self.rule,
            "severity": self.severity,
            "message": self.message,
            "evidence": self.evidence,
            "dismissed": self.dismissed,
        }


class QualityCheck(models.Model):
    """When a peer group (the units under one parent) was last checked, and on which data.

    ``fingerprint`` sums up the reports and inspections the flags were computed from; when
    it no longer matches, the peer group's flags are recomputed before they are read.
    """

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="+")
    scope = models.CharField(max_length=1000)  # the parent unit's path ("" for top-level units)
    fingerprint = models.CharField(max_length=200)
    checked_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["campaign", "scope"], name="qualitycheck_unique_scope"),
        ]

    def __str__(self) -> str:
        return f"{self.campaign.slug} {self.scope or '/'} {self.checked_at:%Y-%m-%d %H:%M}"
