"""The reports' pages in the campaign menu (uptake.campaigns.menu)."""

from django.utils.translation import gettext_lazy as _

from uptake.campaigns.menu import Page, register

# reports _own_participations: the report page has a unit of the user's own to show; without
# one it sends the user to the status page.
register(
    Page(
        name="reports-report",
        label=_("My report"),
        order=10,
        sections=("reports-report",),
        opens=lambda scope, user: bool(scope.own_participations()),
    )
)
# reports status: the Scope's root_for.
register(
    Page(
        name="reports-status",
        label=_("Status"),
        order=20,
        sections=("reports-status", "reports-unit", "reports-enter"),
        opens=lambda scope, user: scope.takes_part,
    )
)
