"""Production settings: with DEBUG=false, a SECRET_KEY and ALLOWED_HOSTS, `manage.py check
--deploy` reports nothing; cookies are secure, HSTS is on; every response carries the security
headers and a Content-Security-Policy without 'unsafe-inline'."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.test import SimpleTestCase, TestCase

ROOT = Path(settings.BASE_DIR)
PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "x7Qp2-production-like-secret-key-for-the-check-9vLm4Rt8Wz1Kc6Yh3Nb5Ds0Gf",
    "ALLOWED_HOSTS": "uptake.example.org",
}


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    # The browser tests allow async-unsafe calls in this process: not in production.
    skip = ("DEBUG", "SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE", "DJANGO_SETTINGS_MODULE")
    environment = {k: v for k, v in os.environ.items() if k not in skip}
    environment.update(PRODUCTION, **env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


class CheckDeployTest(SimpleTestCase):
    def test_check_deploy_reports_nothing(self):
        result = manage("check", "--deploy", "--fail-level", "WARNING")
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        self.assertIn("System check identified no issues (0 silenced).", result.stdout)
        self.assertNotIn("WARNING", result.stderr)

    def test_cookies_are_secure_and_hsts_is_on(self):
        code = (
            "import json; from django.conf import settings as s; print(json.dumps({k: getattr(s, k)"
            " for k in ('SESSION_COOKIE_SECURE', 'CSRF_COOKIE_SECURE', 'SECURE_SSL_REDIRECT',"
            " 'SECURE_HSTS_SECONDS', 'SECURE_HSTS_INCLUDE_SUBDOMAINS', 'SESSION_COOKIE_HTTPONLY',"
            " 'SESSION_EXPIRE_AT_BROWSER_CLOSE', 'X_FRAME_OPTIONS', 'SECURE_CONTENT_TYPE_NOSNIFF',"
            " 'SECURE_REFERRER_POLICY')}))"
        )
        result = manage("shell", "-c", code)
        self.assertEqual(result.returncode, 0, result.stderr)
        values = json.loads(result.stdout.strip().splitlines()[-1])
        self.assertEqual(
            values,
            {
                "SESSION_COOKIE_SECURE": True,
                "CSRF_COOKIE_SECURE": True,
                "SECURE_SSL_REDIRECT": True,
                "SECURE_HSTS_SECONDS": 31536000,
                "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
                "SESSION_COOKIE_HTTPONLY": True,
                "SESSION_EXPIRE_AT_BROWSER_CLOSE": True,
                "X_FRAME_OPTIONS": "DENY",
                "SECURE_CONTENT_TYPE_NOSNIFF": True,
                "SECURE_REFERRER_POLICY": "same-origin",
            },
        )

    def test_it_refuses_to_start_without_a_secret_key(self):
        result = manage("check", SECRET_KEY="")
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("SECRET_KEY must be set", result.stderr)


class SecurityHeadersTest(TestCase):
    def test_every_page_has_the_security_headers_and_a_strict_csp(self):
        response = self.client.get("/login/")
        self.assertEqual(response["X-Frame-Options"], "DENY")
        self.assertEqual(response["X-Content-Type-Options"], "nosniff")
        self.assertEqual(response["Referrer-Policy"], "same-origin")
        self.assertEqual(response["Cross-Origin-Opener-Policy"], "same-origin")
        policy = dict(
            part.strip().split(" ", 1)
            for part in response["Content-Security-Policy"].split(";")
            if part.strip()
        )
        self.assertEqual(policy["default-src"], "'self'")
        self.assertEqual(policy["script-src"], "'self'")
        self.assertEqual(policy["style-src"], "'self'")
        self.assertEqual(policy["img-src"], "'self' data:")
        self.assertEqual(policy["frame-ancestors"], "'none'")
        self.assertEqual(policy["object-src"], "'none'")
        self.assertNotIn("unsafe", response["Content-Security-Policy"])

    def test_the_api_has_them_too(self):
        response = self.client.get("/api/v1/units")
        self.assertEqual(response.status_code, 401)
        self.assertIn("default-src 'self'", response["Content-Security-Policy"])
