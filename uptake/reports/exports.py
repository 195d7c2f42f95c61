"""The status page's filters and its exports (#17): the page, its .xlsx and .csv and the API's
``summary.xlsx`` / ``summary.csv`` read the same ``StatusFilter``, so a file holds the rows the
page shows. The files are made by the documents' exporters (``UnitTable``) and renderers, from
a snapshot-shaped dict of the live summary: no file is built in a view.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from django.utils import timezone, translation

from uptake.campaigns.models import Campaign
from uptake.campaigns.scope import Scope
from uptake.lib.dates import parse_day
from uptake.lib.text import fold
from uptake.reports.history import last_day
from uptake.reports.summary import Summary, UnitRow, build_summary
from uptake.units.models import Unit

SHOW = ("all", "late", "missing")
FORMATS = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}
SHOW_VI = {"all": "Tất cả đơn vị", "late": "Trễ hạn", "missing": "Chưa báo cáo"}


def day_param(campaign: Campaign, value: str | None) -> date:
    """``?date=`` (dd/mm/yyyy or YYYY-MM-DD) within the campaign's days (the last by default)."""
    last = last_day(campaign)
    day = parse_day(value) or last  # dd/mm/yyyy as typed, ISO from the page's links (#17)
    return min(max(day, campaign.start), last)


@dataclass(frozen=True)
class StatusFilter:
    """What the status page shows: a day, a unit of the person's scope, which units
    (all, late, missing) and the words searched for (without diacritics)."""

    campaign: Campaign
    root: Unit
    day: date
    show: str = "all"
    q: str = ""

    @classmethod
    def from_params(cls, scope: Scope, params: Mapping[str, str]) -> StatusFilter:
        """From the page's query string; ``OutOfScope`` when ``root`` is not the person's."""
        campaign = scope.campaign
        show = params.get("show") if params.get("show") in SHOW else "all"
        return cls(
            campaign=campaign,
            root=scope.root_for(params.get("root")),
            day=day_param(campaign, params.get("date")),
            show=show,
            q=(params.get("q") or "").strip()[:100],
        )

    def keeps(self, row: UnitRow) -> bool:
        if self.show != "all" and row.status != self.show:
            return False
        words = fold(self.q).split()
        haystack = f"{row.unit.search_name} {row.unit.code.lower()}"
        return all(word in haystack for word in words)

    @property
    def filtered(self) -> bool:
        return self.show != "all" or bool(self.q)

    def summary(self) -> Summary:
        return build_summary(self.campaign, self.day, self.root)


def status_snapshot(summary: Summary, flt: StatusFilter) -> dict:
    """The summary in the shape the documents' exporters read, with the filter's rows only.
    A filtered list has no district subtotals (they would count units it leaves out); the
    total line stays the scope's, as on the page."""
    from uptake.documents.snapshot import area_of, areas

    data = summary.as_dict()
    units = []
    for unit, row in zip(data["units"], summary.rows, strict=True):
        if not flt.keeps(row):
            continue
        units.append({**unit, "note": row.note, "area": area_of(row.unit, summary.root)})
    if flt.filtered:
        for unit in units:
            unit["area"] = None
    data["units"] = units
    data["groups"] = [
        {"key": g.key, "name": g.name, "target_percent": float(g.target_percent)}
        for g in summary.groups
    ]
    found = {} if flt.filtered else {a["code"]: a for a in areas(summary)}
    data["areas"] = list(found.values())
    for key, entry in data["activities"].items():
        entry["key"] = key
    return data


@dataclass
class StatusFile:
    content: bytes
    filename: str
    content_type: str


def render_status(flt: StatusFilter, fmt: str) -> StatusFile:
    """The status page's rows as .xlsx (the table and a sheet saying what it holds) or .csv."""
    from uptake.documents.exporters import Column, KeyValues, UnitTable
    from uptake.documents.formats import vn_clock, vn_date
    from uptake.documents.renderers import csvfile, xlsxfile

    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}")
    summary = flt.summary()
    data = status_snapshot(summary, flt)
    now = timezone.now().astimezone(flt.campaign.tz)
    with translation.override("vi"):
        table = UnitTable(data)
        table.title = "Tình hình báo cáo"
        if fmt == "csv":
            content = csvfile.render(table)
        else:
            about = KeyValues(
                data,
                title="Thông tin",
                columns=[Column("Mục", width=16), Column("Nội dung", width=60)],
                pairs=[
                    ("Chiến dịch", flt.campaign.title),
                    ("Đơn vị", flt.root.name),
                    ("Ngày", vn_date(flt.day)),
                    ("Lọc", SHOW_VI[flt.show]),
                    ("Tìm", flt.q),
                    ("Số đơn vị", str(len(data["units"]))),
                    ("Số liệu lúc", f"{vn_clock(now)} ngày {vn_date(now.date())}"),
                ],
            )
            content = xlsxfile.render(
                [table, about],
                title=f"{flt.campaign.title} – {vn_date(flt.day)}",
                description=f"{flt.root.name}, {SHOW_VI[flt.show]}",
            )
    name = f"tinh-hinh-{flt.campaign.slug}-{flt.root.code}-{flt.day.isoformat()}"
    if flt.show != "all":
        name += f"-{flt.show}"
    return StatusFile(content, f"{name}.{fmt}", FORMATS[fmt])
