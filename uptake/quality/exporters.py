"""Exports of quality data, after pretix's exporters: a class yields rows, a renderer writes them.

``RosterExporter(campaign, unit).rows()`` yields the heading and one row per member;
``RosterTemplate().rows()`` only the heading. ``render_xlsx(exporter)`` writes either as .xlsx.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import date

from django.utils.translation import gettext as _

from uptake.campaigns.models import Campaign
from uptake.lib.spreadsheet import safe_cell
from uptake.quality.models import StaffMember
from uptake.quality.roster import COLUMNS
from uptake.units.models import Unit


class RosterTemplate:
    """The empty roster to fill in: the heading the importer expects."""

    sheet = "roster"
    widths = (32, 28, 26, 20, 24)
    yes_no_columns = (2, 3)

    def filename(self) -> str:
        return "roster-template.xlsx"

    def heading(self) -> list[str]:
        return [str(heading) for _key, heading, _aliases in COLUMNS]

    def rows(self) -> Iterator[list]:
        yield self.heading()


class RosterExporter(RosterTemplate):
    """A unit's roster as it stands, ready to be edited and imported again."""

    def __init__(self, campaign: Campaign, unit: Unit):
        self.campaign, self.unit = campaign, unit

    def filename(self) -> str:
        return f"roster-{self.campaign.slug}-{self.unit.code}.xlsx"

    def rows(self) -> Iterator[list]:
        yes, no = _("yes"), _("no")
        yield self.heading()
        members = StaffMember.objects.filter(campaign=self.campaign, unit=self.unit)
        for m in members.order_by("row", "pk").iterator():
            yield [
                m.name,
                m.position,
                yes if m.has_smartphone else no,
                yes if m.installed else no,
                m.installed_on,
            ]


def render_xlsx(exporter: RosterTemplate) -> bytes:
    """The exporter's rows as an .xlsx workbook. Text is always stored as text, and text that a
    spreadsheet would run gets a leading apostrophe (``safe_cell``): a name that begins with
    "=" stays a name, never a formula; the importer takes the apostrophe off again."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = exporter.sheet
    for r, row in enumerate(exporter.rows(), start=1):
        for c, value in enumerate(row, start=1):
            cell = sheet.cell(row=r, column=c)
            cell.value = safe_cell(value)
            if isinstance(value, str):
                cell.data_type = "s"
            elif isinstance(value, date):
                cell.number_format = "DD/MM/YYYY"
            if r == 1:
                cell.font = Font(bold=True)
    for c, width in enumerate(exporter.widths, start=1):
        sheet.column_dimensions[get_column_letter(c)].width = width
    sheet.freeze_panes = "A2"
    choices = DataValidation(type="list", formula1=f'"{_("yes")},{_("no")}"', allow_blank=True)
    sheet.add_data_validation(choices)
    for c in exporter.yes_no_columns:
        letter = get_column_letter(c + 1)
        choices.add(f"{letter}2:{letter}2001")
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
