"""An ``OfficialDocument`` as a Word file laid out under Decree 30/2020/NĐ-CP (Appendix I).

A4 portrait; margins 20 mm top and bottom, 30 mm left, 15 mm right; Times New Roman (Liberation
Serif named as its alternative in the font table); the letterhead in a borderless two-column
table (issuer and number on the left, national name, motto and place and date on the right),
title and subject centred, the body justified at 14 pt with a 1.27 cm first-line indent, tables
at 11 pt with their header repeated on every page, the chart as a picture, the signature on
the right and "Nơi nhận:" on the left; the page number centred in the top margin from page 2.
"""

from __future__ import annotations

import io

import cairosvg
from docx import Document
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from uptake.documents.exporters import Exporter, display
from uptake.documents.fonts import FALLBACK, FAMILY, text_width_mm
from uptake.documents.official import (
    Annex,
    Figure,
    Heading,
    OfficialDocument,
    Paragraph,
    Table,
)

PAGE_W, PAGE_H = 210, 297
TOP, BOTTOM, LEFT, RIGHT = 20, 20, 30, 15  # mm
TEXT_W = PAGE_W - LEFT - RIGHT  # 165 mm
BODY_PT = 14
HEAD_LEFT, HEAD_RIGHT = 72, 93  # the letterhead's columns, mm
INDENT = Mm(12.7)
ALIGN = {
    "left": WD_ALIGN_PARAGRAPH.LEFT,
    "right": WD_ALIGN_PARAGRAPH.RIGHT,
    "center": WD_ALIGN_PARAGRAPH.CENTER,
}


def _set_fonts(rpr, name: str = FAMILY) -> None:
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attr), None)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), name)


def _setup(d) -> None:
    section = d.sections[0]
    section.page_width, section.page_height = Mm(PAGE_W), Mm(PAGE_H)
    section.top_margin, section.bottom_margin = Mm(TOP), Mm(BOTTOM)
    section.left_margin, section.right_margin = Mm(LEFT), Mm(RIGHT)
    section.header_distance, section.footer_distance = Mm(10), Mm(10)
    normal = d.styles["Normal"]
    normal.font.name = FAMILY
    normal.font.size = Pt(BODY_PT)
    _set_fonts(normal.element.get_or_add_rPr())
    defaults = d.styles.element.find(qn("w:docDefaults"))
    if defaults is not None:
        rpr = defaults.find(qn("w:rPrDefault") + "/" + qn("w:rPr"))
        if rpr is not None:
            _set_fonts(rpr)
    pf = normal.paragraph_format
    pf.space_before, pf.space_after, pf.line_spacing = Pt(0), Pt(0), 1.0
    # The font table names Liberation Serif as Times New Roman's alternative.
    for part in d.part.package.iter_parts():
        if str(part.partname).endswith("/fontTable.xml"):
            tag = f'<w:font w:name="{FAMILY}">'.encode()
            if tag in part.blob and b"w:altName" not in part.blob:
                part._blob = part.blob.replace(
                    tag, tag + f'<w:altName w:val="{FALLBACK}"/>'.encode()
                )
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), "vi-VN")
    normal.element.get_or_add_rPr().append(lang)
    # Page numbers: centred in the top margin, none on the first page.
    section.different_first_page_header_footer = True
    header = section.header
    p = header.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _page_field(p)


def _page_field(p) -> None:
    run = p.add_run()
    run.font.size = Pt(BODY_PT)
    begin, instr, end = (
        OxmlElement("w:fldChar"),
        OxmlElement("w:instrText"),
        OxmlElement("w:fldChar"),
    )
    begin.set(qn("w:fldCharType"), "begin")
    instr.set(qn("xml:space"), "preserve")
    instr.text = " PAGE "
    end.set(qn("w:fldCharType"), "end")
    run._r.append(begin)
    run._r.append(instr)
    run._r.append(end)


def _para(
    container,
    text: str = "",
    *,
    size=BODY_PT,
    bold=False,
    italic=False,
    align=None,
    before=0,
    after=0,
    indent=None,
    line=None,
):
    p = container.add_paragraph()
    pf = p.paragraph_format
    pf.space_before, pf.space_after = Pt(before), Pt(after)
    if line:
        pf.line_spacing = line
    if indent is not None:
        pf.first_line_indent = indent
    if align is not None:
        p.alignment = align
    if text:
        run = p.add_run(text)
        run.font.size = Pt(size)
        run.bold, run.italic = bold, italic
    return p


def _rule(container, length_mm: float, width_mm: float, before=0, after=0) -> None:
    """A centred horizontal rule ``length_mm`` long in a space ``width_mm`` wide: an empty
    paragraph with a bottom border, narrowed by its indents."""
    p = _para(container, before=before, after=after)
    side = max(0.0, (width_mm - length_mm) / 2)
    p.paragraph_format.left_indent = Mm(side)
    p.paragraph_format.right_indent = Mm(side)
    p.paragraph_format.line_spacing = Pt(2)
    ppr = p._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        bottom.set(qn(key), value)
    borders.append(bottom)
    ppr.append(borders)


def _no_borders(table) -> None:
    tblpr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:val"), "nil")
        borders.append(el)
    tblpr.append(borders)


def _cell_margins(table, left_mm: float = 0, right_mm: float = 0) -> None:
    tblpr = table._tbl.tblPr
    mar = OxmlElement("w:tblCellMar")
    for edge, value in (("left", left_mm), ("right", right_mm)):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:w"), str(int(value * 56.7)))
        el.set(qn("w:type"), "dxa")
        mar.append(el)
    tblpr.append(mar)


def _widths(table, widths_mm: list[float]) -> None:
    table.autofit = False
    for i, w in enumerate(widths_mm):
        table.columns[i].width = Mm(w)
    for row in table.rows:
        for i, cell in enumerate(row.cells):
            cell.width = Mm(widths_mm[i])


def _first_paragraph(cell, text="", **kwargs):
    p = cell.paragraphs[0]
    pf = p.paragraph_format
    pf.space_before, pf.space_after = Pt(kwargs.pop("before", 0)), Pt(kwargs.pop("after", 0))
    align = kwargs.pop("align", WD_ALIGN_PARAGRAPH.CENTER)
    p.alignment = align
    if text:
        run = p.add_run(text)
        run.font.size = Pt(kwargs.get("size", BODY_PT))
        run.bold, run.italic = kwargs.get("bold", False), kwargs.get("italic", False)
    return p


def _letterhead(d, doc: OfficialDocument) -> None:
    center = WD_ALIGN_PARAGRAPH.CENTER
    if doc.draft:
        p = _para(d, "DỰ THẢO", size=12, bold=True, align=WD_ALIGN_PARAGRAPH.RIGHT, after=4)
        p.runs[0].font.highlight_color = None
    table = d.add_table(rows=2, cols=2)
    _no_borders(table)
    _cell_margins(table)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    left, right = table.cell(0, 0), table.cell(0, 1)
    if doc.parent_issuer:
        _first_paragraph(left, doc.parent_issuer.upper(), size=12)
        _para(left, doc.issuer.upper(), size=12, bold=True, align=center)
    else:
        _first_paragraph(left, doc.issuer.upper(), size=12, bold=True)
    issuer_w = min(text_width_mm(doc.issuer.upper(), 12, bold=True), HEAD_LEFT)
    _rule(left, issuer_w * 0.4, HEAD_LEFT, before=1)
    _first_paragraph(right, doc.national_name, size=12, bold=True)
    _para(right, doc.motto, size=13, bold=True, align=center)
    _rule(right, text_width_mm(doc.motto, 13, bold=True), HEAD_RIGHT, before=1)
    _first_paragraph(table.cell(1, 0), f"Số: {doc.reference}", size=13, before=6)
    _first_paragraph(table.cell(1, 1), doc.place_date, size=14, italic=True, before=6)
    _widths(table, [HEAD_LEFT, HEAD_RIGHT])


def _title(d, doc: OfficialDocument) -> None:
    center = WD_ALIGN_PARAGRAPH.CENTER
    _para(d, doc.kind, size=14, bold=True, align=center, before=24)
    _para(d, doc.subject, size=14, bold=True, align=center, before=0)
    width = min(text_width_mm(doc.subject, 14, bold=True), TEXT_W)
    _rule(d, width * 0.4, TEXT_W, before=1, after=12)


def _paragraph(d, block: Paragraph) -> None:
    p = _para(
        d,
        indent=INDENT if block.indent else None,
        before=6,
        line=1.15,
        align=WD_ALIGN_PARAGRAPH.JUSTIFY,
    )
    if block.lead:
        run = p.add_run(block.lead)
        run.bold = True
        run.font.size = Pt(BODY_PT)
    run = p.add_run(block.text)
    run.font.size = Pt(BODY_PT)
    run.bold, run.italic = block.bold, block.italic
    return p


def _heading(d, block: Heading) -> None:
    _para(
        d,
        block.text,
        bold=block.level <= 2,
        italic=block.level >= 3,
        indent=INDENT,
        before=6,
        line=1.15,
        align=WD_ALIGN_PARAGRAPH.JUSTIFY,
    ).paragraph_format.keep_with_next = True


def _repeat_header(row) -> None:
    trpr = row._tr.get_or_add_trPr()
    el = OxmlElement("w:tblHeader")
    el.set(qn("w:val"), "true")
    trpr.append(el)


def _cant_split(row) -> None:
    trpr = row._tr.get_or_add_trPr()
    trpr.append(OxmlElement("w:cantSplit"))


def _shade(cell, fill: str) -> None:
    tcpr = cell._tc.get_or_add_tcPr()
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    tcpr.append(shd)


def _cell_text(cell, text: str, size: float, bold=False, align=WD_ALIGN_PARAGRAPH.CENTER):
    p = cell.paragraphs[0]
    p.alignment = align
    run = p.add_run(text)
    run.font.size = Pt(size)
    run.bold = bold
    cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER


def _table(d, block: Table) -> None:
    exporter: Exporter = block.exporter
    columns = exporter.columns
    size = block.font_size
    if block.caption:
        p = _para(
            d, block.caption, size=13, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, before=8, after=4
        )
        p.paragraph_format.keep_with_next = True
    total = sum(c.width for c in columns)
    widths = [TEXT_W * c.width / total for c in columns]
    header_rows = 2 if exporter.banded else 1
    table = d.add_table(rows=header_rows, cols=len(columns))
    table.style = d.styles["Table Grid"]
    _cell_margins(table, 1, 1)  # Word's 1.9 mm a side would wrap "100,0" in narrow columns
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    if exporter.banded:
        start = 0
        while start < len(columns):
            band = columns[start].band
            end = start
            while end + 1 < len(columns) and band and columns[end + 1].band == band:
                end += 1
            if band:
                top = (
                    table.cell(0, start).merge(table.cell(0, end))
                    if end > start
                    else table.cell(0, start)
                )
                _cell_text(top, band, size, bold=True)
                for i in range(start, end + 1):
                    _cell_text(table.cell(1, i), columns[i].header, size, bold=True)
            else:
                merged = table.cell(0, start).merge(table.cell(1, start))
                _cell_text(merged, columns[start].header, size, bold=True)
            start = end + 1
    else:
        for i, column in enumerate(columns):
            _cell_text(table.cell(0, i), column.header, size, bold=True)
    for row in table.rows:
        _repeat_header(row)
        for cell in row.cells:
            _shade(cell, "DDE5F0")
    for row in exporter.rows():
        cells = table.add_row().cells
        bold = row.kind != "data"
        for i, value in enumerate(row.cells):
            kind = columns[i].kind
            align = ALIGN[columns[i].alignment]
            _cell_text(cells[i], display(value, kind), size, bold=bold, align=align)
            if bold:
                _shade(cells[i], "F2F2F2")
    for row in table.rows:
        _cant_split(row)
    _widths(table, widths)


def _figure(d, block: Figure) -> None:
    # 1,200 px over the text width (160 mm): about 190 dpi, sharp in print (#14: 1,800 px took
    # a quarter of a Word document's time).
    png = cairosvg.svg2png(bytestring=block.svg.encode("utf-8"), output_width=1200)
    p = _para(d, align=WD_ALIGN_PARAGRAPH.CENTER, before=8)
    p.paragraph_format.keep_with_next = True
    p.add_run().add_picture(io.BytesIO(png), width=Mm(min(block.width_mm, TEXT_W)))
    if block.caption:
        _para(d, block.caption, size=13, italic=True, align=WD_ALIGN_PARAGRAPH.CENTER, after=4)


def _signature(d, doc: OfficialDocument) -> None:
    table = d.add_table(rows=1, cols=2)
    _no_borders(table)
    _cell_margins(table)
    left, right = table.cell(0, 0), table.cell(0, 1)
    _first_paragraph(
        left, "Nơi nhận:", size=12, bold=True, italic=True, align=WD_ALIGN_PARAGRAPH.LEFT, before=12
    )
    for line in doc.recipient_lines():
        _para(left, line, size=11, align=WD_ALIGN_PARAGRAPH.LEFT)
    center = WD_ALIGN_PARAGRAPH.CENTER
    signer = doc.signer
    _first_paragraph(right, signer.authority.upper(), size=14, bold=True, before=12)
    if signer.capacity:
        _para(right, signer.capacity.upper(), size=14, bold=True, align=center)
    for _ in range(4):
        _para(right, size=14)
    if signer.full_name:
        _para(right, signer.full_name, size=14, bold=True, align=center, before=12)
    _widths(table, [80, TEXT_W - 80])
    # Keep the signature block on one page.
    for row in table.rows:
        _cant_split(row)


def _blocks(d, blocks) -> None:
    for block in blocks:
        if isinstance(block, Heading):
            _heading(d, block)
        elif isinstance(block, Paragraph):
            _paragraph(d, block)
        elif isinstance(block, Table):
            _table(d, block)
        elif isinstance(block, Figure):
            _figure(d, block)


def _annex(d, annex: Annex) -> None:
    """A new page: the annex's title in bold, the line tying it to the document, its blocks."""
    center = WD_ALIGN_PARAGRAPH.CENTER
    p = _para(d, annex.title, size=14, bold=True, align=center)
    p.paragraph_format.page_break_before = True
    p.paragraph_format.keep_with_next = True
    if annex.attached_to:
        _para(d, annex.attached_to, size=14, italic=True, align=center, after=6)
    _blocks(d, annex.blocks)


def render(doc: OfficialDocument) -> bytes:
    d = Document()
    _setup(d)
    d.core_properties.title = f"{doc.kind} {doc.subject}"
    d.core_properties.author = doc.issuer
    d.core_properties.language = "vi-VN"
    # The template's empty first paragraph would push the letterhead down: drop it.
    body = d.element.body
    for p in list(body.iterchildren(qn("w:p"))):
        body.remove(p)
    _letterhead(d, doc)
    _title(d, doc)
    _blocks(d, doc.blocks)
    if doc.closing:
        _paragraph(d, Paragraph(doc.closing)).paragraph_format.keep_with_next = True
    _signature(d, doc)
    for annex in doc.annexes:
        _annex(d, annex)
    out = io.BytesIO()
    d.save(out)
    return out.getvalue()
