"""An official document (văn bản hành chính, Decree 30/2020/NĐ-CP) as plain data: letterhead,
number, place and date, title, body blocks, signature and recipients.

The Word and PDF renderers lay out any ``OfficialDocument``; what goes in one is decided
elsewhere (``uptake.documents.report`` for the compiled daily report).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from uptake.documents.exporters import Exporter


@dataclass
class Heading:
    text: str
    level: int = 1  # 1: "I. KẾT QUẢ" bold; 2: "1. Tình hình báo cáo" bold; 3: italic


@dataclass
class Paragraph:
    text: str
    indent: bool = True  # the body's first-line indent (1,27 cm)
    italic: bool = False
    bold: bool = False
    lead: str = ""  # words in bold before the text: "Cán bộ, công chức: "


@dataclass
class Table:
    exporter: Exporter
    caption: str = ""
    font_size: float = 11  # points


@dataclass
class Figure:
    svg: str
    caption: str = ""
    width_mm: float = 160


Block = Heading | Paragraph | Table | Figure


@dataclass
class Annex:
    """A "Phụ lục" after the signature, on a page of its own: its title, the line that ties it
    to the document ("Kèm theo Báo cáo số ..."), and its blocks."""

    title: str
    attached_to: str = ""
    blocks: list[Block] = field(default_factory=list)


@dataclass
class Signer:
    authority: str = ""  # "KT. TRƯỞNG PHÒNG"
    capacity: str = ""  # "PHÓ TRƯỞNG PHÒNG"
    title: str = ""  # before the name: "ThS."
    name: str = ""

    @property
    def full_name(self) -> str:
        return f"{self.title} {self.name}".strip()


@dataclass
class OfficialDocument:
    parent_issuer: str  # "UBND HUYỆN HỒNG NGỰ"
    issuer: str  # "PHÒNG VĂN HÓA VÀ THÔNG TIN"
    reference: str  # "05/BC-VHTT", or "/BC-VHTT" for a draft
    place_date: str  # "Hồng Ngự, ngày 17 tháng 8 năm 2020"
    kind: str  # "BÁO CÁO"
    subject: str  # "Kết quả triển khai cài đặt, sử dụng ứng dụng Bluezone ngày 17/08/2020"
    blocks: list[Block] = field(default_factory=list)
    signer: Signer = field(default_factory=Signer)
    recipients: list[str] = field(default_factory=list)
    closing: str = ""  # the last sentence, kept on the signature's page: "Trên đây là ..../."
    draft: bool = False  # "DỰ THẢO" in a box over the letterhead
    annexes: list[Annex] = field(default_factory=list)  # after the signature
    national_name: str = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    motto: str = "Độc lập - Tự do - Hạnh phúc"

    def recipient_lines(self) -> list[str]:
        """ "- Sở Thông tin và Truyền thông;" ... "- Lưu: VT." (the last ends with a full stop)."""
        lines = []
        for i, name in enumerate(self.recipients):
            end = "." if i == len(self.recipients) - 1 else ";"
            lines.append(f"- {name.rstrip(';.')}{end}")
        return lines
