"""The compiled daily report as an official document, and the four files made from it.

``render(compilation, fmt)`` is the one entry point for the web page, the API and the e-mail:
it reads the compilation's frozen snapshot only (an approved report renders the same forever).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from django.utils import translation

from uptake.documents.charts import chart_from_snapshot
from uptake.documents.exporters import (
    ActivityTable,
    AreaTable,
    Column,
    Exporter,
    GapInspections,
    KeyValues,
    QualityFlags,
    UnitTable,
    spreadsheet,
)
from uptake.documents.formats import (
    ascii_slug,
    lower_first,
    vn_clock,
    vn_date,
    vn_day_month,
    vn_int,
    vn_long_date,
    vn_percent,
    vn_target,
)
from uptake.documents.models import Compilation
from uptake.documents.official import (
    Annex,
    Figure,
    Heading,
    OfficialDocument,
    Paragraph,
    Signer,
    Table,
)
from uptake.documents.projection import LABELS_VI, MET

ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII"]
FORMATS = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}
SENT_FORMATS = ("pdf", "docx", "xlsx")  # attached to the e-mail
# Above this many units, a province's document lists its districts; the spreadsheet has every unit.
UNIT_TABLE_MAX = 150


@dataclass
class Rendered:
    content: bytes
    filename: str
    content_type: str


def issue_date(compilation: Compilation) -> date:
    """The document's date: the day it was approved (in the campaign's zone), else its day."""
    if compilation.approved_at:
        return compilation.approved_at.astimezone(compilation.campaign.tz).date()
    return compilation.date


def taken_at(compilation: Compilation) -> datetime:
    """When the figures of the compilation were taken (its snapshot), in the campaign's zone."""
    made = (compilation.snapshot or {}).get("made_at")
    moment = datetime.fromisoformat(made) if made else compilation.refreshed_at
    return moment.astimezone(compilation.campaign.tz)


def as_of(compilation: Compilation) -> str:
    """ "14 giờ 24 ngày 05/12/2026": the moment the figures were taken, as the documents say."""
    moment = taken_at(compilation)
    return f"{vn_clock(moment)} ngày {vn_date(moment.date())}"


def title_in_sentence(info: dict) -> str:
    """The campaign's title inside a sentence: "cài đặt, sử dụng ứng dụng Bluezone", but
    "Bluezone: ...", "PC-Covid ...", "VNeID ..." keep their capital (see lower_first)."""
    return lower_first(info["title"], [info.get("app") or ""])


def paragraphs(text: str) -> list[str]:
    return [p.strip() for p in re.split(r"\n\s*\n|\n", text or "") if p.strip()]


def _names(units: list[dict], limit: int = 30) -> str:
    names = [u["name"] for u in units[:limit]]
    if len(units) > limit:
        names.append(f"và {len(units) - limit} đơn vị khác")
    return ", ".join(names)


def official_document(compilation: Compilation) -> OfficialDocument:
    s = compilation.snapshot
    info = s["campaign_info"]
    settings = s["document"]
    day = date.fromisoformat(s["date"])
    target_date = date.fromisoformat(info["target_date"])
    symbol = compilation.symbol or settings["symbol"]
    reference = compilation.reference if compilation.number else f"{' ' * 6}/{symbol}"
    doc = OfficialDocument(
        parent_issuer=settings.get("parent_issuer", ""),
        issuer=settings["issuer"],
        reference=reference,
        place_date=f"{settings['place']}, {vn_long_date(issue_date(compilation))}",
        kind="BÁO CÁO",
        subject=f"Kết quả triển khai {title_in_sentence(info)} ngày {vn_date(day)}",
        signer=Signer(**settings.get("signer", {})),
        recipients=[r["name"] for r in settings.get("recipients", [])],
        draft=compilation.is_draft,
    )
    blocks = doc.blocks
    due = info["report_due"].replace(":", " giờ ")
    blocks.append(
        Paragraph(
            f"{info['coordinator_name']} báo cáo kết quả triển khai {title_in_sentence(info)} "
            f"trên địa bàn {lower_first(info['root_name'])} ngày {vn_date(day)} (tổng hợp từ báo "
            f"cáo của các đơn vị, số liệu tính đến {as_of(compilation)}) như sau:"
        )
    )
    sections = 0

    def section(title: str) -> None:
        nonlocal sections
        blocks.append(Heading(f"{ROMAN[sections]}. {title}"))
        sections += 1

    if compilation.situation.strip():
        section("TÌNH HÌNH TRIỂN KHAI")
        blocks += [Paragraph(p) for p in paragraphs(compilation.situation)]

    section("KẾT QUẢ THỰC HIỆN")
    blocks.append(Heading("1. Tình hình báo cáo của các đơn vị", 2))
    counts = s["reporting"]
    blocks.append(
        Paragraph(
            f"Tổng số đơn vị phải báo cáo: {vn_int(counts['expected'])}; báo cáo đúng hạn "
            f"(trước {due} ngày {vn_date(day)}): {vn_int(counts['on_time'])}; báo cáo trễ hạn: "
            f"{vn_int(counts['late'])}; chưa báo cáo: {vn_int(counts['missing'])}."
        )
    )
    late = [u for u in s["units"] if u["status"] == "late"]
    missing = [u for u in s["units"] if u["status"] == "missing"]
    if late:
        blocks.append(Paragraph(f"- Đơn vị báo cáo trễ hạn: {_names(late)}."))
    if missing:
        blocks.append(
            Paragraph(
                f"- Đơn vị chưa báo cáo: {_names(missing)} (số liệu tính theo báo cáo gần nhất "
                "của đơn vị)."
            )
        )

    blocks.append(Heading("2. Kết quả cài đặt, sử dụng ứng dụng", 2))
    for g in s["groups"]:
        total = s["totals"][g["key"]]
        proj = s.get("projection", {}).get(g["key"])
        target = vn_target(g["target_percent"])
        met = "đã đạt chỉ tiêu" if total["met"] else "chưa đạt chỉ tiêu"
        text = (
            f"có {vn_int(total['with_smartphone'])} người có điện thoại thông minh, đã cài đặt "
            f"{vn_int(total['installed'])} người, đạt {vn_percent(total['percent'])} "
            f"(chỉ tiêu {target}, {met})."
        )
        if proj and proj["status"] != MET and day < target_date and proj["expected"] is not None:
            text += (
                f" Theo tốc độ những ngày gần đây, dự kiến đến ngày {vn_date(target_date)} đạt "
                f"{vn_percent(proj['expected'])} ({LABELS_VI[proj['status']].lower()})."
            )
        units = [u for u in s["units"] if g["key"] in u["groups"]]
        reached = sum(1 for u in units if u["groups"][g["key"]]["met"])
        text += f" Số đơn vị đạt chỉ tiêu: {vn_int(reached)}/{vn_int(len(units))}."
        blocks.append(Paragraph(text, lead=f"- {g['name']}: "))
        low = s.get("furthest", {}).get(g["key"], [])
        if low:
            names = ", ".join(f"{u['name']} ({vn_percent(u['percent'])})" for u in low)
            blocks.append(Paragraph(f"Các đơn vị có tỷ lệ thấp nhất: {names}.", italic=True))
    tables = 1
    below = s.get("below") or []
    if below:
        approved = [a for a in s["areas"] if a.get("office") and a.get("approved")]
        pending = [a for a in s["areas"] if a.get("office") and not a.get("approved")]
        text = (
            f"Tổng hợp từ báo cáo của {vn_int(len(below))} đơn vị cấp dưới: "
            f"{vn_int(len(approved))} đơn vị đã duyệt báo cáo ngày {vn_date(day)}"
        )
        if approved:
            text += " (" + ", ".join(f"{a['name']}: số {a['reference']}" for a in approved) + ")"
        if pending:
            text += (
                f"; {vn_int(len(pending))} đơn vị chưa duyệt ("
                + ", ".join(a["name"] for a in pending)
                + "), số liệu tính theo báo cáo của các đơn vị trực thuộc tại thời điểm tổng hợp"
            )
        blocks.append(Paragraph(text + "."))
        blocks.append(
            Table(AreaTable(s), f"Bảng {tables}. Kết quả theo đơn vị cấp dưới ngày {vn_date(day)}")
        )
        blocks.append(
            Paragraph(
                f"Số liệu chi tiết của {vn_int(len(s['units']))} đơn vị: xem tệp Excel kèm theo.",
                italic=True,
            )
        )
    elif s.get("areas") and len(s["units"]) > UNIT_TABLE_MAX:
        blocks.append(Table(AreaTable(s), f"Bảng {tables}. Kết quả theo huyện ngày {vn_date(day)}"))
        blocks.append(
            Paragraph(
                f"Số liệu chi tiết của {vn_int(len(s['units']))} đơn vị: xem tệp Excel kèm theo.",
                italic=True,
            )
        )
    else:
        blocks.append(
            Table(
                UnitTable(s, compact=True),
                f"Bảng {tables}. Kết quả của các đơn vị ngày {vn_date(day)}",
            )
        )
    blocks.append(
        Figure(
            chart_from_snapshot(s, target_label="Chỉ tiêu", deadline_label="Hạn"),
            f"Biểu đồ 1. Tỷ lệ cài đặt theo ngày so với chỉ tiêu (hạn {vn_date(target_date)})",
        )
    )

    sub = 3
    if s.get("activities"):
        blocks.append(Heading(f"{sub}. Hoạt động tuyên truyền", 2))
        sub += 1
        for a in s["activities"].values():
            blocks.append(
                Paragraph(
                    f"- {a['name']}: {vn_int(a['day'])} {a['unit']} trong ngày "
                    f"{vn_day_month(day)}; {vn_int(a['since_start'])} {a['unit']} từ đầu đợt."
                )
            )
        tables += 1
        blocks.append(Table(ActivityTable(s), f"Bảng {tables}. Hoạt động tuyên truyền"))
        for a in s["activities"].values():
            below = a.get("below_minimum_units") or []
            if a["daily_min"] is None or not below:
                continue
            names = ", ".join(
                f"{u['name']} ({vn_int(u['count'] or 0)} {a['unit']})" for u in below[:30]
            )
            if len(below) > 30:
                names += f" và {vn_int(len(below) - 30)} đơn vị khác"
            blocks.append(
                Paragraph(
                    f"Đơn vị chưa đạt mức tối thiểu {vn_int(a['daily_min'])} {a['unit']}/ngày "
                    f"({lower_first(a['name'])}): {names}."
                )
            )

    corrections = s.get("corrections") or []
    if corrections:
        blocks.append(Heading(f"{sub}. Số liệu điều chỉnh sau báo cáo", 2))
        names = {g["key"]: g["name"] for g in s["groups"]}
        for c in corrections:
            changes = []
            for key, figures in c["figures"].items():
                old = ((c.get("before") or {}).get(key) or {}).get("installed")
                new = figures.get("installed")
                if old != new:
                    changes.append(
                        f"{names.get(key, key)} đã cài đặt {vn_int(old)} → {vn_int(new)}"
                    )
                else:
                    changes.append(f"{names.get(key, key)} đã cài đặt {vn_int(new)}")
            reason = f" Lý do: {c['note']}" if c.get("note") else ""
            corrected_day = date.fromisoformat(c["date"])
            blocks.append(
                Paragraph(
                    f"- {c['name']}: số liệu ngày {vn_date(corrected_day)} được điều chỉnh sau báo "
                    f"cáo ngày {vn_day_month(corrected_day)}: {'; '.join(changes)}.{reason}"
                )
            )

    quality = s.get("quality")
    if quality is not None:  # compilations made before the annex existed have none
        blocks.append(Heading(f"{sub}. Kiểm tra chất lượng số liệu", 2))
        sub += 1
        blocks.append(Paragraph(quality_summary(quality)))
        if quality["flags"] or quality["inspections"]:
            doc.annexes.append(quality_annex(compilation, quality))

    section("KHÓ KHĂN, VƯỚNG MẮC")
    blocks += [Paragraph(p) for p in paragraphs(compilation.difficulties) or ["Không có."]]
    section("ĐỀ XUẤT, KIẾN NGHỊ")
    blocks += [Paragraph(p) for p in paragraphs(compilation.proposals) or ["Không có."]]
    doc.closing = f"Trên đây là báo cáo của {info['coordinator_name']}./."
    return doc


SEVERITY_ORDER = ("high", "medium", "low")
SEVERITY_VI = {"high": "mức cao", "medium": "mức trung bình", "low": "mức thấp"}
ANNEX_ROWS_MAX = 200  # flags listed in the Word and PDF annex; the spreadsheet has them all


def quality_summary(quality: dict) -> str:
    """The body's sentence on data quality, pointing to the annex."""
    first, last = date.fromisoformat(quality["from"]), date.fromisoformat(quality["to"])
    period = f"từ ngày {vn_date(first)} đến ngày {vn_date(last)}"
    flags, inspections = quality["flags"], quality["inspections"]
    if not flags:
        return f"Không có dấu hiệu bất thường nào về số liệu chưa được xử lý ({period})."
    units = len({f["code"] for f in flags})
    counts = [
        f"{SEVERITY_VI[level]}: {vn_int(n)}"
        for level in SEVERITY_ORDER
        if (n := sum(1 for f in flags if f["severity"] == level))
    ]
    text = (
        f"Còn {vn_int(len(flags))} dấu hiệu bất thường về số liệu chưa được xử lý ({period}) "
        f"tại {vn_int(units)} đơn vị ({'; '.join(counts)})"
    )
    if inspections:
        text += (
            f"; trong đó {vn_int(len(inspections))} lần kiểm tra thực tế cho thấy tỷ lệ cài "
            "đặt thấp hơn tỷ lệ đơn vị báo cáo"
        )
    return text + ". Chi tiết tại Phụ lục kèm theo."


def quality_annex(compilation: Compilation, quality: dict) -> Annex:
    """Phụ lục: the open flags (unit, date, rule, message) and the inspections that do not
    bear the reported rate out."""
    s = compilation.snapshot
    day = date.fromisoformat(s["date"])
    symbol = compilation.symbol or s["document"]["symbol"]
    number = compilation.reference if compilation.number else f"{' ' * 6}/{symbol}"
    annex = Annex(
        title="Phụ lục: Kiểm tra chất lượng số liệu",
        attached_to=(
            f"(Kèm theo Báo cáo số {number} ngày {vn_date(issue_date(compilation))} "
            f"của {s['campaign_info']['coordinator_name']})"
        ),
    )
    first, last = date.fromisoformat(quality["from"]), date.fromisoformat(quality["to"])
    flags = quality["flags"]
    if flags:
        annex.blocks.append(
            Paragraph(
                f"Các dấu hiệu bất thường về số liệu chưa được xử lý, từ ngày {vn_date(first)} "
                f"đến ngày {vn_date(last)}, theo số liệu tổng hợp ngày {vn_date(day)}; mức độ cao "
                "trước. Cơ quan điều phối kiểm tra lại với đơn vị; dấu hiệu đã được giải thích "
                "thì được đánh dấu đã xử lý và không còn trong phụ lục."
            )
        )
        annex.blocks.append(
            Table(
                QualityFlags(s, compact=True, limit=ANNEX_ROWS_MAX),
                "Bảng A. Các dấu hiệu bất thường về số liệu",
                font_size=10,
            )
        )
        if len(flags) > ANNEX_ROWS_MAX:
            annex.blocks.append(
                Paragraph(
                    f"Phụ lục liệt kê {vn_int(ANNEX_ROWS_MAX)}/{vn_int(len(flags))} dấu hiệu; "
                    "danh sách đầy đủ: xem tệp Excel kèm theo.",
                    italic=True,
                )
            )
    if quality["inspections"]:
        annex.blocks.append(
            Table(
                GapInspections(s, compact=True),
                "Bảng B. Kiểm tra thực tế có tỷ lệ cài đặt thấp hơn tỷ lệ báo cáo",
                font_size=10,
            )
        )
        annex.blocks.append(
            Paragraph(
                "Tỷ lệ báo cáo nằm trên khoảng tin cậy 95% của tỷ lệ kiểm tra: mẫu kiểm tra "
                "không xác nhận số liệu đơn vị báo cáo.",
                italic=True,
            )
        )
    return annex


def filename(compilation: Compilation, fmt: str) -> str:
    """ "BC-VHTT-05-2020-08-17.pdf"; a draft: "BC-VHTT-du-thao-2020-08-17.pdf"."""
    symbol = compilation.symbol or compilation.snapshot.get("document", {}).get("symbol", "BC")
    number = f"{compilation.number:02d}" if compilation.number else "du-thao"
    return f"{ascii_slug(symbol)}-{number}-{compilation.date.isoformat()}.{fmt}"


def render(compilation: Compilation, fmt: str) -> Rendered:
    """The compilation as a .docx, .pdf, .xlsx or .csv file."""
    from uptake.documents.renderers import csvfile, docxfile, pdffile, xlsxfile

    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}")
    with translation.override("vi"):
        if fmt == "docx":
            content = docxfile.render(official_document(compilation))
        elif fmt == "pdf":
            content = pdffile.render(official_document(compilation))
        elif fmt == "xlsx":
            content = xlsxfile.render(
                [*spreadsheet(compilation.snapshot), about_sheet(compilation)],
                title=_title(compilation),
                description=f"Số liệu tính đến {as_of(compilation)}",
            )
        else:
            content = csvfile.render(UnitTable(compilation.snapshot))
    return Rendered(content, filename(compilation, fmt), FORMATS[fmt])


def _title(compilation: Compilation) -> str:
    info = compilation.snapshot["campaign_info"]
    return f"{info['title']} – {vn_date(compilation.date)}"


def about_sheet(compilation: Compilation) -> Exporter:
    """The workbook's last sheet: which report this is and when its figures were taken."""
    info = compilation.snapshot["campaign_info"]
    if compilation.number:
        state = f"Báo cáo số {compilation.reference}"
    else:
        state = "Dự thảo (chưa phê duyệt)"
    return KeyValues(
        compilation.snapshot,
        title="Thông tin báo cáo",
        columns=[Column("Mục", width=24), Column("Nội dung", width=60)],
        pairs=[
            ("Chiến dịch", info["title"]),
            ("Ngày báo cáo", vn_date(compilation.date)),
            ("Văn bản", state),
            ("Số liệu tính đến", as_of(compilation)),
        ],
    )
