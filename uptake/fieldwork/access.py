"""Who sees and records which hamlets, and who manages a commune's teams.

- A team member sees and records visits only in the hamlets assigned to their teams.
- Reporters and coordinators see and record in every hamlet under their units (the
  commune's reporter, the district's coordinator); viewers see them and record nothing.
- Teams are managed by whoever submits for the commune: its reporter, a coordinator above it.
- Admins see and do everything.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from uptake.accounts.models import Role, profile_of
from uptake.campaigns.models import Campaign
from uptake.fieldwork.models import Team
from uptake.units.models import COMMUNE_KINDS, Unit


def campaign_hamlets(campaign: Campaign) -> QuerySet[Unit]:
    return Unit.objects.filter(kind=Unit.Kind.HAMLET, path__startswith=campaign.root.path)


def _team_hamlet_ids(user, campaign: Campaign):
    return Team.hamlets.through.objects.filter(team__campaign=campaign, team__members=user).values(
        "unit_id"
    )


def visible_hamlets(user, campaign: Campaign) -> QuerySet[Unit]:
    """The campaign's hamlets whose visits and progress ``user`` may read."""
    profile = profile_of(user)
    hamlets = campaign_hamlets(campaign)
    if profile.is_admin:
        return hamlets
    return hamlets.filter(profile.scope_q() | Q(pk__in=_team_hamlet_ids(user, campaign)))


def recordable_hamlets(user, campaign: Campaign) -> QuerySet[Unit]:
    """The campaign's hamlets where ``user`` may record visits."""
    profile = profile_of(user)
    hamlets = campaign_hamlets(campaign)
    if profile.is_admin:
        return hamlets
    allowed = Q(pk__in=_team_hamlet_ids(user, campaign))
    if profile.role != Role.VIEWER:
        allowed |= profile.scope_q()
    return hamlets.filter(allowed)


def can_record(user, campaign: Campaign, hamlet: Unit) -> bool:
    return recordable_hamlets(user, campaign).filter(pk=hamlet.pk).exists()


def can_see(user, campaign: Campaign, hamlet: Unit) -> bool:
    return visible_hamlets(user, campaign).filter(pk=hamlet.pk).exists()


def can_manage_teams(user, commune: Unit) -> bool:
    """The commune's reporter, a coordinator above it, an admin."""
    return commune.kind in COMMUNE_KINDS and profile_of(user).can_submit(commune)


def visible_communes(user, campaign: Campaign) -> QuerySet[Unit]:
    """Communes (towns, wards) with at least one hamlet the user may see."""
    parents = visible_hamlets(user, campaign).values("parent_id")
    return Unit.objects.filter(pk__in=parents, kind__in=COMMUNE_KINDS).order_by("path")


def in_a_team(user) -> bool:
    """Whether ``user`` is a member of a door-to-door team in any campaign."""
    return Team.objects.filter(members=user).exists()


def teams_of(user, campaign: Campaign) -> QuerySet[Team]:
    return Team.objects.filter(campaign=campaign, members=user)
