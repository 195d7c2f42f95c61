"""Hand-made histories and files for the quality tests."""

from __future__ import annotations

import io
from datetime import date, timedelta

from uptake.quality.rules import Point, Series

START = date(2020, 8, 14)


def series(*figures, unit_id: int = 1, group: str = "residents", start: date = START, notes=None):
    """A unit's reports on consecutive days from ``start``: ``(with_smartphone, installed)``
    pairs; ``None`` for a day without a report."""
    notes = notes or {}
    points = [
        Point(start + timedelta(days=i), f[0], f[1], notes.get(i, ""))
        for i, f in enumerate(figures)
        if f is not None
    ]
    return Series(unit_id, group, points)


def growing(start_installed: int, daily: list[int], phones: int = 5000, **kwargs) -> Series:
    """A series that starts at ``start_installed`` and rises by each of ``daily``."""
    installed = [start_installed]
    for rise in daily:
        installed.append(installed[-1] + rise)
    return series(*[(phones, n) for n in installed], **kwargs)


HEADING = ["Họ và tên", "Chức vụ", "Có điện thoại thông minh", "Đã cài đặt", "Ngày cài đặt"]


def xlsx(rows, heading=HEADING) -> bytes:
    """An .xlsx workbook with ``heading`` and ``rows`` on its first sheet."""
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    if heading:
        sheet.append(heading)
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


GOOD_ROWS = [
    ("Nguyễn Văn An", "Chủ tịch", "có", "có", date(2020, 8, 14)),
    ("Trần Thị Bình", "Văn thư", "Có", "Không", None),
    ("Lê Văn Cường", "Kế toán", "x", "x", "16/08/2020"),
    ("Phạm Thị Dung", "Tạp vụ", "không", "", None),
]


FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def quality_case(cls):
    """The personas' passwords hashed fast: the tests log in with force_login."""
    from django.test import override_settings

    return override_settings(PASSWORD_HASHERS=FAST_HASHERS)(cls)


def move_clock(case, day, hour: int = 10):
    """Stop the test's clock and start it again at ``hour`` on ``day`` in Hồng Ngự."""
    from datetime import datetime

    import time_machine

    from uptake.test import VN

    case.clock.stop()
    case.clock = time_machine.travel(
        datetime(day.year, day.month, day.day, hour, tzinfo=VN), tick=False
    )
    case.clock.start()


def english(client):
    """The pages in English, the language the tests' assertions are written in."""
    client.cookies["django_language"] = "en"


def some_flags(case):
    """A stale run at 870-TTT (16/08, residents) and a noted decrease at 870-LKA (16/08)."""
    from datetime import date

    from uptake.quality.actions import check_quality
    from uptake.test import figures

    for day in (14, 15, 16):
        case.submit("870-TTT", day=date(2020, 8, day))
    case.submit("870-LKA", day=date(2020, 8, 15), figures=figures(residents=(5000, 2000)))
    case.submit(
        "870-LKA", day=date(2020, 8, 16), figures=figures(residents=(5000, 1900)), note="sửa"
    )
    case.submit(
        "869-TH", day=date(2020, 8, 15), user=case.tuan, figures=figures(residents=(900, 500))
    )
    case.submit(
        "869-TH", day=date(2020, 8, 16), user=case.tuan, figures=figures(residents=(600, 500))
    )
    check_quality(case.campaign)
