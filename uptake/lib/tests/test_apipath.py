"""The API's way through the middleware (#20, uptake/lib/apipath.py): a bearer call without a
session cookie skips sessions, log-in, OTP and messages; nothing else changes."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.middleware import AuthenticationMiddleware
from django.contrib.messages.middleware import MessageMiddleware
from django.contrib.sessions.middleware import SessionMiddleware
from django.test import RequestFactory
from django.utils.module_loading import import_string
from django_otp.middleware import OTPMiddleware

from uptake.accounts.models import ApiToken
from uptake.lib.apipath import sessionless_api
from uptake.test import BaseTestCase


class ApiPathTest(BaseTestCase):
    def test_a_bearer_call_keeps_every_security_header_and_gets_no_cookie(self):
        token = ApiToken.issue(self.root)
        response = self.client.get("/api/v1/campaigns", HTTP_AUTHORIZATION=f"Bearer {token}")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Cache-Control"], "no-store, private")
        self.assertEqual(response["X-Frame-Options"], "DENY")
        self.assertIn("default-src 'self'", response["Content-Security-Policy"])
        self.assertEqual(response["X-Content-Type-Options"], "nosniff")
        self.assertEqual(response["Content-Language"], "vi")
        self.assertIn("Cookie", response["Vary"])
        self.assertEqual(dict(response.cookies), {})

    def test_a_bad_token_is_still_refused_and_counted(self):
        response = self.client.get("/api/v1/campaigns", HTTP_AUTHORIZATION="Bearer upt_nope")
        self.assertEqual(response.status_code, 401)
        self.assertEqual(response["Cache-Control"], "no-store, private")

    def test_only_an_api_call_without_a_session_cookie_steps_aside(self):
        # With the session cookie an API call takes the whole way (PageSession needs it).
        request = RequestFactory().get("/api/v1/campaigns")
        request.COOKIES[settings.SESSION_COOKIE_NAME] = "abc"
        self.assertFalse(sessionless_api(request))
        self.assertTrue(sessionless_api(RequestFactory().get("/api/v1/campaigns")))
        self.assertFalse(sessionless_api(RequestFactory().get("/status/")))

    def test_the_middleware_are_djangos_own(self):
        # Django's admin checks (admin.E408-E410) and the rest find them by their classes.
        classes = [import_string(path) for path in settings.MIDDLEWARE]
        for base in (
            SessionMiddleware,
            AuthenticationMiddleware,
            OTPMiddleware,
            MessageMiddleware,
        ):
            self.assertTrue(any(issubclass(cls, base) for cls in classes), base)
        # Found by name: django-axes' check and Django's check --deploy (security.W003).
        self.assertIn("axes.middleware.AxesMiddleware", settings.MIDDLEWARE)
        self.assertIn("django.middleware.csrf.CsrfViewMiddleware", settings.MIDDLEWARE)
