"""A change of role or units revokes the API tokens a user minted on the web (#15).

Found: a reporter minted a 365-day token on /account/, was made coordinator with
``adduser … --role coordinator``, and the same token then created an inspection and read the
district's summary, with no authenticator set up. ``manage.py apitoken``'s tokens stay.
"""

from __future__ import annotations

from io import StringIO

from django.core.management import call_command

from uptake.accounts.models import ApiToken, Role
from uptake.test import BaseTestCase
from uptake.units.models import Unit


class TokenRevocationTestCase(BaseTestCase):
    def setUp(self):
        super().setUp()
        self.client.cookies.load({"django_language": "en"})
        self.client.force_login(self.lan)
        self.client.post("/account/tokens/", {"days": "365"})
        self.web = ApiToken.objects.get(user=self.lan)
        # The operator's token for a script, and a web token whose value we know.
        self.script = ApiToken.issue(self.lan, source=ApiToken.Source.COMMAND)
        self.minted = ApiToken.issue(self.lan)  # source: web

    def units(self, token: str) -> int:
        return self.client.get("/api/v1/units", HTTP_AUTHORIZATION=f"Bearer {token}").status_code

    def adduser(self, *args: str) -> None:
        call_command("adduser", "lan", *args, stdout=StringIO())

    def test_a_promotion_with_adduser_revokes_the_web_tokens_only(self):
        self.assertEqual(self.units(self.minted), 200)
        self.adduser("--role", "coordinator")
        self.assertEqual(self.units(self.minted), 401)
        self.assertEqual(self.units(self.script), 200)
        self.web.refresh_from_db()
        self.assertEqual(self.web.state, "revoked")
        self.assertEqual(self.web.revoked_reason, ApiToken.Revoked.ACCESS_CHANGED)

    def test_a_change_of_units_revokes_them(self):
        self.adduser("--add-unit", "870-LKA")
        self.assertEqual(self.units(self.minted), 401)

    def test_the_admin_changing_units_or_role_revokes_them(self):
        profile = self.lan.profile
        profile.units.remove(Unit.objects.get(code="870-TTT"))
        self.assertEqual(self.units(self.minted), 401)
        fresh = ApiToken.issue(self.lan)
        profile.role = Role.VIEWER
        profile.save()
        self.assertEqual(self.units(fresh), 401)
        fresh = ApiToken.issue(self.lan)
        self.lan.is_staff = True
        self.lan.save()
        self.assertEqual(self.units(fresh), 401)
        self.assertEqual(self.units(self.script), 200)

    def test_saving_without_a_change_revokes_nothing(self):
        self.adduser("--role", "reporter", "--unit", "870-TTT")
        self.lan.profile.save()
        self.lan.save()
        self.client.force_login(self.lan)  # last_login written
        self.assertEqual(self.units(self.minted), 200)

    def test_the_user_is_told_at_the_next_log_in_once(self):
        self.adduser("--role", "viewer")
        self.client.logout()
        response = self.client.post(
            "/login/", {"username": "lan", "password": "s3cret-Passw0rd!"}, follow=True
        )
        self.assertContains(response, "Vai trò hoặc đơn vị của bạn đã thay đổi nên mã truy cập API")
        self.assertContains(response, f"{self.web.prefix}…")
        self.client.logout()
        again = self.client.post(
            "/login/", {"username": "lan", "password": "s3cret-Passw0rd!"}, follow=True
        )
        self.assertNotContains(again, "Your role or units changed")

    def test_revoking_ones_own_token_says_so(self):
        self.client.post(f"/account/tokens/{self.web.pk}/revoke/")
        self.web.refresh_from_db()
        self.assertEqual(self.web.revoked_reason, ApiToken.Revoked.BY_USER)
        self.assertFalse(self.web.notice_pending)

    def test_apitoken_marks_its_tokens_as_the_operators(self):
        call_command("apitoken", "hoa", stdout=StringIO())
        self.assertEqual(ApiToken.objects.get(user=self.hoa).source, ApiToken.Source.COMMAND)
