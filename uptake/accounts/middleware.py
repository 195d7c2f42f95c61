"""No page for a coordinator or an admin until the second factor is given (after OTPMiddleware)."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse
from django.utils.http import urlencode

from uptake.accounts.twofactor import requires_two_factor

# What a user between the password and the code may open: the code's pages, leaving, the
# language, and the files every visitor gets.
OPEN = {
    "two-factor",
    "two-factor-setup",
    "login",
    "logout",
    "set_language",
    "favicon",
    "fieldwork-sw",
    "fieldwork-manifest",
}


class TwoFactorMiddleware:
    """A coordinator or admin (or staff) whose session has no verified device is sent to the
    two-factor page (set-up when they have no device yet) from every page, Django's admin
    included. To the API such a session is no log-in at all: bearer tokens are unaffected."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and not user.is_verified() and requires_two_factor(user):
            if request.path_info.startswith("/api/"):
                request.user = AnonymousUser()
            elif not self._open(request.path_info):
                query = urlencode({"next": request.get_full_path()})
                return redirect(f"{reverse('two-factor')}?{query}")
        return self.get_response(request)

    @staticmethod
    def _open(path: str) -> bool:
        try:
            match = resolve(path)
        except Resolver404:
            return True  # a 404 page shows nothing
        return match.url_name in OPEN
