"""The import page (upload, preview, confirm), the template download, the status page's box,
and the offline form's page, service worker and manifest: every role, wrong methods."""

from __future__ import annotations

import json

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from uptake.imports.models import Upload
from uptake.imports.tests.base import filled
from uptake.reports.models import Report
from uptake.test import TODAY, BaseTestCase

PAGE = "/c/bluezone-2020/imports/"
TTT = {
    "figures.staff.with_smartphone": 41,
    "figures.staff.installed": 39,
    "figures.residents.with_smartphone": 5200,
    "figures.residents.installed": 2950,
}


@override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
class ImportPageTests(BaseTestCase):
    def post_file(self, data, name="ngay.xlsx"):
        return self.client.post(
            PAGE,
            {"action": "file", "date": TODAY.isoformat(), "file": SimpleUploadedFile(name, data)},
        )

    def test_a_coordinator_sees_the_page_with_the_message_form(self):
        self.login(self.minh)
        response = self.client.get(PAGE)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Xã Long Khánh A: CB 41/39; dân 5.200/2.950")
        self.assertContains(response, "/c/bluezone-2020/imports/template.xlsx")

    def test_others_are_refused_and_anonymous_sent_to_log_in(self):
        for user in (self.lan, self.hoa, self.tuan):
            self.login(user)
            self.assertEqual(self.client.get(PAGE).status_code, 403, user)
            self.assertEqual(self.client.get(PAGE + "template.xlsx").status_code, 403, user)
        self.client.logout()
        self.assertEqual(self.client.get(PAGE).status_code, 302)
        self.login(self.minh)
        self.assertEqual(self.client.put(PAGE).status_code, 405)
        self.assertEqual(self.client.get("/c/nope/imports/").status_code, 404)

    def test_the_template_downloads_and_a_unit_outside_the_scope_is_a_404(self):
        self.login(self.minh)
        response = self.client.get(PAGE + "template.xlsx?unit=870-LKA")
        self.assertEqual(response.status_code, 200)
        self.assertIn("870-LKA", response["Content-Disposition"])
        self.assertEqual(self.client.get(PAGE + "template.xlsx?unit=869-TH").status_code, 404)

    def test_a_file_is_previewed_then_stored_on_confirmation(self):
        self.login(self.minh)
        response = self.post_file(filled(self.minh, self.campaign, {"870-TTT": TTT}))
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, 'class="state ok"')
        self.assertContains(response, "CB 41/39 · dân 5.200/2.950")
        self.assertEqual(Report.objects.count(), 0)
        upload = Upload.objects.get()
        response = self.client.post(PAGE, {"action": "confirm", "upload": upload.pk})
        self.assertRedirects(
            response,
            f"/c/bluezone-2020/status/?date={TODAY.isoformat()}",
            fetch_redirect_response=False,
        )
        self.assertEqual(Report.objects.get().unit.code, "870-TTT")
        self.assertFalse(Upload.objects.exists())

    def test_rows_in_error_are_shown_in_place_and_nothing_can_be_confirmed(self):
        self.login(self.minh)
        bad = {**TTT, "figures.staff.installed": "=C7"}
        response = self.post_file(filled(self.minh, self.campaign, {"870-TTT": bad}))
        self.assertContains(response, 'id="error-summary"')
        self.assertContains(response, 'href="#row-7"')
        self.assertContains(response, "=C7")
        self.assertNotContains(response, 'name="action" value="confirm"')
        self.assertFalse(Upload.objects.exists())

    def test_a_bad_file_gets_the_error_summary(self):
        self.login(self.minh)
        response = self.post_file(b"hello", name="x.pdf")
        self.assertContains(response, 'id="error-summary"')
        self.assertEqual(Report.objects.count(), 0)

    def test_a_message_is_previewed_and_stored(self):
        self.login(self.minh)
        response = self.client.post(
            PAGE,
            {
                "action": "text",
                "date": TODAY.isoformat(),
                "text": "X. Long Khánh A: CB 30/29; dân 4.000/2.000",
            },
        )
        self.assertContains(response, 'class="state ok"')
        upload = Upload.objects.get()
        self.client.post(PAGE, {"action": "confirm", "upload": upload.pk})
        self.assertEqual(Report.objects.get().unit.code, "870-LKA")

    def test_someone_elses_upload_cannot_be_confirmed(self):
        self.login(self.minh)
        self.post_file(filled(self.minh, self.campaign, {"870-TTT": TTT}))
        upload = Upload.objects.get()
        other = self.make_user("minh2", "coordinator", "870")
        self.login(other)
        self.assertEqual(
            self.client.post(PAGE, {"action": "confirm", "upload": upload.pk}).status_code, 404
        )
        self.assertEqual(
            self.client.post(PAGE, {"action": "confirm", "upload": "x"}).status_code, 404
        )
        self.assertEqual(Report.objects.count(), 0)

    def test_the_status_page_links_to_the_import_for_coordinators_only(self):
        self.login(self.minh)
        response = self.client.get("/c/bluezone-2020/status/")
        self.assertContains(response, PAGE)
        self.assertContains(response, "Mẫu tin nhắn")
        self.login(self.hoa)
        self.assertNotContains(self.client.get("/c/bluezone-2020/status/"), PAGE)


@override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
class OfflineFormTests(BaseTestCase):
    def test_a_reporter_gets_the_form_with_its_units_and_the_api(self):
        self.login(self.lan)
        response = self.client.get("/c/bluezone-2020/send/")
        self.assertEqual(response.status_code, 200)
        data = json.loads(
            response.context["page_data"] and json.dumps(response.context["page_data"])
        )
        self.assertEqual([u["code"] for u in data["units"]], ["870-TTT"])
        self.assertEqual(data["urls"]["api"], "/api/v1/campaigns/bluezone-2020/reports/queued")
        self.assertContains(response, 'rel="manifest"')

    def test_someone_with_no_unit_of_their_own_gets_a_404(self):
        for user in (self.minh, self.hoa):
            self.login(user)
            self.assertEqual(self.client.get("/c/bluezone-2020/send/").status_code, 404)
        self.client.logout()
        self.assertEqual(self.client.get("/c/bluezone-2020/send/").status_code, 302)

    def test_the_worker_and_the_manifest_are_served(self):
        sw = self.client.get("/c/bluezone-2020/send/sw.js")
        self.assertEqual(sw["Service-Worker-Allowed"], "/c/bluezone-2020/send/")
        self.assertContains(sw, "uptake-send-")
        manifest = self.client.get("/c/bluezone-2020/send/manifest.webmanifest").json()
        self.assertEqual(manifest["start_url"], "/c/bluezone-2020/send/")
        self.assertEqual(self.client.post("/c/bluezone-2020/send/sw.js").status_code, 405)
