"""A campaign: targets, deadlines and which units report which groups. Loaded from a file."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from django.db import models
from django.utils import timezone as django_tz
from django.utils.translation import gettext_lazy as _

from uptake.units.models import Unit


class Status(models.TextChoices):
    """A unit's report for a day against the campaign's deadline."""

    ON_TIME = "on_time", _("On time")
    LATE = "late", _("Late")
    MISSING = "missing", _("Missing")


class Campaign(models.Model):
    slug = models.SlugField(_("slug"), max_length=64, unique=True)
    app = models.CharField(_("app"), max_length=100)
    title = models.CharField(_("title"), max_length=300)
    timezone = models.CharField(_("time zone"), max_length=64, default="Asia/Ho_Chi_Minh")
    start = models.DateField(_("first reporting day"))
    target_date = models.DateField(_("target date"))
    end = models.DateField(_("last reporting day"))
    report_due = models.TimeField(_("daily report deadline"), default=time(15, 0))
    compile_at = models.TimeField(_("daily compile time"), default=time(16, 30))
    coordinator = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="coordinated_campaigns"
    )
    root = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="rooted_campaigns", help_text="top unit"
    )
    # The file as last loaded, for reference and for later sections (#3 documents, #6 jobs);
    # its unit tree only as a count and a digest (the tree is in units and participations).
    source = models.JSONField(default=dict, blank=True)
    loaded_at = models.DateTimeField(default=django_tz.now)

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")

    def __str__(self) -> str:
        return self.title

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def today(self) -> date:
        return django_tz.now().astimezone(self.tz).date()

    def deadline(self, day: date) -> datetime:
        """The moment reports for ``day`` are due, in the campaign's time zone."""
        return datetime.combine(day, self.report_due, tzinfo=self.tz)

    def status_at(self, day: date, first_submitted_at: datetime) -> str:
        return Status.ON_TIME if first_submitted_at <= self.deadline(day) else Status.LATE

    def reporting_days(self) -> list[date]:
        from datetime import timedelta

        last = min(self.end, self.today())
        return [self.start + timedelta(n) for n in range((last - self.start).days + 1)]

    def participations_on(self, day: date):
        """The units expected to report on ``day``."""
        return self.participations.filter(active_from__lte=day).filter(
            models.Q(active_until__isnull=True) | models.Q(active_until__gte=day)
        )


class Group(models.Model):
    """A population counted by the campaign (staff, residents) with its target."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="groups")
    key = models.SlugField(max_length=32)
    name = models.CharField(max_length=200)
    target_percent = models.DecimalField(max_digits=5, decimal_places=2)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ("position",)
        constraints = [
            models.UniqueConstraint(fields=["campaign", "key"], name="group_key_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class Activity(models.Model):
    """Something units do to spread the word, counted per day (not cumulative): broadcasts, ..."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="activities")
    key = models.SlugField(max_length=32)
    name = models.CharField(max_length=200)
    unit = models.CharField(max_length=50)  # unit of count: "lượt", "tờ", "buổi"
    daily_min = models.PositiveIntegerField(null=True, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ("position",)
        verbose_name_plural = "activities"
        constraints = [
            models.UniqueConstraint(fields=["campaign", "key"], name="activity_key_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class Participation(models.Model):
    """A unit's part in a campaign: the groups it reports and when it is expected to."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="participations")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="participations")
    groups = models.JSONField(default=list)  # group keys, in the campaign's order
    activities = models.JSONField(default=list)  # activity keys the unit reports
    active_from = models.DateField()
    # Set when the unit disappears from the campaign file: expected up to this day, not after.
    active_until = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["campaign", "unit"], name="participation_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.unit} in {self.campaign}"


class Coordination(models.Model):
    """A coordinating level of a campaign: an office that compiles, numbers and sends one report
    a day for a subtree of units (#14).

    The campaign's top unit is always one (its office is the file's top-level ``coordinator``);
    any unit of the file may name its own with ``coordinator: "871-VHTT"``, and may carry its
    own ``compile_at``, ``recipients``, ``auto_send`` and ``document``. The level above builds on
    the reports of the levels directly below it.
    """

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="coordinations")
    # The top of the subtree this office compiles for (the district, the province).
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="coordinations")
    # The coordinating office (Phòng Văn hóa và Thông tin), whose register numbers the report.
    office = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="coordinating")
    compile_at = models.TimeField(
        _("daily compile time"), null=True, blank=True
    )  # None: campaign's
    auto_send = models.BooleanField(_("send automatically"), default=False)
    # The file's ``document`` of this level (letterhead, symbol, signer, recipients), as loaded;
    # the top level's is the campaign's ``document``.
    document = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("coordination")
        verbose_name_plural = _("coordinations")
        constraints = [
            # One office per subtree and campaign; the index also serves "this campaign's levels".
            models.UniqueConstraint(fields=["campaign", "unit"], name="coordination_unique_unit"),
        ]

    def __str__(self) -> str:
        return f"{self.campaign.slug}: {self.unit.code} ← {self.office.code}"

    @property
    def is_top(self) -> bool:
        return self.unit_id == self.campaign.root_id

    def compile_time(self) -> time:
        return self.compile_at or self.campaign.compile_at
