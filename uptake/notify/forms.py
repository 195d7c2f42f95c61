from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from uptake.accounts.models import Role, normalise_phone
from uptake.notify.models import Kind

# The kinds of notification each role receives: what its preferences page offers.
KINDS_BY_ROLE = {
    Role.REPORTER: [Kind.MORNING_REMINDER, Kind.AFTERNOON_REMINDER, Kind.OVERDUE],
    Role.COORDINATOR: [Kind.STATUS_LIST, Kind.DRAFT_READY, Kind.SENT],
    Role.VIEWER: [Kind.LEADERS_SUMMARY],
    Role.ADMIN: [kind for kind in Kind if kind != Kind.TEST],
}


class PreferenceForm(forms.Form):
    """Per channel a person may choose (the enabled ones): on or off, and for which kinds.
    Fields ``<channel>`` and ``<channel>_kinds``: ``email``, ``email_kinds``, ``zalo``, ..."""

    def __init__(self, *args, role: str, channels: list, **kwargs):
        super().__init__(*args, **kwargs)
        self.kinds = KINDS_BY_ROLE.get(role, [])
        self.channels = channels
        for channel in channels:
            self.fields[channel.key] = forms.BooleanField(
                label=_("Send me notifications by %(channel)s") % {"channel": channel.label},
                required=False,
            )
            self.fields[f"{channel.key}_kinds"] = forms.MultipleChoiceField(
                label=_("By %(channel)s") % {"channel": channel.label},
                required=False,
                widget=forms.CheckboxSelectMultiple,
                choices=[(k.value, k.label) for k in self.kinds if channel.offers(k)],
            )
        if "email" in self.fields:
            self.fields["email"].help_text = _("Notifications always appear in the app.")

    def rows(self):
        """(switch, kinds) bound fields per channel, for the template."""
        return [(self[c.key], self[f"{c.key}_kinds"], c) for c in self.channels]

    def choices(self) -> dict[str, list[str]]:
        """The channels chosen for each offered kind."""
        data = self.cleaned_data
        return {
            kind.value: [
                c.key for c in self.channels if data[c.key] and kind in data[f"{c.key}_kinds"]
            ]
            for kind in self.kinds
        }


class PhoneForm(forms.Form):
    """A new mobile number, or ``remove``. The number in place is never written back into the
    page (it is shown masked)."""

    phone = forms.CharField(
        label=_("Mobile phone"),
        required=False,
        max_length=20,
        help_text=_("For Zalo and SMS notifications, such as 0912 345 678."),
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    remove = forms.BooleanField(required=False)

    def clean_phone(self) -> str:
        value = self.cleaned_data["phone"].strip()
        return normalise_phone(value) if value else ""

    def clean(self):
        data = super().clean()
        if not data.get("remove") and not data.get("phone") and "phone" not in self.errors:
            self.add_error("phone", _("Type your mobile number."))
        return data

    def number(self) -> str:
        return "" if self.cleaned_data.get("remove") else self.cleaned_data["phone"]
