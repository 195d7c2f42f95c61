"""Exporters, pretix-style: each class describes its columns and yields rows; the renderers
(``uptake.documents.renderers``) turn any exporter into xlsx, csv, a Word or a PDF table.

They read a compilation's frozen snapshot only, so a document made today from an approved
compilation is the same as the day it was approved. The headers are Vietnamese: these are the
official documents' tables.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime

from uptake.documents.formats import lower_first, vn_day_month, vn_int, vn_number
from uptake.lib.spreadsheet import safe_cell

STATUS_VI = {"on_time": "Đúng hạn", "late": "Trễ hạn", "missing": "Chưa báo cáo"}
KIND_VI = {
    "province": "Tỉnh",
    "district": "Huyện",
    "office": "Phòng, ban",
    "commune": "Xã",
    "town": "Thị trấn",
    "ward": "Phường",
    "hamlet": "Ấp",
}
TEXT, INT, PERCENT, DATE, DATETIME = "text", "int", "percent", "date", "datetime"

# Text that a spreadsheet would run as a formula gets a leading apostrophe: the one helper
# every .xlsx and .csv export uses (uptake/lib/spreadsheet.py).
neutralise = safe_cell


def display(value, kind: str) -> str:
    """A cell as the Word and PDF tables and the web page show it: "5.200", "95,1"."""
    if value is None:
        return "" if kind == TEXT else "–"
    if value == "":
        return ""
    if kind == INT:
        return vn_int(value)
    if kind == PERCENT:
        return vn_number(value)
    if kind == DATE:
        return value.strftime("%d/%m/%Y")
    if kind == DATETIME:
        return value.strftime("%H:%M %d/%m")
    return str(value)


@dataclass
class Column:
    header: str
    kind: str = TEXT  # text | int | percent (95.1, shown "95,1%") | date | datetime
    band: str = ""  # a header over several neighbouring columns: "Người dân (chỉ tiêu 60%)"
    width: float = 10  # in characters (xlsx), and the relative width in Word and PDF tables
    align: str = ""  # left | right | center; by default text left, numbers right, dates center

    @property
    def alignment(self) -> str:
        if self.align:
            return self.align
        return {TEXT: "left", INT: "right", PERCENT: "right"}.get(self.kind, "center")


@dataclass
class Row:
    cells: list
    kind: str = "data"  # data | subtotal | section (offices, communes: #17) | total


@dataclass
class Exporter:
    """Subclasses set ``columns`` and yield ``Row``s from ``rows()``."""

    snapshot: dict
    title: str = ""
    columns: list[Column] = field(default_factory=list)
    freeze_columns: int = 0  # the columns kept in view when scrolling right (xlsx)

    def rows(self) -> Iterator[Row]:
        raise NotImplementedError

    @property
    def banded(self) -> bool:
        return any(c.band for c in self.columns)

    def flat_headers(self) -> list[str]:
        """One header per column, the band first: "Người dân - Đã cài đặt" (csv)."""
        return [f"{c.band} - {c.header}" if c.band else c.header for c in self.columns]


def _groups(snapshot: dict) -> list[dict]:
    return snapshot["groups"]


def _band(group: dict) -> str:
    target = f"{group['target_percent']:g}".replace(".", ",")
    return f"{group['name']} (chỉ tiêu {target}%)"


def _subtotals(units: list[dict]) -> dict:
    """Each group's figures added up over ``units`` (those that gave both numbers)."""
    out: dict[str, dict] = {}
    for unit in units:
        for key, figures in unit["groups"].items():
            phones, installed = figures.get("with_smartphone"), figures.get("installed")
            if phones is None or installed is None:
                continue
            total = out.setdefault(key, {"with_smartphone": 0, "installed": 0})
            total["with_smartphone"] += phones
            total["installed"] += installed
    return out


def _percent(installed: int | None, with_smartphone: int | None) -> float | None:
    from uptake.reports.models import percent

    if installed is None or not with_smartphone:
        return None
    return percent(installed, with_smartphone)


class UnitTable(Exporter):
    """Every participating unit with its figures, percent and target; a total row.

    ``compact`` (the Word and PDF documents): number, unit, per group the figures and percent,
    and the reporting status. Otherwise (xlsx, csv) also the code, the submission time, the day
    the figures come from, the target and whether it is met, the day's activities and the note.
    In a province campaign each district's units follow a subtotal row for the district.
    """

    def __init__(self, snapshot: dict, compact: bool = False):
        super().__init__(snapshot, "Bảng tổng hợp")
        self.compact = compact
        self.activities = [] if compact else list(snapshot.get("activities", {}).items())
        cols = []
        if compact:
            cols += [Column("STT", INT, width=7, align="center"), Column("Đơn vị", TEXT, width=29)]
        else:
            cols += [
                Column("Mã", TEXT, width=11),
                Column("Đơn vị", TEXT, width=34),
                Column("Báo cáo", TEXT, width=13, align="center"),
                Column("Thời điểm báo cáo", DATETIME, width=17),
                Column("Số liệu ngày", DATE, width=12),
            ]
            self.freeze_columns = 2
        for g in _groups(snapshot):
            band = _band(g)
            cols += [
                Column("Có ĐTTM", INT, band, width=10 if compact else 11),
                Column("Đã cài đặt", INT, band, width=10 if compact else 11),
                Column("Tỷ lệ (%)" if compact else "Tỷ lệ", PERCENT, band, width=8),
            ]
            if not compact:
                cols += [
                    Column("Chỉ tiêu", PERCENT, band, width=8),
                    Column("Đạt", TEXT, band, width=8, align="center"),
                ]
        if compact:
            cols.append(Column("Báo cáo", TEXT, width=18, align="center"))
        for _key, a in self.activities:
            cols.append(Column(f"{a['name']} ({a['unit']})", INT, "Hoạt động trong ngày", width=12))
        if not compact:
            cols.append(Column("Ghi chú", TEXT, width=40))
        self.columns = cols

    def _cells(self, number, name, unit: dict | None, groups: dict) -> list:
        compact = self.compact
        cells: list = []
        if compact:
            cells += [number, name]
        else:
            submitted = unit and unit.get("submitted_at")
            figures_date = unit and unit.get("figures_date")
            cells += [
                unit["code"] if unit else "",
                name,
                STATUS_VI.get(unit["status"], "") if unit else "",
                datetime.fromisoformat(submitted) if submitted else None,
                date.fromisoformat(figures_date) if figures_date else None,
            ]
        for g in _groups(self.snapshot):
            figures = groups.get(g["key"])
            if figures is None:
                cells += [None, None, None] + ([] if compact else [None, None])
                continue
            pct = _percent(figures.get("installed"), figures.get("with_smartphone"))
            cells += [figures.get("with_smartphone"), figures.get("installed"), pct]
            if not compact:
                met = pct is not None and pct >= g["target_percent"]
                cells += [g["target_percent"], "Đạt" if met else "Chưa đạt"]
        if compact:
            cells.append(STATUS_VI.get(unit["status"], "") if unit else "")
        for key, _a in self.activities:
            cells.append((unit or {}).get("activities", {}).get(key) if unit else None)
        if not compact:
            cells.append((unit or {}).get("note", "") if unit else "")
        return cells

    def rows(self) -> Iterator[Row]:
        from uptake.reports.summary import SECTIONS, section_of

        snapshot = self.snapshot
        areas = {a["code"]: a for a in snapshot.get("areas", [])}
        # The units straight under the root first, then each district's after its subtotal;
        # within each, the directive's blocks (#17): offices, then communes and towns, each
        # after its own subtotal, in the order of the campaign file.
        order = list(SECTIONS)
        units = sorted(
            enumerate(snapshot["units"]),
            key=lambda iu: (
                iu[1].get("area") in areas,
                list(areas).index(iu[1]["area"]) if iu[1].get("area") in areas else -1,
                order.index(section_of(iu[1].get("kind", ""))),
                iu[0],
            ),
        )
        current_area, current_block = None, None
        for number, (_i, unit) in enumerate(units, start=1):
            area = unit.get("area") if unit.get("area") in areas else None
            if area is not None and area != current_area:
                current_area, current_block = area, None
                a = areas[area]
                yield Row(self._cells("", a["name"], None, a["totals"]), "subtotal")
            block = section_of(unit.get("kind", ""))
            if block != current_block:
                current_block = block
                area_units = [u for _j, u in units if u.get("area") == unit.get("area")]
                members = [u for u in area_units if section_of(u.get("kind", "")) == block]
                if len(members) < len(area_units):  # a block alone: its subtotal is the area's
                    subtotals = _subtotals(members)
                    yield Row(self._cells("", SECTIONS[block][1], None, subtotals), "section")
            yield Row(self._cells(number, unit["name"], unit, unit["groups"]))
        yield Row(self._cells("", "Tổng cộng", None, snapshot["totals"]), "total")


class AreaTable(Exporter):
    """A row per district of a province campaign: its figures per group and its reporting
    (the official document's table when the units are too many to list; the spreadsheet has
    them all)."""

    def __init__(self, snapshot: dict):
        # A level with levels below (#14): a row per level below, with its report's state.
        self.levels = bool(snapshot.get("below"))
        super().__init__(snapshot, "Theo đơn vị cấp dưới" if self.levels else "Theo huyện")
        cols = [Column("STT", INT, width=7, align="center"), Column("Đơn vị", TEXT, width=26)]
        if self.levels:
            cols.append(Column("Báo cáo", TEXT, width=16))
        for g in _groups(snapshot):
            band = _band(g)
            cols += [
                Column("Có ĐTTM", INT, band, width=12),
                Column("Đã cài đặt", INT, band, width=12),
                Column("Tỷ lệ (%)", PERCENT, band, width=8),
            ]
        cols.append(Column("Đã báo cáo", TEXT, width=13, align="center"))
        self.columns = cols

    @staticmethod
    def state(area: dict) -> str:
        """ "Số 05/BC-VHTT" for an approved report of the level below, "Chưa duyệt" for one not
        approved (today's figures), "" for a unit reporting directly."""
        if area.get("office") is None:
            return ""
        if area.get("approved"):
            return f"Số {area['reference']}"
        return "Chưa duyệt"

    def _cells(self, number, name, totals: dict, reporting: dict, state: str = "") -> list:
        cells: list = [number, name]
        if self.levels:
            cells.append(state)
        for g in _groups(self.snapshot):
            figures = totals.get(g["key"])
            if figures is None:
                cells += [None, None, None]
                continue
            pct = _percent(figures.get("installed"), figures.get("with_smartphone"))
            cells += [figures.get("with_smartphone"), figures.get("installed"), pct]
        reported = reporting["on_time"] + reporting["late"]
        cells.append(f"{reported}/{reporting['expected']}")
        return cells

    def rows(self) -> Iterator[Row]:
        for number, area in enumerate(self.snapshot.get("areas", []), start=1):
            yield Row(
                self._cells(
                    number, area["name"], area["totals"], area["reporting"], self.state(area)
                )
            )
        s = self.snapshot
        yield Row(self._cells("", "Tổng cộng", s["totals"], s["reporting"]), "total")


class GroupHistory(Exporter):
    """One group's totals day by day: figures, daily increase, percent, reporting counts."""

    def __init__(self, snapshot: dict, key: str):
        group = next(g for g in snapshot["groups"] if g["key"] == key)
        super().__init__(snapshot, group["name"])
        self.key = key
        self.group = group
        self.columns = [
            Column("Ngày", DATE, width=12),
            Column("Có ĐTTM", INT, width=13),
            Column("Đã cài đặt", INT, width=13),
            Column("Tăng trong ngày", INT, width=13),
            Column("Tỷ lệ", PERCENT, width=9),
            Column("Chỉ tiêu", PERCENT, width=9),
            Column("Đơn vị phải báo cáo", INT, width=12),
            Column("Đúng hạn", INT, width=10),
            Column("Trễ hạn", INT, width=10),
            Column("Chưa báo cáo", INT, width=12),
        ]
        self.freeze_columns = 1

    def rows(self) -> Iterator[Row]:
        before = None
        for entry in self.snapshot["history"]["groups"].get(self.key, []):
            installed = entry["installed"]
            yield Row(
                [
                    date.fromisoformat(entry["date"]),
                    entry["with_smartphone"],
                    installed,
                    installed - before if before is not None else None,
                    entry["percent"],
                    self.group["target_percent"],
                    entry["expected"],
                    entry["on_time"],
                    entry["late"],
                    entry["missing"],
                ]
            )
            before = installed


class ActivityTable(Exporter):
    """The activities: the day's count, the count since the start, the daily minimum and how
    many units fell below it."""

    def __init__(self, snapshot: dict):
        super().__init__(snapshot, "Hoạt động tuyên truyền")
        day = date.fromisoformat(snapshot["date"])
        self.columns = [
            Column("Hoạt động", TEXT, width=30),
            Column("Đơn vị tính", TEXT, width=10, align="center"),
            Column(f"Ngày {vn_day_month(day)}", INT, width=10),
            Column("Từ đầu đợt", INT, width=11),
            Column("Tối thiểu/ngày", INT, width=10),
            Column("Số đơn vị chưa đạt", INT, width=11),
        ]

    def rows(self) -> Iterator[Row]:
        for a in self.snapshot.get("activities", {}).values():
            yield Row(
                [
                    a["name"],
                    a["unit"],
                    a["day"],
                    a["since_start"],
                    a["daily_min"],
                    len(a["below_minimum"]) if a["daily_min"] is not None else None,
                ]
            )


class BelowMinimum(Exporter):
    """The units below an activity's daily minimum (reported, but fewer than the minimum)."""

    def __init__(self, snapshot: dict):
        super().__init__(snapshot, "Chưa đạt mức tối thiểu")
        self.columns = [
            Column("Hoạt động", TEXT, width=30),
            Column("Mã", TEXT, width=11),
            Column("Đơn vị", TEXT, width=34),
            Column("Trong ngày", INT, width=10),
            Column("Tối thiểu/ngày", INT, width=10),
        ]

    def rows(self) -> Iterator[Row]:
        for a in self.snapshot.get("activities", {}).values():
            for unit in a.get("below_minimum_units", []):
                yield Row([a["name"], unit["code"], unit["name"], unit["count"], a["daily_min"]])


class Corrections(Exporter):
    """Figures corrected after an approved report: the unit, the day, what the report showed
    and the corrected figures."""

    def __init__(self, snapshot: dict):
        super().__init__(snapshot, "Số liệu điều chỉnh")
        cols = [
            Column("Mã", TEXT, width=11),
            Column("Đơn vị", TEXT, width=34),
            Column("Số liệu ngày", DATE, width=12),
            Column("Điều chỉnh lúc", DATETIME, width=17),
        ]
        for g in snapshot["groups"]:
            cols += [
                Column("Đã cài đặt (đã báo cáo)", INT, g["name"], width=13),
                Column("Đã cài đặt (điều chỉnh)", INT, g["name"], width=13),
            ]
        cols.append(Column("Lý do", TEXT, width=40))
        self.columns = cols

    def rows(self) -> Iterator[Row]:
        for c in self.snapshot.get("corrections", []):
            cells = [
                c["code"],
                c["name"],
                date.fromisoformat(c["date"]),
                datetime.fromisoformat(c["submitted_at"]),
            ]
            for g in self.snapshot["groups"]:
                old = ((c.get("before") or {}).get(g["key"]) or {}).get("installed")
                new = (c["figures"].get(g["key"]) or {}).get("installed")
                cells += [old, new]
            cells.append(c.get("note", ""))
            yield Row(cells)


class QualityFlags(Exporter):
    """The data-quality annex: the open flags of the compiled day's range (unit, date, group,
    rule, message). ``compact`` (the Word and PDF annex): without the code and the severity."""

    def __init__(self, snapshot: dict, compact: bool = False, limit: int | None = None):
        super().__init__(snapshot, "Chất lượng số liệu")
        self.compact = compact
        self.limit = limit
        if compact:
            self.columns = [
                Column("STT", INT, width=6, align="center"),
                Column("Đơn vị", TEXT, width=24),
                Column("Ngày", DATE, width=13),
                Column("Dấu hiệu", TEXT, width=17),
                Column("Nội dung", TEXT, width=50),
            ]
        else:
            self.columns = [
                Column("Mã", TEXT, width=11),
                Column("Đơn vị", TEXT, width=34),
                Column("Ngày", DATE, width=12),
                Column("Đối tượng", TEXT, width=24),
                Column("Dấu hiệu", TEXT, width=22),
                Column("Mức độ", TEXT, width=10, align="center"),
                Column("Nội dung", TEXT, width=80),
            ]
            self.freeze_columns = 2

    def rows(self) -> Iterator[Row]:
        flags = (self.snapshot.get("quality") or {}).get("flags", [])
        if self.limit is not None:
            flags = flags[: self.limit]
        for number, f in enumerate(flags, start=1):
            day = date.fromisoformat(f["date"])
            if self.compact:
                # The group is part of what the flag is about: "Người dân: số liệu giảm".
                rule = f"{f['rule_name']} ({lower_group(f['group_name'])})"
                yield Row([number, f["name"], day, rule, f["message"]])
            else:
                yield Row(
                    [
                        f["code"],
                        f["name"],
                        day,
                        f["group_name"],
                        f["rule_name"],
                        f["severity_name"],
                        f["message"],
                    ]
                )


def lower_group(name: str) -> str:
    """ "Người dân" -> "người dân"; a long group name is cut at its first comma."""
    head = name.split(",")[0].strip()
    return lower_first(head)


class GapInspections(Exporter):
    """The inspections whose verified rate lies below the rate the unit reported: the sample,
    the verified rate with its 95% interval, and the rate reported."""

    def __init__(self, snapshot: dict, compact: bool = False):
        super().__init__(snapshot, "Kiểm tra thực tế")
        self.compact = compact
        cols = [] if compact else [Column("Mã", TEXT, width=11)]
        cols += [
            Column("Đơn vị", TEXT, width=24 if compact else 34),
            Column("Ngày kiểm tra", DATE, width=13),
            Column("Đối tượng", TEXT, width=15 if compact else 24),
        ]
        if not compact:
            cols += [
                Column("Cách kiểm tra", TEXT, width=30),
                Column("Người kiểm tra", TEXT, width=24),
            ]
        cols += [
            Column("Mẫu", INT, width=8),
            Column("Có ứng dụng", INT, width=10),
            Column("Tỷ lệ kiểm tra (%)", PERCENT, width=11),
            Column("Khoảng tin cậy 95% (%)", TEXT, width=14, align="center"),
            Column("Tỷ lệ báo cáo (%)", PERCENT, width=11),
        ]
        self.columns = cols

    def rows(self) -> Iterator[Row]:
        for i in (self.snapshot.get("quality") or {}).get("inspections", []):
            cells = [] if self.compact else [i["code"]]
            cells += [i["name"], date.fromisoformat(i["date"]), lower_group(i["group_name"])]
            if not self.compact:
                cells[-1] = i["group_name"]
                cells += [i["method_name"], i["inspector"]]
            interval = f"{vn_number(i['low'])}–{vn_number(i['high'])}"
            cells += [i["sample_size"], i["with_app"], i["verified"], interval, i["reported"]]
            yield Row(cells)


@dataclass
class KeyValues(Exporter):
    """A sheet of (label, value) lines: what a workbook is and when its figures were taken."""

    pairs: list[tuple[str, str]] = field(default_factory=list)

    def rows(self) -> Iterator[Row]:
        for label, value in self.pairs:
            yield Row([label, value])


def spreadsheet(snapshot: dict) -> list[Exporter]:
    """The sheets of the .xlsx: the table, a sheet per group, the activities, the corrections,
    the data-quality flags and the inspections that do not bear the figures out."""
    sheets: list[Exporter] = [UnitTable(snapshot)]
    if snapshot.get("below"):
        sheets.insert(0, AreaTable(snapshot))
    sheets += [GroupHistory(snapshot, g["key"]) for g in snapshot["groups"]]
    if snapshot.get("activities"):
        sheets.append(ActivityTable(snapshot))
        sheets.append(BelowMinimum(snapshot))
    if snapshot.get("corrections"):
        sheets.append(Corrections(snapshot))
    quality = snapshot.get("quality") or {}  # none in compilations made before the annex
    if quality.get("flags"):
        sheets.append(QualityFlags(snapshot))
    if quality.get("inspections"):
        sheets.append(GapInspections(snapshot))
    return sheets
