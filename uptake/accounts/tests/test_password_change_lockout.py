"""The current password on /account/password/ cannot be guessed without limit (#15): a wrong
one counts as a wrong password at log-in, and the same lockout stops both."""

from __future__ import annotations

from django.test import Client

from uptake.test import PASSWORD, BaseTestCase

NEW = "An0ther-Passw0rd!"


class PasswordChangeLockoutTestCase(BaseTestCase):
    def setUp(self):
        super().setUp()
        self.client.cookies.load({"django_language": "en"})
        self.client.force_login(self.lan)

    def change(self, old: str):
        return self.client.post(
            "/account/password/",
            {"old_password": old, "new_password1": NEW, "new_password2": NEW},
        )

    def test_four_wrong_current_passwords_still_let_the_right_one_change_it(self):
        for _ in range(4):
            self.assertEqual(self.change("wrong").status_code, 200)
        self.assertEqual(self.change(PASSWORD).status_code, 302)
        self.lan.refresh_from_db()
        self.assertTrue(self.lan.check_password(NEW))

    def test_the_fifth_wrong_one_locks_out_and_the_right_one_is_refused(self):
        for _ in range(4):
            self.change("wrong")
        self.assertContains(self.change("wrong"), "15", status_code=429)
        response = self.change(PASSWORD)
        self.assertEqual(response.status_code, 429)
        self.lan.refresh_from_db()
        self.assertTrue(self.lan.check_password(PASSWORD))  # unchanged

    def test_the_lockout_is_the_log_in_forms_lockout(self):
        for _ in range(5):
            self.change("wrong")
        response = Client().post("/login/", {"username": "lan", "password": PASSWORD})
        self.assertEqual(response.status_code, 429)

    def test_wrong_passwords_at_log_in_lock_the_password_change_too(self):
        client = Client()
        for _ in range(5):
            client.post("/login/", {"username": "lan", "password": "wrong"})
        self.assertEqual(self.change(PASSWORD).status_code, 429)

    def test_a_refused_new_password_is_not_a_wrong_password(self):
        for _ in range(6):
            response = self.client.post(
                "/account/password/",
                {"old_password": PASSWORD, "new_password1": "short", "new_password2": "short"},
            )
            self.assertEqual(response.status_code, 200)
        self.assertEqual(self.change(PASSWORD).status_code, 302)
