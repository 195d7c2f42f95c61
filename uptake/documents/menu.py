"""The compiled reports' pages in the campaign menu (uptake.campaigns.menu)."""

from django.utils.translation import gettext_lazy as _

from uptake.accounts.models import Role
from uptake.campaigns.menu import Page, register

# documents _get_dashboard_unit: reporters have the report page instead.
register(
    Page(
        name="documents-dashboard",
        label=_("Dashboard"),
        order=30,
        sections=("documents-dashboard",),
        opens=lambda scope, user: scope.takes_part and scope.role != Role.REPORTER,
    )
)
# documents _get_level_for_reader: the level the person compiles, or their unit's.
register(
    Page(
        name="documents-list",
        label=_("Compiled reports"),
        order=40,
        sections=("documents-list", "documents-compilation"),
        opens=lambda scope, user: scope.home_level() is not None,
    )
)
