"""The two-step log-in's code field opens a phone's number pad and offers its code from an SMS
or the app (#17); a button gives the full keyboard back for a recovery code."""

from __future__ import annotations

from django.test import Client

from uptake.test import BaseTestCase


class CodeFieldTest(BaseTestCase):
    def test_the_code_field_asks_for_digits_and_a_one_time_code(self):
        client = Client()
        client.force_login(self.minh)  # the password only: the second step is asked
        response = client.get("/account/two-factor/setup/")
        self.assertContains(response, 'inputmode="numeric"')
        self.assertContains(response, 'autocomplete="one-time-code"')

    def test_the_log_in_step_offers_the_keyboard_for_a_recovery_code(self):
        from uptake.test import verify_session

        verify_session(Client(), self.minh)  # minh has a device now
        client = Client()
        client.force_login(self.minh)
        response = client.get("/account/two-factor/")
        self.assertContains(response, 'inputmode="numeric"')
        self.assertContains(response, "data-recovery")
        self.assertContains(response, "accounts/code.js")
