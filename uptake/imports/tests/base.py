"""Helpers of the import tests: a filled workbook, as a coordinator's office would send it."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from uptake.imports import workbook
from uptake.test import TODAY


def filled(user, campaign, rows: dict[str, dict], day=TODAY, code=None) -> bytes:
    """The day's template with ``rows`` ({unit code: {column key: value}}) typed in."""
    made = workbook.make(user, campaign, day, code)
    wb = load_workbook(io.BytesIO(made.data))
    ws = wb.worksheets[0]
    keys = [c.value for c in ws[4]]
    for row in ws.iter_rows(min_row=5):
        values = rows.get(row[0].value)
        if values:
            for key, value in values.items():
                row[keys.index(key)].value = value
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
