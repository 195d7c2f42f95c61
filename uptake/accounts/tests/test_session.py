"""Sessions end when the browser closes, and after SESSION_COOKIE_AGE (12 hours) anyway: a
shared phone or an internet café's computer does not stay logged in."""

from __future__ import annotations

from datetime import timedelta

import time_machine
from django.conf import settings
from django.test import Client, override_settings
from django.utils import timezone

from uptake.test import PASSWORD, BaseTestCase

FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
URL = "/c/bluezone-2020/units/870-TTT/"


@override_settings(PASSWORD_HASHERS=FAST_HASHERS)
class SessionTest(BaseTestCase):
    def test_the_session_cookie_ends_with_the_browser(self):
        client = Client()
        client.post("/login/", {"username": "lan", "password": PASSWORD})
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        self.assertEqual(cookie["max-age"], "")
        self.assertEqual(cookie["expires"], "")
        self.assertTrue(cookie["httponly"])
        self.assertEqual(cookie["samesite"], "Lax")

    def test_the_session_ends_after_twelve_hours_even_with_the_browser_open(self):
        client = Client()
        client.post("/login/", {"username": "lan", "password": PASSWORD})
        self.assertEqual(client.get(URL).status_code, 200)
        with time_machine.travel(timezone.now() + timedelta(hours=12, minutes=1), tick=False):
            response = client.get(URL)
        self.assertEqual(response.status_code, 302)
        self.assertTrue(response["Location"].startswith("/login/"))

    def test_passwords_are_checked_by_djangos_validators(self):
        self.client.force_login(self.lan)
        response = self.client.post(
            "/account/password/",
            {"old_password": PASSWORD, "new_password1": "12345678", "new_password2": "12345678"},
        )
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, 'class="error"')
        self.lan.refresh_from_db()
        self.assertTrue(self.lan.check_password(PASSWORD))

    def test_a_user_changes_their_password_and_stays_logged_in(self):
        self.client.force_login(self.lan)
        new = "Thuong-Thoi-Tien-2020!"
        response = self.client.post(
            "/account/password/",
            {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
        )
        self.assertRedirects(response, "/account/", fetch_redirect_response=False)
        self.lan.refresh_from_db()
        self.assertTrue(self.lan.check_password(new))
        self.assertEqual(self.client.get(URL).status_code, 200)
