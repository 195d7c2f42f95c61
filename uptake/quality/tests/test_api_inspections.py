"""GET and POST /api/v1/campaigns/{slug}/inspections"""

from __future__ import annotations

from datetime import date

from uptake.quality.models import Inspection, Sample
from uptake.quality.tests.helpers import quality_case
from uptake.test import BaseTestCase, figures

URL = "/api/v1/campaigns/bluezone-2020/inspections"


def body(**changes):
    values = {
        "unit": "870-TTT",
        "date": "2020-08-17",
        "method": "staff_phones",
        "group": "staff",
        "sample_size": 10,
        "with_app": 8,
        "findings": "2 người chưa cài",
    }
    values.update(changes)
    return values


@quality_case
class InspectionsApiTest(BaseTestCase):
    def setUp(self):
        super().setUp()
        self.submit("870-TTT", day=date(2020, 8, 16), figures=figures(staff=(41, 39)))

    def post(self, user, **changes):
        return self.client.post(
            URL, body(**changes), content_type="application/json", **self.bearer(user)
        )

    def test_a_coordinator_records_one_and_learns_the_verdict(self):
        response = self.post(self.minh)
        self.assertEqual(response.status_code, 201)
        data = response.json()
        self.assertEqual(data["verified_percent"], 80.0)
        self.assertEqual(data["interval"], [49.0, 94.3])
        self.assertEqual((data["reported_percent"], data["reported_date"]), (95.1, "2020-08-16"))
        self.assertTrue(data["above_interval"])
        self.assertEqual(data["inspector"], "minh")

    def test_it_links_a_sample_of_the_unit(self):
        sample = Sample.objects.create(
            campaign=self.campaign,
            unit=self.unit("870-TTT"),
            source="roster",
            group="staff",
            size=10,
            population=41,
            seed=3,
            items=[{"ref": str(i), "label": "x", "detail": ""} for i in range(10)],
        )
        self.assertEqual(self.post(self.minh, sample=sample.pk).json()["sample"], sample.pk)
        self.assertEqual(self.post(self.minh, sample=999).status_code, 422)

    def test_invalid_figures_are_a_422_with_the_field(self):
        response = self.post(self.minh, with_app=11)
        self.assertEqual(response.status_code, 422)
        self.assertEqual(response.json()["errors"][0]["field"], "with_app")
        self.assertFalse(Inspection.objects.exists())

    def test_reporters_and_viewers_get_a_403(self):
        for user in (self.lan, self.hoa):
            self.assertEqual(self.post(user).status_code, 403, user.username)

    def test_another_district_gets_a_403(self):
        response = self.post(self.tuan)
        self.assertEqual(response.status_code, 403)
        self.assertEqual(response.json()["errors"][0]["field"], "unit")

    def test_an_unknown_unit_is_a_404(self):
        self.assertEqual(self.post(self.minh, unit="nope").status_code, 404)

    def test_it_lists_a_units_inspections_to_its_readers(self):
        self.post(self.minh)
        for user in (self.lan, self.hoa, self.minh, self.root):
            response = self.client.get(URL + "?unit=870-TTT", **self.bearer(user))
            self.assertEqual(response.status_code, 200, user.username)
            self.assertEqual([i["with_app"] for i in response.json()], [8])
        self.assertEqual(
            self.client.get(URL + "?unit=870-TTT", **self.bearer(self.tuan)).status_code, 403
        )

    def test_it_needs_a_token(self):
        self.assertEqual(self.client.get(URL + "?unit=870-TTT").status_code, 401)
        self.assertEqual(
            self.client.post(URL, body(), content_type="application/json").status_code, 401
        )

    def test_it_refuses_put(self):
        self.assertEqual(self.client.put(URL, **self.bearer(self.minh)).status_code, 405)
