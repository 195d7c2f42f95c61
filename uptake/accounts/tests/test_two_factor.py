"""Two-step log-in for coordinators and admins: set-up, the code after the password, recovery
codes, Django's admin, and the API (whose tokens are not affected)."""

from __future__ import annotations

import base64
import re

from django.test import Client, override_settings
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from uptake.accounts.twofactor import (
    DEMO_SECRET,
    current_code,
    demo_device,
    new_recovery_codes,
    verify,
)
from uptake.test import PASSWORD, BaseTestCase

FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STATUS = "/c/bluezone-2020/status/"


def code_of(secret_text: str) -> str:
    """What an authenticator app shows for the secret printed on the set-up page."""
    return f"{totp(base64.b32decode(secret_text.replace(' ', ''))):06d}"


@override_settings(PASSWORD_HASHERS=FAST_HASHERS)
class TwoFactorTest(BaseTestCase):
    def setUp(self):
        super().setUp()
        self.browser = Client()  # a real log-in: password, then the code

    def log_in(self, username: str, next_url: str = STATUS):
        return self.browser.post(
            "/login/", {"username": username, "password": PASSWORD, "next": next_url}
        )

    def set_up_device(self, user) -> TOTPDevice:
        device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
        return device

    # --- who is asked ---------------------------------------------------------------------

    def test_a_coordinator_without_a_device_is_sent_to_the_set_up_page(self):
        self.log_in("minh")
        response = self.browser.get(STATUS)
        self.assertRedirects(
            response,
            "/account/two-factor/?next=%2Fc%2Fbluezone-2020%2Fstatus%2F",
            fetch_redirect_response=False,
        )
        response = self.browser.get(response["Location"])
        self.assertRedirects(
            response,
            "/account/two-factor/setup/?next=%2Fc%2Fbluezone-2020%2Fstatus%2F",
            fetch_redirect_response=False,
        )

    def test_a_reporter_and_a_viewer_log_in_with_their_password_alone(self):
        for username in ("lan", "hoa"):
            client = Client()
            client.post("/login/", {"username": username, "password": PASSWORD})
            self.assertEqual(client.get("/c/bluezone-2020/units/870-TTT/").status_code, 200)

    def test_an_admin_is_asked_too_even_in_djangos_admin(self):
        self.browser.post("/admin/login/", {"username": "root", "password": PASSWORD})
        response = self.browser.get("/admin/")
        self.assertRedirects(
            response, "/account/two-factor/?next=%2Fadmin%2F", fetch_redirect_response=False
        )

    # --- set-up ---------------------------------------------------------------------------

    def test_the_set_up_page_shows_a_qr_code_and_the_secret(self):
        self.log_in("minh")
        response = self.browser.get("/account/two-factor/setup/")
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, 'class="qr"')
        device = TOTPDevice.objects.get(user=self.minh, confirmed=False)
        secret = base64.b32encode(device.bin_key).decode()
        text = re.search(r'id="totp-secret">([A-Z2-7 ]+)<', response.content.decode()).group(1)
        self.assertEqual(text.replace(" ", ""), secret)
        self.assertIn("otpauth://totp/uptake%3Aminh?secret=" + secret, device.config_url)

    def test_a_right_first_code_confirms_the_device_and_shows_ten_recovery_codes_once(self):
        self.log_in("minh")
        page = self.browser.get("/account/two-factor/setup/").content.decode()
        secret = re.search(r'id="totp-secret">([A-Z2-7 ]+)<', page).group(1)
        response = self.browser.post(
            "/account/two-factor/setup/", {"code": code_of(secret), "next": STATUS}
        )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Cache-Control"].count("no-store"), 1)
        codes = re.findall(r"<li><code>([a-z2-7]+)</code></li>", response.content.decode())
        self.assertEqual(len(codes), 10)
        self.assertEqual(len(set(codes)), 10)
        self.assertContains(response, f'href="{STATUS}"')
        self.assertTrue(TOTPDevice.objects.get(user=self.minh).confirmed)
        # Verified now: the pages open.
        self.assertEqual(self.browser.get(STATUS).status_code, 200)
        # The codes are not shown again.
        self.assertNotContains(self.browser.get("/account/"), codes[0])

    def test_a_wrong_first_code_confirms_nothing(self):
        self.log_in("minh")
        self.browser.get("/account/two-factor/setup/")
        response = self.browser.post("/account/two-factor/setup/", {"code": "000000"})
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, 'role="alert"')
        self.assertFalse(TOTPDevice.objects.get(user=self.minh).confirmed)
        self.assertEqual(self.browser.get(STATUS).status_code, 302)

    def test_the_set_up_page_is_only_for_coordinators_and_admins(self):
        self.browser.post("/login/", {"username": "lan", "password": PASSWORD})
        self.assertEqual(self.browser.get("/account/two-factor/setup/").status_code, 404)

    def test_replacing_a_device_needs_the_second_factor_first(self):
        self.set_up_device(self.minh)
        self.log_in("minh")
        response = self.browser.get("/account/two-factor/setup/")
        self.assertEqual(response.status_code, 302)
        self.assertTrue(response["Location"].startswith("/account/two-factor/?next="))

    # --- the code after the password ------------------------------------------------------

    def test_the_code_of_the_app_opens_the_pages(self):
        device = self.set_up_device(self.minh)
        self.log_in("minh")
        response = self.browser.post(
            "/account/two-factor/", {"code": current_code(device), "next": STATUS}
        )
        self.assertRedirects(response, STATUS, fetch_redirect_response=False)
        self.assertEqual(self.browser.get(STATUS).status_code, 200)

    def test_a_wrong_code_opens_nothing(self):
        self.set_up_device(self.minh)
        self.log_in("minh")
        response = self.browser.post("/account/two-factor/", {"code": "123456", "next": STATUS})
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, 'role="alert"')
        self.assertEqual(self.browser.get(STATUS).status_code, 302)

    def test_a_code_is_accepted_once(self):
        device = self.set_up_device(self.minh)
        code = current_code(device)
        self.assertIsNotNone(verify(self.minh, code))
        self.assertIsNone(verify(self.minh, code))

    def test_a_recovery_code_works_once_instead_of_the_app(self):
        self.set_up_device(self.minh)
        self.log_in("minh")
        codes = new_recovery_codes(self.minh)
        response = self.browser.post("/account/two-factor/", {"code": codes[0], "next": STATUS})
        self.assertRedirects(response, STATUS, fetch_redirect_response=False)
        self.assertEqual(StaticToken.objects.filter(device__user=self.minh).count(), 9)
        again = Client()
        again.post("/login/", {"username": "minh", "password": PASSWORD})
        response = again.post("/account/two-factor/", {"code": codes[0]})
        self.assertEqual(response.status_code, 200)  # used: refused

    def test_the_next_page_must_be_ours(self):
        device = self.set_up_device(self.minh)
        self.log_in("minh")
        response = self.browser.post(
            "/account/two-factor/",
            {"code": current_code(device), "next": "https://evil.example.org/"},
        )
        self.assertRedirects(response, "/", fetch_redirect_response=False)

    def test_logging_out_forgets_the_second_factor(self):
        device = self.set_up_device(self.minh)
        self.log_in("minh")
        self.browser.post("/account/two-factor/", {"code": current_code(device)})
        self.browser.post("/logout/")
        self.log_in("minh")
        self.assertEqual(self.browser.get(STATUS).status_code, 302)

    def test_new_recovery_codes_replace_the_old_ones(self):
        self.client.force_login(self.minh)  # verified
        old = new_recovery_codes(self.minh)
        response = self.client.post("/account/two-factor/recovery/")
        codes = re.findall(r"<li><code>([a-z2-7]+)</code></li>", response.content.decode())
        self.assertEqual(len(codes), 10)
        self.assertFalse(StaticToken.objects.filter(token__in=old).exists())

    # --- the API --------------------------------------------------------------------------

    def test_api_tokens_are_not_affected(self):
        response = self.client.get("/api/v1/units", **self.bearer(self.minh))
        self.assertEqual(response.status_code, 200)

    def test_a_session_without_the_second_factor_is_no_log_in_for_the_api(self):
        self.log_in("minh")
        response = self.browser.get("/api/v1/visits", {"hamlet": "870-TTT", "date": "2020-08-17"})
        self.assertEqual(response.status_code, 401)

    # --- the demo -------------------------------------------------------------------------

    def test_the_demo_device_has_the_published_key(self):
        device = demo_device(self.minh)
        self.assertEqual(base64.b32encode(device.bin_key).decode(), DEMO_SECRET)
        self.assertIsNotNone(verify(self.minh, current_code(device)))
