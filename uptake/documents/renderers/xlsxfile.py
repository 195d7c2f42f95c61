"""Exporters as sheets of one .xlsx workbook.

Numbers are numbers (format ``#,##0``: Excel shows the thousands separator of the reader's
locale, "5.200" in Vietnamese), percents are fractions formatted ``0.0%``, dates are dates.
The header (with its band row when there is one) stays frozen, total rows are bold, and text
that would run as a formula is neutralised.
"""

from __future__ import annotations

import io
import re

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from uptake.documents.exporters import DATE, DATETIME, INT, PERCENT, Exporter
from uptake.lib.spreadsheet import safe_cell

FONT = "Times New Roman"
NUMBER_FORMATS = {
    INT: "#,##0",
    PERCENT: "0.0%",
    DATE: "dd/mm/yyyy",
    DATETIME: "dd/mm/yyyy hh:mm",
}
THIN = Side(style="thin", color="999999")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEADER_FILL = PatternFill("solid", fgColor="DDE5F0")
TOTAL_FILL = PatternFill("solid", fgColor="F2F2F2")


def _fit(text: str, limit: int) -> str:
    """``text`` in at most ``limit`` characters, cut between words (never mid-word, unless the
    first word alone is too long), without a trailing comma or dash."""
    if len(text) <= limit:
        return text
    cut = text[: limit + 1].rsplit(" ", 1)[0] if " " in text[: limit + 1] else text[:limit]
    return cut[:limit].rstrip(" ,;-–·")


def sheet_title(title: str, taken: set[str]) -> str:
    """At most 31 characters (Excel's limit) cut between words, none of ``[]:*?/\\``, unique in
    the workbook."""
    base = _fit(re.sub(r"[\[\]:*?/\\]", " ", title).strip(), 31) or "Sheet"
    name, n = base, 2
    while name.lower() in taken:
        suffix = f" ({n})"
        name = _fit(base, 31 - len(suffix)) + suffix
        n += 1
    taken.add(name.lower())
    return name


# Sheets wider than this many characters of columns print landscape (#17).
WIDE = 100


def print_setup(ws, columns, header_rows: int) -> None:
    """A4, the header repeated on every page, fit to one page wide; landscape when wide."""
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    width = sum(c.width + 2 for c in columns)
    ws.page_setup.orientation = "landscape" if width > WIDE else "portrait"
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0  # as many pages down as it takes
    ws.print_title_rows = f"1:{header_rows}"
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.5
    ws.oddFooter.center.text = "&P / &N"


def _value(value, kind: str):
    if value is None:
        return None
    if kind == PERCENT and isinstance(value, int | float):
        return value / 100
    if hasattr(value, "tzinfo") and getattr(value, "tzinfo", None) is not None:
        return value.replace(tzinfo=None)  # Excel has no time zones: the campaign's wall clock
    return safe_cell(value)


def write_sheet(ws, exporter: Exporter) -> None:
    columns = exporter.columns
    header_font = Font(name=FONT, bold=True, size=11)
    body_font = Font(name=FONT, size=11)
    bold_font = Font(name=FONT, size=11, bold=True)
    wrap = Alignment(wrap_text=True, vertical="center", horizontal="center")
    row_no = 1
    if exporter.banded:
        start = 0
        while start < len(columns):
            band = columns[start].band
            end = start
            while end + 1 < len(columns) and band and columns[end + 1].band == band:
                end += 1
            top = ws.cell(row=1, column=start + 1, value=safe_cell(band or columns[start].header))
            if band and end > start:
                ws.merge_cells(start_row=1, start_column=start + 1, end_row=1, end_column=end + 1)
            elif not band:
                ws.merge_cells(start_row=1, start_column=start + 1, end_row=2, end_column=start + 1)
            for col in range(start + 1, end + 2):
                for r in (1, 2):
                    c = ws.cell(row=r, column=col)
                    c.font, c.alignment, c.fill, c.border = header_font, wrap, HEADER_FILL, BORDER
            top.font = header_font
            start = end + 1
        for i, column in enumerate(columns, start=1):
            if column.band:
                ws.cell(row=2, column=i, value=safe_cell(column.header))
        row_no = 2
    else:
        for i, column in enumerate(columns, start=1):
            c = ws.cell(row=1, column=i, value=safe_cell(column.header))
            c.font, c.alignment, c.fill, c.border = header_font, wrap, HEADER_FILL, BORDER
    ws.row_dimensions[row_no].height = 32
    first_data = row_no + 1
    formats = [NUMBER_FORMATS.get(c.kind) for c in columns]
    kinds = [c.kind for c in columns]
    for row in exporter.rows():
        row_no += 1
        font = bold_font if row.kind in ("total", "subtotal", "section") else body_font
        for i, value in enumerate(row.cells):
            c = ws.cell(row=row_no, column=i + 1, value=_value(value, kinds[i]))
            c.font = font
            c.border = BORDER
            if formats[i]:
                c.number_format = formats[i]
            if row.kind != "data":
                c.fill = TOTAL_FILL
    for i, column in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(i)].width = column.width + 2
    ws.freeze_panes = ws.cell(row=first_data, column=exporter.freeze_columns + 1)
    if row_no >= first_data:
        ws.auto_filter.ref = f"A{first_data - 1}:{get_column_letter(len(columns))}{row_no}"
    ws.sheet_view.zoomScale = 100
    print_setup(ws, columns, first_data - 1)


def render(exporters: list[Exporter], title: str = "", description: str = "") -> bytes:
    wb = Workbook()
    wb.remove(wb.active)
    wb.properties.title = title
    wb.properties.description = description or None
    wb.properties.creator = "uptake"
    wb.properties.language = "vi-VN"
    taken: set[str] = set()
    for exporter in exporters:
        write_sheet(wb.create_sheet(sheet_title(exporter.title, taken)), exporter)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
