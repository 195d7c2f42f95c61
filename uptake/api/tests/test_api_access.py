"""Who may call which endpoint of API v1: tokens, then each role in and out of its units."""

from __future__ import annotations

from datetime import datetime, timedelta

import time_machine
from django.contrib.auth.models import User
from django.db import connection
from django.utils import timezone

from uptake.accounts.models import ApiToken
from uptake.audit.models import AuditEntry
from uptake.reports.models import Report, Revision
from uptake.test import NOW, VN, BaseTestCase, figures

SUMMARY = "/api/v1/campaigns/bluezone-2020/summary"
HISTORY = "/api/v1/campaigns/bluezone-2020/units/{}/reports"
ENDPOINTS = [
    ("post", "/api/v1/reports"),
    ("get", SUMMARY),
    ("get", "/api/v1/campaigns"),
    ("get", "/api/v1/units"),
    ("get", HISTORY.format("870-TTT")),
]
UNAUTHORIZED = {"errors": [{"field": "authorization", "message": "A valid token is required."}]}


def report_body(code: str) -> dict:
    return {"campaign": "bluezone-2020", "unit": code, "date": "2020-08-17", "figures": figures()}


class TokenTestCase(BaseTestCase):
    def call(self, method: str, url: str, **headers):
        if method == "post":
            return self.client.post(
                url, report_body("870-TTT"), content_type="application/json", **headers
            )
        return self.client.get(url, **headers)

    def assertUnauthorized(self, **headers):
        for method, url in ENDPOINTS:
            with self.subTest(method=method, url=url):
                response = self.call(method, url, **headers)
                self.assertEqual(response.status_code, 401)
                self.assertEqual(response.json(), UNAUTHORIZED)
        self.assertEqual(
            (Report.objects.count(), Revision.objects.count(), AuditEntry.objects.count()),
            (0, 0, 0),
        )

    def test_every_endpoint_needs_a_token(self):
        self.assertUnauthorized()

    def test_a_malformed_authorization_header_is_refused(self):
        token = self.token(self.root)
        self.assertUnauthorized(HTTP_AUTHORIZATION=f"Token {token}")
        self.assertUnauthorized(HTTP_AUTHORIZATION="Bearer")
        self.assertUnauthorized(HTTP_AUTHORIZATION=token)

    def test_an_unknown_token_is_refused(self):
        self.token(self.root)
        self.assertUnauthorized(HTTP_AUTHORIZATION="Bearer upt_not-a-real-token")

    def test_an_expired_token_is_refused(self):
        token = ApiToken.issue(self.root, days=1)
        headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
        self.assertEqual(self.client.get("/api/v1/campaigns", **headers).status_code, 200)
        with time_machine.travel(NOW + timedelta(days=1, seconds=1), tick=False):
            self.assertUnauthorized(**headers)

    def test_a_revoked_token_is_refused(self):
        token = ApiToken.issue(self.root)
        ApiToken.objects.update(revoked_at=timezone.now())
        self.assertUnauthorized(HTTP_AUTHORIZATION=f"Bearer {token}")
        self.assertIsNone(ApiToken.objects.get().last_used_at)  # a refusal is not a use

    def test_the_token_of_a_deactivated_user_is_refused(self):
        headers = self.bearer(self.root)
        self.root.is_active = False
        self.root.save()
        self.assertUnauthorized(**headers)
        self.assertIsNone(ApiToken.objects.get().last_used_at)

    def test_an_expired_tokens_refusal_is_not_recorded_as_a_use(self):
        token = ApiToken.issue(self.root, days=1)
        with time_machine.travel(NOW + timedelta(days=1, seconds=1), tick=False):
            self.assertUnauthorized(HTTP_AUTHORIZATION=f"Bearer {token}")
        self.assertIsNone(ApiToken.objects.get().last_used_at)

    def test_a_valid_token_is_accepted_and_its_use_recorded(self):
        headers = self.bearer(self.lan)
        response = self.client.get("/api/v1/campaigns", **headers)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(ApiToken.objects.get().last_used_at, NOW)

    def test_its_use_is_written_at_most_once_a_minute(self):
        headers = self.bearer(self.lan)
        self.client.get("/api/v1/campaigns", **headers)
        with time_machine.travel(NOW + timedelta(seconds=59), tick=False):
            self.client.get("/api/v1/campaigns", **headers)
        self.assertEqual(ApiToken.objects.get().last_used_at, NOW)
        with time_machine.travel(NOW + timedelta(minutes=1), tick=False):
            self.client.get("/api/v1/campaigns", **headers)
        self.assertEqual(ApiToken.objects.get().last_used_at, NOW + timedelta(minutes=1))

    def test_the_lookup_brings_the_user_the_profile_and_its_unit_paths_in_one_query(self):
        token, path = ApiToken.issue(self.minh), self.unit("870").path
        # The first use of the token is written in the same statement on PostgreSQL (#20),
        # in a second one on SQLite.
        with self.assertNumQueries(1 if connection.vendor == "postgresql" else 2):
            found = ApiToken.lookup(token)
            self.assertEqual(found.user, self.minh)
            self.assertEqual(found.user.profile.role, "coordinator")
            self.assertEqual(found.user.profile.unit_paths(), [path])
            self.assertFalse(found.user.profile.is_admin)
        # A field the query did not read (a date-time) is loaded when asked for, not made up.
        self.assertEqual(found.user.date_joined, self.minh.date_joined)

    def test_a_superuser_without_a_profile_is_given_one(self):
        boss = User.objects.create_superuser("boss", "boss@example.org", "pw")
        token = ApiToken.issue(boss)
        response = self.client.get(
            "/api/v1/campaigns", HTTP_AUTHORIZATION=f"Bearer {token}", secure=True
        )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(boss.profile.role, "admin")


class RoleAccessTestCase(BaseTestCase):
    """Each persona against each endpoint, in and out of its units."""

    def status(self, user, method: str, url: str, **params) -> int:
        headers = self.bearer(user)
        if method == "post":
            response = self.client.post(url, params, content_type="application/json", **headers)
        else:
            response = self.client.get(url, params, **headers)
        if response.status_code >= 400:
            # A refusal says why and carries no data.
            self.assertEqual(set(response.json()), {"errors"})
        return response.status_code

    def test_submitting_figures(self):
        expected = {
            "870-TTT": {"lan": 201, "minh": 201, "hoa": 403, "tuan": 403, "root": 201},
            "869-TH": {"lan": 403, "minh": 403, "hoa": 403, "tuan": 201, "root": 201},
        }
        for code, statuses in expected.items():
            for username, status in statuses.items():
                with self.subTest(code=code, user=username):
                    user = getattr(self, username)
                    got = self.status(user, "post", "/api/v1/reports", **report_body(code))
                    self.assertEqual(got, status)
        self.assertEqual(Report.objects.get(unit__code="870-TTT").revision, 3)
        self.assertEqual(Report.objects.get(unit__code="869-TH").revision, 2)

    def test_reading_the_summary(self):
        expected = {
            "87": {"lan": 403, "minh": 403, "hoa": 403, "tuan": 403, "root": 200},
            "870": {"lan": 403, "minh": 200, "hoa": 200, "tuan": 403, "root": 200},
            "870-TTT": {"lan": 200, "minh": 200, "hoa": 200, "tuan": 403, "root": 200},
            "869-TH": {"lan": 403, "minh": 403, "hoa": 403, "tuan": 200, "root": 200},
        }
        for root, statuses in expected.items():
            for username, status in statuses.items():
                with self.subTest(root=root, user=username):
                    got = self.status(getattr(self, username), "get", SUMMARY, root=root)
                    self.assertEqual(got, status)

    def test_reading_a_units_history(self):
        self.submit("870-TTT", user=self.lan)
        self.submit("869-TH", user=self.tuan)
        expected = {
            "870-TTT": {"lan": 200, "minh": 200, "hoa": 200, "tuan": 403, "root": 200},
            "870-LKA": {"lan": 403, "minh": 200, "hoa": 200, "tuan": 403, "root": 200},
            "869-TH": {"lan": 403, "minh": 403, "hoa": 403, "tuan": 200, "root": 200},
        }
        for code, statuses in expected.items():
            for username, status in statuses.items():
                with self.subTest(code=code, user=username):
                    got = self.status(getattr(self, username), "get", HISTORY.format(code))
                    self.assertEqual(got, status)

    def test_the_reporter_of_another_district_sees_nothing_of_870(self):
        self.submit("870-TTT", user=self.lan, note="bí mật")
        headers = self.bearer(self.tuan)
        units = self.client.get("/api/v1/units", {"q": "thuong"}, **headers).json()
        self.assertEqual(units, [])
        units = self.client.get("/api/v1/units", **headers).json()
        self.assertEqual([u["code"] for u in units], ["869-TH"])
        summary = self.client.get(SUMMARY, {"root": "869-TH"}, **headers).json()
        self.assertEqual([u["code"] for u in summary["units"]], ["869-TH"])
        self.assertEqual(summary["totals"]["staff"]["with_smartphone"], 0)
        for url in (SUMMARY + "?root=870", SUMMARY + "?root=870-TTT", HISTORY.format("870-TTT")):
            with self.subTest(url=url):
                response = self.client.get(url, **headers)
                self.assertEqual(response.status_code, 403)
                self.assertNotIn("bí mật", response.content.decode())
                self.assertNotIn("5200", response.content.decode())

    def test_a_user_without_units_sees_nothing(self):
        nobody = self.make_user("an", "viewer")
        headers = self.bearer(nobody)
        self.assertEqual(self.client.get("/api/v1/units", **headers).json(), [])
        self.assertEqual(self.client.get("/api/v1/campaigns", **headers).json(), [])
        response = self.client.get(SUMMARY, {"root": "870"}, **headers)
        self.assertEqual(response.status_code, 403)

    def test_a_coordinator_enters_on_behalf_only_under_their_units(self):
        body = report_body("869-TH") | {
            "on_behalf": True,
            "source": "Zalo",
            # Within 15 minutes of the entry (10:00): no note needed to say why it is late.
            "received_at": datetime(2020, 8, 17, 9, 50, tzinfo=VN).isoformat(),
        }
        self.assertEqual(self.status(self.minh, "post", "/api/v1/reports", **body), 403)
        body["unit"] = "870-LKA"
        self.assertEqual(self.status(self.minh, "post", "/api/v1/reports", **body), 201)
        self.assertEqual(
            self.status(self.lan, "post", "/api/v1/reports", **(body | {"unit": "870-TTT"})), 403
        )
