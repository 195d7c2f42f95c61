"""Drawing a sample and printing its checklist."""

from __future__ import annotations

from uptake.quality.models import Sample, StaffMember
from uptake.quality.tests.helpers import english, quality_case
from uptake.test import BaseTestCase

NEW = "/c/bluezone-2020/units/870-TTT/sample/"


@quality_case
class SampleViewsTest(BaseTestCase):
    def setUp(self):
        super().setUp()
        english(self.client)
        for i in range(12):
            StaffMember.objects.create(
                campaign=self.campaign,
                unit=self.unit("870-TTT"),
                name=f"Cán bộ {i:02d}",
                position="Chuyên viên",
                has_smartphone=True,
                row=i,
            )

    def test_the_coordinator_draws_and_gets_the_printable_checklist(self):
        self.client.force_login(self.minh)
        response = self.client.post(
            NEW, {"source": "roster", "group": "staff", "size": "5", "seed": "42"}
        )
        sample = Sample.objects.get()
        self.assertRedirects(
            response, f"/c/bluezone-2020/samples/{sample.pk}/", fetch_redirect_response=False
        )
        page = self.client.get(f"/c/bluezone-2020/samples/{sample.pk}/")
        self.assertContains(page, "Inspection checklist")
        self.assertContains(page, "Chuyên viên", count=5)
        self.assertContains(page, "quality/print.js")
        self.assertContains(page, f"?sample={sample.pk}")

    def test_the_same_seed_draws_the_same_checklist_again(self):
        self.client.force_login(self.minh)
        for _ in range(2):
            self.client.post(NEW, {"source": "roster", "group": "staff", "size": "5", "seed": "42"})
        first, second = Sample.objects.order_by("pk")
        self.assertEqual(first.items, second.items)

    def test_errors_come_back_on_the_form(self):
        self.client.force_login(self.minh)
        response = self.client.post(
            "/c/bluezone-2020/units/870-LKA/sample/",
            {"source": "roster", "group": "staff", "size": "5"},
        )
        self.assertEqual(
            response.context["form"].errors["source"],
            ["Nobody on the unit's roster has a smartphone."],
        )

    def test_reporters_and_viewers_may_not_draw_but_read_the_checklist(self):
        sample = Sample.objects.create(
            campaign=self.campaign,
            unit=self.unit("870-TTT"),
            source="roster",
            group="staff",
            size=0,
            population=12,
            seed=1,
            items=[],
        )
        for user in (self.lan, self.hoa):
            self.client.force_login(user)
            self.assertEqual(self.client.get(NEW).status_code, 403)
            self.assertEqual(
                self.client.post(
                    NEW, {"source": "roster", "group": "staff", "size": "5"}
                ).status_code,
                403,
            )
            self.assertEqual(
                self.client.get(f"/c/bluezone-2020/samples/{sample.pk}/").status_code, 200
            )

    def test_another_district_gets_a_404(self):
        sample = Sample.objects.create(
            campaign=self.campaign,
            unit=self.unit("870-TTT"),
            source="roster",
            group="staff",
            size=0,
            population=12,
            seed=1,
            items=[],
        )
        self.client.force_login(self.tuan)
        self.assertEqual(self.client.get(NEW).status_code, 404)
        self.assertEqual(self.client.get(f"/c/bluezone-2020/samples/{sample.pk}/").status_code, 404)

    def test_the_checklist_refuses_post(self):
        self.client.force_login(self.minh)
        self.assertEqual(self.client.post("/c/bluezone-2020/samples/1/").status_code, 405)

    def test_anonymous_users_go_to_the_login_page(self):
        self.assertEqual(self.client.post(NEW, {"source": "roster", "size": "5"}).status_code, 302)
        self.assertEqual(self.client.get("/c/bluezone-2020/samples/1/").status_code, 302)
        self.assertFalse(Sample.objects.exists())
