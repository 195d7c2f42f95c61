"""The state of a campaign on one day: who reported, when, and how far each unit is from target.

One function serves the API's summary, the coordinator's status page and (#3) the compilation.
Its database queries do not grow with the number of units: one query gives every expected
unit with its latest report on or before the day.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import FilteredRelation, IntegerField, OuterRef, Q, Subquery, Sum
from django.db.models.fields.json import KT
from django.db.models.functions import Cast
from django.utils.translation import gettext_lazy as _

from uptake.campaigns.models import Activity, Campaign, Group, Status
from uptake.lib.gcpause import cyclic_gc_paused
from uptake.reports.models import Report, percent
from uptake.units.models import COMMUNE_KINDS, Unit


@dataclass
class GroupFigures:
    key: str
    with_smartphone: int | None
    installed: int | None
    target_percent: float

    @property
    def percent(self) -> float | None:
        if self.with_smartphone is None or self.installed is None:
            return None
        return percent(self.installed, self.with_smartphone)

    @property
    def met(self) -> bool:
        return self.percent is not None and self.percent >= self.target_percent

    def as_dict(self) -> dict:
        value = self.percent  # computed once: as_dict runs for every unit of a nation (#7)
        return {
            "with_smartphone": self.with_smartphone,
            "installed": self.installed,
            "percent": value,
            "target_percent": self.target_percent,
            "met": value is not None and value >= self.target_percent,
        }


@dataclass
class UnitRow:
    unit: Unit
    status: str
    submitted_at: datetime | None  # first arrival of the day's report (decides the status)
    revision: int | None
    figures_date: date | None
    groups: dict[str, GroupFigures]
    note: str = ""
    # The day's activity counts, for the activities the unit reports (None: not reported).
    activities: dict[str, int | None] = field(default_factory=dict)

    def below_minimum(self, activity: Activity) -> bool:
        """Reported today, but fewer than the activity's daily minimum."""
        count = self.activities.get(activity.key)
        return (
            activity.daily_min is not None
            and activity.key in self.activities
            and self.status != Status.MISSING
            and (count or 0) < activity.daily_min
        )


@dataclass
class ActivityTotal:
    activity: Activity
    day: int
    since_start: int
    below_minimum: list[Unit]

    def as_dict(self) -> dict:
        return {
            "name": self.activity.name,
            "unit": self.activity.unit,
            "daily_min": self.activity.daily_min,
            "day": self.day,
            "since_start": self.since_start,
            "below_minimum": [u.code for u in self.below_minimum],
        }


@dataclass
class Summary:
    campaign: Campaign
    date: date
    root: Unit
    groups: list[Group]
    rows: list[UnitRow]
    totals: dict[str, GroupFigures] = field(default_factory=dict)
    activities: dict[str, ActivityTotal] = field(default_factory=dict)

    def sections(self) -> list[Section]:
        """The rows in blocks (offices, communes and towns) under each parent, with subtotals."""
        out = sections(self.rows, {g.key: float(g.target_percent) for g in self.groups})
        for section in out:
            section.groups = [(g, section.totals[g.key]) for g in self.groups]
        return out

    @property
    def counts(self) -> dict[str, int]:
        counts = {"expected": len(self.rows), Status.ON_TIME: 0, Status.LATE: 0, Status.MISSING: 0}
        for row in self.rows:
            counts[row.status] += 1
        return counts

    def as_dict(self) -> dict:
        with cyclic_gc_paused():  # a nation's 20,000 units: see uptake.lib.gcpause
            return self._as_dict()

    def _as_dict(self) -> dict:
        tz = self.campaign.tz
        return {
            "campaign": self.campaign.slug,
            "date": self.date.isoformat(),
            "root": self.root.code,
            "reporting": self.counts,
            "totals": {key: g.as_dict() for key, g in self.totals.items()},
            "activities": {key: a.as_dict() for key, a in self.activities.items()},
            "units": [
                {
                    "code": row.unit.code,
                    "name": row.unit.name,
                    "kind": row.unit.kind,
                    "status": row.status,
                    "submitted_at": row.submitted_at.astimezone(tz).isoformat()
                    if row.submitted_at
                    else None,
                    "revision": row.revision,
                    "figures_date": row.figures_date.isoformat() if row.figures_date else None,
                    "groups": {key: g.as_dict() for key, g in row.groups.items()},
                    "activities": row.activities,
                }
                for row in self.rows
            ],
        }


# The directive's two blocks (#17): offices (phòng, ban, ngành), then communes and towns, each
# in the order of the campaign file (the order its units were created in: the loader creates a
# file's units level by level, in order) under each parent; anything else after them.
SECTIONS = {
    "offices": (_("Offices"), "Khối phòng, ban, ngành"),
    "communes": (_("Communes and towns"), "Khối xã, thị trấn"),
    "others": (_("Other units"), "Đơn vị khác"),
}


def section_of(kind: str) -> str:
    if kind == Unit.Kind.OFFICE:
        return "offices"
    return "communes" if kind in COMMUNE_KINDS else "others"


def parent_path(path: str) -> str:
    """ "870/870-TTT/" -> "870/": the units of one parent sort together."""
    return path[: path.rstrip("/").rfind("/") + 1]


def directive_key(unit: Unit) -> tuple:
    return (parent_path(unit.path), list(SECTIONS).index(section_of(unit.kind)), unit.pk)


@dataclass
class Section:
    """The units of one block under one parent, with the block's subtotal per group."""

    key: str
    parent: str  # the parent's path
    rows: list
    totals: dict[str, GroupFigures]
    groups: list = field(default_factory=list)  # (Group, its subtotal), the campaign's order

    @property
    def label(self) -> str:
        return str(SECTIONS[self.key][0])

    @property
    def label_vi(self) -> str:
        return SECTIONS[self.key][1]


def sections(rows: list[UnitRow], targets: dict[str, float]) -> list[Section]:
    """``rows`` (in the directive's order) cut into blocks, each with its subtotal."""
    out: list[Section] = []
    for row in rows:
        key, parent = section_of(row.unit.kind), parent_path(row.unit.path)
        if not out or (out[-1].key, out[-1].parent) != (key, parent):
            totals = {k: GroupFigures(k, 0, 0, t) for k, t in targets.items()}
            out.append(Section(key, parent, [], totals))
        out[-1].rows.append(row)
        for k, g in row.groups.items():
            if g.with_smartphone is not None and g.installed is not None and k in targets:
                out[-1].totals[k].with_smartphone += g.with_smartphone
                out[-1].totals[k].installed += g.installed
    return out


# The columns of the summary's one query: a whole unit, its participation, its latest report.
UNIT_FIELDS = [f.attname for f in Unit._meta.concrete_fields]
REPORT_FIELDS = ["date", "status", "first_submitted_at", "revision", "figures", "note"]


def build_summary(campaign: Campaign, day: date, root: Unit | None = None) -> Summary:
    root = root or campaign.root
    groups = list(campaign.groups.all())
    activities = list(campaign.activities.all())
    targets = {g.key: float(g.target_percent) for g in groups}
    latest_date = (
        Report.objects.filter(campaign=campaign, unit=OuterRef("unit_id"), date__lte=day)
        .order_by("-date")
        .values("date")[:1]
    )
    # One query, in rows rather than model instances (#7: a nation's 20,000 units): each
    # participation expected on the day, its unit, and its latest report on or before the day,
    # joined on the unique (campaign, unit, date) index. The activity counts only when the
    # campaign has activities (without, every unit's are empty).
    columns = [
        *(f"unit__{name}" for name in UNIT_FIELDS),
        "groups",
        *(f"latest__{name}" for name in REPORT_FIELDS),
    ]
    if activities:
        columns += ["activities", "latest__activities"]
    participations = (
        campaign.participations_on(day)
        .filter(unit__path__startswith=root.path)
        .annotate(
            latest=FilteredRelation(
                "unit__reports",
                condition=Q(
                    unit__reports__campaign=campaign, unit__reports__date=Subquery(latest_date)
                ),
            )
        )
        .order_by("unit__path")
        .values_list(*columns)
    )
    db = participations.db
    n = len(UNIT_FIELDS)

    totals = {g.key: GroupFigures(g.key, 0, 0, targets[g.key]) for g in groups}
    rows = []
    with cyclic_gc_paused():  # 20,000 rows of acyclic objects: see uptake.lib.gcpause
        for values in participations:
            unit = Unit.from_db(db, UNIT_FIELDS, values[:n])
            p_groups, r_date, status, first_at, revision, figures, note = values[n : n + 7]
            p_activities, counts = values[n + 7 :] or ((), None)
            today = r_date == day
            figures = figures or {}
            row_groups = {}
            for key in p_groups:
                numbers = figures.get(key) or {}
                g = GroupFigures(
                    key,
                    numbers.get("with_smartphone"),
                    numbers.get("installed"),
                    targets.get(key, 0),
                )
                row_groups[key] = g
                if g.with_smartphone is not None and g.installed is not None and key in totals:
                    totals[key].with_smartphone += g.with_smartphone
                    totals[key].installed += g.installed
            rows.append(
                UnitRow(
                    unit=unit,
                    status=status if today else Status.MISSING,
                    submitted_at=first_at if today else None,
                    revision=revision if today else None,
                    figures_date=r_date,
                    groups=row_groups,
                    note=note if today else "",
                    activities={key: (counts.get(key) if today else None) for key in p_activities},
                )
            )
    rows.sort(key=lambda row: directive_key(row.unit))
    return Summary(
        campaign,
        day,
        root,
        groups,
        rows,
        totals,
        activity_totals(campaign, day, root, rows, activities),
    )


def activity_totals(
    campaign: Campaign,
    day: date,
    root: Unit,
    rows: list[UnitRow],
    activities: list[Activity] | None = None,
):
    """Each activity's count for the day, since the start (one query), and who fell short.
    ``activities``: the campaign's, when the caller has them already."""
    if activities is None:
        activities = list(campaign.activities.all())
    if not activities:
        return {}
    since_start = Report.objects.filter(
        campaign=campaign, date__gte=campaign.start, date__lte=day, unit__path__startswith=root.path
    ).aggregate(
        **{a.key: Sum(Cast(KT(f"activities__{a.key}"), IntegerField())) for a in activities}
    )
    return {
        a.key: ActivityTotal(
            activity=a,
            day=sum(row.activities.get(a.key) or 0 for row in rows),
            since_start=since_start[a.key] or 0,
            below_minimum=[row.unit for row in rows if row.below_minimum(a)],
        )
        for a in activities
    }
