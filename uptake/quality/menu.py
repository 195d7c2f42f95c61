"""The data-quality page in the campaign menu (uptake.campaigns.menu)."""

from django.utils.translation import gettext_lazy as _

from uptake.campaigns.menu import Page, register

# quality flags: the Scope's roots.
register(
    Page(
        name="quality-flags",
        label=_("Data quality"),
        order=50,
        sections=("quality-",),
        opens=lambda scope, user: scope.takes_part,
    )
)
