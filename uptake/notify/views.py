"""The notification list (with unread ones marked), reading them, and the user's channels."""

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
from uptake.notify.actions import mark_read, preference_of, set_preferences
from uptake.notify.forms import PreferenceForm
from uptake.notify.models import Notification

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


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def preferences(request):
    role = profile_of(request.user).role
    preference = preference_of(request.user)
    if request.method == "POST":
        form = PreferenceForm(request.POST, role=role)
        if form.is_valid():
            set_preferences(
                request.user,
                email=form.cleaned_data["email"],
                email_kinds=form.cleaned_data["email_kinds"],
                offered=form.kinds,
            )
            messages.success(request, _("Your notification settings have been saved."))
            return redirect("notifications-preferences")
    else:
        form = PreferenceForm(
            role=role,
            initial={
                "email": preference.email,
                "email_kinds": [
                    k for k in PreferenceForm(role=role).kinds if k not in preference.email_muted
                ],
            },
        )
    return render(request, "notify/preferences.html", {"form": form})
