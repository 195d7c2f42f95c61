"""Text helpers: Vietnamese names searchable without diacritics."""

from __future__ import annotations

import unicodedata


def fold(text: str) -> str:
    """Lower-case ``text`` and strip its Vietnamese diacritics: "Thường Thới" -> "thuong thoi".

    NFD splits a letter from its tone and vowel marks; đ/Đ is a letter of its own, not a
    combined one, so it is mapped by hand. Runs of whitespace become one space.
    """
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.lower().split())
