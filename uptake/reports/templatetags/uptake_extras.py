"""Small filters for the report pages: labels, bar widths, signed numbers."""

from __future__ import annotations

import math

from django import template
from django.utils import numberformat
from django.utils.formats import get_format
from django.utils.translation import gettext as _

from uptake.campaigns.models import Status
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
    """A number grouped by thousands in the active language: 5.200 and 95,1 in Vietnamese.

    Django's Vietnamese formats do not group digits (no NUMBER_GROUPING) and ``intcomma``
    follows them, so the grouping by three is given here.
    """
    if value is None or value == "":
        return ""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    return numberformat.format(
        value,
        get_format("DECIMAL_SEPARATOR"),
        decimal_pos=decimals,
        grouping=3,
        thousand_sep=get_format("THOUSAND_SEPARATOR"),
        force_grouping=True,
    )


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
