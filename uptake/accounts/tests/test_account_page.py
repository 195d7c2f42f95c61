"""My account: the user's API tokens (listed, made with an expiry and shown once, revoked)."""

from __future__ import annotations

import re
from datetime import timedelta

from django.test import override_settings
from django.utils import timezone

from uptake.accounts.models import ApiToken
from uptake.test import BaseTestCase

FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@override_settings(PASSWORD_HASHERS=FAST_HASHERS)
class AccountPageTest(BaseTestCase):
    def test_it_lists_the_users_tokens_and_no_one_elses(self):
        self.token(self.lan)
        self.token(self.tuan)
        expired = ApiToken.objects.get(key_hash=ApiToken.hash(self.token(self.lan)))
        ApiToken.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - timedelta(1))
        self.client.force_login(self.lan)
        response = self.client.get("/account/")
        self.assertEqual(response.status_code, 200)
        mine = ApiToken.objects.filter(user=self.lan)
        for token in mine:
            self.assertContains(response, f"upt_{token.prefix}…")
        theirs = ApiToken.objects.get(user=self.tuan)
        self.assertNotContains(response, theirs.prefix)
        self.assertContains(response, "expired")
        self.assertContains(response, "17/08/2021")  # a year from today: the default expiry
        self.assertNotContains(response, "key_hash")
        self.assertIn("no-store", response["Cache-Control"])

    def test_a_new_token_is_shown_once_and_works(self):
        self.client.force_login(self.lan)
        response = self.client.post("/account/tokens/", {"days": "30"})
        self.assertEqual(response.status_code, 201)
        token = re.search(r'id="new-token">(upt_[\w-]+)<', response.content.decode()).group(1)
        stored = ApiToken.objects.get(user=self.lan)
        self.assertEqual(stored.key_hash, ApiToken.hash(token))
        self.assertEqual(stored.expires_at, timezone.now() + timedelta(days=30))
        self.assertIn("no-store", response["Cache-Control"])
        self.assertNotContains(self.client.get("/account/"), token)
        api = self.client_class().get("/api/v1/units", HTTP_AUTHORIZATION=f"Bearer {token}")
        self.assertEqual(api.status_code, 200)

    def test_an_expiry_outside_the_choices_is_refused(self):
        self.client.force_login(self.lan)
        response = self.client.post("/account/tokens/", {"days": "100000"})
        self.assertEqual(response.status_code, 400)
        self.assertFalse(ApiToken.objects.exists())

    def test_a_revoked_token_no_longer_works(self):
        token = self.token(self.lan)
        stored = ApiToken.objects.get(user=self.lan)
        self.client.force_login(self.lan)
        response = self.client.post(f"/account/tokens/{stored.pk}/revoke/")
        self.assertRedirects(response, "/account/", fetch_redirect_response=False)
        stored.refresh_from_db()
        self.assertEqual(stored.revoked_at, timezone.now())
        api = self.client_class().get("/api/v1/units", HTTP_AUTHORIZATION=f"Bearer {token}")
        self.assertEqual(api.status_code, 401)
        self.assertContains(self.client.get("/account/"), "đã thu hồi ngày 17/08/2020")

    def test_nobody_revokes_someone_elses_token(self):
        self.token(self.lan)
        stored = ApiToken.objects.get(user=self.lan)
        self.client.force_login(self.tuan)
        self.assertEqual(self.client.post(f"/account/tokens/{stored.pk}/revoke/").status_code, 404)
        stored.refresh_from_db()
        self.assertIsNone(stored.revoked_at)

    def test_revoking_is_a_post(self):
        self.token(self.lan)
        stored = ApiToken.objects.get(user=self.lan)
        self.client.force_login(self.lan)
        self.assertEqual(self.client.get(f"/account/tokens/{stored.pk}/revoke/").status_code, 405)

    def test_the_last_use_is_shown(self):
        token = self.token(self.lan)
        self.client_class().get("/api/v1/units", HTTP_AUTHORIZATION=f"Bearer {token}")
        self.client.force_login(self.lan)
        response = self.client.get("/account/")
        self.assertContains(response, "17/08/2020 10:00")

    def test_every_page_links_to_the_account(self):
        self.client.force_login(self.lan)
        self.assertContains(self.client.get("/c/bluezone-2020/report/"), 'href="/account/"')

    def test_a_coordinator_sees_the_two_step_log_in(self):
        self.client.force_login(self.minh)
        response = self.client.get("/account/")
        self.assertContains(response, 'id="two-factor"')
        self.client.force_login(self.lan)
        self.assertNotContains(self.client.get("/account/"), 'id="two-factor"')


@override_settings(PASSWORD_HASHERS=FAST_HASHERS)
class AccountPageMenuAndRecoveryTest(BaseTestCase):
    """#17: the campaign menu on the account page; a warning with a button when the recovery
    codes have run out."""

    def confirmed_device(self, user):
        from uptake.accounts import twofactor

        device = twofactor.pending_device(user)
        twofactor.confirm_device(device)
        return twofactor

    def test_the_account_page_carries_the_campaign_menu(self):
        for user, first in (
            (self.minh, "/c/bluezone-2020/status/"),
            (self.lan, "/c/bluezone-2020/report/"),
        ):
            with self.subTest(user=user.username):
                self.client.force_login(user)
                response = self.client.get("/account/")
                self.assertContains(response, '<nav class="campaign"')
                self.assertContains(response, f'href="{first}"')

    def test_someone_in_no_campaign_gets_no_menu(self):
        from django.contrib.auth import get_user_model

        from uptake.accounts.models import Profile

        nobody = get_user_model().objects.create_user("nobody", password="x" * 12)
        Profile.objects.create(user=nobody, role="viewer")
        self.client.force_login(nobody)
        response = self.client.get("/account/")
        self.assertEqual(response.status_code, 200)
        self.assertNotContains(response, '<nav class="campaign"')

    def test_no_recovery_code_left_shows_a_warning_with_a_button(self):
        twofactor = self.confirmed_device(self.minh)
        from django_otp.plugins.otp_static.models import StaticToken

        StaticToken.objects.filter(device__user=self.minh).delete()
        self.assertEqual(twofactor.recovery_codes_left(self.minh), 0)
        self.client.force_login(self.minh)
        response = self.client.get("/account/")
        self.assertContains(response, 'id="no-recovery-codes"')
        self.assertContains(response, "Bạn đã hết mã khôi phục.")
        self.assertContains(response, "Tạo mã khôi phục mới")
        self.assertContains(response, 'action="/account/two-factor/recovery/"')

    def test_codes_left_show_no_warning(self):
        self.confirmed_device(self.minh)
        self.client.force_login(self.minh)
        response = self.client.get("/account/")
        self.assertContains(response, "10 mã khôi phục")
        self.assertNotContains(response, 'id="no-recovery-codes"')
