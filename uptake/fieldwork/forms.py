"""The visit form (the phone page without JavaScript) and the team form.

Every rule on a visit is checked by ``record_visit`` (shared with the API and the offline
queue); its errors are put back next to their fields with ``add_visit_errors``.
"""

from __future__ import annotations

import re

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from uptake.fieldwork.actions import HOUSEHOLD_MAX, NOTE_MAX, PHONES_MAX
from uptake.fieldwork.models import Organisation, Outcome, Team
from uptake.reports.actions import FieldError
from uptake.units.models import Unit

COUNT_ATTRS = {"inputmode": "numeric", "pattern": "[0-9]*", "class": "count", "min": "0"}


class VisitForm(forms.Form):
    id = forms.UUIDField(widget=forms.HiddenInput)
    revisit_of = forms.UUIDField(required=False, widget=forms.HiddenInput)
    hamlet = forms.ChoiceField(label=_("Hamlet"))
    team = forms.TypedChoiceField(label=_("Team"), required=False, coerce=int, empty_value=None)
    household = forms.CharField(
        label=_("House number or short address"),
        max_length=HOUSEHOLD_MAX,
        required=False,
        help_text=_("No names, no phone numbers."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "enterkeyhint": "done"}),
    )
    smartphones = forms.IntegerField(
        label=_("Smartphones"),
        min_value=0,
        max_value=PHONES_MAX,
        initial=0,
        widget=forms.NumberInput(attrs=COUNT_ATTRS),
    )
    already_had = forms.IntegerField(
        label=_("Already had the app"),
        min_value=0,
        max_value=PHONES_MAX,
        initial=0,
        widget=forms.NumberInput(attrs=COUNT_ATTRS),
    )
    installed_now = forms.IntegerField(
        label=_("Installed now"),
        min_value=0,
        max_value=PHONES_MAX,
        initial=0,
        widget=forms.NumberInput(attrs=COUNT_ATTRS),
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    outcome = forms.ChoiceField(label=_("Outcome"), choices=Outcome.choices)

    def __init__(self, *args, hamlets: list[Unit], teams: list[Team], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["hamlet"].choices = [(h.code, h.name) for h in hamlets]
        self.fields["team"].choices = [("", "—")] + [(t.pk, t.name) for t in teams]

    def add_visit_errors(self, errors: list[FieldError]) -> None:
        for error in errors:
            field = error.field if error.field in self.fields else None
            self.add_error(field, error.message)


class MembersField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, user):
        name = user.get_full_name()
        return f"{name} ({user.username})" if name else user.username


class HamletsField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, hamlet):
        return hamlet.name


LOGIN_MAX = 150  # Django's user name


def member_login(commune: Unit, name: str) -> str:
    """A new volunteer's login: the commune's code, a dot, the name typed ("870-ttt.hoa.doan"),
    in lower case. Logins made from a team form are the commune's own: checking whether one is
    free says nothing about the users of other units (#15)."""
    prefix = re.sub(r"[^\w.@+-]", "", commune.code).lower()
    return f"{prefix}.{name}".lower()


class TeamForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    organisations = forms.MultipleChoiceField(
        label=_("Organisations"),
        choices=Organisation.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    hamlets = HamletsField(
        label=_("Hamlets"),
        queryset=Unit.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    members = MembersField(
        label=_("Members"),
        queryset=get_user_model().objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    new_members = forms.CharField(
        label=_("New members"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "autocomplete": "off"}),
    )

    def __init__(self, *args, campaign, commune: Unit, team: Team | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.campaign, self.commune, self.team = campaign, commune, team
        self.fields["new_members"].help_text = _(
            "One per line: a short name for the login, then optionally a comma and the "
            "person's name (\"hoa.doan, Trần Thị Hoa\"). The login starts with the commune's "
            'code ("%(example)s"). Each gets a password shown once, and sees only the team\'s '
            "hamlets."
        ) % {"example": member_login(commune, "hoa.doan")}
        self.fields["hamlets"].queryset = Unit.objects.filter(
            parent=commune, kind=Unit.Kind.HAMLET
        ).order_by("path")
        # People of the commune: its own users and those already in one of its teams.
        self.fields["members"].queryset = (
            get_user_model()
            .objects.filter(
                Q(profile__units__path__startswith=commune.path)
                | Q(fieldwork_teams__commune=commune, fieldwork_teams__campaign=campaign)
            )
            .filter(is_active=True)
            .distinct()
            .order_by("username")
        )

    def clean_name(self) -> str:
        name = " ".join(self.cleaned_data["name"].split())
        taken = Team.objects.filter(campaign=self.campaign, commune=self.commune, name=name)
        if self.team is not None:
            taken = taken.exclude(pk=self.team.pk)
        if taken.exists():
            raise ValidationError(_("The commune already has a team of this name."))
        return name

    def clean_new_members(self) -> list[tuple[str, str]]:
        people = []
        validate = UnicodeUsernameValidator()
        for line in self.cleaned_data["new_members"].splitlines():
            if not line.strip():
                continue
            username, _sep, full_name = line.partition(",")
            username = username.strip()
            try:
                validate(username)
            except ValidationError:
                raise ValidationError(
                    _("%(name)s: letters, digits and . _ - only, no spaces."),
                    params={"name": username},
                ) from None
            if re.fullmatch(r"\d+", username):
                raise ValidationError(_("%(name)s: not only digits."), params={"name": username})
            login = member_login(self.commune, username)
            if len(login) > LOGIN_MAX:
                raise ValidationError(_("%(name)s: too long."), params={"name": username})
            # Within the commune's own logins (#15): the answer never says whether a name is
            # used elsewhere, nor by whom.
            taken = get_user_model().objects.filter(username__iexact=login).first()
            if taken is not None:
                if self.fields["members"].queryset.filter(pk=taken.pk).exists():
                    raise ValidationError(
                        _("%(name)s is already taken: tick the person in the list above."),
                        params={"name": login},
                    )
                raise ValidationError(
                    _("%(name)s cannot be used: choose another name."), params={"name": username}
                )
            people.append((login, full_name.strip()))
        if len({u.lower() for u, _n in people}) != len(people):
            raise ValidationError(_("A login name is given twice."))
        return people
