"""import_file (uptake/imports/actions.py): the day's workbook, or its .csv, row by row through
submit_report, all or nothing; every bad file refused with its row and column, nothing stored."""

from __future__ import annotations

import io
import zipfile
from datetime import timedelta

from django.test import override_settings
from django.utils import translation
from openpyxl import Workbook, load_workbook

from uptake.imports import actions, workbook
from uptake.imports.sheet import FileRefused
from uptake.imports.tests.base import filled
from uptake.reports.models import Report, Revision
from uptake.test import NOW, TODAY, BaseTestCase

TTT = {
    "figures.staff.with_smartphone": 41,
    "figures.staff.installed": 39,
    "figures.residents.with_smartphone": 5200,
    "figures.residents.installed": "2.950",
    "activities.broadcasts": 2,
    "activities.leaflets": 500,
}
LKA = {
    "figures.staff.with_smartphone": 30,
    "figures.staff.installed": 30,
    "figures.residents.with_smartphone": 4000,
    "figures.residents.installed": 2000,
}


@override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
class ImportFileTests(BaseTestCase):
    def setUp(self):
        super().setUp()
        self.enterContext(translation.override("en"))

    def run_file(self, data, name="ngay.xlsx", dry_run=False, user=None, day=TODAY):
        return actions.import_file(
            campaign=self.campaign,
            user=user or self.minh,
            day=day,
            data=data,
            filename=name,
            dry_run=dry_run,
        )

    def by_unit(self, outcome):
        return {r.unit: r for r in outcome.rows}

    def refused(self, data, name="ngay.xlsx") -> list:
        with self.assertRaises(FileRefused) as caught:
            self.run_file(data, name)
        self.assertEqual(Report.objects.count(), 0)
        return caught.exception.errors

    # --- the template ---------------------------------------------------------------------

    def test_the_template_has_a_row_per_unit_keys_under_the_headings_and_latest_figures(self):
        self.submit("870-TTT", TODAY - timedelta(days=1))
        made = workbook.make(self.minh, self.campaign, TODAY, None)
        wb = load_workbook(io.BytesIO(made.data))
        ws, ref = wb.worksheets
        self.assertIn("17/08/2020", ws["A1"].value)
        self.assertEqual(ws["A3"].value, "Mã đơn vị")
        self.assertEqual(ws["A4"].value, "unit")
        self.assertEqual(ws["C4"].value, "figures.staff.with_smartphone")
        self.assertEqual(
            [ws.cell(row=r, column=1).value for r in range(5, 9)],
            ["870-LKA", "870-NV", "870-TTT", "870-VHTT"],
        )
        self.assertIsNone(ws["C5"].value)  # figure cells empty
        self.assertEqual(ws.freeze_panes, "C5")
        self.assertEqual(ws.data_validations.dataValidation[0].type, "whole")
        self.assertEqual(ws.print_title_rows, "$3:$4")
        self.assertEqual(ref["A2"].value, "870-TTT")
        self.assertEqual(ref["D2"].value, 41)
        self.assertEqual(made.rows, 4)

    def test_the_template_under_a_unit_lists_only_its_units(self):
        made = workbook.make(self.minh, self.campaign, TODAY, "870-TTT")
        ws = load_workbook(io.BytesIO(made.data)).worksheets[0]
        self.assertEqual(ws["A5"].value, "870-TTT")
        self.assertIsNone(ws["A6"].value)

    # --- rows -----------------------------------------------------------------------------

    def test_it_stores_the_filled_rows_on_behalf_with_the_files_name(self):
        outcome = self.run_file(filled(self.minh, self.campaign, {"870-TTT": TTT, "870-LKA": LKA}))
        rows = self.by_unit(outcome)
        self.assertEqual(rows["870-TTT"].status, "ok")
        self.assertEqual(rows["870-LKA"].status, "ok")
        self.assertEqual(rows["870-NV"].status, "skipped")
        self.assertEqual(outcome.stored, 2)
        report = Report.objects.get(unit__code="870-TTT")
        self.assertEqual(report.figures["residents"], {"with_smartphone": 5200, "installed": 2950})
        self.assertEqual(report.activities, {"broadcasts": 2, "leaflets": 500})
        revision = report.revisions.get()
        self.assertTrue(revision.on_behalf)
        self.assertEqual(revision.source, "Excel: ngay.xlsx")
        self.assertEqual(revision.via, "import")
        self.assertEqual(revision.submitted_by, self.minh)

    def test_a_dry_run_stores_nothing_and_says_what_would_be_stored(self):
        outcome = self.run_file(filled(self.minh, self.campaign, {"870-TTT": TTT}), dry_run=True)
        self.assertEqual(self.by_unit(outcome)["870-TTT"].status, "ok")
        self.assertEqual(outcome.stored, 0)
        self.assertEqual(Report.objects.count(), 0)
        self.assertEqual(Revision.objects.count(), 0)

    def test_one_row_in_error_stores_nothing_and_every_error_has_its_row_and_column(self):
        bad = {**LKA, "figures.staff.installed": 31}  # above with_smartphone
        data = filled(self.minh, self.campaign, {"870-TTT": TTT, "870-LKA": bad})
        outcome = self.run_file(data)
        rows = self.by_unit(outcome)
        self.assertEqual(rows["870-LKA"].status, "error")
        (error,) = rows["870-LKA"].errors
        self.assertEqual(
            (error.field, error.column, error.row), ("figures.staff.installed", "D", 5)
        )
        self.assertEqual(rows["870-TTT"].status, "ok")
        self.assertEqual(outcome.stored, 0)
        self.assertEqual(Report.objects.count(), 0)

    def test_the_same_file_twice_stores_nothing_the_second_time(self):
        data = filled(
            self.minh, self.campaign, {"870-TTT": {**TTT, "note": "Zalo"}, "870-LKA": LKA}
        )
        self.assertEqual(self.run_file(data).stored, 2)
        again = self.run_file(data)
        self.assertEqual(
            {r.status for r in again.rows if r.unit in ("870-TTT", "870-LKA")}, {"unchanged"}
        )
        self.assertEqual(again.stored, 0)
        self.assertEqual(Revision.objects.count(), 2)

    def test_figures_equal_to_yesterdays_are_todays_report(self):
        self.submit("870-TTT", TODAY - timedelta(days=1))
        same = {
            "figures.staff.with_smartphone": 41,
            "figures.staff.installed": 39,
            "figures.residents.with_smartphone": 5200,
            "figures.residents.installed": 2950,
        }
        outcome = self.run_file(filled(self.minh, self.campaign, {"870-TTT": same}))
        self.assertEqual(self.by_unit(outcome)["870-TTT"].status, "ok")
        self.assertTrue(Report.objects.filter(unit__code="870-TTT", date=TODAY).exists())

    def test_a_revision_keeps_the_groups_the_row_leaves_empty(self):
        self.submit("870-TTT")
        row = {"figures.staff.with_smartphone": 42, "figures.staff.installed": 41}
        outcome = self.run_file(filled(self.minh, self.campaign, {"870-TTT": row}))
        self.assertEqual(outcome.stored, 1)
        report = Report.objects.get(unit__code="870-TTT", date=TODAY)
        self.assertEqual(report.revision, 2)
        self.assertEqual(report.figures["residents"]["installed"], 2950)

    def test_a_decrease_needs_a_note_as_in_a_report(self):
        self.submit("870-TTT", TODAY - timedelta(days=1))
        row = {**TTT, "figures.staff.installed": 30}
        outcome = self.run_file(filled(self.minh, self.campaign, {"870-TTT": row}))
        (error,) = self.by_unit(outcome)["870-TTT"].errors
        self.assertEqual((error.field, error.column), ("figures.staff.installed", "D"))
        with_note = {**row, "note": "Hai người chuyển công tác"}
        self.assertEqual(
            self.run_file(filled(self.minh, self.campaign, {"870-TTT": with_note})).stored, 1
        )

    def test_received_at_decides_on_time_and_needs_a_note_when_long_before(self):
        self.clock.stop()
        self.clock = __import__("time_machine").travel(NOW.replace(hour=15, minute=10), tick=False)
        self.clock.start()
        row = {**TTT, "received_at": "14:58"}
        outcome = self.run_file(filled(self.minh, self.campaign, {"870-TTT": row}))
        self.assertEqual(outcome.stored, 1)
        report = Report.objects.get(unit__code="870-TTT")
        self.assertEqual(report.status, "on_time")
        row = {**LKA, "received_at": "13:00"}  # more than 15 minutes before, no note
        outcome = self.run_file(filled(self.minh, self.campaign, {"870-LKA": row}))
        (error,) = self.by_unit(outcome)["870-LKA"].errors
        self.assertEqual(error.field, "received_at")
        self.assertEqual(error.column, "K")

    # --- the units ------------------------------------------------------------------------

    def test_a_unit_outside_the_callers_scope_is_an_error(self):
        coordinator = self.make_user("ttt_office", "coordinator", "870-TTT")
        data = filled(self.minh, self.campaign, {"870-TTT": TTT, "870-LKA": LKA})
        outcome = self.run_file(data, user=coordinator)
        rows = self.by_unit(outcome)
        self.assertEqual(rows["870-LKA"].errors[0].field, "unit")
        self.assertEqual(rows["870-LKA"].errors[0].column, "A")
        self.assertEqual(outcome.stored, 0)

    def test_a_unit_not_in_the_campaign_or_unknown_or_twice_is_an_error(self):
        data = filled(self.minh, self.campaign, {"870-TTT": TTT, "870-LKA": LKA})
        wb = load_workbook(io.BytesIO(data))
        ws = wb.worksheets[0]
        ws["A6"] = "870"  # the district itself: no report of its own
        ws["C6"] = 1
        ws["A8"] = "999-XX"
        ws["C8"] = 1
        ws.append(["870-TTT", "", 41, 39, 5200, 2950])
        out = io.BytesIO()
        wb.save(out)
        rows = {r.row: r for r in self.run_file(out.getvalue()).rows}
        self.assertIn("does not report", rows[6].errors[0].message)
        self.assertIn("999-XX", rows[8].errors[0].message)
        self.assertIn("row 7", rows[9].errors[0].message)
        self.assertEqual(Report.objects.count(), 0)

    def test_a_reporter_or_a_viewer_may_not_import(self):
        data = filled(self.minh, self.campaign, {"870-TTT": TTT})
        for user in (self.lan, self.hoa, self.tuan):
            with self.assertRaises(actions.ImportDenied):
                self.run_file(data, user=user)
        self.assertEqual(Report.objects.count(), 0)

    # --- bad files ------------------------------------------------------------------------

    def test_a_formula_is_refused_with_its_row_and_column(self):
        data = filled(
            self.minh, self.campaign, {"870-TTT": {**TTT, "figures.staff.installed": "=C7-2"}}
        )
        row = self.by_unit(self.run_file(data))["870-TTT"]
        self.assertEqual(row.errors[0].column, "D")
        self.assertIn("=C7-2", row.errors[0].message)
        self.assertEqual(Report.objects.count(), 0)

    def test_text_in_a_figure_cell_is_an_error_in_its_column(self):
        data = filled(
            self.minh, self.campaign, {"870-TTT": {**TTT, "activities.broadcasts": "hai"}}
        )
        row = self.by_unit(self.run_file(data))["870-TTT"]
        self.assertEqual(
            (row.errors[0].field, row.errors[0].column), ("activities.broadcasts", "G")
        )

    def test_a_workbook_of_another_day_is_refused(self):
        data = filled(self.minh, self.campaign, {"870-TTT": TTT}, day=TODAY - timedelta(days=1))
        (error,) = self.refused(data)
        self.assertEqual(error.field, "date")
        self.assertIn("16/08/2020", error.message)

    def test_unknown_columns_are_refused_with_their_column(self):
        wb = Workbook()
        wb.active.append(["unit", "figures.staff.with_smartphone", "figures.staff.instaled"])
        wb.active.append(["870-NV", 20, 19])
        out = io.BytesIO()
        wb.save(out)
        (error,) = self.refused(out.getvalue())
        self.assertEqual((error.row, error.column), (1, "C"))
        self.assertIn("figures.staff.instaled", error.message)

    def test_a_hand_made_workbook_of_the_same_columns_in_another_order_is_read(self):
        wb = Workbook()
        wb.active.append(["Tên đơn vị", "figures.staff.installed", "unit", "staff.with_smartphone"])
        wb.active.append(["Phòng Nội vụ", 19, "870-NV", 20])
        out = io.BytesIO()
        wb.save(out)
        outcome = self.run_file(out.getvalue(), name="tu-lam.xlsx")
        self.assertEqual(outcome.stored, 1)
        self.assertEqual(
            Report.objects.get().figures, {"staff": {"with_smartphone": 20, "installed": 19}}
        )

    def test_the_template_saved_as_csv_with_its_title_rows_is_read(self):
        data = filled(self.minh, self.campaign, {"870-TTT": TTT})
        ws = load_workbook(io.BytesIO(data)).worksheets[0]
        lines = []
        for row in ws.iter_rows(values_only=True):
            cells = ["" if v is None else str(v) for v in row]
            lines.append(";".join(f'"{c}"' if ";" in c else c for c in cells))
        # As a spreadsheet in Vietnamese saves it: ";" between cells, "." between thousands.
        text = "\n".join(lines).replace(";5200;", ";5.200;")
        outcome = self.run_file(("\ufeff" + text).encode(), name="ngay.csv")
        self.assertEqual(self.by_unit(outcome)["870-TTT"].status, "ok")
        self.assertEqual(outcome.stored, 1)
        self.assertEqual(Report.objects.get().revisions.get().source, "Excel: ngay.csv")

    def test_a_workbook_with_macros_is_refused(self):
        data = filled(self.minh, self.campaign, {"870-TTT": TTT})
        out = io.BytesIO()
        with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
            for item in src.infolist():
                dst.writestr(item, src.read(item.filename))
            dst.writestr("xl/vbaProject.bin", b"\x00" * 100)
        (error,) = self.refused(out.getvalue())
        self.assertIn("macro", error.message.lower())
        (error,) = self.refused(data, name="ngay.xlsm")
        self.assertIn("macro", error.message.lower())

    def test_other_files_are_refused_before_any_parser(self):
        for data, name in [
            (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "cu.xls"),
            (b"%PDF-1.4 ...", "bao-cao.xlsx"),
            (b"PK\x03\x04 not really a zip", "ngay.xlsx"),
            (b"", "ngay.xlsx"),
            (b"just text", "ngay.docx"),
        ]:
            errors = self.refused(data, name)
            self.assertEqual(errors[0].field, "file", name)

    def test_a_huge_file_or_a_zip_bomb_is_refused(self):
        (error,) = self.refused(b"unit,x\n" + b"0" * (5 * 1024 * 1024 + 1), name="big.csv")
        self.assertIn("5 MB", error.message)
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
            z.writestr("[Content_Types].xml", "<Types/>")
            z.writestr("xl/workbook.xml", "<workbook/>")
            z.writestr("xl/worksheets/sheet1.xml", "<a>" + " " * (50 * 1024 * 1024) + "</a>")
        (error,) = self.refused(out.getvalue())
        self.assertIn("unpacks", error.message)

    def test_a_day_that_has_not_come_is_refused(self):
        data = filled(self.minh, self.campaign, {"870-TTT": TTT})
        with self.assertRaises(FileRefused) as caught:
            self.run_file(data, day=TODAY + timedelta(days=1))
        self.assertEqual(caught.exception.errors[0].field, "date")
