"""The campaign menu of base.html: the pages of a campaign that the user may open.

A link is shown exactly when its page opens for the user, neither refused (403, 404) nor
redirected elsewhere. Each rule below restates the access helper of its page, named beside it;
uptake/reports/tests/test_navigation.py opens every page as every persona to keep them in step.

A fixed number of queries whatever the number of units: the user's units (``unit_paths``,
cached on the profile that the view already loaded), whether the user reports for a unit of
the campaign, and whether door-to-door hamlets are theirs to see and to record in.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from uptake.accounts.models import Profile, Role, profile_of
from uptake.campaigns.models import Campaign


@dataclass
class Link:
    name: str  # the URL's name
    label: str
    url: str
    current: bool = False


# The pages each link stands for: the page itself and those reached from it.
SECTIONS = {
    "reports-report": ("reports-report",),
    "reports-status": ("reports-status", "reports-unit", "reports-enter"),
    "documents-dashboard": ("documents-dashboard",),
    "documents-list": ("documents-list", "documents-compilation"),
    "quality-flags": ("quality-",),
    "fieldwork-home": ("fieldwork-home", "fieldwork-commune", "fieldwork-hamlet", "fieldwork-team"),
    "fieldwork-visit": ("fieldwork-visit",),
}
LABELS = {
    "reports-report": _("My report"),
    "reports-status": _("Status"),
    "documents-dashboard": _("Dashboard"),
    "documents-list": _("Compiled reports"),
    "quality-flags": _("Data quality"),
    "fieldwork-home": _("Door to door"),
    "fieldwork-visit": _("Record visits"),
}


def takes_part(profile: Profile, campaign: Campaign) -> bool:
    """One of the user's units lies in the campaign's tree or contains it (admins: always).

    The status page (reports ``_get_root_for_user``), the data-quality page (quality
    ``_scope_roots``) and the dashboard (documents ``_get_dashboard_unit``) find nothing
    otherwise.
    """
    root = campaign.root.path
    return profile.is_admin or any(
        p.startswith(root) or root.startswith(p) for p in profile.unit_paths()
    )


def reports_for_itself(profile: Profile, campaign: Campaign) -> bool:
    """The report page has a unit of the user's own to show (reports ``_own_participations``);
    without one it sends the user to the status page."""
    if profile.role == Role.VIEWER or not profile.unit_paths():
        return False
    return campaign.participations.filter(unit__in=profile.units.all()).exists()


def allowed(request, campaign: Campaign) -> list[str]:
    """The names of the campaign's pages the user may open, in the menu's order."""
    from uptake.documents.actions import may_read
    from uptake.fieldwork import access

    user = request.user
    profile = profile_of(user)
    part = takes_part(profile, campaign)
    names = []
    if reports_for_itself(profile, campaign):
        names.append("reports-report")
    if part:
        names.append("reports-status")
        # documents _get_dashboard_unit: reporters have the report page instead.
        if profile.role != Role.REPORTER or profile.is_admin:
            names.append("documents-dashboard")
    if may_read(user, campaign):  # documents _get_campaign_for_reader: reads the root
        names.append("documents-list")
    if part:
        names.append("quality-flags")
    # fieldwork: the progress pages list the communes with a hamlet the user may see; the
    # visit page records in the hamlets of the user's teams (and units, unless a viewer).
    # For everyone but viewers the two sets are the same.
    visible = access.visible_hamlets(user, campaign).exists()
    if visible:
        names.append("fieldwork-home")
        if profile.role != Role.VIEWER or access.recordable_hamlets(user, campaign).exists():
            names.append("fieldwork-visit")
    return names


def campaign_menu(request, campaign: Campaign) -> list[Link]:
    """The menu's links, the one of the current page marked."""
    if not request.user.is_authenticated:
        return []
    match = getattr(request, "resolver_match", None)
    here = match.url_name if match else ""
    links = []
    for name in allowed(request, campaign):
        links.append(
            Link(
                name=name,
                label=str(LABELS[name]),
                url=reverse(name, args=[campaign.slug]),
                current=bool(here) and any(here.startswith(s) for s in SECTIONS[name]),
            )
        )
    return links
