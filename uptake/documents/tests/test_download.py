from __future__ import annotations

import io

import docx

from uptake.documents.actions import approve_compilation, make_draft
from uptake.documents.tests.base import DocumentsTestCase
from uptake.test import PASSWORD, TODAY

URL = "/c/bluezone-hong-ngu/compilations/2020-08-17/document."


class DownloadTestCase(DocumentsTestCase):
    def setUp(self):
        super().setUp()
        approve_compilation(make_draft(self.campaign, TODAY, self.minh)[0], self.minh, confirm=True)

    def get(self, user, fmt):
        self.client.login(username=user.username, password=PASSWORD)
        return self.client.get(URL + fmt)

    def test_anyone_who_reads_the_report_downloads_the_four_formats(self):
        types = {
            "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "pdf": "application/pdf",
            "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "csv": "text/csv; charset=utf-8",
        }
        for user in (self.minh, self.hoa, self.root):
            for fmt, content_type in types.items():
                with self.subTest(user=user.username, fmt=fmt):
                    r = self.get(user, fmt)
                    self.assertEqual(r.status_code, 200)
                    self.assertEqual(r["Content-Type"], content_type)
                    self.assertEqual(
                        r["Content-Disposition"],
                        f'attachment; filename="BC-VHTT-01-2020-08-17.{fmt}"',
                    )

    def test_the_word_file_has_the_number(self):
        d = docx.Document(io.BytesIO(self.get(self.hoa, "docx").content))
        self.assertEqual(d.tables[0].cell(1, 0).text, "Số: 01/BC-VHTT")

    def test_reporters_other_districts_and_unknown_formats_are_refused(self):
        self.assertEqual(self.get(self.lan, "pdf").status_code, 403)
        self.assertEqual(self.get(self.tuan, "pdf").status_code, 404)
        self.assertEqual(self.get(self.minh, "txt").status_code, 404)
        self.client.logout()
        self.assertEqual(self.client.get(URL + "pdf").status_code, 302)

    def test_it_refuses_post(self):
        self.client.login(username="minh", password=PASSWORD)
        self.assertEqual(self.client.post(URL + "pdf").status_code, 405)
