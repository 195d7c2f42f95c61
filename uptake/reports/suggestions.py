"""Starting points for a unit's daily report: figures the campaign already holds elsewhere.

- The commune's household visits (#4, ``uptake.fieldwork.progress.visit_totals``): the
  residents' smartphones and installs found on the visits up to today, and today's households
  visited (somebody at home).
- The unit's staff roster (#5, ``uptake.quality.roster.roster_figures``): its staff figures.

The report page shows each one beside the fields it would fill, with where it comes from, what
it covers (the households visited, of those registered) and a link to use it
(``?unit=CODE&use=visits``: the page opens again with the form filled; a small script fills the
fields in place instead). Nothing is ever filed: the reporter submits.

A suggestion never silently lowers a unit's figures (#13: one tap replaced a commune's
5.800 / 2.410 with the 328 / 237 of its visits): one below the latest figures sent says so, is
never filled in by default, and once used makes the note required, as every decrease needs
(``submit_report`` refuses the decrease without it).

What fills the form when it opens (when no report of today is there yet: a correction starts
from what was sent): the roster's staff figures, as issue #5 asks ("its staff figures in the
daily form come from it"), and today's households visited from the visits (#9: "filled from
#4's visits where they exist"). The visits' residents' figures wait for the reporter's click:
they count the visited households only, usually fewer than the commune's own figures.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Sum

from uptake.campaigns.models import Campaign, Participation
from uptake.reports.actions import FIELDS
from uptake.reports.forms import activity_field, figure_field
from uptake.reports.models import Report
from uptake.units.models import COMMUNE_KINDS

VISITS = "visits"
ROSTER = "roster"
SOURCES = (VISITS, ROSTER)
HOUSEHOLDS_VISITED = "households_visited"  # the activity that the visits count


@dataclass
class Suggestion:
    """Figures from one source for one group (``target`` "residents") or one activity
    (``target`` "activity:households_visited")."""

    source: str  # visits | roster
    target: str
    values: dict[str, int]  # the form's field names (without the unit's prefix) -> value
    count: int  # visits made, or members on the roster
    through: date  # the day the figures stand at
    default: bool = False  # fills the form when it opens
    figures: dict = field(default_factory=dict)  # the source's own figures, for the page
    applied: bool = False  # the form opened filled with it
    households: int | None = None  # visits: the households visited (what the figures cover)
    registered: int | None = None  # visits: the households registered in the commune's hamlets
    latest: dict = field(default_factory=dict)  # the group's latest figures sent
    lowers: list[str] = field(default_factory=list)  # the figures it would bring below them

    @property
    def is_activity(self) -> bool:
        return self.target.startswith("activity:")


def starting_points(campaign: Campaign, p: Participation, day: date) -> list[Suggestion]:
    """What the campaign's visits and roster offer for ``p``'s report of ``day``.

    One query per source that applies: visits for communes, towns and wards that report the
    residents or the households visited; the roster for units that report their staff.
    """
    from uptake.fieldwork.progress import visit_totals
    from uptake.quality.roster import roster_figures

    out: list[Suggestion] = []
    wants_visits = "residents" in p.groups or HOUSEHOLDS_VISITED in p.activities
    if p.unit.kind in COMMUNE_KINDS and wants_visits:
        totals = visit_totals(campaign, p.unit, day)
        if totals is not None:
            if "residents" in p.groups:
                residents = totals["residents"]
                households, registered = _households(campaign, p, day)
                out.append(
                    Suggestion(
                        source=VISITS,
                        target="residents",
                        values={figure_field("residents", k): v for k, v in residents.items()},
                        count=totals["visits"],
                        through=totals["through"],
                        figures=residents,
                        households=households,
                        registered=registered,
                    )
                )
            visited = totals["activities"][HOUSEHOLDS_VISITED]
            if HOUSEHOLDS_VISITED in p.activities:
                out.append(
                    Suggestion(
                        source=VISITS,
                        target=f"activity:{HOUSEHOLDS_VISITED}",
                        values={activity_field(HOUSEHOLDS_VISITED): visited},
                        count=totals["visits"],
                        through=totals["through"],
                        default=visited > 0,  # none recorded today: the reporter says
                        figures={HOUSEHOLDS_VISITED: visited},
                    )
                )
    if "staff" in p.groups:
        roster = roster_figures(campaign, p.unit, day)
        if roster is not None:
            out.append(
                Suggestion(
                    source=ROSTER,
                    target="staff",
                    values={
                        figure_field("staff", k): roster[k]
                        for k in ("with_smartphone", "installed")
                    },
                    count=roster["members"],
                    through=day,
                    default=True,
                    figures=roster,
                )
            )
    return out


def _households(campaign: Campaign, p: Participation, day: date) -> tuple[int, int | None]:
    """The commune's households visited up to ``day`` (knocked on at least once: a first
    visit each) and those registered in its hamlets (None when the file gives none)."""
    from uptake.fieldwork.models import Visit
    from uptake.fieldwork.progress import AGGREGATES
    from uptake.units.models import Unit

    visited = Visit.objects.filter(campaign=campaign, commune=p.unit, day__lte=day).aggregate(
        households=AGGREGATES["households"]
    )["households"]
    registered = Unit.objects.filter(parent=p.unit, kind=Unit.Kind.HAMLET).aggregate(
        registered=Sum("households")
    )["registered"]
    return visited or 0, registered


def compare_with_latest(suggestions: list[Suggestion], latest: Report | None) -> None:
    """Mark the figures each group's suggestion would bring below ``latest`` (the unit's
    latest report, the figures the form starts from)."""
    if latest is None:
        return
    for s in suggestions:
        if s.is_activity:
            continue  # counts for the day, not cumulative
        before = latest.figures.get(s.target) or {}
        s.latest = {name: before.get(name) for name in FIELDS}
        s.lowers = [
            name
            for name in FIELDS
            if isinstance(before.get(name), int)
            and s.values.get(figure_field(s.target, name), before[name]) < before[name]
        ]


def initial_values(
    suggestions: list[Suggestion],
    *,
    latest: Report | None = None,
    reported_today: bool,
    use: str | None,
) -> dict[str, int]:
    """The form's starting values from ``suggestions``: those asked for with ``?use=``, and
    the defaults while today's report is still to make, unless they would lower the
    ``latest`` figures (then they are only offered). Marks the ones applied."""
    compare_with_latest(suggestions, latest)
    initial: dict[str, int] = {}
    for s in suggestions:
        if s.source == use or (s.default and not reported_today and not s.lowers):
            initial.update(s.values)
            s.applied = True
    return initial
