from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from uptake.accounts.models import Role
from uptake.notify.models import Kind

# The kinds of notification each role receives: what its preferences page offers.
KINDS_BY_ROLE = {
    Role.REPORTER: [Kind.MORNING_REMINDER, Kind.AFTERNOON_REMINDER, Kind.OVERDUE],
    Role.COORDINATOR: [Kind.STATUS_LIST, Kind.DRAFT_READY, Kind.SENT],
    Role.VIEWER: [Kind.LEADERS_SUMMARY],
    Role.ADMIN: list(Kind),
}


class PreferenceForm(forms.Form):
    email = forms.BooleanField(
        label=_("Send me notifications by e-mail"),
        required=False,
        help_text=_("Notifications always appear in the app."),
    )
    email_kinds = forms.MultipleChoiceField(
        label=_("By e-mail"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, role: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.kinds = KINDS_BY_ROLE.get(role, [])
        self.fields["email_kinds"].choices = [(k.value, k.label) for k in self.kinds]
