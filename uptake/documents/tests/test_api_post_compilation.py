from __future__ import annotations

from uptake.documents.actions import approve_compilation, make_draft
from uptake.documents.models import Compilation
from uptake.documents.tests.base import DocumentsTestCase
from uptake.test import TODAY

URL = "/api/v1/campaigns/bluezone-hong-ngu/compilations/2020-08-17"


class PostCompilationTestCase(DocumentsTestCase):
    def post(self, user, body=None, url=URL):
        headers = self.bearer(user) if user else {}
        if body is None:
            return self.client.post(url, **headers)
        return self.client.post(url, body, content_type="application/json", **headers)

    def test_the_coordinator_makes_the_draft(self):
        r = self.post(self.minh)
        self.assertEqual(r.status_code, 201)
        body = r.json()
        self.assertEqual((body["state"], body["number"]), ("draft", None))
        self.assertEqual(body["snapshot"]["reporting"]["expected"], 4)
        self.assertEqual(body["made_by"], "minh")

    def test_posting_again_refreshes_it_and_sets_the_text(self):
        self.post(self.minh)
        r = self.post(self.minh, {"situation": "Tình hình tốt."})
        self.assertEqual(r.status_code, 200)
        self.assertEqual(r.json()["situation"], "Tình hình tốt.")
        self.assertEqual(Compilation.objects.count(), 1)

    def test_an_approved_report_is_a_conflict(self):
        approve_compilation(make_draft(self.campaign, TODAY, self.minh)[0], self.minh, confirm=True)
        r = self.post(self.minh)
        self.assertEqual(r.status_code, 409)
        self.assertEqual(r.json()["errors"][0]["field"], "state")

    def test_a_bad_day_or_body_is_unprocessable(self):
        r = self.post(self.minh, url=URL.replace("2020-08-17", "2020-08-18"))
        self.assertEqual((r.status_code, r.json()["errors"][0]["field"]), (422, "date"))
        r = self.post(self.minh, url=URL.replace("2020-08-17", "17-08-2020"))
        self.assertEqual(r.status_code, 422)
        r = self.post(self.minh, {"situation": "x" * 10_001})
        self.assertEqual((r.status_code, r.json()["errors"][0]["field"]), (422, "situation"))
        r = self.post(self.minh, {"nope": 1})
        self.assertEqual(r.status_code, 422)
        self.assertFalse(Compilation.objects.exists())

    def test_permissions(self):
        self.assertEqual(self.post(None).status_code, 401)
        self.assertEqual(self.post(self.hoa).status_code, 403)
        self.assertEqual(self.post(self.lan).status_code, 403)
        self.assertEqual(self.post(self.tuan).status_code, 403)
        self.assertEqual(
            self.post(self.minh, url=URL.replace("bluezone-hong-ngu", "nope")).status_code, 404
        )
        self.assertEqual(self.post(self.root).status_code, 201)

    def test_it_refuses_put(self):
        self.assertEqual(self.client.put(URL, **self.bearer(self.minh)).status_code, 405)
