"""A user's own account: API tokens (made, listed, revoked) and the second factor of log-in
(set up with an authenticator app, asked after the password, recovery codes)."""

from __future__ import annotations

from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.signals import user_login_failed
from django.contrib.messages.views import SuccessMessageMixin
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice

from uptake.accounts import twofactor
from uptake.accounts.forms import CodeForm, TokenForm
from uptake.accounts.models import ApiToken, profile_of
from uptake.campaigns import menu


def _next(request) -> str:
    """Where to go once the code is given: ``next`` if it is a page of ours, else home."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("home")


def _get_token_for_user(request, pk: int) -> ApiToken:
    """One of the user's own tokens; anybody else's does not exist for them."""
    token = ApiToken.objects.filter(pk=pk, user=request.user).first()
    if token is None:
        raise Http404("not one of the user's tokens")
    return token


def _account(request, token_form=None, new_token=None, status=200):
    user = request.user
    context = {
        "profile": profile_of(user),
        "tokens": list(ApiToken.objects.filter(user=user).order_by("-created", "-pk")),
        "token_form": token_form or TokenForm(),
        "new_token": new_token,
        "two_factor": twofactor.requires_two_factor(user),
        "has_device": twofactor.has_device(user),
        "codes_left": twofactor.recovery_codes_left(user),
        # The campaign menu, as on the campaign's pages (#17).
        "campaign": menu.campaign_for(user),
    }
    return render(request, "accounts/account.html", context, status=status)


@never_cache
@login_required
@require_http_methods(["GET", "HEAD"])
def account(request):
    return _account(request)


@never_cache
@login_required
@require_POST
def token_new(request):
    """A new API token, shown once on the page that answers (only its hash is kept)."""
    form = TokenForm(request.POST)
    if not form.is_valid():
        return _account(request, token_form=form, status=400)
    token = ApiToken.issue(request.user, days=form.cleaned_data["days"])
    return _account(request, new_token=token, status=201)


@login_required
@require_POST
def token_revoke(request, pk: int):
    token = _get_token_for_user(request, pk)
    token.revoke()
    messages.success(request, _("The token %(prefix)s… was revoked.") % {"prefix": token.prefix})
    return redirect("account")


class PasswordChange(SuccessMessageMixin, auth_views.PasswordChangeView):
    """Django's password change, checked by AUTH_PASSWORD_VALIDATORS; the session stays.

    A wrong current password counts as a wrong password at log-in (django-axes, one user name
    from one address), and the same lockout stops both (#15): a session left open on a
    shared computer cannot be used to guess the password.
    """

    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("account")
    success_message = gettext_lazy("Your password was changed.")

    def _credentials(self) -> dict:
        return {settings.AXES_USERNAME_FORM_FIELD: self.request.user.get_username()}

    def post(self, request, *args, **kwargs):
        if AxesProxyHandler.is_locked(request, self._credentials()):
            return lockout(request, credentials=self._credentials())
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form):
        if form.has_error("old_password", "password_incorrect"):
            user_login_failed.send(
                sender=type(self), credentials=self._credentials(), request=self.request
            )
            if getattr(self.request, "axes_locked_out", False):
                return lockout(self.request, credentials=self._credentials())
        return super().form_invalid(form)


# --- the second factor ---------------------------------------------------------------------


@never_cache
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def two_factor(request):
    """After the password: the authenticator's code, or a recovery code (used once)."""
    user = request.user
    next_url = _next(request)
    if user.is_verified():
        return redirect(next_url)
    if not twofactor.has_device(user):
        if not twofactor.requires_two_factor(user):
            return redirect(next_url)
        return redirect(f"{reverse('two-factor-setup')}?{urlencode({'next': next_url})}")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = twofactor.verify(user, form.cleaned_data["code"])
        if device is None:
            form.add_error("code", _("This code is not right, or was already used. Try again."))
        else:
            otp_login(request, device)
            if isinstance(device, StaticDevice):
                messages.warning(
                    request,
                    _(
                        "You logged in with a recovery code; %(left)s are left. If your phone "
                        "is lost, set up a new authenticator on your account page."
                    )
                    % {"left": twofactor.recovery_codes_left(user)},
                )
            return redirect(next_url)
    return render(request, "accounts/two_factor.html", {"form": form, "next": next_url})


@never_cache
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def two_factor_setup(request):
    """Set up an authenticator app: its QR code and secret, then a first code to confirm it.
    Coordinators and admins only; replacing a device asks for the second factor first."""
    user = request.user
    next_url = _next(request)
    if not twofactor.requires_two_factor(user):
        raise Http404("two-factor authentication is for coordinators and admins")
    if twofactor.has_device(user) and not user.is_verified():
        setup = f"{reverse('two-factor-setup')}?{urlencode({'next': next_url})}"
        return redirect(f"{reverse('two-factor')}?{urlencode({'next': setup})}")
    device = twofactor.pending_device(user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token("".join(form.cleaned_data["code"].split())):
            codes = twofactor.confirm_device(device)
            otp_login(request, device)
            return render(
                request,
                "accounts/recovery_codes.html",
                {"codes": codes, "next": next_url, "new_device": True},
            )
        form.add_error("code", _("This code is not right. Type the code your app shows now."))
    return render(
        request,
        "accounts/two_factor_setup.html",
        {
            "form": form,
            "next": next_url,
            "qr": twofactor.qr_svg(device),
            "secret": twofactor.secret(device),
            "replacing": twofactor.has_device(user),
        },
    )


@never_cache
@login_required
@require_POST
def recovery_codes(request):
    """Ten new recovery codes, shown once; the earlier ones stop working."""
    if not twofactor.has_device(request.user) or not request.user.is_verified():
        raise Http404("no second factor to recover")
    codes = twofactor.new_recovery_codes(request.user)
    return render(
        request,
        "accounts/recovery_codes.html",
        {"codes": codes, "next": reverse("account"), "new_device": False},
    )


def lockout(request, original_response=None, credentials=None):
    """django-axes' answer to a locked-out log-in (AXES_LOCKOUT_CALLABLE): 429, and when to
    try again."""
    from axes.helpers import get_client_username, get_cool_off, get_failure_limit

    cool_off = get_cool_off(request)
    context = {
        "failure_limit": get_failure_limit(request, credentials),
        "username": get_client_username(request, credentials) or "",
        "cooloff_timedelta": cool_off,
        "cooloff_minutes": round(cool_off.total_seconds() / 60) if cool_off else None,
    }
    return render(request, "accounts/lockout.html", context, status=429)
