"""The workbook's sheets (#17): names that fit Excel's 31 characters without cutting a word,
and a print set-up (A4, fit to one page wide, landscape when wide, the header on every page)."""

from __future__ import annotations

import io

import openpyxl
from django.test import SimpleTestCase

from uptake.documents.exporters import INT, TEXT, Column, Exporter, Row
from uptake.documents.renderers.xlsxfile import render, sheet_title


class Wide(Exporter):
    def __init__(self, title: str, n: int):
        super().__init__({}, title)
        self.columns = [Column("Đơn vị", TEXT, width=30)] + [
            Column(f"Cột {i}", INT, width=10) for i in range(n - 1)
        ]

    def rows(self):
        for i in range(60):
            yield Row([f"Đơn vị {i}"] + [i] * (len(self.columns) - 1))


class SheetTitleTest(SimpleTestCase):
    def test_a_long_name_is_cut_between_words(self):
        taken: set[str] = set()
        name = sheet_title("Cán bộ, công chức, viên chức, người lao động", taken)
        self.assertEqual(name, "Cán bộ, công chức, viên chức")
        self.assertLessEqual(len(name), 31)

    def test_a_second_sheet_of_the_same_name_gets_a_number_and_keeps_whole_words(self):
        taken: set[str] = set()
        sheet_title("Cán bộ, công chức, viên chức, người lao động", taken)
        second = sheet_title("Cán bộ, công chức, viên chức, người lao động", taken)
        self.assertEqual(second, "Cán bộ, công chức, viên (2)")

    def test_a_short_name_is_kept(self):
        self.assertEqual(sheet_title("Người dân", set()), "Người dân")


class PrintSetUpTest(SimpleTestCase):
    def sheet(self, n: int):
        wb = openpyxl.load_workbook(io.BytesIO(render([Wide("Bảng", n)])))
        return wb["Bảng"]

    def test_a_wide_sheet_prints_landscape_fit_to_one_page_wide(self):
        ws = self.sheet(22)
        self.assertEqual(ws.page_setup.orientation, "landscape")
        self.assertEqual(str(ws.page_setup.paperSize), str(ws.PAPERSIZE_A4))  # 9: A4
        self.assertTrue(ws.sheet_properties.pageSetUpPr.fitToPage)
        self.assertEqual((ws.page_setup.fitToWidth, ws.page_setup.fitToHeight), (1, 0))
        self.assertEqual(ws.print_title_rows, "$1:$1")
        self.assertIn("&P", ws.oddFooter.center.text)

    def test_a_narrow_sheet_prints_portrait(self):
        self.assertEqual(self.sheet(4).page_setup.orientation, "portrait")
