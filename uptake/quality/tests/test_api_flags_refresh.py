"""POST /api/v1/campaigns/{slug}/flags/refresh: bring the flags up to date now (#19).

The flags' GET only reads; a coordinator's client that must see a report just sent in the
flags, before the scheduler's next pass, posts here first (as the page's "Check again now").
"""

from __future__ import annotations

from datetime import date

from uptake.quality.models import Flag
from uptake.quality.tests.helpers import quality_case, some_flags
from uptake.test import BaseTestCase

URL = "/api/v1/campaigns/bluezone-2020/flags/refresh"


@quality_case
class FlagsRefreshApiTest(BaseTestCase):
    def setUp(self):
        super().setUp()
        some_flags(self)

    def post(self, user, query=""):
        return self.client.post(URL + query, **self.bearer(user))

    def test_it_checks_again_the_groups_whose_reports_changed(self):
        self.submit("870-TTT", day=date(2020, 8, 17))
        self.assertFalse(Flag.objects.filter(date=date(2020, 8, 17)).exists())
        response = self.post(self.minh)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json()["groups"], 1)
        self.assertTrue(Flag.objects.filter(unit__code="870-TTT", date=date(2020, 8, 17)).exists())
        self.assertEqual(self.post(self.minh).json()["groups"], 0)  # nothing changed since

    def test_a_root_narrows_it_and_must_be_readable(self):
        self.submit("870-TTT", day=date(2020, 8, 17))
        self.assertEqual(self.post(self.root, "?root=869-TH").json()["groups"], 0)
        response = self.post(self.minh, "?root=869-TH")
        self.assertEqual(response.status_code, 403)
        self.assertEqual(response.json()["errors"][0]["field"], "root")
        self.assertEqual(self.post(self.minh, "?root=870-TTT").json()["groups"], 1)

    def test_reporters_and_viewers_are_refused_and_nothing_changes(self):
        self.submit("870-TTT", day=date(2020, 8, 17))
        before = list(Flag.objects.values_list("pk", "date", "rule"))
        for user, query, field in (
            (self.lan, "", "campaign"),
            (self.lan, "?root=870-TTT", "root"),
            (self.hoa, "", "campaign"),
            (self.tuan, "?root=869-TH", "root"),
        ):
            with self.subTest(user=user.username, query=query):
                response = self.post(user, query)
                self.assertEqual(response.status_code, 403)
                self.assertEqual(response.json()["errors"][0]["field"], field)
        self.assertEqual(list(Flag.objects.values_list("pk", "date", "rule")), before)

    def test_it_needs_a_token_and_a_known_campaign(self):
        self.assertEqual(self.client.post(URL).status_code, 401)
        response = self.client.post(
            "/api/v1/campaigns/nope/flags/refresh", **self.bearer(self.minh)
        )
        self.assertEqual(response.status_code, 404)

    def test_it_refuses_get(self):
        self.assertEqual(self.client.get(URL, **self.bearer(self.minh)).status_code, 405)
