"""The documents say when their figures were taken, never a time they were not; the app's
name keeps its capital inside a sentence (#13)."""

from __future__ import annotations

import io
import re

import docx
import openpyxl
import pypdf
from django.core import mail

from uptake.campaigns.loader import load_campaign
from uptake.documents.actions import approve_compilation, make_draft, send_compilation
from uptake.documents.formats import lower_first
from uptake.documents.report import render
from uptake.documents.tests.base import DocumentsTestCase, at, district_data
from uptake.test import TODAY


def pdf_text(content: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(content))
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))


def docx_text(content: bytes) -> str:
    return "\n".join(p.text for p in docx.Document(io.BytesIO(content)).paragraphs)


class FiguresTimeTestCase(DocumentsTestCase):
    def setUp(self):
        super().setUp()
        self.move(14, 24)
        draft, _made = make_draft(self.campaign, TODAY, self.minh)
        self.compilation = approve_compilation(draft, self.minh, confirm=True)

    def move(self, hour, minute):
        import time_machine

        clock = time_machine.travel(at(TODAY, hour, minute), tick=False)
        clock.start()
        self.addCleanup(clock.stop)

    def test_the_word_and_pdf_documents_say_when_the_figures_were_taken(self):
        self.move(16, 40)  # rendered (and sent) later: the figures are still those of 14:24
        for text in (
            docx_text(render(self.compilation, "docx").content),
            pdf_text(render(self.compilation, "pdf").content),
        ):
            self.assertIn("số liệu tính đến 14 giờ 24 ngày 17/08/2020", text)
            self.assertNotIn("16 giờ 30", text)
            self.assertNotIn("16 giờ 40", text)

    def test_the_workbook_says_when_the_figures_were_taken(self):
        wb = openpyxl.load_workbook(io.BytesIO(render(self.compilation, "xlsx").content))
        about = wb["Thông tin báo cáo"]
        rows = {row[0]: row[1] for row in about.iter_rows(values_only=True)}
        self.assertEqual(rows["Số liệu tính đến"], "14 giờ 24 ngày 17/08/2020")
        self.assertEqual(rows["Văn bản"], "Báo cáo số 01/BC-VHTT")
        self.assertEqual(wb.sheetnames[0], "Bảng tổng hợp")
        self.assertIn("14 giờ 24", wb.properties.description)

    def test_the_page_and_the_email_say_when_the_figures_were_taken(self):
        self.move(16, 40)
        self.client.force_login(self.hoa)
        page = self.client.get("/c/bluezone-hong-ngu/compilations/2020-08-17/")
        self.assertContains(page, "Số liệu tính đến 14:24 ngày 17/08/2020")
        send_compilation(self.compilation, self.minh)
        self.assertIn("số liệu tính đến 14 giờ 24 ngày 17/08/2020", mail.outbox[-1].body)


class TitleCaseTestCase(DocumentsTestCase):
    history = False

    def test_lower_first_keeps_names(self):
        cases = {
            ("Cài đặt, sử dụng ứng dụng Bluezone", "Bluezone"): (
                "cài đặt, sử dụng ứng dụng Bluezone"
            ),
            ("Bluezone: cài đặt và sử dụng", "Bluezone"): "Bluezone: cài đặt và sử dụng",
            ("Bluezone", "Bluezone"): "Bluezone",
            ("PC-Covid trên điện thoại", "PC-Covid"): "PC-Covid trên điện thoại",
            ("VNeID mức 2", "VNeID"): "VNeID mức 2",
            ("Huyện Hồng Ngự", ""): "huyện Hồng Ngự",
            ("UBND huyện", ""): "UBND huyện",
            ("Bluezones khác", "Bluezone"): "bluezones khác",
            ("", "Bluezone"): "",
        }
        for (text, app), expected in cases.items():
            with self.subTest(text=text):
                self.assertEqual(lower_first(text, [app]), expected)

    def test_the_document_title_and_the_email_subject_keep_the_apps_name(self):
        for app, title in (
            ("Bluezone", "Bluezone"),
            ("PC-Covid", "PC-Covid"),
            ("VNeID", "VNeID"),
            ("Bluezone", "Cài đặt, sử dụng ứng dụng Bluezone"),
        ):
            with self.subTest(title=title):
                campaign, _stats = load_campaign(district_data(app=app, title=title))
                draft, _made = make_draft(campaign, TODAY, self.minh)
                approved = approve_compilation(draft, self.minh, confirm=True)
                expected = title if title == app else "cài đặt, sử dụng ứng dụng Bluezone"
                text = docx_text(render(approved, "docx").content)
                self.assertIn(f"Kết quả triển khai {expected} ngày 17/08/2020", text)
                self.assertNotIn(f"triển khai {app.lower()} ", text)
                mail.outbox.clear()
                send_compilation(approved, self.minh)
                self.assertIn(f"kết quả triển khai {expected} ngày", mail.outbox[0].subject)
                self.assertIn(f"triển khai {expected} ngày", mail.outbox[0].body)
                approved.dispatches.all().delete()
                approved.delete()
