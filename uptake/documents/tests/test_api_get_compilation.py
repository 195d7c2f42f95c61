from __future__ import annotations

from datetime import timedelta

from uptake.documents.actions import approve_compilation, make_draft
from uptake.documents.tests.base import DocumentsTestCase
from uptake.test import TODAY

URL = "/api/v1/campaigns/bluezone-hong-ngu/compilations"


class GetCompilationTestCase(DocumentsTestCase):
    def setUp(self):
        super().setUp()
        approve_compilation(make_draft(self.campaign, TODAY, self.minh)[0], self.minh, confirm=True)

    def test_it_returns_the_state_number_and_snapshot(self):
        r = self.client.get(f"{URL}/2020-08-17", **self.bearer(self.hoa))
        self.assertEqual(r.status_code, 200)
        body = r.json()
        self.assertEqual(
            (body["state"], body["number"], body["reference"]), ("approved", 1, "01/BC-VHTT")
        )
        self.assertEqual(body["snapshot"]["totals"]["staff"]["installed"], 96)
        self.assertEqual(
            body["documents"]["pdf"],
            "/api/v1/campaigns/bluezone-hong-ngu/compilations/2020-08-17/document.pdf",
        )

    def test_the_list_has_every_report_without_snapshots(self):
        make_draft(self.campaign, TODAY - timedelta(days=1), self.minh)
        r = self.client.get(URL, **self.bearer(self.hoa))
        self.assertEqual([c["date"] for c in r.json()], ["2020-08-17", "2020-08-16"])
        self.assertNotIn("snapshot", r.json()[0])

    def test_a_day_not_compiled_is_not_found(self):
        r = self.client.get(f"{URL}/2020-08-16", **self.bearer(self.minh))
        self.assertEqual((r.status_code, r.json()["errors"][0]["field"]), (404, "date"))

    def test_permissions(self):
        for path in (f"{URL}/2020-08-17", URL):
            with self.subTest(path=path):
                self.assertEqual(self.client.get(path).status_code, 401)
                self.assertEqual(self.client.get(path, **self.bearer(self.lan)).status_code, 403)
                self.assertEqual(self.client.get(path, **self.bearer(self.tuan)).status_code, 403)
                self.assertEqual(self.client.get(path, **self.bearer(self.root)).status_code, 200)
