"""Starting points for a unit's daily report: figures the campaign already holds elsewhere.

- The commune's household visits (#4, ``uptake.fieldwork.progress.visit_totals``): the
  residents' smartphones and installs found on the visits up to today, and today's households
  visited (somebody at home).
- The unit's staff roster (#5, ``uptake.quality.roster.roster_figures``): its staff figures.

The report page shows each one beside the fields it would fill, with where it comes from and a
link to use it (``?unit=CODE&use=visits``: the page opens again with the form filled; a small
script fills the fields in place instead). Nothing is ever filed: the reporter submits.

What fills the form when it opens (when no report of today is there yet: a correction starts
from what was sent): the roster's staff figures, as issue #5 asks ("its staff figures in the
daily form come from it"), and today's households visited from the visits (#9: "filled from
#4's visits where they exist"). The visits' residents' figures wait for the reporter's click:
they count the visited households only, usually fewer than the commune's own figures.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from uptake.campaigns.models import Campaign, Participation
from uptake.reports.forms import activity_field, figure_field

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

    @property
    def is_activity(self) -> bool:
        return self.target.startswith("activity:")


def starting_points(campaign: Campaign, p: Participation, day: date) -> list[Suggestion]:
    """What the campaign's visits and roster offer for ``p``'s report of ``day``.

    One query per source that applies: visits for communes, towns and wards that report the
    residents or the households visited; the roster for units that report their staff.
    """
    from uptake.fieldwork.access import COMMUNE_KINDS
    from uptake.fieldwork.progress import visit_totals
    from uptake.quality.roster import roster_figures

    out: list[Suggestion] = []
    wants_visits = "residents" in p.groups or HOUSEHOLDS_VISITED in p.activities
    if p.unit.kind in COMMUNE_KINDS and wants_visits:
        totals = visit_totals(campaign, p.unit, day)
        if totals is not None:
            if "residents" in p.groups:
                residents = totals["residents"]
                out.append(
                    Suggestion(
                        source=VISITS,
                        target="residents",
                        values={figure_field("residents", k): v for k, v in residents.items()},
                        count=totals["visits"],
                        through=totals["through"],
                        figures=residents,
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


def initial_values(
    suggestions: list[Suggestion], *, reported_today: bool, use: str | None
) -> dict[str, int]:
    """The form's starting values from ``suggestions``: those asked for with ``?use=``, and
    the defaults while today's report is still to make. Marks the ones applied."""
    initial: dict[str, int] = {}
    for s in suggestions:
        if s.source == use or (s.default and not reported_today):
            initial.update(s.values)
            s.applied = True
    return initial
