"""Door-to-door figures, added up in the database: per hamlet, per team, per day.

Every function here is one aggregate query, whatever the number of visits: 100,000 visits in
a commune keep its progress page under 200 ms (bench/fieldwork.py). They rely on the indexes
named in ``Visit.Meta``.

Visits that find nobody home carry no figures and a household is revisited only while its
latest visit found nobody home, so sums over all visits count each household once, and
``revisits due = visits that found nobody home - revisits``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Q, Sum

from uptake.campaigns.models import Campaign
from uptake.fieldwork.models import Outcome, Team, Visit
from uptake.units.models import Unit

AGGREGATES = {
    # Counted on outcome (never null), not on id: every column read is in the covering index
    # visit_progress_idx, and the table itself is not read.
    "visits": Count("*"),
    # A household's first visit; its revisits link to it (revisits = visits - households).
    "households": Count("outcome", filter=Q(revisit_of__isnull=True)),
    "nobody_home": Count("outcome", filter=Q(outcome=Outcome.NOBODY_HOME)),
    "smartphones": Sum("smartphones"),
    "already_had": Sum("already_had"),
    "installed_now": Sum("installed_now"),
}


@dataclass
class Figures:
    visits: int = 0
    households: int = 0  # households visited (knocked on at least once)
    nobody_home: int = 0
    smartphones: int = 0  # smartphones found
    already_had: int = 0  # of which already had the app
    installed_now: int = 0  # installs gained during the visits
    registered: int | None = None  # households registered in the hamlet(s)

    @classmethod
    def of(cls, row: dict | None, registered: int | None = None) -> Figures:
        row = row or {}
        return cls(
            **{key: row.get(key) or 0 for key in AGGREGATES},
            registered=registered,
        )

    @property
    def reached(self) -> int:
        """Visits that found somebody at home."""
        return self.visits - self.nobody_home

    @property
    def revisits(self) -> int:
        return self.visits - self.households

    @property
    def revisits_due(self) -> int:
        return self.nobody_home - self.revisits

    @property
    def with_app(self) -> int:
        return self.already_had + self.installed_now

    @property
    def visited_percent(self) -> float | None:
        if not self.registered:
            return None
        return round(100 * self.households / self.registered, 1)

    @property
    def app_percent(self) -> float | None:
        if not self.smartphones:
            return None
        return round(100 * self.with_app / self.smartphones, 1)

    def add(self, other: Figures) -> None:
        for key in AGGREGATES:
            setattr(self, key, getattr(self, key) + getattr(other, key))
        if other.registered is not None:
            self.registered = (self.registered or 0) + other.registered

    def as_dict(self) -> dict:
        return {
            "households_registered": self.registered,
            "households_visited": self.households,
            "visits": self.visits,
            "reached": self.reached,
            "smartphones": self.smartphones,
            "already_had": self.already_had,
            "installed_now": self.installed_now,
            "revisits_due": self.revisits_due,
            "visited_percent": self.visited_percent,
            "app_percent": self.app_percent,
        }


@dataclass
class Row:
    """One line of a progress table: a hamlet, a team or a day, with its figures."""

    key: object
    label: str
    figures: Figures
    obj: object = None


@dataclass
class Progress:
    rows: list[Row]
    total: Figures = field(default_factory=Figures)


@dataclass
class CommuneProgress:
    hamlets: Progress
    teams: Progress
    days: Progress


def commune_progress(campaign: Campaign, commune: Unit, hamlets, teams) -> CommuneProgress:
    """The hamlet progress page's figures: each of ``hamlets`` (of ``commune``), each of
    ``teams`` and each day, with their totals.

    One query whatever the number of visits: the commune's visits in ``hamlets`` summed per
    (hamlet, team, day), read from the covering index visit_progress_idx alone, then rolled
    up here (a few hundred rows at most: hamlets x teams x days).
    """
    hamlets, teams = list(hamlets), list(teams)
    sums = (
        Visit.objects.filter(campaign=campaign, commune=commune, hamlet__in=[h.pk for h in hamlets])
        .values("hamlet_id", "team_id", "day")
        .annotate(**AGGREGATES)
        .order_by()
    )
    per_hamlet = {h.pk: Figures(registered=h.households) for h in hamlets}
    per_team = {t.pk: Figures() for t in teams}
    per_day: dict = {}
    for row in sums:
        figures = Figures.of(row)
        per_hamlet[row["hamlet_id"]].add(figures)
        if row["team_id"] in per_team:
            per_team[row["team_id"]].add(figures)
        per_day.setdefault(row["day"], Figures()).add(figures)

    hamlet_rows, total = [], Figures()
    for h in hamlets:
        total.add(per_hamlet[h.pk])
        hamlet_rows.append(Row(h.code, h.name, per_hamlet[h.pk], h))
    day_rows = [Row(day, "", per_day[day]) for day in sorted(per_day, reverse=True)]
    day_total = Figures()
    for row in day_rows:
        day_total.add(row.figures)
    return CommuneProgress(
        hamlets=Progress(hamlet_rows, total),
        teams=Progress([Row(t.pk, t.name, per_team[t.pk], t) for t in teams]),
        days=Progress(day_rows, day_total),
    )


def by_day(
    campaign: Campaign,
    *,
    commune: Unit | None = None,
    hamlets=None,
    hamlet: Unit | None = None,
    team: Team | None = None,
) -> Progress:
    """Figures for each day of the campaign with visits, newest first, and the total.

    Filtered by hamlet (index visit_hamlet_day_idx), team (visit_team_day_idx) or commune
    (visit_progress_idx).
    """
    visits = Visit.objects.filter(campaign=campaign)
    if commune is not None:
        visits = visits.filter(commune=commune)
    if hamlets is not None:
        visits = visits.filter(hamlet__in=list(hamlets))
    if hamlet is not None:
        visits = visits.filter(hamlet=hamlet)
    if team is not None:
        visits = visits.filter(team=team)
    rows, total = [], Figures()
    for row in visits.values("day").annotate(**AGGREGATES).order_by("-day"):
        figures = Figures.of(row)
        total.add(figures)
        rows.append(Row(row["day"], "", figures))
    return Progress(rows, total)


def visit_totals(campaign: Campaign, commune: Unit, day: date) -> dict | None:
    """A starting point for the commune's daily report, from its door-to-door visits.

    ``{"residents": {"with_smartphone": N, "installed": N}, "activities":
    {"households_visited": N}, "visits": N, "through": day}``: residents' smartphones found
    and phones with the app (already had + installed during the visits) on visits up to
    ``day`` (cumulative, like the report's figures), and the households where somebody was
    home on ``day`` itself (a count for the day, like the activities). None when the
    commune has no visit up to ``day``. The reporter confirms; nothing is filed.
    One query, read from the covering index visit_progress_idx.
    """
    row = Visit.objects.filter(campaign=campaign, commune=commune, day__lte=day).aggregate(
        visits=Count("*"),
        smartphones=Sum("smartphones"),
        already_had=Sum("already_had"),
        installed_now=Sum("installed_now"),
        reached_today=Count("outcome", filter=Q(day=day) & ~Q(outcome=Outcome.NOBODY_HOME)),
    )
    if not row["visits"]:
        return None
    return {
        "residents": {
            "with_smartphone": row["smartphones"] or 0,
            "installed": (row["already_had"] or 0) + (row["installed_now"] or 0),
        },
        "activities": {"households_visited": row["reached_today"]},
        "visits": row["visits"],
        "through": day,
    }


def due_revisits(campaign: Campaign, hamlets, limit: int = 30) -> list[Visit]:
    """Households whose latest visit found nobody home, oldest first (for the phone page).

    A household is revisited only while its latest visit found nobody home, so it is still
    due when no visit of its chain found somebody.
    """
    settled = (
        Visit.objects.filter(campaign=campaign, revisit_of__isnull=False)
        .exclude(outcome=Outcome.NOBODY_HOME)
        .values("revisit_of_id")
    )
    return list(
        Visit.objects.filter(
            campaign=campaign,
            hamlet__in=hamlets,
            revisit_of__isnull=True,
            outcome=Outcome.NOBODY_HOME,
        )
        .exclude(pk__in=settled)
        .select_related("hamlet")
        .order_by("visited_at")[:limit]
    )
