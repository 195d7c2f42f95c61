"""The campaign menu of base.html: the pages of a campaign that the user may open.

Each app registers the pages it adds to the menu (its ``menu.py``, imported by its AppConfig's
``ready``), with the rule that says whether its page opens for a person: the menu asks each in
turn and knows none of them. A link is shown exactly when its page opens, neither refused
(403, 404) nor redirected elsewhere; each rule asks the same Scope its page's access helper
asks. uptake/reports/tests/test_navigation.py opens every page as every persona to keep them
in step.

The home page asks the registered landings, in turn, where a person with no running campaign
of their own goes (a door-to-door volunteer: their team's page).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse

from uptake.campaigns.models import Campaign
from uptake.campaigns.scope import Scope


@dataclass(frozen=True)
class Page:
    name: str  # the URL's name, taking the campaign's slug
    label: str  # lazily translated
    order: int  # place in the menu
    sections: tuple[str, ...]  # URL names (or prefixes) of the pages reached from it
    opens: Callable[[Scope, object], bool]  # (scope, user) -> the page opens for them


@dataclass
class Link:
    name: str
    label: str
    url: str
    current: bool = False


PAGES: dict[str, Page] = {}
LANDINGS: list[Callable[[object], str | None]] = []


def register(page: Page) -> None:
    PAGES[page.name] = page


def register_landing(landing: Callable[[object], str | None]) -> None:
    """``landing(user)``: the URL name a person without a running campaign starts on, or None."""
    LANDINGS.append(landing)


def landing_for(user) -> str | None:
    for landing in LANDINGS:
        found = landing(user)
        if found:
            return found
    return None


def campaigns_for(user):
    """The campaigns the person takes part in (a participation under one of their units; every
    campaign for an admin), the latest first."""
    from uptake.accounts.models import profile_of
    from uptake.units.models import Unit

    profile = profile_of(user)
    campaigns = Campaign.objects.all()
    if not profile.is_admin:
        units = Unit.objects.filter(profile.scope_q())
        campaigns = campaigns.filter(participations__unit__in=units).distinct()
    return campaigns.order_by("-start", "title")


def campaign_for(user) -> Campaign | None:
    """The campaign whose menu a page outside any campaign shows (the account page, #17): the
    person's running campaign that started last, else their latest."""
    campaigns = list(campaigns_for(user).select_related("root"))
    running = [c for c in campaigns if c.start <= c.today() <= c.end]
    return (running or campaigns or [None])[0]


def allowed(request, campaign: Campaign) -> list[str]:
    """The names of the campaign's pages the user may open, in the menu's order."""
    scope = Scope.of(request.user, campaign)
    pages = sorted(PAGES.values(), key=lambda p: p.order)
    return [p.name for p in pages if p.opens(scope, request.user)]


def sections() -> dict[str, tuple[str, ...]]:
    return {name: page.sections for name, page in PAGES.items()}


def campaign_menu(request, campaign: Campaign) -> list[Link]:
    """The menu's links, the one of the current page marked."""
    if not request.user.is_authenticated:
        return []
    match = getattr(request, "resolver_match", None)
    here = match.url_name if match else ""
    links = []
    for name in allowed(request, campaign):
        page = PAGES[name]
        links.append(
            Link(
                name=name,
                label=str(page.label),
                url=reverse(name, args=[campaign.slug]),
                current=bool(here) and any(here.startswith(s) for s in page.sections),
            )
        )
    return links
