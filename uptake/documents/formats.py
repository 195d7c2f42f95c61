"""Numbers and dates the Vietnamese way, for the official documents: 1.234, 95,1%, 17/08/2020."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from datetime import date, datetime


def vn_int(value: int | None) -> str:
    """5200 -> "5.200"; None -> "–"."""
    if value is None:
        return "–"
    sign = "-" if value < 0 else ""
    return sign + f"{abs(int(value)):,}".replace(",", ".")


def vn_number(value: float | None, decimals: int = 1) -> str:
    """95.1 -> "95,1"; 1234.5 -> "1.234,5"; None -> "–"."""
    if value is None:
        return "–"
    text = f"{abs(value):,.{decimals}f}"
    whole, _dot, frac = text.partition(".")
    out = whole.replace(",", ".") + ("," + frac if frac else "")
    return ("-" if value < 0 else "") + out


def vn_percent(value: float | None) -> str:
    """95.1 -> "95,1%"; None -> "–"."""
    return "–" if value is None else vn_number(value) + "%"


def vn_target(value: float) -> str:
    """A target: 100 -> "100%", 62.5 -> "62,5%" (no ",0" on whole numbers)."""
    text = vn_number(value)
    return (text[:-2] if text.endswith(",0") else text) + "%"


def vn_date(day: date) -> str:
    """17/08/2020."""
    return day.strftime("%d/%m/%Y")


def vn_day_month(day: date) -> str:
    """17/08."""
    return day.strftime("%d/%m")


def vn_long_date(day: date) -> str:
    """ "ngày 17 tháng 8 năm 2020"; days below 10 and the months 1 and 2 take a leading zero
    (Decree 30/2020/NĐ-CP, Appendix I): "ngày 05 tháng 02 năm 2021"."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"


def upper_vn(text: str) -> str:
    """Capitals with every diacritic kept (str.upper does that; NFC keeps them composed)."""
    return unicodedata.normalize("NFC", text.upper())


def vn_clock(moment: datetime) -> str:
    """ "14 giờ 24", "8 giờ 05": a time of day as the documents write it."""
    return f"{moment.hour} giờ {moment.minute:02d}"


def lower_first(text: str, names: Iterable[str] = ()) -> str:
    """The first letter in lower case, for a phrase that goes on a sentence: "Cài đặt, sử dụng
    ứng dụng Bluezone" -> "cài đặt, sử dụng ứng dụng Bluezone".

    A first word that is a name keeps its capital: one with another capital after its first
    letter ("PC-Covid", "VNeID", "UBND") or one of ``names`` (the campaign's app: "Bluezone").
    """
    if not text:
        return text
    word = text.split(maxsplit=1)[0]
    if any(ch.isupper() for ch in word[1:]):
        return text
    folded = text.casefold()
    for name in names:
        name = (name or "").strip().casefold()
        if name and folded.startswith(name):
            rest = text[len(name) : len(name) + 1]
            if not rest or not rest.isalnum():
                return text
    return text[:1].lower() + text[1:]


def ascii_slug(text: str) -> str:
    """For file names: "05/BC-VHTT" -> "05-BC-VHTT", "Hồng Ngự" -> "Hong-Ngu"."""
    plain = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    plain = "".join(ch for ch in plain if not unicodedata.combining(ch))
    out = []
    for ch in plain:
        out.append(ch if ch.isascii() and (ch.isalnum() or ch in "-_") else "-")
    return "-".join(part for part in "".join(out).split("-") if part)
