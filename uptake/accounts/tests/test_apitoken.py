"""manage.py apitoken USERNAME: a new API token, shown once as the last line."""

from __future__ import annotations

from datetime import datetime, timedelta
from io import StringIO

import time_machine
from django.core.management import CommandError, call_command
from django.utils import timezone

from uptake.accounts.models import ApiToken
from uptake.test import NOW, BaseTestCase


class ApiTokenTestCase(BaseTestCase):
    def run_command(self, *args) -> str:
        out = StringIO()
        call_command("apitoken", *args, stdout=out)
        return out.getvalue()

    def get_campaigns(self, token: str):
        return self.client.get("/api/v1/campaigns", HTTP_AUTHORIZATION=f"Bearer {token}")

    def test_it_prints_the_token_as_the_last_line_and_it_authenticates(self):
        output = self.run_command("lan")
        token = output.splitlines()[-1]
        self.assertTrue(output.endswith(token + "\n"))
        self.assertTrue(token.startswith("upt_"))
        self.assertGreaterEqual(len(token), 40)
        response = self.get_campaigns(token)
        self.assertEqual(response.status_code, 200)
        self.assertEqual([c["slug"] for c in response.json()], ["bluezone-2020"])
        self.assertEqual(ApiToken.authenticate(token), self.lan)

    def test_only_the_tokens_hash_is_stored(self):
        token = self.run_command("lan").splitlines()[-1]
        stored = ApiToken.objects.get()
        self.assertEqual(stored.user, self.lan)
        self.assertEqual(stored.key_hash, ApiToken.hash(token))
        self.assertEqual(len(stored.key_hash), 64)
        self.assertEqual(stored.prefix, token[4:12])
        for field in ("prefix", "key_hash"):
            self.assertNotEqual(getattr(stored, field), token)
        self.assertNotIn(token, str(list(ApiToken.objects.values_list())))

    def test_every_run_gives_a_new_token(self):
        first = self.run_command("lan").splitlines()[-1]
        second = self.run_command("lan").splitlines()[-1]
        self.assertNotEqual(first, second)
        self.assertEqual(ApiToken.objects.filter(user=self.lan).count(), 2)
        self.assertEqual(self.get_campaigns(first).status_code, 200)
        self.assertEqual(self.get_campaigns(second).status_code, 200)

    def test_a_token_expires_after_a_year_by_default(self):
        token = self.run_command("lan").splitlines()[-1]
        self.assertEqual(ApiToken.objects.get().expires_at, NOW + timedelta(days=365))
        with time_machine.travel(NOW + timedelta(days=365, seconds=1), tick=False):
            self.assertEqual(self.get_campaigns(token).status_code, 401)
            self.assertIsNone(ApiToken.authenticate(token))

    def test_days_sets_the_expiry(self):
        token = self.run_command("lan", "--days", "2").splitlines()[-1]
        with time_machine.travel(NOW + timedelta(days=1, hours=23), tick=False):
            self.assertEqual(self.get_campaigns(token).status_code, 200)
        with time_machine.travel(NOW + timedelta(days=2), tick=False):
            self.assertEqual(self.get_campaigns(token).status_code, 401)

    def test_zero_days_never_expires(self):
        token = self.run_command("lan", "--days", "0").splitlines()[-1]
        self.assertIsNone(ApiToken.objects.get().expires_at)
        with time_machine.travel(datetime(2030, 1, 1, tzinfo=NOW.tzinfo), tick=False):
            self.assertEqual(self.get_campaigns(token).status_code, 200)

    def test_a_revoked_token_is_refused(self):
        token = self.run_command("lan").splitlines()[-1]
        ApiToken.objects.update(revoked_at=timezone.now())
        self.assertEqual(self.get_campaigns(token).status_code, 401)
        self.assertIsNone(ApiToken.authenticate(token))

    def test_an_unknown_or_inactive_user_gets_no_token(self):
        with self.assertRaisesMessage(CommandError, "no active user 'nobody'"):
            self.run_command("nobody")
        self.lan.is_active = False
        self.lan.save()
        with self.assertRaisesMessage(CommandError, "no active user 'lan'"):
            self.run_command("lan")
        self.assertEqual(ApiToken.objects.count(), 0)

    def test_negative_days_are_refused(self):
        with self.assertRaisesMessage(CommandError, "--days must be 0 or more"):
            self.run_command("lan", "--days", "-1")
        self.assertEqual(ApiToken.objects.count(), 0)
