"""The documents' typeface: Times New Roman, with Liberation Serif (metric-compatible) where
Times New Roman is absent; and the width of a line of text, for the rules under the issuer's
name, the motto and the subject (Decree 30/2020/NĐ-CP asks for lengths relative to the text)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

FAMILY = "Times New Roman"
FALLBACK = "Liberation Serif"
CSS_FAMILY = "'Times New Roman', 'Liberation Serif', serif"
DIRS = [
    Path("/usr/share/fonts/truetype/msttcorefonts"),
    Path("/usr/share/fonts/truetype/liberation2"),
    Path("/usr/share/fonts/truetype/liberation"),
]
FILES = {
    (False, False): ["Times_New_Roman.ttf", "times.ttf", "LiberationSerif-Regular.ttf"],
    (True, False): ["Times_New_Roman_Bold.ttf", "timesbd.ttf", "LiberationSerif-Bold.ttf"],
    (False, True): ["Times_New_Roman_Italic.ttf", "timesi.ttf", "LiberationSerif-Italic.ttf"],
    (True, True): [
        "Times_New_Roman_Bold_Italic.ttf",
        "timesbi.ttf",
        "LiberationSerif-BoldItalic.ttf",
    ],
}


@lru_cache(maxsize=8)
def _font(bold: bool, italic: bool):
    try:
        from PIL import ImageFont
    except ImportError:  # pragma: no cover - Pillow comes with WeasyPrint
        return None
    for directory in DIRS:
        for name in FILES[(bold, italic)]:
            path = directory / name
            if path.exists():
                return ImageFont.truetype(str(path), 100)
    return None


def text_width_mm(text: str, size_pt: float, bold: bool = False, italic: bool = False) -> float:
    """How wide ``text`` is set in the documents' typeface at ``size_pt`` points."""
    font = _font(bold, italic)
    if font is None:
        em = 0.5 if not text.isupper() else 0.68  # a rough average when no font file is found
        return len(text) * em * size_pt * 25.4 / 72
    return font.getlength(text) / 100 * size_pt * 25.4 / 72
