"""The daily report form (a unit's own page) and the entry on behalf of a unit.

The forms only shape what the browser sends; every rule on figures, dates and notes is checked
by ``submit_report`` (shared with the API), whose errors are put back next to their fields
with ``add_report_errors``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date

from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _

from uptake.campaigns.models import Activity, Group, Participation
from uptake.lib.dates import DayField, MomentField
from uptake.reports.actions import FIELDS, NOTE_MAX, FieldError
from uptake.reports.models import Report

NUMBER_ATTRS = {"inputmode": "numeric", "autocomplete": "off", "class": "number"}


def figure_field(group: str, name: str) -> str:
    """The form field of ``figures.<group>.<name>``: ``staff__installed``."""
    return f"{group}__{name}"


def activity_field(key: str) -> str:
    return f"activity__{key}"


class ReportForm(forms.Form):
    """Per group of the unit: with a smartphone and installed; the day's activities; a note."""

    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when a figure is lower than before: explain the correction."),
    )

    def __init__(
        self,
        *args,
        participation: Participation,
        groups: list[Group],
        activities: list[Activity],
        previous: Report | None = None,
        suggestions: list | None = None,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.participation = participation
        # Starting points offered beside the fields (uptake.reports.suggestions).
        self.suggestions = suggestions or []
        self.groups = [g for g in groups if g.key in participation.groups]
        self.activities = [a for a in activities if a.key in participation.activities]
        labels = {"with_smartphone": _("with a smartphone"), "installed": _("installed")}
        figure_fields = {}
        for group in self.groups:
            before = (previous.figures.get(group.key) if previous else None) or {}
            for name in FIELDS:
                # Not required here: submit_report says what is missing, with every other error.
                figure_fields[figure_field(group.key, name)] = field = forms.CharField(
                    label=labels[name],
                    required=False,
                    max_length=15,
                    initial=before.get(name),
                    widget=forms.TextInput(attrs={**NUMBER_ATTRS, "required": True}),
                )
                # The error summary names the group too: "installed" alone says too little.
                field.summary_label = f"{group.name} – {labels[name]}"
        activity_fields = {
            activity_field(a.key): forms.CharField(
                label=a.name, required=False, max_length=15, widget=forms.TextInput(NUMBER_ATTRS)
            )
            for a in self.activities
        }
        # Figures first, then activities, then whatever the subclass declared (note, ...).
        declared = dict(self.fields)
        self.fields = {**figure_fields, **activity_fields}
        self.fields.update(self.leading_fields(declared))
        self.fields.update(declared)
        if self.lowered_by_suggestion:
            # Figures filled in below the latest ones: not sent without a note saying why.
            self.fields["note"].widget.attrs["required"] = True

    @property
    def lowered_by_suggestion(self) -> bool:
        """The form opened filled with a suggestion below the unit's latest figures."""
        return any(s.applied and s.lowers for s in self.suggestions)

    def leading_fields(self, declared: dict) -> dict:
        return {}

    def group_rows(self):
        """(group, with_smartphone field, installed field, offers) for the template."""
        return [
            (
                g,
                self[figure_field(g.key, "with_smartphone")],
                self[figure_field(g.key, "installed")],
                self.offers(g.key),
            )
            for g in self.groups
        ]

    def activity_rows(self):
        """(activity, field, offers) for the template."""
        return [
            (a, self[activity_field(a.key)], self.offers(f"activity:{a.key}"))
            for a in self.activities
        ]

    def offers(self, target: str) -> list[Offer]:
        """The suggestions for a group or an activity, with what the page needs to use them."""
        out = []
        for s in self.suggestions:
            if s.target != target or any(name not in self.fields for name in s.values):
                continue
            fields = {name: self[name] for name in s.values}
            out.append(
                Offer(
                    suggestion=s,
                    fill=json.dumps({fields[n].auto_id: v for n, v in s.values.items()}),
                    shown=all(
                        str(fields[n].value() if fields[n].value() is not None else "") == str(v)
                        for n, v in s.values.items()
                    ),
                )
            )
        return out

    def submission(self) -> dict:
        """The keyword arguments of submit_report that come from this form."""
        data = self.cleaned_data
        return {
            "figures": {
                g.key: {name: data.get(figure_field(g.key, name), "") for name in FIELDS}
                for g in self.groups
            },
            "activities": {a.key: data.get(activity_field(a.key), "") for a in self.activities},
            "note": data.get("note", ""),
        }

    def add_report_errors(self, errors: list[FieldError]) -> None:
        """Put submit_report's errors next to their fields ("figures.staff.installed", ...)."""
        for error in errors:
            name = self.field_for(error.field)
            self.add_error(name if name in self.fields else None, error.message)

    def field_for(self, path: str) -> str | None:
        parts = path.split(".")
        if parts[0] == "figures" and len(parts) == 3:
            return figure_field(parts[1], parts[2])
        if parts[0] == "activities" and len(parts) == 2:
            return activity_field(parts[1])
        if len(parts) == 1 and parts[0] in ("date", "note", "source", "received_at"):
            return parts[0]
        return None


@dataclass
class Offer:
    """A suggestion beside its fields: ``fill`` maps the inputs' ids to the values (for the
    page's script), ``shown`` says the fields already hold them."""

    suggestion: object  # uptake.reports.suggestions.Suggestion
    fill: str
    shown: bool


class Source(models.TextChoices):
    """How a unit sent its figures when a coordinator enters them on its behalf."""

    PHONE = "phone", _("Phone")
    ZALO = "zalo", _("Zalo")
    PAPER = "paper", _("Paper document")
    EMAIL = "email", _("E-mail")
    OTHER = "other", _("Other")


def source_label(source: str) -> str:
    """What a stored source reads as: "zalo: nhóm xã" -> "Zalo: nhóm xã"; free text as is."""
    key, _sep, detail = source.partition(": ")
    if key in Source.values and key != Source.OTHER:
        label = str(Source(key).label)
        return f"{label}: {detail}" if detail else label
    return source


class EntryForm(ReportForm):
    """A coordinator enters the figures a unit sent by phone, Zalo, paper or e-mail."""

    source = forms.ChoiceField(
        label=_("The unit sent its figures by"),
        choices=Source.choices,
        widget=forms.RadioSelect,
    )
    source_detail = forms.CharField(
        label=_("Details"),
        required=False,
        max_length=150,
        help_text=_("Who called, which Zalo group, the document's number… Required for Other."),
    )
    # Typed as the pages show times, "14:05 05/12/2026", whatever the browser's language (#17).
    received_at = MomentField(
        label=_("Received at"),
        required=False,
        help_text=_(
            "When the unit sent the figures, if before now: it decides on time or late. "
            "Empty: now. More than 15 minutes ago: say in the note why they are entered later."
        ),
    )

    def leading_fields(self, declared: dict) -> dict:
        return {
            "date": DayField(label=_("Report date")),  # dd/mm/yyyy in any language (#17)
        }

    def clean(self):
        data = super().clean()
        if data.get("source") == Source.OTHER and not data.get("source_detail", "").strip():
            self.add_error("source_detail", _("Say how the unit sent its figures."))
        return data

    def submission(self) -> dict:
        data = self.cleaned_data
        detail = data.get("source_detail", "").strip()
        key = data["source"]
        source = detail if key == Source.OTHER else (f"{key}: {detail}" if detail else key)
        return {
            **super().submission(),
            "day": data["date"],
            "source": source,
            "received_at": data.get("received_at"),
        }

    @property
    def day(self) -> date | None:
        return self.cleaned_data.get("date") if hasattr(self, "cleaned_data") else None
