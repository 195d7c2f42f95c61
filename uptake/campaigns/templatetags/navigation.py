"""``{% campaign_menu as links %}``: base.html's menu for the page's ``campaign``."""

from __future__ import annotations

from django import template

from uptake.campaigns.menu import campaign_menu as _campaign_menu

register = template.Library()


@register.simple_tag(takes_context=True)
def campaign_menu(context) -> list:
    campaign = context.get("campaign")
    request = context.get("request")
    if campaign is None or request is None:
        return []
    return _campaign_menu(request, campaign)
