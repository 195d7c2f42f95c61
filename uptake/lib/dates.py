"""Days as people here write them, dd/mm/yyyy, whatever the browser's language (#17).

A browser's ``<input type="date">`` shows mm/dd/yyyy in English and dd/mm/yyyy in Vietnamese,
beside the pages' own dd/mm/yyyy: the forms use a text field instead, with these input formats
fixed (Django's English ones would read 05/12/2026 as the 12th of May). ISO dates
(2026-12-05), as links and the API send them, are read too.
"""

from __future__ import annotations

import re
from datetime import date, datetime

from django import forms
from django.utils.translation import gettext_lazy as _

DAY_FORMAT = "%d/%m/%Y"
MOMENT_FORMAT = "%H:%M %d/%m/%Y"
DAY_INPUT_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]
MOMENT_INPUT_FORMATS = [
    "%H:%M %d/%m/%Y",
    "%d/%m/%Y %H:%M",
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%d %H:%M",
]
# 5/12/2026, 05.12.2026 and 05-12-2026 all read as 05/12/2026.
_LOOSE_DAY = re.compile(r"(?<!\d)(\d{1,2})\s*[./-]\s*(\d{1,2})\s*[./-]\s*(\d{4})(?!\d)")


def normalise(value: str) -> str:
    """A typed day with slashes between its parts ("5.12.2026" → "5/12/2026"), the rest of
    the text (a time, an ISO date) left alone."""
    return _LOOSE_DAY.sub(lambda m: f"{m[1]}/{m[2]}/{m[3]}", value.strip())


def parse_day(value: str | None) -> date | None:
    """dd/mm/yyyy (or an ISO date) to a date; None when it is none of them."""
    if not value:
        return None
    value = normalise(value)
    for fmt in DAY_INPUT_FORMATS:
        try:
            return datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    return None


class DayInput(forms.DateInput):
    """A text field that reads and shows dd/mm/yyyy, with the number pad on a phone."""

    input_type = "text"

    def __init__(self, attrs=None):
        defaults = {
            "inputmode": "numeric",
            "autocomplete": "off",
            "placeholder": _("dd/mm/yyyy"),
            "pattern": r"\s*\d{1,2}\s*[.\/\-]\s*\d{1,2}\s*[.\/\-]\s*\d{4}\s*|\d{4}-\d{2}-\d{2}",
            "class": "day",
        }
        super().__init__({**defaults, **(attrs or {})}, format=DAY_FORMAT)


class MomentInput(forms.DateTimeInput):
    """A text field for a time and a day, "14:05 05/12/2026", as the pages show them."""

    input_type = "text"

    def __init__(self, attrs=None):
        defaults = {"autocomplete": "off", "placeholder": _("hh:mm dd/mm/yyyy"), "class": "moment"}
        super().__init__({**defaults, **(attrs or {})}, format=MOMENT_FORMAT)


class DayField(forms.DateField):
    widget = DayInput
    input_formats = DAY_INPUT_FORMATS
    default_error_messages = {"invalid": _("Type the day as dd/mm/yyyy, for example 05/12/2026.")}

    def to_python(self, value):
        return super().to_python(normalise(value) if isinstance(value, str) else value)


class MomentField(forms.DateTimeField):
    widget = MomentInput
    input_formats = MOMENT_INPUT_FORMATS
    default_error_messages = {
        "invalid": _("Type the time and day as hh:mm dd/mm/yyyy, for example 14:05 05/12/2026.")
    }

    def to_python(self, value):
        return super().to_python(normalise(value) if isinstance(value, str) else value)
