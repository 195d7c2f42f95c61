"""The four documents of a compiled report open with the usual libraries and hold the right
figures, the diacritics and the official layout."""

from __future__ import annotations

import csv
import io

import docx
import openpyxl
import pypdf

from uptake.documents.actions import approve_compilation, make_draft, write_text
from uptake.documents.report import render
from uptake.documents.tests.base import DocumentsTestCase
from uptake.test import TODAY


def in_top_margin(page) -> list[str]:
    """The text printed in the page's top margin (20 mm), where the page number goes."""
    top = float(page.mediabox.height) - 20 / 25.4 * 72
    found = []

    def visit(text, cm, tm, font, size):
        y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]  # the text matrix in page space
        if text.strip() and y > top:
            found.append(text.strip())

    page.extract_text(visitor_text=visit)
    return found


class RenderTestCase(DocumentsTestCase):
    def setUp(self):
        super().setUp()
        draft = make_draft(self.campaign, TODAY, self.minh)[0]
        write_text(
            draft,
            self.minh,
            situation="Các xã tiếp tục vận động người dân cài đặt.",
            difficulties="Một số người dân dùng điện thoại đời cũ.",
            proposals="Đề nghị Sở Thông tin và Truyền thông hỗ trợ tài liệu.",
        )
        self.compilation = approve_compilation(draft, self.minh, confirm=True)

    def test_the_word_document_is_an_official_report(self):
        rendered = render(self.compilation, "docx")
        self.assertEqual(rendered.filename, "BC-VHTT-01-2020-08-17.docx")
        d = docx.Document(io.BytesIO(rendered.content))
        section = d.sections[0]
        self.assertEqual((round(section.page_width.mm), round(section.page_height.mm)), (210, 297))
        self.assertEqual(round(section.left_margin.mm), 30)
        self.assertEqual(round(section.right_margin.mm), 15)
        self.assertEqual(round(section.top_margin.mm), 20)
        self.assertTrue(section.different_first_page_header_footer)
        self.assertIn("PAGE", section.header._element.xml)
        self.assertEqual(d.styles["Normal"].font.name, "Times New Roman")
        head = d.tables[0]
        self.assertIn("PHÒNG VĂN HÓA VÀ THÔNG TIN", head.cell(0, 0).text)
        self.assertIn("UBND HUYỆN HỒNG NGỰ", head.cell(0, 0).text)
        self.assertIn("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", head.cell(0, 1).text)
        self.assertIn("Độc lập - Tự do - Hạnh phúc", head.cell(0, 1).text)
        self.assertEqual(head.cell(1, 0).text, "Số: 01/BC-VHTT")
        self.assertEqual(head.cell(1, 1).text, "Hồng Ngự, ngày 17 tháng 8 năm 2020")
        text = "\n".join(p.text for p in d.paragraphs)
        self.assertIn("BÁO CÁO", text)
        self.assertIn("Kết quả triển khai cài đặt, sử dụng ứng dụng Bluezone ngày 17/08/2020", text)
        self.assertIn("Các xã tiếp tục vận động người dân cài đặt.", text)
        self.assertIn("đã cài đặt 96 người, đạt 90,6%", text)
        self.assertIn("Phát thanh trên hệ thống loa: 2 lượt", text)
        table = d.tables[1]
        cells = [c.text for row in table.rows for c in row.cells]
        self.assertIn("Thị trấn Thường Thới Tiền", cells)
        total = [c.text for c in table.rows[-1].cells]
        self.assertEqual(total[1:6], ["Tổng cộng", "106", "96", "90,6", "9.200"])
        signature = d.tables[-1]
        self.assertIn("Nơi nhận:", signature.cell(0, 0).text)
        self.assertIn("- Sở Thông tin và Truyền thông tỉnh Đồng Tháp;", signature.cell(0, 0).text)
        self.assertIn("- Lưu: VT.", signature.cell(0, 0).text)
        self.assertIn("KT. TRƯỞNG PHÒNG", signature.cell(0, 1).text)
        self.assertIn("Nguyễn Thị Thu Hà", signature.cell(0, 1).text)
        self.assertEqual(len(d.inline_shapes), 1)  # the chart

    def test_the_pdf_holds_the_totals_and_the_diacritics(self):
        rendered = render(self.compilation, "pdf")
        reader = pypdf.PdfReader(io.BytesIO(rendered.content))
        text = "\n".join(page.extract_text() for page in reader.pages)
        for expected in (
            "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
            "Số: 01/BC-VHTT",
            "Hồng Ngự, ngày 17 tháng 8 năm 2020",
            "Thị trấn Thường Thới Tiền",
            "Sở Thông tin và Truyền thông tỉnh Đồng Tháp",
            "Tổng cộng",
            "9.200",
            "90,6",
            "Nguyễn Thị Thu Hà",
        ):
            self.assertIn(expected, text)
        box = reader.pages[0].mediabox
        self.assertEqual(
            (round(float(box.width) / 72 * 25.4), round(float(box.height) / 72 * 25.4)), (210, 297)
        )
        fonts = {
            str(f["/BaseFont"])
            for page in reader.pages
            for f in (page["/Resources"].get("/Font") or {}).values()
            for f in [f.get_object()]
        }
        self.assertTrue(any("Serif" in f or "Times" in f for f in fonts), fonts)

    def test_the_pdf_numbers_its_pages_from_the_second(self):
        reader = pypdf.PdfReader(io.BytesIO(render(self.compilation, "pdf").content))
        self.assertGreater(len(reader.pages), 1)
        self.assertEqual(in_top_margin(reader.pages[0]), [])
        for number, page in enumerate(reader.pages[1:], start=2):
            self.assertEqual(in_top_margin(page), [str(number)])

    def test_the_workbook_has_the_table_and_a_sheet_per_group(self):
        wb = openpyxl.load_workbook(io.BytesIO(render(self.compilation, "xlsx").content))
        self.assertEqual(
            wb.sheetnames[:3],
            ["Bảng tổng hợp", "Cán bộ, công chức, viên chức", "Người dân"],  # cut between words
        )
        ws = wb["Bảng tổng hợp"]
        self.assertEqual(ws.freeze_panes, "C3")
        names = [ws.cell(row=r, column=2).value for r in range(3, ws.max_row + 1)]
        self.assertIn("Thị trấn Thường Thới Tiền", names)
        total = ws.max_row
        self.assertEqual(ws.cell(row=total, column=2).value, "Tổng cộng")
        self.assertEqual(ws.cell(row=total, column=6).value, 106)
        self.assertEqual(ws.cell(row=total, column=6).number_format, "#,##0")
        self.assertAlmostEqual(ws.cell(row=total, column=8).value, 0.906)
        self.assertEqual(ws.cell(row=total, column=8).number_format, "0.0%")
        self.assertTrue(ws.cell(row=total, column=2).font.b)
        residents = wb["Người dân"]
        self.assertEqual(residents.freeze_panes, "B2")
        days = [residents.cell(row=r, column=1).value.date().isoformat() for r in range(2, 6)]
        self.assertEqual(days, ["2020-08-14", "2020-08-15", "2020-08-16", "2020-08-17"])
        self.assertEqual(
            [residents.cell(row=r, column=3).value for r in range(2, 6)], [2100, 3000, 3800, 4150]
        )

    def test_the_csv_is_utf8_with_a_bom(self):
        content = render(self.compilation, "csv").content
        self.assertTrue(content.startswith(b"\xef\xbb\xbf"))
        rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
        self.assertEqual(rows[0][:2], ["Mã", "Đơn vị"])
        self.assertIn("Thị trấn Thường Thới Tiền", [r[1] for r in rows])
        self.assertEqual(rows[-1][1], "Tổng cộng")
        self.assertEqual(rows[-1][5:8], ["106", "96", "90.6"])

    def test_a_draft_says_so_and_has_no_number(self):
        self.report("870-LKA", TODAY, 3)
        draft = make_draft(self.campaign, TODAY.replace(day=16), self.minh)[0]
        d = docx.Document(io.BytesIO(render(draft, "docx").content))
        self.assertEqual(d.paragraphs[0].text, "DỰ THẢO")
        self.assertEqual(d.tables[0].cell(1, 0).text.replace(" ", ""), "Số:/BC-VHTT")
        self.assertEqual(render(draft, "pdf").filename, "BC-VHTT-du-thao-2020-08-16.pdf")


class FormulaTestCase(DocumentsTestCase):
    """Text that a spreadsheet would run as a formula is neutralised in xlsx and csv."""

    def test_formula_like_text_gets_a_leading_apostrophe(self):
        self.submit(
            "870-LKA",
            TODAY,
            note='=HYPERLINK("http://evil.example","x")',
            activities={"broadcasts": 2},
        )
        compilation = make_draft(self.campaign, TODAY, self.minh)[0]
        rows = list(csv.reader(io.StringIO(render(compilation, "csv").content.decode("utf-8-sig"))))
        lka = next(r for r in rows if r[0] == "870-LKA")
        self.assertEqual(lka[-1], '\'=HYPERLINK("http://evil.example","x")')
        wb = openpyxl.load_workbook(io.BytesIO(render(compilation, "xlsx").content))
        ws = wb["Bảng tổng hợp"]
        notes = [ws.cell(row=r, column=ws.max_column).value for r in range(3, ws.max_row + 1)]
        self.assertIn('\'=HYPERLINK("http://evil.example","x")', notes)
        row = next(
            r for r in range(3, ws.max_row + 1) if ws.cell(row=r, column=1).value == "870-LKA"
        )
        self.assertEqual(ws.cell(row=row, column=ws.max_column).data_type, "s")
        for text in ("+1", "-1 hộ", "@SUM(A1)"):
            from uptake.documents.exporters import neutralise

            self.assertEqual(neutralise(text), "'" + text)
        self.assertEqual(neutralise(-5), -5)


class ProvinceRenderTestCase(DocumentsTestCase):
    """A province's report: each district's units follow its subtotal; with many units the
    document lists the districts only (the spreadsheet keeps every unit)."""

    def setUp(self):
        super().setUp()
        from uptake.campaigns.loader import load_campaign
        from uptake.test import campaign_data, figures

        self.province, _stats = load_campaign(campaign_data())  # 870 back under 87
        self.submit("869-TH", campaign=self.province, user=self.root, figures=figures())
        self.submit("870-TTT", campaign=self.province, user=self.root, figures=figures((40, 20)))
        self.compilation = make_draft(self.province, TODAY, self.root)[0]

    def test_each_districts_units_follow_its_subtotal(self):
        d = docx.Document(io.BytesIO(render(self.compilation, "docx").content))
        names = [row.cells[1].text for row in d.tables[1].rows]
        self.assertEqual(names[2:4], ["Huyện Tân Hồng", "Xã Tân Hộ Cơ"])
        self.assertEqual(names[4], "Huyện Hồng Ngự")
        # Hồng Ngự's offices and communes apart, each after its subtotal, as the file has them
        # (#17); Tân Hồng has communes alone: its subtotal says it all.
        self.assertEqual(
            names[5:],
            [
                "Khối phòng, ban, ngành",
                "Phòng Văn hóa và Thông tin",
                "Phòng Nội vụ",
                "Khối xã, thị trấn",
                "Thị trấn Thường Thới Tiền",
                "Xã Long Khánh A",
                "Tổng cộng",
            ],
        )

    def test_with_many_units_the_document_lists_the_districts(self):
        from unittest import mock

        with mock.patch("uptake.documents.report.UNIT_TABLE_MAX", 2):
            d = docx.Document(io.BytesIO(render(self.compilation, "docx").content))
        names = [row.cells[1].text for row in d.tables[1].rows]
        self.assertEqual(names[2:], ["Huyện Tân Hồng", "Huyện Hồng Ngự", "Tổng cộng"])
        self.assertEqual(d.tables[1].rows[3].cells[-1].text, "1/4")
        wb = openpyxl.load_workbook(io.BytesIO(render(self.compilation, "xlsx").content))
        # two header rows, two subtotals, Hồng Ngự's two blocks, five units, the total
        self.assertEqual(wb["Bảng tổng hợp"].max_row, 2 + 2 + 2 + 5 + 1)
