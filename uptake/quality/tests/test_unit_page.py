"""A unit's quality page: its flags, inspections, samples and roster."""

from __future__ import annotations

from datetime import date

from uptake.quality.actions import record_inspection
from uptake.quality.models import Method
from uptake.quality.tests.helpers import english, quality_case, some_flags
from uptake.test import BaseTestCase

URL = "/c/bluezone-2020/units/870-TTT/quality/"


@quality_case
class UnitPageTest(BaseTestCase):
    def setUp(self):
        super().setUp()
        some_flags(self)
        english(self.client)

    def test_it_shows_the_units_flags_and_the_gap_an_inspection_found(self):
        record_inspection(
            self.campaign,
            self.unit("870-TTT"),
            user=self.minh,
            date=date(2020, 8, 17),
            method=Method.STAFF_PHONES,
            group="staff",
            sample_size=10,
            with_app=8,
        )
        self.client.force_login(self.minh)
        response = self.client.get(URL)
        self.assertEqual(response.status_code, 200)
        self.assertEqual({f.rule for f in response.context["flags"]}, {"stale", "verified_gap"})
        self.assertContains(
            response,
            "8 of 10 checked had the app: <strong>80.0%</strong> (95% interval 49.0–94.3%).",
            html=False,
        )
        self.assertContains(response, "The reported rate lies above the interval:")
        self.assertContains(response, "Record an inspection")

    def test_the_units_reporter_reads_it_without_inspection_buttons(self):
        self.client.force_login(self.lan)
        response = self.client.get(URL)
        self.assertEqual(response.status_code, 200)
        self.assertNotContains(response, "Record an inspection")
        self.assertNotContains(response, "/dismiss/")

    def test_a_viewer_reads_it(self):
        self.client.force_login(self.hoa)
        self.assertEqual(self.client.get(URL).status_code, 200)

    def test_another_district_gets_a_404(self):
        self.client.force_login(self.tuan)
        self.assertEqual(self.client.get(URL).status_code, 404)

    def test_a_reporter_cannot_read_a_sibling_unit(self):
        self.client.force_login(self.lan)
        self.assertEqual(
            self.client.get("/c/bluezone-2020/units/870-LKA/quality/").status_code, 404
        )

    def test_an_unknown_unit_is_a_404(self):
        self.client.force_login(self.root)
        self.assertEqual(self.client.get("/c/bluezone-2020/units/nope/quality/").status_code, 404)

    def test_it_refuses_post(self):
        self.client.force_login(self.minh)
        self.assertEqual(self.client.post(URL).status_code, 405)

    def test_anonymous_users_go_to_the_login_page(self):
        self.assertEqual(self.client.get(URL).status_code, 302)
