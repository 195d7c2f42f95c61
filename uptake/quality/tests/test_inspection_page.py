"""An inspection's page, and changing it."""

from __future__ import annotations

from datetime import date

from uptake.quality.actions import record_inspection
from uptake.quality.models import Method
from uptake.quality.tests.helpers import english, quality_case
from uptake.test import BaseTestCase, figures


@quality_case
class InspectionPageTest(BaseTestCase):
    def setUp(self):
        super().setUp()
        english(self.client)
        self.submit(
            "870-TTT", day=date(2020, 8, 16), figures=figures(residents=(5200, 3380))
        )  # 65%
        self.inspection = record_inspection(
            self.campaign,
            self.unit("870-TTT"),
            user=self.minh,
            date=date(2020, 8, 17),
            method=Method.VISITING,
            group="residents",
            sample_size=40,
            with_app=14,
            findings="Nhiều hộ chưa cài",
        )
        self.url = f"/c/bluezone-2020/inspections/{self.inspection.pk}/"

    def test_it_says_the_reported_rate_lies_above_the_interval(self):
        self.client.force_login(self.hoa)
        response = self.client.get(self.url)
        self.assertContains(
            response, "<strong>35.0%</strong> (95% interval 22.1–50.5%)", html=False
        )
        self.assertContains(response, "The unit reported 65.0% on 16/08/2020.")
        self.assertContains(response, "The reported rate lies above the interval:")
        self.assertContains(response, "<svg", html=False)
        self.assertNotContains(response, "/edit/")

    def test_the_coordinator_may_change_it(self):
        self.client.force_login(self.minh)
        self.assertContains(self.client.get(self.url), f"/inspections/{self.inspection.pk}/edit/")
        response = self.client.post(
            self.url + "edit/",
            {
                "date": "2020-08-17",
                "inspector": "Kiểm",
                "method": "visiting_households",
                "group": "residents",
                "sample": "",
                "sample_size": "40",
                "with_app": "30",
                "findings": "",
                "follow_up": "Đã nhắc",
            },
        )
        self.assertRedirects(response, self.url, fetch_redirect_response=False)
        response = self.client.get(self.url)
        self.assertContains(response, "The reported rate is consistent with the sample.")

    def test_the_units_reporter_reads_it(self):
        self.client.force_login(self.lan)
        self.assertEqual(self.client.get(self.url).status_code, 200)
        self.assertEqual(self.client.get(self.url + "edit/").status_code, 403)

    def test_another_district_gets_a_404(self):
        self.client.force_login(self.tuan)
        self.assertEqual(self.client.get(self.url).status_code, 404)
        self.assertEqual(self.client.get(self.url + "edit/").status_code, 404)

    def test_it_refuses_post(self):
        self.client.force_login(self.minh)
        self.assertEqual(self.client.post(self.url).status_code, 405)

    def test_anonymous_users_go_to_the_login_page(self):
        self.assertEqual(self.client.get(self.url).status_code, 302)
        self.assertEqual(self.client.post(self.url + "edit/").status_code, 302)
