"""The coordinator's text of a compilation."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from uptake.documents.actions import TEXT_MAX


class TextForm(forms.Form):
    situation = forms.CharField(
        label=_("Situation"),
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("How the campaign went today: what was done, what was inspected."),
    )
    difficulties = forms.CharField(
        label=_("Difficulties"),
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    proposals = forms.CharField(
        label=_("Proposals"),
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
