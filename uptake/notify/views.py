"""The notification list (with unread ones marked), reading them, the user's channels, phone
number and test messages."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from uptake.accounts.models import profile_of
from uptake.notify.actions import (
    Refused,
    effective_channels,
    last_tests,
    mark_read,
    preference_of,
    send_test,
    set_phone,
    set_preferences,
)
from uptake.notify.channels import chosen_by_people
from uptake.notify.forms import PhoneForm, PreferenceForm
from uptake.notify.models import Kind, Notification

PER_PAGE = 50


def _get_notification_for_user(request, pk: int) -> Notification:
    """The user's own notification; anybody else's does not exist for them."""
    notification = Notification.objects.filter(pk=pk, user=request.user).first()
    if notification is None:
        raise Http404
    return notification


@login_required
@require_http_methods(["GET", "HEAD"])
def notifications(request):
    mine = Notification.objects.filter(user=request.user).only(
        "kind", "params", "url", "created_at", "read_at"
    )
    page = Paginator(mine, PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "notify/notifications.html", {"page": page})


@login_required
@require_POST
def read(request, pk: int):
    """Mark one notification read and follow its link (or come back to the list)."""
    notification = _get_notification_for_user(request, pk)
    mark_read(request.user, [notification.pk])
    if request.POST.get("open") and url_has_allowed_host_and_scheme(
        notification.url, allowed_hosts={request.get_host()}
    ):
        return redirect(notification.url)
    return redirect("notifications")


@login_required
@require_POST
def read_all(request):
    mark_read(request.user)
    return redirect("notifications")


def _preferences_page(request, form=None, phone_form=None):
    user = request.user
    profile = profile_of(user)
    channels = chosen_by_people()
    if form is None:
        form = PreferenceForm(role=profile.role, channels=channels)
        initial = {}
        for channel in channels:
            kinds = [k.value for k in form.kinds if channel.key in effective_or_chosen(user, k)]
            initial[channel.key] = bool(kinds)
            initial[f"{channel.key}_kinds"] = kinds
        form = PreferenceForm(role=profile.role, channels=channels, initial=initial)
    phone_form = phone_form or PhoneForm()
    context = {
        "form": form,
        "phone_form": phone_form,
        "profile": profile,
        "tests": channel_tests(user),
    }
    return render(request, "notify/preferences.html", context)


def effective_or_chosen(user, kind: str) -> list[str]:
    """What the page shows as checked: the person's choice for ``kind``, or what the defaults
    give them now."""
    chosen = preference_of(user).chosen(kind)
    return chosen if chosen is not None else effective_channels(user, kind)


def channel_tests(user) -> list[dict]:
    """Each channel a person may test, and how its latest test went."""
    last = last_tests(user)
    profile = profile_of(user)
    return [
        {
            "channel": channel,
            "address": channel.address(user, profile),
            "shown": channel.shown(channel.address(user, profile) or ""),
            "last": last.get(channel.key),
            "offered": channel.offers(Kind.TEST),
        }
        for channel in chosen_by_people()
    ]


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def preferences(request):
    """The person's channels per kind of message, their phone number, a test per channel."""
    if request.method != "POST":
        return _preferences_page(request)
    role = profile_of(request.user).role
    form = PreferenceForm(request.POST, role=role, channels=chosen_by_people())
    if not form.is_valid():
        return _preferences_page(request, form=form)
    set_preferences(request.user, form.choices())
    messages.success(request, _("Your notification settings have been saved."))
    return redirect("notifications-preferences")


@login_required
@require_POST
def phone(request):
    """Set or remove one's mobile number (validated, stored as 0912345678)."""
    form = PhoneForm(request.POST)
    if not form.is_valid():
        return _preferences_page(request, phone_form=form)
    set_phone(request.user, form.number())
    if form.number():
        messages.success(request, _("Your mobile phone number has been saved."))
    else:
        messages.success(request, _("Your mobile phone number has been removed."))
    return redirect("notifications-preferences")


@login_required
@require_POST
def send_test_message(request, channel: str):
    """A test message on one channel, sent by the scheduler within a minute or so."""
    try:
        send_test(request.user, channel)
    except Refused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request, _("A test message is on its way; it is sent within a minute or so.")
        )
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("notifications-preferences")
