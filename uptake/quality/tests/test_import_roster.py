"""import_roster(): a unit's staff from .xlsx, all or nothing, errors named by row and column."""

from __future__ import annotations

import io
import zipfile
from datetime import date

from django.core.exceptions import PermissionDenied
from django.utils import translation

from uptake.audit.models import AuditEntry
from uptake.quality.models import StaffMember
from uptake.quality.roster import RosterInvalid, import_roster
from uptake.quality.tests.helpers import GOOD_ROWS, quality_case, xlsx
from uptake.test import BaseTestCase


@quality_case
class ImportRosterTest(BaseTestCase):
    def setUp(self):
        super().setUp()
        self.ttt = self.unit("870-TTT")
        self.enterContext(translation.override("en"))

    def do_import(self, data, filename="roster.xlsx", user=None):
        return import_roster(
            self.campaign, self.ttt, user=user or self.lan, data=data, filename=filename
        )

    def members(self):
        return list(
            StaffMember.objects.filter(unit=self.ttt).values_list(
                "name", "has_smartphone", "installed", "installed_on"
            )
        )

    def refused(self, data, filename="roster.xlsx") -> list[str]:
        self.do_import(xlsx(GOOD_ROWS))
        before = self.members()
        with self.assertRaises(RosterInvalid) as caught:
            self.do_import(data, filename)
        self.assertEqual(self.members(), before, "a refused file changed the roster")
        return [str(e) for e in caught.exception.errors]

    def test_the_reporter_imports_the_units_roster(self):
        result = self.do_import(xlsx(GOOD_ROWS))
        self.assertEqual((result.members, result.with_smartphone, result.installed), (4, 3, 2))
        self.assertEqual(
            self.members(),
            [
                ("Nguyễn Văn An", True, True, date(2020, 8, 14)),
                ("Trần Thị Bình", True, False, None),
                ("Lê Văn Cường", True, True, date(2020, 8, 16)),
                ("Phạm Thị Dung", False, False, None),
            ],
        )

    def test_english_headings_are_understood_too(self):
        heading = [
            "Full name",
            "Position",
            "Has a smartphone (yes/no)",
            "Installed (yes/no)",
            "Installed on",
        ]
        self.assertEqual(
            self.do_import(xlsx([("A", "", "yes", "no", None)], heading=heading)).members, 1
        )

    def test_a_new_file_replaces_the_roster_and_is_audited(self):
        self.do_import(xlsx(GOOD_ROWS))
        self.do_import(xlsx([("Võ Văn Em", "Phó Chủ tịch", "có", "có", None)]))
        self.assertEqual([m[0] for m in self.members()], ["Võ Văn Em"])
        entry = AuditEntry.objects.filter(action="roster.import").latest("pk")
        self.assertEqual((entry.before["members"], entry.after["members"]), (4, 1))
        self.assertEqual(entry.after["file"], "roster.xlsx")
        self.assertEqual(entry.actor, self.lan)

    def test_a_coordinator_and_an_admin_import_too(self):
        self.do_import(xlsx(GOOD_ROWS), user=self.minh)
        self.do_import(xlsx(GOOD_ROWS), user=self.root)
        self.assertEqual(len(self.members()), 4)

    def test_viewers_and_other_districts_may_not(self):
        for user in (self.hoa, self.tuan):
            with self.subTest(user=user.username), self.assertRaises(PermissionDenied):
                self.do_import(xlsx(GOOD_ROWS), user=user)

    def test_a_bad_cell_is_named_by_row_and_column_and_changes_nothing(self):
        rows = [*GOOD_ROWS, ("Đỗ Văn Giang", "Bảo vệ", "có lẽ", "không", None)]
        self.assertEqual(
            self.refused(xlsx(rows)),
            ["Row 6, column C (Has a smartphone (yes/no)): write yes or no."],
        )

    def test_every_bad_cell_is_listed(self):
        rows = [
            ("", "Văn thư", "có", "có", None),
            ("Hồ Văn Hải", "", "không", "có", None),
            ("Lý Thị Kim", "", "có", "có", "32/13/2020"),
            ("Mai Văn Long", "", "có", "có", date(2020, 9, 1)),
        ]
        self.assertEqual(
            self.refused(xlsx(rows)),
            [
                "Row 2, column A (Full name): The name is required.",
                "Row 3, column D (Installed (yes/no)): Installed, but has no smartphone.",
                "Row 4, column E (Installed on (dd/mm/yyyy)): write the date as dd/mm/yyyy.",
                "Row 5, column E (Installed on (dd/mm/yyyy)): This day has not come yet.",
            ],
        )

    def test_a_sheet_without_the_headings_is_refused(self):
        errors = self.refused(
            xlsx([("An", "", "có", "có", None)], heading=["Tên", "x", "y", "z", "w"])
        )
        self.assertTrue(errors[0].startswith("Row 1, column B (Position): expected the heading"))

    def test_too_many_rows_are_refused(self):
        rows = [(f"Người {i}", "", "có", "không", None) for i in range(2001)]
        self.assertEqual(
            self.refused(xlsx(rows)),
            ["The file has more than 2,000 rows: a roster holds at most 2,000."],
        )

    def test_an_empty_roster_is_refused(self):
        self.assertEqual(self.refused(xlsx([])), ["The file lists nobody."])

    def test_a_text_file_is_refused(self):
        errors = self.refused(b"name,position\nAn,Chairman\n", "roster.csv")
        self.assertIn("not an Excel workbook (.xlsx)", errors[0])

    def test_a_file_that_only_pretends_to_be_xlsx_is_refused(self):
        self.assertIn("not an Excel workbook", self.refused(b"hello", "roster.xlsx")[0])

    def test_an_old_xls_file_is_refused(self):
        errors = self.refused(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "roster.xls")
        self.assertIn("old Excel file (.xls)", errors[0])

    def test_a_zip_that_is_no_workbook_is_refused(self):
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("word/document.xml", "<w:document/>")
        self.assertIn("not an Excel workbook", self.refused(buffer.getvalue())[0])

    def test_a_workbook_with_macros_is_refused(self):
        self.assertIn("macros", self.refused(xlsx(GOOD_ROWS), "roster.xlsm")[0])
        buffer = io.BytesIO()
        with (
            zipfile.ZipFile(xlsx_buffer(GOOD_ROWS)) as source,
            zipfile.ZipFile(buffer, "w") as archive,
        ):
            for item in source.infolist():
                archive.writestr(item, source.read(item.filename))
            archive.writestr("xl/vbaProject.bin", b"\0" * 64)
        self.assertIn("macros", self.refused(buffer.getvalue())[0])

    def test_a_zip_bomb_is_refused(self):
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("[Content_Types].xml", "<Types/>")
            archive.writestr("xl/workbook.xml", "<workbook/>")
            archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (8 * 1024 * 1024))
        data = buffer.getvalue()
        self.assertLess(len(data), 100_000)
        self.assertIn("unpacks to far more than its size", self.refused(data)[0])

    def test_a_file_over_2_mb_is_refused_unread(self):
        self.assertIn(
            "larger than 2 MB", self.refused(b"PK\x03\x04" + b"\0" * (2 * 1024 * 1024))[0]
        )

    def test_a_damaged_workbook_is_refused(self):
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("[Content_Types].xml", "<Types/>")
            archive.writestr("xl/workbook.xml", "not xml at all <")
        self.assertIn("could not be read", self.refused(buffer.getvalue())[0])

    def test_formulas_are_read_as_their_values_never_run(self):
        from openpyxl import Workbook

        workbook = Workbook()
        sheet = workbook.active
        sheet.append(
            ["Họ và tên", "Chức vụ", "Có điện thoại thông minh", "Đã cài đặt", "Ngày cài đặt"]
        )
        sheet.append(['=HYPERLINK("http://example.org","An")', "", "có", "không", None])
        out = io.BytesIO()
        workbook.save(out)
        # openpyxl stores no cached value for a formula it wrote: the cell reads as empty.
        self.assertEqual(
            self.refused(out.getvalue()), ["Row 2, column A (Full name): The name is required."]
        )


def xlsx_buffer(rows) -> io.BytesIO:
    return io.BytesIO(xlsx(rows))
