"""Request middleware of our own."""

from __future__ import annotations

import functools
import math
import time

import csp.middleware
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_client_ip_address, get_cool_off
from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.utils import build_policy
from django.conf import settings
from django.core.cache import cache
from django.core.signals import setting_changed
from django.http import JsonResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _


def chosen_language(request) -> str:
    """The language the user chose with set_language (its cookie), else LANGUAGE_CODE.

    The browser's Accept-Language is ignored on purpose: uptake is Vietnamese unless the user
    picks English, whatever language their phone or office computer happens to be set to.
    """
    code = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    if code:
        try:
            return translation.get_supported_language_variant(code)
        except LookupError:
            pass
    return settings.LANGUAGE_CODE


class CSPMiddleware(csp.middleware.CSPMiddleware):
    """django-csp's, with the policy built once (#20): django-csp builds the header from the
    settings for every response (copying the settings' dicts), about 5 % of an API call's CPU.
    A response that changes nothing in it (no nonce asked for, none of django-csp's per-view
    decorators, no excluded prefix) gets the policy built once from the same settings; any
    other is django-csp's own way."""

    _OVERRIDES = (
        "_csp_config",
        "_csp_update",
        "_csp_replace",
        "_csp_exempt",
        "_csp_config_ro",
        "_csp_update_ro",
        "_csp_replace_ro",
        "_csp_exempt_ro",
    )

    def process_response(self, request, response):
        if (
            getattr(request, "_csp_nonce", None) is not None
            or any(hasattr(response, name) for name in self._OVERRIDES)
            or (settings.DEBUG and response.status_code in (404, 500))
            or _excluded_prefixes()
        ):
            return super().process_response(request, response)
        for header, policy in ((HEADER, _policy(False)), (HEADER_REPORT_ONLY, _policy(True))):
            if policy and header not in response:
                response[header] = policy
        # As django-csp does: a nonce asked for after the header was written is an error.
        request.csp_nonce = csp.middleware.CheckableLazyObject(self._csp_nonce_post_response)
        return response


@functools.cache
def _policy(report_only: bool) -> str:
    return build_policy(report_only=report_only)


@functools.cache
def _excluded_prefixes() -> bool:
    return any(
        (getattr(settings, name, None) or {}).get("EXCLUDE_URL_PREFIXES")
        for name in ("CONTENT_SECURITY_POLICY", "CONTENT_SECURITY_POLICY_REPORT_ONLY")
    )


def _forget_policy(setting, **kwargs) -> None:
    if setting.startswith("CONTENT_SECURITY_POLICY") or setting == "DEBUG":
        _policy.cache_clear()
        _excluded_prefixes.cache_clear()


setting_changed.connect(_forget_policy, dispatch_uid="uptake-csp-policy")


class LanguageMiddleware:
    """Replaces Django's LocaleMiddleware: activates ``chosen_language(request)``."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        translation.activate(chosen_language(request))
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        # The same URL is served in another language when the language cookie differs.
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", request.LANGUAGE_CODE)
        return response


class NoStoreMiddleware:
    """``Cache-Control: no-store, private`` on every API answer and every page or file served
    to someone logged in (rosters, roster.xlsx, sample checklists, visits, reports): nothing
    personal is kept by the browser's cache or a proxy after log-out, on a shared office
    computer (#15). A response that says how it may be cached (the service worker, the
    manifest: the same for everybody) keeps its own header. After AuthenticationMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.has_header("Cache-Control"):
            return response
        user = getattr(request, "user", None)
        if request.path_info.startswith("/api/") or (user is not None and user.is_authenticated):
            response["Cache-Control"] = "no-store, private"
        return response


# Invalid bearer tokens are counted by django-axes under this name, per address, within
# AXES_COOLOFF_MINUTES, like wrong passwords; they are seen in Django's admin (Axes › Access
# attempts), where deleting the address's row lifts the lockout.
BAD_TOKEN_USERNAME = "(API token)"


class BadTokenThrottleMiddleware:
    """An address that sent API_BAD_TOKEN_LIMIT invalid API tokens within AXES_COOLOFF_MINUTES
    is refused (429, with Retry-After) until they are older than that, before any token it
    sends is looked up: guessing tokens is throttled like guessing passwords (#15). Only
    requests that carry an ``Authorization`` header count; a missing one is the usual 401.
    The limit is higher than the log-in form's: one office's scripts share an address, and a
    token of 43 random characters is not guessed, only tried in bulk."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        limit = settings.API_BAD_TOKEN_LIMIT
        if (
            limit <= 0
            or not request.path_info.startswith("/api/")
            or "HTTP_AUTHORIZATION" not in request.META
        ):
            return self.get_response(request)
        # The lock is a cache entry (no query on the way of every API call); the count is
        # django-axes' (a query only after a 401).
        key = f"api-bad-token-lock:{get_client_ip_address(request)}"
        until = cache.get(key)
        if until is not None and until > time.time():
            return self.locked(until)
        response = self.get_response(request)
        if response.status_code == 401:
            credentials = {settings.AXES_USERNAME_FORM_FIELD: BAD_TOKEN_USERNAME}
            AxesProxyHandler.user_login_failed(
                sender=BadTokenThrottleMiddleware, credentials=credentials, request=request
            )
            if AxesProxyHandler.get_failures(request, credentials) >= limit:
                cool_off = get_cool_off(request)
                seconds = max(1, int(cool_off.total_seconds())) if cool_off else 60
                until = time.time() + seconds
                cache.set(key, until, timeout=seconds)
                return self.locked(until)
        return response

    @staticmethod
    def locked(until: float):
        seconds = max(1, math.ceil(until - time.time()))
        message = _(
            "Too many invalid tokens from this address: try again in %(minutes)s minutes."
        ) % {"minutes": max(1, math.ceil(seconds / 60))}
        response = JsonResponse(
            {"errors": [{"field": "authorization", "message": message}]}, status=429
        )
        response["Retry-After"] = str(seconds)
        response["Cache-Control"] = "no-store"
        return response
