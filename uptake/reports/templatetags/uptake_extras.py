"""Small filters for the report pages: labels, bar widths, signed numbers."""

from __future__ import annotations

import math

from django import template
from django.utils.translation import gettext as _

from uptake.campaigns.models import Status
from uptake.lib import numbers
from uptake.reports.forms import source_label as _source_label

register = template.Library()


@register.filter
def status_label(value: str) -> str:
    """on_time -> "On time" (translated); an empty status is a day the unit was not expected."""
    if value in Status.values:
        return str(Status(value).label)
    return _("Not expected")


@register.filter
def source_label(value: str) -> str:
    return _source_label(value or "")


@register.filter
def bar_step(value) -> int:
    """A percentage as a whole step from 0 to 100 (rounded down, so that a bar short of its
    target never reaches the mark), for the classes of css/bars.css: ``w-95``, ``at-60``."""
    try:
        number = min(max(float(value), 0.0), 100.0)
    except (TypeError, ValueError):
        return 0
    return math.floor(number)


@register.filter
def num(value, decimals=None) -> str:
    """5.200 and 95,1 in Vietnamese (uptake.lib.numbers)."""
    return numbers.num(value, decimals)


@register.filter
def signed(value) -> str:
    """+12, −3 or 0, grouped by thousands in the active language."""
    if value is None or value == "":
        return ""
    if value > 0:
        return "+" + num(value)
    if value < 0:
        return "−" + num(-value)
    return "0"
