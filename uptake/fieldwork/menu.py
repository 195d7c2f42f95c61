"""Door to door in the campaign menu (uptake.campaigns.menu), and the volunteers' landing.

The progress pages list the communes with a hamlet the user may see; the visit page records
in the hamlets of the user's teams (and units, unless a viewer). For everyone but viewers the
two sets are the same.
"""

from django.utils.translation import gettext_lazy as _

from uptake.accounts.models import Role, profile_of
from uptake.campaigns.menu import Page, register, register_landing
from uptake.fieldwork import access


def _sees(scope, user) -> bool:
    return scope.remember(
        "fieldwork.sees", lambda: access.visible_hamlets(user, scope.campaign).exists()
    )


def _records(scope, user) -> bool:
    if not _sees(scope, user):
        return False
    return scope.role != Role.VIEWER or access.recordable_hamlets(user, scope.campaign).exists()


register(
    Page(
        name="fieldwork-home",
        label=_("Door to door"),
        order=60,
        sections=("fieldwork-home", "fieldwork-commune", "fieldwork-hamlet", "fieldwork-team"),
        opens=_sees,
    )
)
register(
    Page(
        name="fieldwork-visit",
        label=_("Record visits"),
        order=70,
        sections=("fieldwork-visit",),
        opens=_records,
    )
)


def _volunteer(user) -> str | None:
    """A door-to-door volunteer (a viewer with no unit of their own, only their team's
    hamlets) starts on their team's page."""
    if profile_of(user).role == Role.VIEWER and access.in_a_team(user):
        return "fieldwork-start"
    return None


register_landing(_volunteer)
