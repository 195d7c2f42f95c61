"""Scope: a campaign, the subtrees of units one person works on there, and what they may do.

The one owner of "the top of this user's units in this campaign" and of "which coordinating
level does this person compile, read, or not see at all" (#14). Pages, API routes, jobs,
compilations and documents are handed a ``Scope`` (``Scope.of(user, campaign)``, or
``Scope.system(campaign)`` for the scheduler and the commands) instead of working it out.

A unit is in scope when it lies within one of ``roots``: the tops of the person's units inside
the campaign's tree (the campaign's top unit for admins and for anyone whose unit contains it).
A coordinating level (``Coordination``) is read by those who read its unit, and by the
coordinators and viewers of the levels below that it includes; it is compiled by the
coordinators of that level alone: those whose unit is its office, or whose unit holds it as the
highest level inside.
"""

from __future__ import annotations

from functools import cached_property

from uptake.accounts.models import Profile, Role, profile_of
from uptake.campaigns.models import Campaign, Coordination, Participation
from uptake.units.models import Unit


class OutOfScope(LookupError):
    """The unit or level lies outside what this person may see (a page answers 404, the API 403)."""


class NotCoordinating(ValueError):
    """``?unit=CODE`` names a unit that coordinates nothing in the campaign (the API's 422)."""


class Scope:
    def __init__(self, campaign: Campaign, profile: Profile | None):
        self.campaign = campaign
        self.profile = profile  # None: the system (scheduler, commands)

    @classmethod
    def of(cls, user, campaign: Campaign) -> Scope:
        """The person's scope in ``campaign``, made once per user object: a page's view, its
        menu and its helpers ask the same one within a request."""
        made = user.__dict__.setdefault("_uptake_scopes", {})
        key = (campaign.pk, campaign.root_id, campaign.loaded_at)
        if key not in made:
            made[key] = cls(campaign, profile_of(user))
        return made[key]

    @classmethod
    def system(cls, campaign: Campaign) -> Scope:
        return cls(campaign, None)

    def remember(self, key: str, compute):
        """``compute()`` once per scope: for answers several rules ask (the menu's)."""
        memo = self.__dict__.setdefault("_memo", {})
        if key not in memo:
            memo[key] = compute()
        return memo[key]

    # --- who ----------------------------------------------------------------------------

    @property
    def is_admin(self) -> bool:
        return self.profile is None or self.profile.is_admin

    @property
    def role(self) -> str:
        return Role.ADMIN if self.is_admin else self.profile.role

    @property
    def coordinates(self) -> bool:
        """A coordinator or an admin: compiles, approves, enters figures on behalf."""
        return self.is_admin or self.role == Role.COORDINATOR

    # --- units --------------------------------------------------------------------------

    @cached_property
    def own_units(self) -> list[Unit]:
        if self.profile is None:
            return []
        units = list(self.profile.units.order_by("path"))
        # The profile's own cache of its paths (can_read, scope_q) need not ask again.
        self.profile.__dict__.setdefault("_unit_paths", [u.path for u in units])
        return units

    @cached_property
    def roots(self) -> list[Unit]:
        """The tops of the person's units within the campaign, outermost first, none nested."""
        root = self.campaign.root
        if self.is_admin:
            return [root]
        roots: list[Unit] = []
        for unit in self.own_units:
            if root.is_within(unit):
                return [root]
            if unit.is_within(root) and not any(unit.is_within(r) for r in roots):
                roots.append(unit)
        return roots

    @property
    def takes_part(self) -> bool:
        return bool(self.roots)

    def contains(self, unit: Unit) -> bool:
        """``unit`` lies within the person's units in this campaign."""
        return any(unit.is_within(r) for r in self.roots)

    def may_submit(self, unit: Unit) -> bool:
        """Reporters for their units, coordinators and admins (on behalf) under theirs."""
        return self.role != Role.VIEWER and self.contains(unit)

    def own_participations(self) -> list[Participation]:
        """The campaign's participations of the units the person reports for themselves (not
        those below them): what their report page shows. None for viewers."""
        if self.profile is None or self.role == Role.VIEWER or not self.own_units:
            return []
        return list(
            self.campaign.participations.filter(unit__in=self.own_units)
            .select_related("unit")
            .order_by("unit__path")
        )

    def root_for(self, code: str | None) -> Unit:
        """The unit a page is about: ``?root=CODE`` if in scope (a unit above the campaign's top
        stands for the top), else the first of ``roots``."""
        if not code:
            if not self.roots:
                raise OutOfScope("the person takes no part in this campaign")
            return self.roots[0]
        unit = Unit.objects.filter(code=code).first()
        if unit is None:
            raise OutOfScope(f"no unit {code!r}")
        if self.campaign.root.is_within(unit) and (
            self.is_admin or any(r == self.campaign.root for r in self.roots)
        ):
            return self.campaign.root
        if not self.contains(unit):
            raise OutOfScope(f"unit {code!r} is outside the person's units in this campaign")
        return unit

    # --- coordinating levels ------------------------------------------------------------

    @cached_property
    def levels(self) -> list[Coordination]:
        """The campaign's coordinating levels, outermost first (by their unit's path)."""
        levels = list(
            Coordination.objects.filter(campaign=self.campaign)
            .select_related("unit", "office")
            .order_by("unit__path")
        )
        for level in levels:
            level.campaign = self.campaign
        return levels

    @property
    def top(self) -> Coordination:
        for level in self.levels:
            if level.unit_id == self.campaign.root_id:
                return level
        raise LookupError(f"campaign {self.campaign.slug} has no top coordination")

    def level_of(self, unit: Unit) -> Coordination:
        """The deepest level whose subtree holds ``unit``: who compiles its figures first."""
        found = self.top
        for level in self.levels:
            if unit.is_within(level.unit) and len(level.unit.path) > len(found.unit.path):
                found = level
        return found

    def parent_of(self, level: Coordination) -> Coordination | None:
        """The level directly above: the deepest other level whose unit holds this one's."""
        if level.unit_id == self.campaign.root_id:
            return None
        above = [
            other
            for other in self.levels
            if other.pk != level.pk
            and level.unit.path.startswith(other.unit.path)
            and other.unit.path != level.unit.path
        ]
        return max(above, key=lambda lv: len(lv.unit.path)) if above else None

    def below(self, level: Coordination) -> list[Coordination]:
        """The levels directly below ``level`` (no level in between), in path order."""
        return [
            other
            for other in self.levels
            if other.pk != level.pk and self.parent_of(other) == level
        ]

    def may_compile(self, level: Coordination) -> bool:
        """Make, write, approve and send this level's report: its own coordinators alone."""
        if self.is_admin:
            return True
        if self.role != Role.COORDINATOR:
            return False
        for unit in self.own_units:
            if unit.pk == level.office_id:
                return True
            if level.unit.is_within(unit) and self._highest_inside(unit) == level:
                return True
        return False

    def _highest_inside(self, unit: Unit) -> Coordination | None:
        inside = [lv for lv in self.levels if lv.unit.is_within(unit)]
        return min(inside, key=lambda lv: len(lv.unit.path)) if inside else None

    def may_read_level(self, level: Coordination) -> bool:
        """Read this level's reports: those who read its unit, and the coordinators and viewers
        of a level it includes (a district reads the province's report, not changes it)."""
        if self.is_admin:
            return True
        if self.contains(level.unit):
            return True
        if self.role == Role.REPORTER:
            return False
        return any(
            other.pk != level.pk
            and other.unit.is_within(level.unit)
            and any(other.unit.is_within(r) or r.pk == other.office_id for r in self.own_units)
            for other in self.levels
        )

    def compiled_levels(self) -> list[Coordination]:
        return [level for level in self.levels if self.may_compile(level)]

    def readable_levels(self) -> list[Coordination]:
        return [level for level in self.levels if self.may_read_level(level)]

    def home_level(self) -> Coordination | None:
        """The level a page of compiled reports opens on: the first one this person compiles,
        else the level of their first unit, when they may read it."""
        compiled = self.compiled_levels()
        if compiled:
            return compiled[0]
        if not self.roots:
            return None
        level = self.level_of(self.roots[0])
        return level if self.may_read_level(level) else None

    def level_for(self, code: str | None) -> Coordination:
        """``?unit=CODE``: the level of that unit (or of that office); none: the top level.

        ``NotCoordinating`` when CODE coordinates nothing here; ``OutOfScope`` when the person
        may not read it."""
        if not code:
            level = self.top
        else:
            matches = [lv for lv in self.levels if code in (lv.unit.code, lv.office.code)]
            if not matches:
                raise NotCoordinating(f"{code!r} coordinates nothing in this campaign")
            # An office that coordinates two levels is named by its unit's code instead.
            level = matches[0]
        if not self.may_read_level(level):
            raise OutOfScope(f"the report of {level.unit.code} is outside the person's units")
        return level
