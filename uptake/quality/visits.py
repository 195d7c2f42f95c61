"""The households a commune's teams recorded as visited (#4, uptake.fieldwork), to sample from.

Kept apart so that quality works with or without the fieldwork app: ``available()`` says
whether household visits are recorded at all.
"""

from __future__ import annotations

from django.apps import apps
from django.utils.translation import gettext as _

from uptake.campaigns.models import Campaign
from uptake.lib.text import fold
from uptake.units.models import Unit


def _visit_model():
    if not apps.is_installed("uptake.fieldwork"):
        return None
    try:
        return apps.get_model("fieldwork", "Visit")
    except LookupError:
        return None


def available() -> bool:
    return _visit_model() is not None


def recorded(campaign: Campaign, unit: Unit) -> bool:
    """Whether the teams of ``unit`` recorded any visit in the campaign (one query)."""
    Visit = _visit_model()
    return Visit is not None and Visit.objects.filter(campaign=campaign, commune=unit).exists()


def population(campaign: Campaign, unit: Unit) -> list[dict]:
    """Each household of ``unit`` (a commune) found with a smartphone, once, in visit order.

    A household visited twice (nobody home, then a revisit) counts once: its first visit that
    found smartphones. Ordered by the time of that visit, then the visit's id: stable.
    """
    Visit = _visit_model()
    if Visit is None:
        return []
    visits = (
        Visit.objects.filter(campaign=campaign, commune=unit, smartphones__gt=0)
        .select_related("hamlet")
        .order_by("visited_at", "id")
    )
    seen, out = set(), []
    for visit in visits:
        key = (visit.hamlet_id, fold(visit.household))
        if key in seen:
            continue
        seen.add(key)
        out.append(
            {
                "ref": str(visit.id),
                "label": f"{visit.hamlet.name} · {visit.household}",
                "detail": _("%(n)s smartphone(s); visited %(day)s: %(outcome)s")
                % {
                    "n": visit.smartphones,
                    "day": visit.day.strftime("%d/%m/%Y"),
                    "outcome": visit.get_outcome_display(),
                },
            }
        )
    return out
