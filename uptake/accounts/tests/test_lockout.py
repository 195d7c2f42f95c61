"""Log-in throttling (django-axes): five wrong passwords for one user name from one address lock
that pair out for 15 minutes, with a page that says so."""

from __future__ import annotations

from datetime import timedelta

import time_machine
from django.test import Client, override_settings
from django.utils import timezone

from uptake.test import PASSWORD, BaseTestCase

FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@override_settings(PASSWORD_HASHERS=FAST_HASHERS)
class LockoutTest(BaseTestCase):
    def attempt(self, password: str, username: str = "lan", address: str = "10.0.0.1"):
        return Client(REMOTE_ADDR=address).post(
            "/login/", {"username": username, "password": password}
        )

    def fail(self, times: int, **kwargs):
        for _ in range(times):
            self.attempt("wrong", **kwargs)

    def test_four_wrong_passwords_do_not_lock_the_user_out(self):
        self.fail(4)
        response = self.attempt(PASSWORD)
        self.assertRedirects(response, "/", fetch_redirect_response=False)

    def test_the_fifth_wrong_password_locks_the_user_out_with_a_clear_page(self):
        self.fail(4)
        response = self.attempt("wrong")
        self.assertEqual(response.status_code, 429)
        self.assertContains(response, "15", status_code=429)
        self.assertContains(response, 'href="/login/"', status_code=429)
        self.assertTemplateUsed(response, "accounts/lockout.html")

    def test_even_the_right_password_is_refused_while_locked_out(self):
        self.fail(5)
        response = self.attempt(PASSWORD)
        self.assertEqual(response.status_code, 429)

    def test_it_is_in_english_when_english_is_chosen(self):
        self.fail(5)
        client = Client(REMOTE_ADDR="10.0.0.1")
        client.cookies["django_language"] = "en"
        response = client.post("/login/", {"username": "lan", "password": PASSWORD})
        self.assertContains(response, "Log-in locked", status_code=429)
        self.assertContains(response, "15 minutes", status_code=429)

    def test_the_lock_opens_after_fifteen_minutes(self):
        self.fail(5)
        with time_machine.travel(timezone.now() + timedelta(minutes=15, seconds=1), tick=False):
            response = self.attempt(PASSWORD)
        self.assertRedirects(response, "/", fetch_redirect_response=False)

    def test_the_lock_is_for_the_user_name_and_the_address_together(self):
        self.fail(5)
        # The same user from another address (the office, not the internet café) ...
        self.assertEqual(self.attempt(PASSWORD, address="10.0.0.2").status_code, 302)
        # ... and another user from the same address log in.
        self.assertEqual(self.attempt(PASSWORD, username="hoa").status_code, 302)

    def test_djangos_admin_log_in_is_throttled_too(self):
        for _ in range(5):
            Client(REMOTE_ADDR="10.0.0.1").post(
                "/admin/login/", {"username": "root", "password": "wrong"}
            )
        response = Client(REMOTE_ADDR="10.0.0.1").post(
            "/admin/login/", {"username": "root", "password": PASSWORD}
        )
        self.assertEqual(response.status_code, 429)
