"""RosterExporter and RosterTemplate: the roster as .xlsx, ready to import again."""

from __future__ import annotations

import io
from datetime import date

from openpyxl import load_workbook

from uptake.quality.exporters import RosterExporter, RosterTemplate, render_xlsx
from uptake.quality.models import StaffMember
from uptake.quality.roster import import_roster
from uptake.quality.tests.helpers import quality_case
from uptake.test import BaseTestCase


def rows(data: bytes) -> list[tuple]:
    return list(load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True))


@quality_case
class RosterExporterTest(BaseTestCase):
    def test_the_template_holds_the_headings(self):
        self.assertEqual(len(rows(render_xlsx(RosterTemplate()))), 1)

    def test_an_export_imports_again_unchanged(self):
        ttt = self.unit("870-TTT")
        StaffMember.objects.create(
            campaign=self.campaign,
            unit=ttt,
            name="An",
            position="Chủ tịch",
            has_smartphone=True,
            installed=True,
            installed_on=date(2020, 8, 15),
            row=1,
        )
        StaffMember.objects.create(
            campaign=self.campaign, unit=ttt, name="Bình", has_smartphone=False, row=2
        )
        data = render_xlsx(RosterExporter(self.campaign, ttt))
        before = list(
            StaffMember.objects.values_list(
                "name", "position", "has_smartphone", "installed", "installed_on"
            )
        )
        import_roster(self.campaign, ttt, user=self.lan, data=data, filename="roster.xlsx")
        after = list(
            StaffMember.objects.values_list(
                "name", "position", "has_smartphone", "installed", "installed_on"
            )
        )
        self.assertEqual(before, after)

    def test_a_name_that_looks_like_a_formula_stays_text(self):
        ttt = self.unit("870-TTT")
        StaffMember.objects.create(campaign=self.campaign, unit=ttt, name="=1+1", row=1)
        StaffMember.objects.create(
            campaign=self.campaign, unit=ttt, name='=HYPERLINK("http://evil.example","x")', row=2
        )
        StaffMember.objects.create(
            campaign=self.campaign, unit=ttt, name="Ba", position="+cmd", row=3
        )
        data = render_xlsx(RosterExporter(self.campaign, ttt))
        sheet = load_workbook(io.BytesIO(data)).active
        self.assertEqual((sheet["A2"].value, sheet["A2"].data_type), ("'=1+1", "s"))
        self.assertEqual(sheet["A3"].value, '\'=HYPERLINK("http://evil.example","x")')
        self.assertEqual(sheet["B4"].value, "'+cmd")

    def test_a_neutralised_name_imports_again_as_it_was(self):
        ttt = self.unit("870-TTT")
        StaffMember.objects.create(
            campaign=self.campaign, unit=ttt, name="=1+1", position="-", row=1
        )
        data = render_xlsx(RosterExporter(self.campaign, ttt))
        import_roster(self.campaign, ttt, user=self.lan, data=data, filename="roster.xlsx")
        self.assertEqual(list(StaffMember.objects.values_list("name", "position")), [("=1+1", "-")])
