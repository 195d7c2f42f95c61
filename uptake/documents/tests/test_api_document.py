from __future__ import annotations

import io

import openpyxl

from uptake.documents.actions import approve_compilation, make_draft
from uptake.documents.tests.base import DocumentsTestCase
from uptake.test import TODAY

URL = "/api/v1/campaigns/bluezone-hong-ngu/compilations/2020-08-17/document."


class DocumentEndpointTestCase(DocumentsTestCase):
    def setUp(self):
        super().setUp()
        approve_compilation(make_draft(self.campaign, TODAY, self.minh)[0], self.minh, confirm=True)

    def test_readers_download_every_format(self):
        for fmt in ("docx", "pdf", "xlsx", "csv"):
            with self.subTest(fmt=fmt):
                r = self.client.get(URL + fmt, **self.bearer(self.hoa))
                self.assertEqual(r.status_code, 200)
                self.assertIn(f'filename="BC-VHTT-01-2020-08-17.{fmt}"', r["Content-Disposition"])
        wb = openpyxl.load_workbook(
            io.BytesIO(self.client.get(URL + "xlsx", **self.bearer(self.hoa)).content)
        )
        self.assertIn("Bảng tổng hợp", wb.sheetnames)

    def test_an_unknown_format_is_not_found(self):
        r = self.client.get(URL + "txt", **self.bearer(self.minh))
        self.assertEqual((r.status_code, r.json()["errors"][0]["field"]), (404, "format"))

    def test_permissions(self):
        self.assertEqual(self.client.get(URL + "pdf").status_code, 401)
        self.assertEqual(self.client.get(URL + "pdf", **self.bearer(self.lan)).status_code, 403)
        self.assertEqual(self.client.get(URL + "pdf", **self.bearer(self.tuan)).status_code, 403)
        self.assertEqual(self.client.post(URL + "pdf", **self.bearer(self.minh)).status_code, 405)
