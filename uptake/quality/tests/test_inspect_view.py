"""Recording an inspection from the pages."""

from __future__ import annotations

from uptake.quality.models import Inspection, Sample
from uptake.quality.tests.helpers import english, quality_case
from uptake.test import BaseTestCase

URL = "/c/bluezone-2020/units/870-TTT/inspect/"


def data(**changes):
    values = {
        "date": "2020-08-17",
        "inspector": "",
        "method": "calling_households",
        "group": "residents",
        "sample": "",
        "sample_size": "40",
        "with_app": "18",
        "findings": "",
        "follow_up": "",
    }
    values.update(changes)
    return values


@quality_case
class InspectViewTest(BaseTestCase):
    def setUp(self):
        super().setUp()
        english(self.client)

    def test_the_coordinator_records_an_inspection(self):
        self.client.force_login(self.minh)
        response = self.client.post(URL, data())
        inspection = Inspection.objects.get()
        self.assertRedirects(
            response,
            f"/c/bluezone-2020/inspections/{inspection.pk}/",
            fetch_redirect_response=False,
        )
        self.assertEqual((inspection.inspector, inspection.with_app), ("minh", 18))

    def test_the_form_offers_the_units_groups_and_samples(self):
        sample = Sample.objects.create(
            campaign=self.campaign,
            unit=self.unit("870-TTT"),
            source="roster",
            group="staff",
            size=2,
            population=5,
            seed=1,
            items=[{"ref": "1", "label": "A", "detail": ""}] * 2,
        )
        self.client.force_login(self.minh)
        response = self.client.get(URL + f"?sample={sample.pk}")
        form = response.context["form"]
        self.assertEqual(
            [key for key, _label in form.fields["group"].choices], ["staff", "residents"]
        )
        self.assertEqual(form.initial["sample_size"], 2)
        self.assertEqual(form.initial["group"], "staff")

    def test_errors_come_back_next_to_their_fields(self):
        self.client.force_login(self.minh)
        response = self.client.post(URL, data(with_app="41"))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(
            response.context["form"].errors["with_app"], ["More than the sample size."]
        )
        response = self.client.post(URL, data(date="2020-08-20"))
        self.assertEqual(response.context["form"].errors["date"], ["This day has not come yet."])
        self.assertFalse(Inspection.objects.exists())

    def test_an_admin_records_too(self):
        self.client.force_login(self.root)
        self.assertEqual(self.client.post(URL, data()).status_code, 302)

    def test_reporters_and_viewers_get_a_403(self):
        for user in (self.lan, self.hoa):
            self.client.force_login(user)
            self.assertEqual(self.client.get(URL).status_code, 403)
            self.assertEqual(self.client.post(URL, data()).status_code, 403)

    def test_another_district_gets_a_404(self):
        self.client.force_login(self.tuan)
        self.assertEqual(self.client.post(URL, data()).status_code, 404)

    def test_it_refuses_delete(self):
        self.client.force_login(self.minh)
        self.assertEqual(self.client.delete(URL).status_code, 405)

    def test_anonymous_users_go_to_the_login_page(self):
        self.assertEqual(self.client.post(URL, data()).status_code, 302)
        self.assertFalse(Inspection.objects.exists())
