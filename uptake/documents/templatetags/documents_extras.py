"""Filters for the dashboard and the compiled report's pages, in the active language."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext as _

from uptake.reports.templatetags.uptake_extras import num

register = template.Library()


@register.filter
def pct(value) -> str:
    """95.1 -> "95,1%" (Vietnamese) or "95.1%"; None -> "–"."""
    if value is None or value == "":
        return "–"
    return f"{num(float(value), 1)}%"


@register.filter
def target_pct(value) -> str:
    """A target: 100 -> "100%", 62.5 -> "62,5%"."""
    if value is None or value == "":
        return "–"
    value = float(value)
    return f"{num(value, 0 if value == int(value) else 1)}%"


@register.filter
def points(value) -> str:
    """A distance between percents: 12.3 -> "12,3 points"."""
    if value is None or value == "":
        return ""
    return _("%(value)s points") % {"value": num(float(value), 1)}
