"""A unit's roster page: reading it, adding and changing people, import and export."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from uptake.quality.models import StaffMember
from uptake.quality.tests.helpers import GOOD_ROWS, english, quality_case, xlsx
from uptake.test import BaseTestCase

URL = "/c/bluezone-2020/units/870-TTT/roster/"


def upload(data: bytes, name="roster.xlsx"):
    file = io.BytesIO(data)
    file.name = name
    return {"file": file}


@quality_case
class RosterViewsTest(BaseTestCase):
    def setUp(self):
        super().setUp()
        english(self.client)

    def test_the_reporter_imports_the_roster_and_sees_it(self):
        self.client.force_login(self.lan)
        response = self.client.post(URL + "import/", upload(xlsx(GOOD_ROWS)), follow=True)
        self.assertRedirects(response, URL)
        self.assertContains(
            response, "Roster imported: 4 people, 3 with a smartphone, 2 installed."
        )
        self.assertContains(response, "Trần Thị Bình")

    def test_a_bad_file_shows_its_errors_and_changes_nothing(self):
        self.client.force_login(self.lan)
        self.client.post(URL + "import/", upload(xlsx(GOOD_ROWS)))
        rows = [*GOOD_ROWS, ("Đỗ Văn Giang", "", "có lẽ", "không", None)]
        response = self.client.post(URL + "import/", upload(xlsx(rows)))
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "Row 6, column C", status_code=400)
        self.assertContains(response, "nothing changed", status_code=400)
        self.assertEqual(StaffMember.objects.count(), 4)

    def test_a_missing_file_is_an_error_on_the_form(self):
        self.client.force_login(self.lan)
        response = self.client.post(URL + "import/", {})
        self.assertEqual(response.status_code, 400)
        self.assertEqual(
            response.context["import_form"].errors["file"], ["This field is required."]
        )

    def test_the_reporter_adds_and_changes_a_person(self):
        self.client.force_login(self.lan)
        self.client.post(
            URL, {"name": "Nguyễn Văn An", "position": "Chủ tịch", "has_smartphone": "on"}
        )
        member = StaffMember.objects.get()
        response = self.client.post(
            f"{URL}{member.pk}/",
            {
                "name": "Nguyễn Văn An",
                "position": "Chủ tịch",
                "has_smartphone": "on",
                "installed": "on",
                "installed_on": "2020-08-16",
            },
        )
        self.assertRedirects(response, URL, fetch_redirect_response=False)
        member.refresh_from_db()
        self.assertTrue(member.installed)

    def test_a_refused_person_comes_back_with_the_reason(self):
        self.client.force_login(self.lan)
        response = self.client.post(URL, {"name": "An", "installed": "on"})
        self.assertContains(response, "Installed, but has no smartphone.")
        self.assertFalse(StaffMember.objects.exists())

    def test_a_coordinator_removes_a_person(self):
        member = StaffMember.objects.create(
            campaign=self.campaign, unit=self.unit("870-TTT"), name="An"
        )
        self.client.force_login(self.minh)
        response = self.client.post(f"{URL}{member.pk}/delete/")
        self.assertRedirects(response, URL, fetch_redirect_response=False)
        self.assertFalse(StaffMember.objects.exists())

    def test_a_viewer_reads_but_cannot_change(self):
        member = StaffMember.objects.create(
            campaign=self.campaign, unit=self.unit("870-TTT"), name="An"
        )
        self.client.force_login(self.hoa)
        response = self.client.get(URL)
        self.assertContains(response, "An")
        self.assertNotContains(response, "Import from Excel")
        self.assertEqual(self.client.post(URL, {"name": "B"}).status_code, 403)
        self.assertEqual(
            self.client.post(URL + "import/", upload(xlsx(GOOD_ROWS))).status_code, 403
        )
        self.assertEqual(self.client.get(f"{URL}{member.pk}/").status_code, 403)
        self.assertEqual(self.client.post(f"{URL}{member.pk}/delete/").status_code, 403)

    def test_a_reporter_cannot_touch_a_sibling_units_roster(self):
        self.client.force_login(self.lan)
        other = "/c/bluezone-2020/units/870-LKA/roster/"
        self.assertEqual(self.client.get(other).status_code, 404)
        self.assertEqual(
            self.client.post(other + "import/", upload(xlsx(GOOD_ROWS))).status_code, 404
        )

    def test_another_district_gets_a_404_everywhere(self):
        member = StaffMember.objects.create(
            campaign=self.campaign, unit=self.unit("870-TTT"), name="An"
        )
        self.client.force_login(self.tuan)
        for url in (URL, f"{URL}{member.pk}/", "/c/bluezone-2020/units/870-TTT/roster.xlsx"):
            self.assertEqual(self.client.get(url).status_code, 404, url)
        self.assertEqual(self.client.post(f"{URL}{member.pk}/delete/").status_code, 404)

    def test_the_roster_downloads_as_xlsx(self):
        StaffMember.objects.create(
            campaign=self.campaign, unit=self.unit("870-TTT"), name="An", row=1
        )
        self.client.force_login(self.hoa)
        response = self.client.get("/c/bluezone-2020/units/870-TTT/roster.xlsx")
        self.assertEqual(
            response["Content-Type"],
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        self.assertIn("roster-bluezone-2020-870-TTT.xlsx", response["Content-Disposition"])
        sheet = load_workbook(io.BytesIO(response.content)).active
        self.assertEqual(sheet["A2"].value, "An")

    def test_the_template_downloads_for_anyone_in_the_campaign(self):
        self.client.force_login(self.lan)
        response = self.client.get("/c/bluezone-2020/roster-template.xlsx")
        self.assertEqual(response.status_code, 200)
        self.assertIn("roster-template.xlsx", response["Content-Disposition"])

    def test_wrong_methods_are_refused(self):
        self.client.force_login(self.minh)
        self.assertEqual(self.client.get(URL + "import/").status_code, 405)
        self.assertEqual(
            self.client.post("/c/bluezone-2020/units/870-TTT/roster.xlsx").status_code, 405
        )
        self.assertEqual(self.client.get(URL + "1/delete/").status_code, 405)

    def test_anonymous_users_go_to_the_login_page(self):
        for url in (URL, "/c/bluezone-2020/roster-template.xlsx"):
            self.assertEqual(self.client.get(url).status_code, 302)
