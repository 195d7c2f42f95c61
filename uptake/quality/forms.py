"""The forms of quality work. They shape what the browser sends; the rules live in the actions
(shared with the API), whose errors are put back next to their fields by ``add_errors``."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from uptake.lib.dates import DayField
from uptake.quality.actions import REASON_MAX, SAMPLE_MAX, TEXT_MAX
from uptake.quality.models import Method, Rule, Sample, Severity
from uptake.reports.actions import FieldError

NUMBER = {"inputmode": "numeric", "autocomplete": "off", "class": "number"}


def add_errors(form: forms.Form, errors: list[FieldError]) -> None:
    """The action's errors, on their fields when the form has them, else on the form."""
    for error in errors:
        field = error.field if error.field in form.fields else None
        form.add_error(field, error.message)


class FlagFilterForm(forms.Form):
    STATUS = [("open", _("Open")), ("dismissed", _("Dismissed")), ("all", _("All"))]
    ORDER = [
        ("severity", _("Severity")),
        ("date", _("Date")),
        ("unit", _("Unit")),
        ("rule", _("Rule")),
    ]

    q = forms.CharField(label=_("Unit"), required=False, max_length=100)
    rule = forms.ChoiceField(
        label=_("Rule"), required=False, choices=[("", _("All rules"))] + Rule.choices
    )
    severity = forms.ChoiceField(
        label=_("Severity"), required=False, choices=[("", _("All severities"))] + Severity.choices
    )
    date_from = DayField(label=_("From"), required=False)
    date_to = DayField(label=_("To"), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False, choices=STATUS)
    order = forms.ChoiceField(label=_("Order by"), required=False, choices=ORDER)

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", _("The end comes before the start."))
        return data


class DismissForm(forms.Form):
    reason = forms.CharField(
        label=_("Why can this flag be dismissed?"),
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Kept in the audit trail with your name."),
    )


class InspectionForm(forms.Form):
    date = DayField(label=_("Date"))
    inspector = forms.CharField(
        label=_("Inspector"),
        max_length=200,
        required=False,
        help_text=_("Your name when left empty."),
    )
    method = forms.ChoiceField(label=_("Method"), choices=Method.choices)
    group = forms.ChoiceField(label=_("Group"))
    sample = forms.TypedChoiceField(
        label=_("Sample drawn"), required=False, coerce=int, empty_value=None
    )
    sample_size = forms.IntegerField(
        label=_("Checked"),
        min_value=1,
        widget=forms.NumberInput(NUMBER),
        help_text=_("How many people or households were checked."),
    )
    with_app = forms.IntegerField(
        label=_("Had the app"),
        min_value=0,
        widget=forms.NumberInput(NUMBER),
        help_text=_("How many of them had the app installed."),
    )
    findings = forms.CharField(
        label=_("Findings"),
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    follow_up = forms.CharField(
        label=_("Follow-up"),
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, groups, samples, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].choices = [(g.key, g.name) for g in groups]
        self.samples = {s.pk: s for s in samples}
        self.fields["sample"].choices = [("", _("None"))] + [
            (
                s.pk,
                _("%(source)s, %(n)s drawn on %(day)s (seed %(seed)s)")
                % {
                    "source": s.get_source_display(),
                    "n": len(s.items),
                    "day": s.drawn_at.strftime("%d/%m/%Y"),
                    "seed": s.seed,
                },
            )
            for s in samples
        ]

    def clean(self):
        data = super().clean()
        size, with_app = data.get("sample_size"), data.get("with_app")
        if size is not None and with_app is not None and with_app > size:
            self.add_error("with_app", _("More than the sample size."))
        return data

    def action_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data["sample"] = self.samples.get(data.get("sample"))
        return data


class SampleForm(forms.Form):
    source = forms.ChoiceField(label=_("Draw from"), widget=forms.RadioSelect)
    group = forms.ChoiceField(label=_("Group"))
    size = forms.IntegerField(
        label=_("Sample size"),
        min_value=1,
        max_value=SAMPLE_MAX,
        initial=20,
        widget=forms.NumberInput(NUMBER),
    )
    seed = forms.IntegerField(
        label=_("Seed"),
        required=False,
        min_value=0,
        max_value=10**12 - 1,
        widget=forms.NumberInput(NUMBER),
        help_text=_(
            "Leave empty for a new random seed; give a recorded seed to draw the same sample again."
        ),
    )

    def __init__(self, *args, sources, groups, **kwargs):
        super().__init__(*args, **kwargs)
        labels = dict(Sample.Source.choices)
        self.fields["source"].choices = [(s, labels[s]) for s in sources]
        self.fields["source"].initial = sources[0]
        self.fields["group"].choices = [(g.key, g.name) for g in groups]


class RosterImportForm(forms.Form):
    file = forms.FileField(
        label=_("Roster file (.xlsx)"),
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
        ),
        help_text=_("It replaces the whole roster. Up to 2,000 people and 2 MB."),
    )


class StaffMemberForm(forms.Form):
    name = forms.CharField(label=_("Full name"), max_length=200)
    position = forms.CharField(label=_("Position"), max_length=200, required=False)
    has_smartphone = forms.BooleanField(label=_("Has a smartphone"), required=False)
    installed = forms.BooleanField(label=_("Installed the app"), required=False)
    installed_on = DayField(label=_("Installed on"), required=False)
