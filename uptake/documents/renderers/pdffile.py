"""An ``OfficialDocument`` as PDF: the HTML template templates/documents/official_document.html
printed by WeasyPrint, with the same layout as the Word file (see ``docxfile``)."""

from __future__ import annotations

import base64
import threading

from django.template.loader import render_to_string

from uptake.documents.exporters import Exporter, display
from uptake.documents.fonts import CSS_FAMILY, text_width_mm
from uptake.documents.official import Figure, Heading, OfficialDocument, Paragraph, Table
from uptake.documents.renderers.docxfile import (
    BOTTOM,
    HEAD_LEFT,
    HEAD_RIGHT,
    LEFT,
    RIGHT,
    TEXT_W,
    TOP,
)


def _header(exporter: Exporter) -> list[list[dict]]:
    columns = exporter.columns
    if not exporter.banded:
        return [[{"text": c.header, "colspan": 1, "rowspan": 1} for c in columns]]
    top, second = [], []
    start = 0
    while start < len(columns):
        band = columns[start].band
        end = start
        while end + 1 < len(columns) and band and columns[end + 1].band == band:
            end += 1
        if band:
            top.append({"text": band, "colspan": end - start + 1, "rowspan": 1})
            second += [
                {"text": c.header, "colspan": 1, "rowspan": 1} for c in columns[start : end + 1]
            ]
        else:
            top.append({"text": columns[start].header, "colspan": 1, "rowspan": 2})
        start = end + 1
    return [top, second]


def _table(block: Table) -> dict:
    exporter = block.exporter
    columns = exporter.columns
    total = sum(c.width for c in columns)
    classes = [{"left": "text", "right": "num", "center": "center"}[c.alignment] for c in columns]
    rows = [
        {
            "kind": row.kind,
            "cells": [
                {"text": display(v, columns[i].kind), "cls": classes[i]}
                for i, v in enumerate(row.cells)
            ],
        }
        for row in exporter.rows()
    ]
    return {
        "type": "table",
        "caption": block.caption,
        "font_size": block.font_size,
        "widths": [round(100 * c.width / total, 2) for c in columns],
        "header": _header(exporter),
        "rows": rows,
    }


def _blocks(blocks) -> list[dict]:
    out = []
    for block in blocks:
        if isinstance(block, Heading):
            out.append({"type": "heading", "text": block.text, "level": block.level})
        elif isinstance(block, Paragraph):
            out.append({"type": "paragraph", **block.__dict__})
        elif isinstance(block, Table):
            out.append(_table(block))
        elif isinstance(block, Figure):
            data = base64.b64encode(block.svg.encode("utf-8")).decode("ascii")
            out.append({"type": "figure", "data": data, "caption": block.caption})
    return out


def html(doc: OfficialDocument) -> str:
    issuer_w = min(text_width_mm(doc.issuer.upper(), 12, bold=True), HEAD_LEFT)
    subject_w = min(text_width_mm(doc.subject, 14, bold=True), TEXT_W)
    return render_to_string(
        "documents/official_document.html",
        {
            "doc": doc,
            "blocks": _blocks(doc.blocks),
            "annexes": [
                {"title": a.title, "attached_to": a.attached_to, "blocks": _blocks(a.blocks)}
                for a in doc.annexes
            ],
            "font": CSS_FAMILY,
            "m": {"top": TOP, "bottom": BOTTOM, "left": LEFT, "right": RIGHT},
            "text_w": TEXT_W,
            "head_left": HEAD_LEFT,
            "head_right": HEAD_RIGHT,
            "issuer_rule": round(issuer_w * 0.4, 1),
            "motto_rule": round(text_width_mm(doc.motto, 13, bold=True), 1),
            "subject_rule": round(subject_w * 0.4, 1),
            "figure_w": min(160, TEXT_W),
        },
    )


_local = threading.local()


def _font_config():
    """WeasyPrint's fonts, set up once per thread rather than for every document (#14: a
    province's chain renders dozens); one per thread, as gunicorn's threads render at once."""
    from weasyprint.text.fonts import FontConfiguration

    if not hasattr(_local, "font_config"):
        _local.font_config = FontConfiguration()
    return _local.font_config


def render(doc: OfficialDocument) -> bytes:
    from weasyprint import HTML

    return HTML(string=html(doc)).write_pdf(font_config=_font_config())
