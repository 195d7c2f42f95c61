"""The day's workbook: its columns, the template a coordinator downloads, and reading a filled
one back (the template, a workbook of the same columns made by hand, or the template saved as
.csv by a spreadsheet).

The columns are named twice: a Vietnamese heading for people and, in the row below, a key for
the importer (``unit``, ``figures.staff.installed``, ``activities.broadcasts``, ``note``,
``received_at``): the keys are the error fields of a report, so that an error of
``submit_report`` lands on its own column. Either row may identify the columns of a file.

An upload is checked before any parser sees it, as the staff roster's (uptake/quality/roster.py):
its size, that an .xlsx is a zip that unpacks to a sane size, holds a workbook and no macros;
openpyxl then reads it in read-only mode through defusedxml. Formulas are never evaluated: a
formula cell is refused with its row and column (type the number itself).
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, time

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from uptake.campaigns.models import Activity, Campaign, Group, Participation
from uptake.lib.spreadsheet import safe_cell, unsafe_text
from uptake.lib.text import fold
from uptake.reports.actions import whole_number
from uptake.reports.models import Report

MAX_BYTES = 5 * 1024 * 1024
MAX_UNPACKED = 60 * 1024 * 1024
MAX_RATIO = 200  # an xlsx's XML packs ~10-30 times; a zip bomb thousands of times
MAX_MEMBERS_IN_ZIP = 500
MAX_ROWS = 5000
MAX_COLUMNS = 200
HEADER_SEARCH = 12  # the key row (or the heading row) lies within the first rows
FIRST_DATA_ROW = 5  # in the template: title, help, headings, keys
FIELDS = {"with_smartphone": "có điện thoại thông minh", "installed": "đã cài đặt"}


class FileRefused(Exception):
    """The file as a whole is refused (type, size, columns); nothing was read into uptake."""

    def __init__(self, errors: list[CellError]):
        super().__init__("; ".join(e.message for e in errors))
        self.errors = errors


@dataclass
class CellError:
    field: str
    message: str
    row: int | None = None
    column: str = ""  # a letter: "E"

    def as_dict(self) -> dict:
        out = {"field": self.field, "message": self.message}
        if self.row is not None:
            out["row"] = str(self.row)
        if self.column:
            out["column"] = self.column
        return out


@dataclass
class Column:
    key: str  # "unit", "name", "figures.staff.installed", "activities.leaflets", ...
    heading: str  # in Vietnamese, as the template shows it
    kind: str = "number"  # number | text | time
    group: Group | None = None
    activity: Activity | None = None

    @property
    def folded(self) -> str:
        return fold(self.heading)


def columns(campaign: Campaign) -> list[Column]:
    """The workbook's columns for ``campaign``: every group's two figures, every activity."""
    out = [Column("unit", "Mã đơn vị", "text"), Column("name", "Tên đơn vị", "text")]
    for group in campaign.groups.all():
        for name, words in FIELDS.items():
            out.append(Column(f"figures.{group.key}.{name}", f"{group.name}: {words}", group=group))
    for activity in campaign.activities.all():
        out.append(
            Column(
                f"activities.{activity.key}",
                f"{activity.name} ({activity.unit})",
                activity=activity,
            )
        )
    out.append(Column("note", "Ghi chú", "text"))
    out.append(Column("received_at", "Nhận lúc (giờ:phút)", "time"))
    return out


def letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    name = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(65 + rest) + name
    return name


# --- the template ---------------------------------------------------------------------------


def title(campaign: Campaign, day: date, root_name: str) -> str:
    return f"Số liệu ngày {day:%d/%m/%Y} · {campaign.title} · {root_name}"


def template(
    campaign: Campaign, day: date, root, participations: list[Participation], latest: list[Report]
) -> bytes:
    """The day's workbook: one row per unit, figure cells empty; the latest figures beside."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.worksheet.datavalidation import DataValidation

    cols = columns(campaign)
    thin = Side(style="thin", color="999999")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    head = PatternFill("solid", fgColor="DDE5F0")
    grey = PatternFill("solid", fgColor="E7E7E7")
    font, bold = Font(name="Times New Roman", size=11), Font(name="Times New Roman", bold=True)
    small = Font(name="Consolas", size=8, color="666666")
    wrap = Alignment(wrap_text=True, vertical="center", horizontal="center")

    wb = Workbook()
    ws = wb.active
    ws.title = "Số liệu"
    wb.properties.title = title(campaign, day, root.name)
    wb.properties.creator = "uptake"
    wb.properties.language = "vi-VN"
    ws.cell(row=1, column=1, value=safe_cell(title(campaign, day, root.name))).font = Font(
        name="Times New Roman", bold=True, size=13
    )
    ws.cell(
        row=2,
        column=1,
        value=(
            "Điền số nguyên (không có dấu chấm thập phân). Để trống ô của số liệu không đổi; "
            "để trống cả dòng nếu đơn vị chưa báo cáo. Không sửa hai dòng tiêu đề và cột mã "
            'đơn vị. Số liệu gần nhất của mỗi đơn vị ở trang "Số liệu gần nhất".'
        ),
    ).font = font
    for i, col in enumerate(cols, start=1):
        c = ws.cell(row=3, column=i, value=col.heading)
        c.font, c.alignment, c.fill, c.border = bold, wrap, head, border
        k = ws.cell(row=4, column=i, value=col.key)
        k.font, k.fill, k.border = small, head, border
        width = 14 if col.kind == "number" else 30 if col.key in ("name", "note") else 14
        ws.column_dimensions[letter(i - 1)].width = width
    ws.row_dimensions[3].height = 60
    number_cols = [i for i, col in enumerate(cols, start=1) if col.kind == "number"]
    row = FIRST_DATA_ROW - 1
    for row, p in enumerate(participations, start=FIRST_DATA_ROW):
        for i, col in enumerate(cols, start=1):
            value = {"unit": p.unit.code, "name": p.unit.name}.get(col.key)
            c = ws.cell(row=row, column=i, value=safe_cell(value))
            c.font, c.border = font, border
            if col.key == "unit":
                c.number_format = "@"
            elif col.kind == "number":
                c.number_format = "#,##0"
                reported = (col.group is None or col.group.key in p.groups) and (
                    col.activity is None or col.activity.key in p.activities
                )
                if not reported:
                    c.fill = grey  # the unit does not report it: left empty
            elif col.kind == "time":
                c.number_format = "hh:mm"
    last = max(row, FIRST_DATA_ROW)
    if number_cols:
        whole = DataValidation(
            type="whole",
            operator="between",
            formula1="0",
            formula2="1000000000",
            allow_blank=True,
            showErrorMessage=True,
            errorTitle="Số nguyên",
            error="Nhập một số nguyên từ 0 trở lên.",
        )
        for i in number_cols:
            whole.add(f"{letter(i - 1)}{FIRST_DATA_ROW}:{letter(i - 1)}{last}")
        ws.add_data_validation(whole)
    ws.freeze_panes = ws.cell(row=FIRST_DATA_ROW, column=3)
    ws.print_title_rows = "3:4"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.gridLines = False
    ws.oddFooter.center.text = "Trang &P / &N"

    ref = wb.create_sheet("Số liệu gần nhất")
    heads = ["Mã đơn vị", "Tên đơn vị", "Ngày"] + [c.heading for c in cols[2:-2]] + ["Ghi chú"]
    for i, text in enumerate(heads, start=1):
        c = ref.cell(row=1, column=i, value=text)
        c.font, c.alignment, c.fill, c.border = bold, wrap, head, border
        ref.column_dimensions[letter(i - 1)].width = 30 if i == 2 else 14
    ref.row_dimensions[1].height = 60
    for r, report in enumerate(latest, start=2):
        values = [report.unit.code, report.unit.name, report.date]
        for col in cols[2:-2]:
            if col.group is not None:
                values.append((report.figures.get(col.group.key) or {}).get(col.key.split(".")[2]))
            else:
                values.append(report.activities.get(col.activity.key))
        values.append(report.note)
        for i, value in enumerate(values, start=1):
            c = ref.cell(row=r, column=i, value=safe_cell(value))
            c.font, c.border = font, border
            if i == 3:
                c.number_format = "dd/mm/yyyy"
            elif 3 < i < len(values):
                c.number_format = "#,##0"
    ref.freeze_panes = "C2"
    ref.page_setup.orientation = "landscape"
    ref.sheet_properties.pageSetUpPr.fitToPage = True
    ref.page_setup.fitToHeight = 0
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


# --- reading a file -------------------------------------------------------------------------


@dataclass
class Line:
    """A row of the file with a unit: its number, and its cells by column key."""

    number: int
    cells: dict = field(default_factory=dict)
    letters: dict = field(default_factory=dict)  # column key -> letter


@dataclass
class Sheet:
    lines: list[Line]
    letters: dict  # column key -> letter
    day: date | None  # the date the file's title names, if any


def _refuse(message: str, row: int | None = None, column: str = "", field: str = "file"):
    raise FileRefused([CellError(field, message, row, column)])


def check_upload(data: bytes, filename: str) -> str:
    """``"xlsx"`` or ``"csv"``; refuses whatever else before any parser reads it."""
    name = (filename or "").lower().strip()
    if not data:
        _refuse(_("The file is empty."))
    if len(data) > MAX_BYTES:
        _refuse(_("The file is larger than 5 MB: split it by district."))
    if name.endswith((".xlsm", ".xltm", ".xlam")):
        _refuse(_("Files with macros are refused: save it as an Excel workbook (.xlsx)."))
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        _refuse(
            _(
                "This is an old Excel file (.xls) or a protected workbook: save it as an Excel "
                "workbook (.xlsx) without a password."
            )
        )
    if name.endswith(".csv"):
        if data.startswith(b"PK\x03\x04") or b"\x00" in data[:4096]:
            _refuse(_("This is not a CSV file: download the template and fill it in."))
        return "csv"
    not_xlsx = _("This is not an Excel workbook (.xlsx) or a .csv file: use the day's template.")
    if not name.endswith(".xlsx") or not data.startswith(b"PK\x03\x04"):
        _refuse(not_xlsx)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            names = {info.filename for info in infos}
            if len(infos) > MAX_MEMBERS_IN_ZIP:
                _refuse(not_xlsx)
            unpacked = sum(info.file_size for info in infos)
            if unpacked > MAX_UNPACKED or any(
                info.file_size > 1024 * 1024
                and info.file_size > MAX_RATIO * max(info.compress_size, 1)
                for info in infos
            ):
                _refuse(_("The file unpacks to far more than its size: refused."))
            if any(info.flag_bits & 0x1 for info in infos):
                _refuse(not_xlsx)
            if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
                _refuse(not_xlsx)
            types = archive.read("[Content_Types].xml")
            if any("vbaproject" in n.lower() for n in names) or b"macroEnabled" in types:
                _refuse(_("Files with macros are refused: save it as an Excel workbook (.xlsx)."))
    except zipfile.BadZipFile:
        _refuse(not_xlsx)
    return "xlsx"


def _xlsx_rows(data: bytes):
    from openpyxl import load_workbook

    try:
        # Not data_only: a formula comes as its text ("=B5+2") and is refused, never evaluated.
        workbook = load_workbook(
            io.BytesIO(data), read_only=True, data_only=False, keep_vba=False, keep_links=False
        )
    except Exception:  # openpyxl raises many kinds on damaged files; none may reach the user
        _refuse(_("The file could not be read as an Excel workbook."))
    try:
        sheet = workbook.worksheets[0]
        for values in sheet.iter_rows(values_only=True):
            yield list(values[:MAX_COLUMNS])
    except FileRefused:
        raise
    except Exception:
        _refuse(_("The file could not be read as an Excel workbook."))
    finally:
        workbook.close()


def _csv_rows(data: bytes):
    for encoding in ("utf-8-sig", "cp1258"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - cp1258 decodes every byte but a few
        _refuse(_('The file\'s text could not be read: save it as "CSV UTF-8".'))
    text = unicodedata.normalize("NFC", text)
    sample = "\n".join(text.splitlines()[:HEADER_SEARCH])
    delimiter = max(",;\t", key=sample.count)
    try:
        for values in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
            yield [v if v.strip() else None for v in values[:MAX_COLUMNS]]
    except csv.Error:
        _refuse(_("The file's text could not be read as CSV."))


def _key_of(cell, known: dict[str, str], headings: dict[str, str]) -> str | None:
    """The column key a header cell names: a key (with or without its "figures." or
    "activities." prefix) or the template's Vietnamese heading, without diacritics."""
    if cell is None:
        return None
    text = str(cell).strip()
    lowered = text.lower()
    if lowered in known:
        return known[lowered]
    return headings.get(fold(text))


def read(data: bytes, filename: str, campaign: Campaign) -> Sheet:
    """The rows of a filled workbook (or .csv) with their cells by column key."""
    kind = check_upload(data, filename)
    cols = columns(campaign)
    known: dict[str, str] = {}
    for col in cols:
        known[col.key.lower()] = col.key
        if col.key.startswith(("figures.", "activities.")):
            known[col.key.split(".", 1)[1].lower()] = col.key
    known.update({"code": "unit", "ma": "unit", "ma don vi": "unit"})
    headings = {col.folded: col.key for col in cols}
    rows = _xlsx_rows(data) if kind == "xlsx" else _csv_rows(data)
    letters: dict[str, str] | None = None
    day = None
    lines: list[Line] = []
    blank_run = 0
    for number, values in enumerate(rows, start=1):
        if letters is None:
            found = {i: _key_of(v, known, headings) for i, v in enumerate(values)}
            found = {i: k for i, k in found.items() if k}
            if "unit" in found.values() and len(found) >= 2:
                letters = _columns_of(found, values, number)
                continue
            day = day or _title_day(values)
            if number >= HEADER_SEARCH:
                _refuse(
                    _(
                        "No row of column names (unit, figures.…) in the first %(n)s rows: "
                        "use the day's template, or keep its rows of headings and keys."
                    )
                    % {"n": HEADER_SEARCH}
                )
            continue
        if _is_header_again(values, known, headings):
            continue  # the key row under a heading row
        cells = {key: values[i] if i < len(values) else None for key, i in letters.items()}
        if all(_blank(v) for v in values):
            blank_run += 1
            if blank_run > MAX_ROWS:
                break
            continue
        blank_run = 0
        if len(lines) >= MAX_ROWS:
            _refuse(_("The file has more than %(n)s rows: split it by district.") % {"n": MAX_ROWS})
        lines.append(Line(number, cells, {k: letter(i) for k, i in letters.items()}))
    if letters is None:
        _refuse(_("The file is empty: use the day's template."))
    return Sheet(lines, {k: letter(i) for k, i in letters.items()}, day)


def _columns_of(found: dict[int, str], values: list, number: int) -> dict[str, int]:
    """Column key -> index; a column named twice, or an unknown name, refuses the file."""
    errors = []
    seen: dict[str, int] = {}
    for i, key in found.items():
        if key in seen:
            errors.append(
                CellError(
                    "file",
                    _("The column %(key)s appears twice.") % {"key": key},
                    number,
                    letter(i),
                )
            )
        seen[key] = i
    for i, value in enumerate(values):
        if i not in found and not _blank(value):
            errors.append(
                CellError(
                    "file",
                    _("Unknown column “%(name)s”: this campaign has no such figure.")
                    % {"name": str(value)[:60]},
                    number,
                    letter(i),
                )
            )
    if errors:
        raise FileRefused(errors)
    return seen


def _is_header_again(values, known, headings) -> bool:
    named = [v for v in values if not _blank(v)]
    return bool(named) and all(_key_of(v, known, headings) for v in named) and len(named) >= 3


def _title_day(values) -> date | None:
    for value in values:
        if isinstance(value, str):
            found = re.search(r"(\d{1,2})/(\d{1,2})/(\d{4})", value)
            if found:
                try:
                    return date(int(found[3]), int(found[2]), int(found[1]))
                except ValueError:
                    return None
    return None


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


# --- one cell -------------------------------------------------------------------------------


class CellInvalid(ValueError):
    pass


def is_formula(value) -> bool:
    return isinstance(value, str) and value.startswith("=") and len(value) > 1


def number(value) -> int | None:
    """A figure cell: None when blank; a whole number ≥ 0; else ``CellInvalid``."""
    if _blank(value):
        return None
    if is_formula(value):
        raise CellInvalid(
            _("A formula (%(formula)s): type the number itself, or paste it as a value.")
            % {"formula": value[:40]}
        )
    if isinstance(value, bool):
        raise CellInvalid(_("Enter a whole number, 0 or more."))
    if isinstance(value, float):
        if not value.is_integer():
            raise CellInvalid(_("Enter a whole number, 0 or more."))
        value = int(value)
    found = whole_number(value if isinstance(value, int) else str(value).strip())
    if found is None:
        raise CellInvalid(_("Enter a whole number, 0 or more."))
    return found


def text(value) -> str:
    if _blank(value):
        return ""
    if is_formula(value):
        raise CellInvalid(
            _("A formula (%(formula)s): type the text itself.") % {"formula": value[:40]}
        )
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime | date):
        raise CellInvalid(_("Write it as text."))
    return " ".join(str(unsafe_text(value) if isinstance(value, str) else value).split())


def received(value, day: date, tz) -> datetime | None:
    """The "received at" cell: a time on the import's day ("14:30", "14h30"), or a date and a
    time ("17/08/2020 14:30"), in the campaign's time zone."""
    if _blank(value):
        return None
    if is_formula(value):
        raise CellInvalid(
            _("A formula (%(formula)s): type the time itself.") % {"formula": value[:40]}
        )
    if isinstance(value, datetime):
        return value.replace(tzinfo=tz) if value.tzinfo is None else value
    if isinstance(value, time):
        return datetime.combine(day, value, tzinfo=tz)
    if isinstance(value, str):
        raw = value.strip().lower()
        found = re.fullmatch(
            r"(?:(\d{1,2})/(\d{1,2})/(\d{4})\s+)?(\d{1,2})\s*[:h]\s*(\d{2})?"
            r"(?:\s+(\d{1,2})/(\d{1,2})/(\d{4}))?",
            raw,
        )
        if found:
            d, m, y = (found[1], found[2], found[3]) if found[1] else (found[6], found[7], found[8])
            try:
                when = date(int(y), int(m), int(d)) if d else day
                return datetime.combine(when, time(int(found[4]), int(found[5] or 0)), tzinfo=tz)
            except ValueError:
                pass
    raise CellInvalid(
        _("Write the time as hh:mm (14:30), or the date and time (%(example)s).")
        % {"example": f"{date_format(day, 'd/m/Y')} 14:30"}
    )
