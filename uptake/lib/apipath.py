"""The API's way through the middleware: what a call without a session cookie skips (#20).

An API call that carries no session cookie can be authenticated by its bearer token only (the
phone pages' session auth, fieldwork's and imports' ``PageSession``, needs the cookie). For
it, four of the site's middleware have nothing to do but cost time on every report: the
session would be empty, the user it loads anonymous (which the bearer token then replaces),
there is no flash message to read or write, no device to verify. The classes here are
Django's and django-otp's own, used in MIDDLEWARE in their place, that step aside for such a
call (``sessionless_api``) and do their usual work for every other request, an API call with
a session cookie included. The user is set to Django's ``AnonymousUser``, as
AuthenticationMiddleware would have set it from the empty session.

Everything else on the way runs for every request as before: SecurityMiddleware, CSP, the
guards (database unavailable, unstorable text, body size and depth), the language, common,
CSRF (Django's own: ``check --deploy`` looks for it by name, and it costs little here), the
two-step check, no-store, conditional GET, the bad-token throttle, X-Frame-Options and
django-axes. Measured with bench/burst.py and in-process (bench/README.md, #20).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.middleware import AuthenticationMiddleware as _Authentication
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages.middleware import MessageMiddleware as _Messages
from django.contrib.sessions.middleware import SessionMiddleware as _Session
from django_otp.middleware import OTPMiddleware as _OTP

API_PREFIX = "/api/"


def sessionless_api(request) -> bool:
    """An API call without a session cookie: only a bearer token can authenticate it."""
    found = getattr(request, "_sessionless_api", None)
    if found is None:
        found = request.path_info.startswith(API_PREFIX) and (
            settings.SESSION_COOKIE_NAME not in request.COOKIES
        )
        request._sessionless_api = found
    return found


class SessionMiddleware(_Session):
    """Django's, except for an API call without a session cookie: no empty session."""

    def __call__(self, request):
        if sessionless_api(request):
            return self.get_response(request)
        return super().__call__(request)


async def _anonymous() -> AnonymousUser:
    return AnonymousUser()


class AuthenticationMiddleware(_Authentication):
    """Django's, except for an API call without a session cookie: the anonymous user that the
    empty session would have given, without a session; the bearer token replaces it."""

    def __call__(self, request):
        if sessionless_api(request):
            request.user = AnonymousUser()
            request.auser = _anonymous
            return self.get_response(request)
        return super().__call__(request)


class OTPMiddleware(_OTP):
    """django-otp's, except for an API call without a session cookie: no device to verify
    for an anonymous user (a bearer token never had a second step)."""

    def __call__(self, request):
        if sessionless_api(request):
            return self.get_response(request)
        return super().__call__(request)


class MessageMiddleware(_Messages):
    """Django's, except for an API call without a session cookie: no messages to read, and
    none is added by the API."""

    def __call__(self, request):
        if sessionless_api(request):
            return self.get_response(request)
        return super().__call__(request)
