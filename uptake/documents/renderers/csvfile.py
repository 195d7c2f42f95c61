"""An exporter as CSV: UTF-8 with a BOM (so that Excel shows the diacritics), comma-separated,
one header row, numbers unformatted, dates dd/mm/yyyy, formulas neutralised."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime

from uptake.documents.exporters import Exporter
from uptake.lib.spreadsheet import safe_cell


def cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, float):
        return f"{value:.1f}"
    return str(safe_cell(value))


def render(exporter: Exporter) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([safe_cell(h) for h in exporter.flat_headers()])
    for row in exporter.rows():
        writer.writerow([cell(v) for v in row.cells])
    return out.getvalue().encode("utf-8-sig")
