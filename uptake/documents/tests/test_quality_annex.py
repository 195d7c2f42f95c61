"""The compilation's data-quality annex (#5 in #3): the open flags from the campaign's first
day through the compiled day, and the inspections that do not bear the reported rate out,
frozen in the snapshot and shown on the page, in the PDF, the Word file and the workbook."""

from __future__ import annotations

import io
from datetime import date

import docx
import openpyxl
import pypdf

from uptake.documents.actions import make_draft
from uptake.documents.report import render
from uptake.documents.tests.base import PAGE, DocumentsTestCase
from uptake.quality.actions import dismiss_flag, record_inspection
from uptake.quality.models import Flag, Method
from uptake.test import PASSWORD, TODAY

ANNEX = "Phụ lục: Kiểm tra chất lượng số liệu"
AUG16 = date(2020, 8, 16)


class QualityAnnexTestCase(DocumentsTestCase):
    def setUp(self):
        super().setUp()
        # Long Khánh A corrects its residents down today, with a note: a ``decrease`` flag.
        self.submit(
            "870-LKA",
            TODAY,
            figures={
                "staff": {"with_smartphone": 30, "installed": 27},
                "residents": {"with_smartphone": 4000, "installed": 1100},
            },
            note="Đếm trùng 100 người ở ấp Long Thạnh A",
        )
        # An inspection of the town on the 16th: 10 of 50 households had the app (20%, 95%
        # interval 11-33%) while it reported 2,600 of 5,200 (50%): ``verified_gap``.
        self.inspection = record_inspection(
            self.campaign,
            self.unit("870-TTT"),
            user=self.minh,
            date=AUG16,
            inspector="Trần Văn Kiểm",
            method=Method.VISITING,
            group="residents",
            sample_size=50,
            with_app=10,
        )

    def draft(self, day=TODAY):
        return make_draft(self.campaign, day, self.minh)[0]

    def test_the_snapshot_freezes_the_open_flags_of_the_campaigns_days_to_the_compiled_one(self):
        quality = self.draft().snapshot["quality"]
        self.assertEqual((quality["from"], quality["to"]), ("2020-08-14", "2020-08-17"))
        found = {(f["code"], f["date"], f["rule"]) for f in quality["flags"]}
        self.assertIn(("870-LKA", "2020-08-17", "decrease"), found)
        self.assertIn(("870-TTT", "2020-08-16", "verified_gap"), found)
        decrease = next(f for f in quality["flags"] if f["rule"] == "decrease")
        self.assertEqual(decrease["name"], "Xã Long Khánh A")
        self.assertEqual(decrease["group_name"], "Người dân")
        self.assertEqual(decrease["rule_name"], "Số liệu giảm")  # Vietnamese, as the documents
        self.assertIn("giảm từ 1.200 xuống 1.100", decrease["message"])
        self.assertIn("Đếm trùng 100 người", decrease["message"])

    def test_it_lists_the_inspections_below_the_reported_rate(self):
        (inspection,) = self.draft().snapshot["quality"]["inspections"]
        self.assertEqual((inspection["code"], inspection["date"]), ("870-TTT", "2020-08-16"))
        self.assertEqual((inspection["sample_size"], inspection["with_app"]), (50, 10))
        self.assertEqual(inspection["verified"], 20.0)
        self.assertEqual(inspection["reported"], 50.0)
        self.assertLess(inspection["high"], inspection["reported"])
        self.assertEqual(inspection["inspector"], "Trần Văn Kiểm")

    def test_an_earlier_days_report_leaves_out_the_flags_of_later_days(self):
        quality = self.draft(AUG16).snapshot["quality"]
        self.assertEqual(quality["to"], "2020-08-16")
        self.assertNotIn("decrease", {f["rule"] for f in quality["flags"]})
        self.assertEqual(len(quality["inspections"]), 1)

    def test_a_dismissed_flag_leaves_the_annex_at_the_next_refresh_not_before(self):
        compilation = self.draft()
        flag = Flag.objects.get(rule="decrease")
        dismiss_flag(flag, user=self.minh, reason="Đã xác minh: đếm trùng thật.")
        compilation.refresh_from_db()
        self.assertIn("decrease", {f["rule"] for f in compilation.snapshot["quality"]["flags"]})
        rules = {f["rule"] for f in self.draft().snapshot["quality"]["flags"]}
        self.assertNotIn("decrease", rules)

    def test_the_page_shows_the_annex_in_the_readers_language(self):
        self.draft()
        self.client.login(username="hoa", password=PASSWORD)
        self.client.cookies["django_language"] = "en"
        response = self.client.get(PAGE)
        self.assertContains(response, 'id="h-quality"')
        self.assertContains(response, "Annex: data quality")
        self.assertContains(response, "Xã Long Khánh A")
        self.assertContains(response, "Installed fell from 1,200 to 1,100")
        self.assertContains(response, 'class="inspection-row"', count=1)

    def test_the_pdf_has_the_annex_after_the_signature(self):
        reader = pypdf.PdfReader(io.BytesIO(render(self.draft(), "pdf").content))
        pages = [" ".join(page.extract_text().split()) for page in reader.pages]
        self.assertIn("Chi tiết tại Phụ lục kèm theo.", " ".join(pages))
        annex = next(i for i, page in enumerate(pages) if ANNEX in page)
        signature = next(i for i, page in enumerate(pages) if "Nơi nhận:" in page)
        self.assertGreater(annex, signature)
        for expected in ("Xã Long Khánh A", "17/08/2020", "Số liệu giảm", "Bảng B."):
            self.assertIn(expected, "\n".join(pages[annex:]))

    def test_the_word_document_has_the_annex_on_a_page_of_its_own(self):
        d = docx.Document(io.BytesIO(render(self.draft(), "docx").content))
        title = next(p for p in d.paragraphs if p.text == ANNEX)
        self.assertTrue(title.paragraph_format.page_break_before)
        flags = d.tables[-2]  # the annex's two tables come after the signature
        self.assertEqual(
            [c.text for c in flags.rows[0].cells], ["STT", "Đơn vị", "Ngày", "Dấu hiệu", "Nội dung"]
        )
        rows = [[c.text for c in row.cells] for row in flags.rows[1:]]
        lka = next(r for r in rows if r[1] == "Xã Long Khánh A")
        self.assertEqual(lka[2], "17/08/2020")
        self.assertIn("Số liệu giảm", lka[3])
        self.assertIn("giảm từ 1.200 xuống 1.100", lka[4])
        gaps = d.tables[-1]
        self.assertIn("Thị trấn Thường Thới Tiền", [c.text for c in gaps.rows[-1].cells])

    def test_the_workbook_has_a_sheet_of_flags_and_one_of_inspections(self):
        wb = openpyxl.load_workbook(io.BytesIO(render(self.draft(), "xlsx").content))
        ws = wb["Chất lượng số liệu"]
        rows = [[c.value for c in row] for row in ws.iter_rows(min_row=2)]
        lka = next(r for r in rows if r[0] == "870-LKA")
        self.assertEqual(lka[1], "Xã Long Khánh A")
        self.assertEqual(lka[2].date(), TODAY)
        self.assertEqual(lka[3:5], ["Người dân", "Số liệu giảm"])
        ws = wb["Kiểm tra thực tế"]
        self.assertEqual(ws.cell(row=2, column=1).value, "870-TTT")

    def test_a_compilation_made_before_the_annex_existed_still_renders(self):
        compilation = self.draft()
        del compilation.snapshot["quality"]
        compilation.save(update_fields=["snapshot"])
        for fmt in ("pdf", "docx", "xlsx", "csv"):
            with self.subTest(fmt=fmt):
                self.assertTrue(render(compilation, fmt).content)
        self.client.login(username="hoa", password=PASSWORD)
        response = self.client.get(PAGE)
        self.assertEqual(response.status_code, 200)
        self.assertNotContains(response, 'id="h-quality"')


class NoFlagTestCase(DocumentsTestCase):
    """The documents' history grows steadily: nothing to flag."""

    def test_a_day_without_flags_says_so_and_has_no_annex(self):
        compilation = make_draft(self.campaign, TODAY, self.minh)[0]
        self.assertEqual(compilation.snapshot["quality"]["flags"], [])
        d = docx.Document(io.BytesIO(render(compilation, "docx").content))
        text = "\n".join(p.text for p in d.paragraphs)
        self.assertIn("Không có dấu hiệu bất thường nào về số liệu", text)
        self.assertNotIn(ANNEX, text)
        wb = openpyxl.load_workbook(io.BytesIO(render(compilation, "xlsx").content))
        self.assertNotIn("Chất lượng số liệu", wb.sheetnames)
