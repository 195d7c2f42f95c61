"""Hostile and malformed roster files are refused with a clear message and change nothing.

Each file is built here: a zip bomb whose sheet unpacks to hundreds of megabytes, a zip that
lies about its sizes, a macro workbook renamed .xlsx, an old .xls, a CSV or random bytes
renamed .xlsx, an encrypted member. None of them may reach openpyxl's parser unchecked, run
anything, or leave the roster half-replaced.
"""

from __future__ import annotations

import io
import os
import time
import tracemalloc
import zipfile

from django.utils import translation

from uptake.audit.models import AuditEntry
from uptake.quality.models import StaffMember
from uptake.quality.roster import RosterInvalid, import_roster
from uptake.quality.tests.helpers import GOOD_ROWS, english, quality_case, xlsx
from uptake.test import BaseTestCase

ROW = b'<row r="2"><c r="A2" t="inlineStr"><is><t>Nguyen Van An</t></is></c></row>'


def rebuilt(data: bytes, change) -> bytes:
    """A copy of the workbook ``data``, each member passed through ``change(name, bytes)``,
    which returns the new bytes (or None to leave the member out)."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            content = change(info.filename, source.read(info.filename))
            if content is not None:
                target.writestr(info.filename, content)
    return out.getvalue()


def sheet_of(size_mb: int) -> bytes:
    """A workbook whose first sheet is ``size_mb`` megabytes of rows, deflated."""
    out = io.BytesIO()
    chunk = ROW * (1024 * 1024 // len(ROW))
    with (
        zipfile.ZipFile(io.BytesIO(xlsx(GOOD_ROWS))) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target,
    ):
        for info in source.infolist():
            if info.filename != "xl/worksheets/sheet1.xml":
                target.writestr(info.filename, source.read(info.filename))
        with target.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(
                b'<worksheet xmlns="http://schemas.openxmlformats.org/'
                b'spreadsheetml/2006/main"><sheetData>'
            )
            for _ in range(size_mb):
                sheet.write(chunk)
            sheet.write(b"</sheetData></worksheet>")
    return out.getvalue()


@quality_case
class RosterHostileFilesTest(BaseTestCase):
    def setUp(self):
        super().setUp()
        self.ttt = self.unit("870-TTT")
        self.enterContext(translation.override("en"))
        import_roster(
            self.campaign, self.ttt, user=self.lan, data=xlsx(GOOD_ROWS), filename="roster.xlsx"
        )

    def members(self):
        return list(StaffMember.objects.filter(unit=self.ttt).values_list("name", "installed"))

    def refused(self, data: bytes, filename: str = "roster.xlsx") -> str:
        before, audits = self.members(), AuditEntry.objects.count()
        with self.assertRaises(RosterInvalid) as caught:
            import_roster(self.campaign, self.ttt, user=self.lan, data=data, filename=filename)
        self.assertEqual(self.members(), before, "a refused file changed the roster")
        self.assertEqual(AuditEntry.objects.count(), audits)
        return " ".join(str(e) for e in caught.exception.errors)

    def test_a_sheet_that_unpacks_to_hundreds_of_megabytes_is_refused_unread(self):
        bomb = sheet_of(300)
        self.assertLess(len(bomb), 2 * 1024 * 1024)  # small enough to pass the size limit
        tracemalloc.start()
        started = time.monotonic()
        try:
            message = self.refused(bomb)
            _now, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        self.assertIn("The file unpacks to far more than its size: refused.", message)
        self.assertLess(time.monotonic() - started, 5)
        self.assertLess(peak, 50 * 1024 * 1024, "the bomb was unpacked")

    def test_a_zip_that_understates_its_sizes_is_read_no_further_than_it_says(self):
        # The central directory declares 900 bytes for a 4 MB sheet: the size checks pass,
        # and the reader stops at 900 bytes, so the sheet is damaged, never unpacked.
        lying = io.BytesIO()
        with (
            zipfile.ZipFile(io.BytesIO(xlsx(GOOD_ROWS))) as source,
            zipfile.ZipFile(lying, "w", zipfile.ZIP_DEFLATED) as target,
        ):
            for info in source.infolist():
                if info.filename != "xl/worksheets/sheet1.xml":
                    target.writestr(info.filename, source.read(info.filename))
            target.writestr("xl/worksheets/sheet1.xml", b"<worksheet>" + ROW * 50_000)
            target.filelist[-1].file_size = 900
        with zipfile.ZipFile(lying) as archive:
            self.assertEqual(archive.getinfo("xl/worksheets/sheet1.xml").file_size, 900)
        message = self.refused(lying.getvalue())
        self.assertIn("could not be read as an Excel workbook", message)

    def test_a_macro_workbook_renamed_xlsx_is_refused(self):
        def macro_type(name, content):
            if name == "[Content_Types].xml":
                return content.replace(
                    b"spreadsheetml.sheet.main+xml", b"ms-excel.sheet.macroEnabled.main+xml"
                )
            return content

        self.assertIn("macros", self.refused(rebuilt(xlsx(GOOD_ROWS), macro_type)))

    def test_an_old_xls_renamed_xlsx_is_refused(self):
        ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + os.urandom(4000)
        self.assertIn("old Excel file (.xls)", self.refused(ole, "roster.xlsx"))

    def test_a_csv_renamed_xlsx_is_refused(self):
        csv = "Họ và tên,Chức vụ\nNguyễn Văn An,Chủ tịch\n".encode()
        self.assertIn("not an Excel workbook (.xlsx)", self.refused(csv, "roster.xlsx"))

    def test_random_bytes_are_refused(self):
        for data in (os.urandom(5000), b"PK\x03\x04" + os.urandom(5000), b""):
            with self.subTest(size=len(data)):
                self.assertIn("not an Excel workbook (.xlsx)", self.refused(data))

    def test_an_encrypted_member_is_refused(self):
        out = io.BytesIO()
        with (
            zipfile.ZipFile(io.BytesIO(xlsx(GOOD_ROWS))) as source,
            zipfile.ZipFile(out, "w") as target,
        ):
            for info in source.infolist():
                target.writestr(info.filename, source.read(info.filename))
            target.filelist[-1].flag_bits |= 0x1
        self.assertIn("not an Excel workbook (.xlsx)", self.refused(out.getvalue()))

    def test_a_workbook_without_its_sheet_is_refused(self):
        data = rebuilt(
            xlsx(GOOD_ROWS), lambda name, c: None if name.startswith("xl/worksheets/") else c
        )
        self.assertIn("could not be read as an Excel workbook", self.refused(data))

    def test_the_import_page_explains_the_refusal_and_keeps_the_roster(self):
        english(self.client)
        self.client.force_login(self.lan)
        file = io.BytesIO(sheet_of(300))
        file.name = "roster.xlsx"
        response = self.client.post("/c/bluezone-2020/units/870-TTT/roster/import/", {"file": file})
        self.assertContains(
            response, "The file unpacks to far more than its size: refused.", status_code=400
        )
        self.assertEqual(len(self.members()), 4)
