"""Door to door: the teams a commune sends out, and the households they visit.

Hamlets themselves are units (``Unit.Kind.HAMLET``, with ``households`` registered) declared
in the campaign file. A visit is made on a phone, often with no network: its id is a UUID made
on the phone, so that sending it twice never stores it twice.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from uptake.campaigns.models import Campaign
from uptake.units.models import Unit


class Organisation(models.TextChoices):
    """The commune's political and social organisations that join the teams (proper names)."""

    FATHERLAND_FRONT = "mttq", "Mặt trận Tổ quốc"
    YOUTH_UNION = "doan_tn", "Đoàn Thanh niên"
    WOMENS_UNION = "hoi_lhpn", "Hội Liên hiệp Phụ nữ"
    FARMERS_UNION = "hoi_nd", "Hội Nông dân"
    VETERANS = "hoi_ccb", "Hội Cựu chiến binh"
    POLICE = "cong_an", "Công an xã"
    OTHER = "khac", "Khác"


class Team(models.Model):
    """A door-to-door team of a commune (or town, or ward) and the hamlets it covers."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="teams")
    commune = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="teams")
    name = models.CharField(_("name"), max_length=100)
    organisations = models.JSONField(_("organisations"), default=list)  # Organisation keys
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="fieldwork_teams",
        verbose_name=_("members"),
    )
    hamlets = models.ManyToManyField(
        Unit, blank=True, related_name="assigned_teams", verbose_name=_("hamlets")
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        ordering = ("name",)
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "commune", "name"], name="team_unique_name"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def organisation_labels(self) -> list[str]:
        labels = dict(Organisation.choices)
        return [labels.get(key, key) for key in self.organisations]


class Outcome(models.TextChoices):
    INSTALLED = "installed", _("Installed")
    ALREADY_HAD = "already_had", _("Already had it")
    NO_SMARTPHONE = "no_smartphone", _("No smartphone")
    REFUSED = "refused", _("Refused")
    NOBODY_HOME = "nobody_home", _("Nobody home")


class Visit(models.Model):
    """One knock on one household's door.

    A revisit (after nobody was home) links to the household's first visit, and is allowed
    only while the household's latest visit found nobody home. Visits that find nobody home
    carry no figures, so figures add up over all visits without counting a household twice,
    and the revisits due are ``nobody_home visits - revisits``.
    """

    # Made on the phone: a second sending of the same visit is recognised by it.
    id = models.UUIDField(primary_key=True, editable=False)
    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="visits")
    hamlet = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="visits")
    # The hamlet's commune, kept on the visit so that a commune's figures need no join.
    commune = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="visits"
    )
    # A house number or a short address. Never a name or a phone number.
    household = models.CharField(_("household"), max_length=80)
    visited_at = models.DateTimeField(_("visited at"))
    day = models.DateField()  # visited_at's date in the campaign's time zone
    smartphones = models.PositiveSmallIntegerField(_("smartphones"), default=0)
    already_had = models.PositiveSmallIntegerField(_("already had the app"), default=0)
    installed_now = models.PositiveSmallIntegerField(_("installed during the visit"), default=0)
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices)
    note = models.CharField(_("note"), max_length=300, blank=True)
    revisit_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="revisits"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    received_at = models.DateTimeField(default=timezone.now)
    via = models.CharField(max_length=8, default="web")  # web (the phone page) | api

    class Meta:
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        indexes = [
            # The hamlet progress page and visit_totals(): a commune's visits summed per
            # hamlet, team and day. Every column they read is in it, so that 100,000 visits
            # are summed from the index alone (a covering index; SQLite has no INCLUDE).
            models.Index(
                fields=[
                    "campaign",
                    "commune",
                    "hamlet",
                    "team",
                    "day",
                    "outcome",
                    "revisit_of",
                    "smartphones",
                    "already_had",
                    "installed_now",
                ],
                name="visit_progress_idx",
            ),
            # A hamlet's figures by day, its visits to revisit, and
            # GET /api/v1/visits?hamlet=CODE&date=D.
            models.Index(fields=["campaign", "hamlet", "day"], name="visit_hamlet_day_idx"),
            # A team's figures by day.
            models.Index(fields=["team", "day"], name="visit_team_day_idx"),
        ]
        # revisit_of has Django's own foreign-key index: a household's chain of visits.

    def __str__(self) -> str:
        return f"{self.hamlet.code} {self.household} {self.visited_at:%Y-%m-%d %H:%M}"
