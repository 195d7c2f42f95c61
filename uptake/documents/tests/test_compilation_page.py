from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from uptake.documents.actions import approve_compilation, make_draft, write_text
from uptake.documents.tests.base import DocumentsTestCase
from uptake.test import PASSWORD, TODAY

URL = "/c/bluezone-hong-ngu/compilations/2020-08-17/"


class CompilationPageTestCase(DocumentsTestCase):
    def get(self, user, url=URL):
        self.client.login(username=user.username, password=PASSWORD)
        return self.client.get(url)

    def test_the_coordinator_sees_the_draft_with_its_forms(self):
        draft = make_draft(self.campaign, TODAY, self.minh)[0]
        write_text(draft, self.minh, situation="Tình hình ổn định.")
        r = self.get(self.minh)
        self.assertContains(r, "Thị trấn Thường Thới Tiền")
        self.assertContains(r, "Tình hình ổn định.")
        self.assertContains(r, 'action="/c/bluezone-hong-ngu/compilations/2020-08-17/text/"')
        self.assertContains(r, "/c/bluezone-hong-ngu/compilations/2020-08-17/approve/")
        self.assertContains(r, "<svg")
        self.assertContains(r, "document.docx")

    def test_a_day_not_compiled_offers_to_make_the_draft(self):
        r = self.get(self.minh)
        self.assertContains(r, 'action="/c/bluezone-hong-ngu/compilations/2020-08-17/refresh/"')

    def test_a_viewer_reads_and_downloads_but_has_no_forms(self):
        make_draft(self.campaign, TODAY, self.minh)
        r = self.get(self.hoa)
        self.assertContains(r, "document.pdf")
        self.assertNotContains(r, "/approve/")
        self.assertNotContains(r, "/refresh/")

    def test_an_approved_report_shows_its_number_and_the_send_form(self):
        approve_compilation(make_draft(self.campaign, TODAY, self.minh)[0], self.minh, confirm=True)
        r = self.get(self.minh)
        self.assertContains(r, "01/BC-VHTT")
        self.assertContains(r, "/send/")
        self.assertContains(r, "sotttt@example.org")
        self.assertNotContains(r, "/approve/")

    def test_a_reporter_of_a_commune_is_refused(self):
        make_draft(self.campaign, TODAY, self.minh)
        self.assertEqual(self.get(self.lan).status_code, 403)

    def test_another_district_finds_nothing(self):
        make_draft(self.campaign, TODAY, self.minh)
        self.assertEqual(self.get(self.tuan).status_code, 404)

    def test_it_needs_a_login(self):
        r = self.client.get(URL)
        self.assertRedirects(r, f"/login/?next={URL}", fetch_redirect_response=False)

    def test_a_day_outside_the_campaign_or_not_a_date_is_not_found(self):
        for url in (
            "/c/bluezone-hong-ngu/compilations/2020-08-01/",
            "/c/bluezone-hong-ngu/compilations/17-08-2020/",
            "/c/nope/compilations/2020-08-17/",
        ):
            with self.subTest(url=url):
                self.assertEqual(self.get(self.minh, url).status_code, 404)

    def test_it_refuses_post(self):
        self.client.login(username="minh", password=PASSWORD)
        self.assertEqual(self.client.post(URL).status_code, 405)

    def test_its_queries_do_not_grow_with_the_number_of_units(self):
        from uptake.documents.tests.test_make_draft import MakeDraftTestCase

        make_draft(self.campaign, TODAY, self.minh)
        self.client.login(username="minh", password=PASSWORD)
        self.client.get(URL)
        with CaptureQueriesContext(connection) as few:
            self.client.get(URL)
        MakeDraftTestCase.add_units(self, 15)
        make_draft(self.campaign, TODAY, self.minh)
        with CaptureQueriesContext(connection) as many:
            r = self.client.get(URL)
        self.assertContains(r, "Xã Thử 14")
        self.assertEqual(len(many), len(few))
