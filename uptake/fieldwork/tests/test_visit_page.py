from __future__ import annotations

import json
import uuid

from django.contrib.staticfiles import finders

from uptake.fieldwork.models import Visit
from uptake.fieldwork.tests.base import FieldworkTestCase
from uptake.test import NOW

URL = "/c/bluezone-2020/visits/"


class VisitPageTestCase(FieldworkTestCase):
    def page_data(self, response) -> dict:
        html = response.content.decode()
        start = html.index('<script id="visit-data" type="application/json">') + 48
        return json.loads(html[start : html.index("</script>", start)])

    def test_a_member_gets_the_hamlets_of_their_teams_only(self):
        self.client.force_login(self.mai)
        response = self.client.get(URL)
        self.assertEqual(response.status_code, 200)
        data = self.page_data(response)
        self.assertEqual(data["hamlets"], {"870-TTT-K1": "Khóm An Thịnh"})
        self.assertEqual(
            data["teams"], [{"id": self.team.pk, "name": "Tổ 1", "hamlets": ["870-TTT-K1"]}]
        )
        self.assertEqual(data["urls"]["api"], "/api/v1/visits")
        self.assertContains(response, 'value="870-TTT-K1"')
        self.assertNotContains(response, "870-TTT-K2")

    def test_the_communes_reporter_gets_every_hamlet_of_the_town(self):
        self.client.force_login(self.lan)
        data = self.page_data(self.client.get(URL))
        self.assertEqual(list(data["hamlets"]), ["870-TTT-K1", "870-TTT-K2"])

    def test_a_viewer_gets_no_hamlet_to_record(self):
        self.client.force_login(self.hoa)
        response = self.client.get(URL)
        self.assertEqual(response.status_code, 200)
        self.assertNotContains(response, 'id="visit-form"')
        self.assertEqual(self.page_data(response)["hamlets"], {})

    def test_tuan_gets_only_his_own_districts_hamlet(self):
        self.client.force_login(self.tuan)
        data = self.page_data(self.client.get(URL))
        self.assertEqual(list(data["hamlets"]), ["869-TH-A1"])

    def test_the_households_to_revisit_are_on_the_page(self):
        empty = {"smartphones": 0, "already_had": 0, "installed_now": 0}
        due = self.record(household="Số 3", outcome="nobody_home", **empty)
        settled = self.record(household="Số 4", outcome="nobody_home", **empty)
        self.record(revisit_of=settled.pk, at=NOW.replace(hour=9, minute=50))
        self.client.force_login(self.mai)
        data = self.page_data(self.client.get(URL))
        self.assertEqual([d["id"] for d in data["due"]], [str(due.pk)])

    def test_the_outcome_buttons_save_the_visit(self):
        self.client.force_login(self.mai)
        response = self.client.get(URL)
        html = response.content.decode()
        for outcome in ("installed", "already_had", "no_smartphone", "refused", "nobody_home"):
            self.assertIn(f'<button type="submit" name="outcome" value="{outcome}"', html)

    def test_without_javascript_the_form_records_the_visit(self):
        self.client.force_login(self.mai)
        visit_id = uuid.uuid4()
        form = {
            "id": visit_id,
            "hamlet": "870-TTT-K1",
            "household": "Số 7",
            "smartphones": "2",
            "already_had": "0",
            "installed_now": "2",
            "outcome": "installed",
        }
        response = self.client.post(URL, form)
        self.assertRedirects(response, URL)
        self.client.post(URL, form)  # the same page sent twice
        visit = Visit.objects.get()
        self.assertEqual((visit.pk, visit.installed_now, visit.team), (visit_id, 2, self.team))

    def test_without_javascript_errors_come_back_next_to_the_fields(self):
        self.client.force_login(self.mai)
        response = self.client.post(
            URL,
            {
                "id": uuid.uuid4(),
                "hamlet": "870-TTT-K1",
                "household": "0912345678",
                "smartphones": "1",
                "already_had": "0",
                "installed_now": "2",
                "outcome": "installed",
            },
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn("household", response.context["form"].errors)
        self.assertIn("installed_now", response.context["form"].errors)
        self.assertFalse(Visit.objects.exists())

    def test_a_member_cannot_post_a_visit_in_another_hamlet(self):
        self.client.force_login(self.mai)
        response = self.client.post(
            URL,
            {
                "id": uuid.uuid4(),
                "hamlet": "870-TTT-K2",
                "household": "Số 7",
                "smartphones": "0",
                "already_had": "0",
                "installed_now": "0",
                "outcome": "nobody_home",
            },
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn("hamlet", response.context["form"].errors)
        self.assertFalse(Visit.objects.exists())

    def test_it_needs_a_login_and_refuses_other_methods(self):
        self.assertEqual(self.client.get(URL).status_code, 302)
        self.client.force_login(self.mai)
        self.assertEqual(self.client.put(URL).status_code, 405)
        self.assertEqual(self.client.get("/c/nope/visits/").status_code, 404)

    def test_the_page_is_light(self):
        self.client.force_login(self.mai)
        response = self.client.get(URL, HTTP_ACCEPT_ENCODING="gzip")
        self.assertEqual(response["Content-Encoding"], "gzip")
        self.assertLess(len(response.content), 4_000)


class ServiceWorkerTestCase(FieldworkTestCase):
    def test_it_is_served_from_the_pages_folder_and_keeps_the_page_and_its_files(self):
        response = self.client.get(URL + "sw.js")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "text/javascript; charset=utf-8")
        self.assertEqual(response["Service-Worker-Allowed"], URL)
        self.assertIn("no-cache", response["Cache-Control"])
        body = response.content.decode()
        self.assertIn(f'var PAGE = "{URL}";', body)
        self.assertIn("/static/fieldwork/visit.js?v=", body)
        self.assertIn("/static/fieldwork/visit.css?v=", body)
        self.assertIn(URL + "manifest.webmanifest", body)

    def test_the_manifest_makes_the_page_installable(self):
        response = self.client.get(URL + "manifest.webmanifest")
        self.assertEqual(response["Content-Type"], "application/manifest+json; charset=utf-8")
        manifest = json.loads(response.content)
        self.assertEqual(manifest["start_url"], URL)
        self.assertEqual(manifest["scope"], URL)
        self.assertEqual(manifest["display"], "standalone")
        sizes = {icon["sizes"] for icon in manifest["icons"]}
        self.assertLessEqual({"192x192", "512x512"}, sizes)
        for icon in manifest["icons"]:
            path = icon["src"].removeprefix("/static/").split("?")[0]
            self.assertTrue(finders.find(path), icon["src"])

    def test_unknown_campaign_is_404(self):
        self.assertEqual(self.client.get("/c/nope/visits/sw.js").status_code, 404)
        self.assertEqual(self.client.get("/c/nope/visits/manifest.webmanifest").status_code, 404)
