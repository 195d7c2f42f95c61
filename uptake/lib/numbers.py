"""Numbers as people read them: grouped by thousands in the active language."""

from __future__ import annotations

from django.utils import numberformat
from django.utils.formats import get_format


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
