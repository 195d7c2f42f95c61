"""A unit's staff roster: kept by hand or imported from .xlsx, and the staff figures it gives.

- ``roster_figures(campaign, unit, day)``: the staff group's with_smartphone / installed from
  the roster, for the daily form (None when the unit keeps no roster);
- ``import_roster(...)``: replace the roster with an .xlsx file's rows, all or nothing;
- ``save_staff_member`` / ``delete_staff_member``: keep it by hand.

Every change writes an audit entry. An uploaded file is checked before openpyxl sees it: its
size, that it is a zip (an .xlsx is one) that unpacks to a sane size, holds a workbook and no
macros. openpyxl then reads the cached values only (``data_only``: formulas are never
evaluated) in read-only mode, through defusedxml, which openpyxl uses when it is installed
(it is: CairoSVG depends on it).
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from datetime import date, datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from uptake.audit.models import log_action
from uptake.campaigns.models import Campaign
from uptake.lib.spreadsheet import unsafe_text
from uptake.lib.text import fold
from uptake.quality.actions import can_edit_roster
from uptake.quality.models import StaffMember
from uptake.reports.templatetags.uptake_extras import num
from uptake.units.models import Unit

MAX_BYTES = 2 * 1024 * 1024
MAX_UNPACKED = 40 * 1024 * 1024
MAX_RATIO = 200  # an xlsx's XML packs ~10-30 times; a zip bomb thousands of times
MAX_MEMBERS_IN_ZIP = 500
MAX_ROWS = 2000
NAME_MAX = 200
MAX_ERRORS = 50

# The roster's columns: key, heading in the template, headings accepted on import (folded).
COLUMNS = [
    ("name", gettext_lazy("Full name"), ("ho va ten", "ho ten", "ten", "full name", "name")),
    ("position", gettext_lazy("Position"), ("chuc vu", "position")),
    (
        "has_smartphone",
        gettext_lazy("Has a smartphone (yes/no)"),
        (
            "co dien thoai thong minh",
            "co smartphone",
            "dien thoai thong minh",
            "has a smartphone",
            "smartphone",
        ),
    ),
    ("installed", gettext_lazy("Installed (yes/no)"), ("da cai dat", "da cai", "installed")),
    (
        "installed_on",
        gettext_lazy("Installed on (dd/mm/yyyy)"),
        ("ngay cai dat", "ngay cai", "installed on", "date installed"),
    ),
]
LETTERS = "ABCDE"
YES = {"yes", "y", "co", "x", "1", "true", "da cai", "da cai dat", "roi", "v", "✓", "✔"}
NO = {"no", "n", "khong", "0", "false", "chua", "chua cai", "-"}


@dataclass
class RosterError:
    row: int | None
    column: str | None  # a letter, A to E
    message: str

    def __str__(self) -> str:
        if self.row and self.column:
            heading = dict((k, h) for k, h, _a in COLUMNS)[_column_key(self.column)]
            return _("Row %(row)s, column %(column)s (%(heading)s): %(message)s") % {
                "row": self.row,
                "column": self.column,
                "heading": heading,
                "message": self.message,
            }
        if self.row:
            return _("Row %(row)s: %(message)s") % {"row": self.row, "message": self.message}
        return self.message


def _column_key(letter: str) -> str:
    return COLUMNS[LETTERS.index(letter)][0]


class RosterInvalid(Exception):
    """The file or the member is refused; nothing was changed."""

    def __init__(self, errors: list[RosterError]):
        super().__init__("; ".join(str(e) for e in errors))
        self.errors = errors


# --- the figures the roster gives ------------------------------------------------------------


def roster_figures(campaign: Campaign, unit: Unit, day: date) -> dict | None:
    """The staff figures from the unit's roster on ``day``, or None when it keeps no roster.

    ``{"with_smartphone": members with a smartphone, "installed": those of them who had
    installed by ``day`` (installed with no date counts from any day), "members": all}``.
    For the daily form's staff group (the reporter still submits). One query.
    """
    installed_by = Q(installed_on__isnull=True) | Q(installed_on__lte=day)
    counts = StaffMember.objects.filter(campaign=campaign, unit=unit).aggregate(
        members=Count("pk"),
        with_smartphone=Count("pk", filter=Q(has_smartphone=True)),
        installed=Count("pk", filter=Q(has_smartphone=True, installed=True) & installed_by),
    )
    if not counts["members"]:
        return None
    return counts


def _summary(campaign: Campaign, unit: Unit) -> dict:
    figures = roster_figures(campaign, unit, timezone.now().astimezone(campaign.tz).date())
    return {"campaign": campaign.slug, "unit": unit.code, **(figures or {"members": 0})}


# --- one member --------------------------------------------------------------------------------


def clean_member(values: dict, today: date) -> tuple[dict, list[tuple[str, str]]]:
    """Check a member's values (already typed); errors as (column key, message)."""
    errors = []
    name = " ".join(str(values.get("name") or "").split())
    position = " ".join(str(values.get("position") or "").split())
    if not name:
        errors.append(("name", _("The name is required.")))
    elif len(name) > NAME_MAX:
        errors.append(("name", _("At most %(n)s characters.") % {"n": NAME_MAX}))
    if len(position) > NAME_MAX:
        errors.append(("position", _("At most %(n)s characters.") % {"n": NAME_MAX}))
    has_smartphone = bool(values.get("has_smartphone"))
    installed = bool(values.get("installed"))
    installed_on = values.get("installed_on")
    if installed and not has_smartphone:
        errors.append(("installed", _("Installed, but has no smartphone.")))
    if installed_on is not None:
        if not installed:
            errors.append(("installed_on", _("A date is given, but the app is not installed.")))
        elif installed_on > today:
            errors.append(("installed_on", _("This day has not come yet.")))
        elif installed_on.year < 2000:
            errors.append(("installed_on", _("This date is too early.")))
    cleaned = {
        "name": name,
        "position": position,
        "has_smartphone": has_smartphone,
        "installed": installed,
        "installed_on": installed_on,
    }
    return cleaned, errors


def save_staff_member(
    campaign: Campaign, unit: Unit, *, user, member: StaffMember | None = None, **values
) -> StaffMember:
    """Add a member to the roster (``member`` None) or change one; audited."""
    if not can_edit_roster(user, unit):
        raise PermissionDenied("unit outside the user's units")
    if member is not None and (member.campaign_id, member.unit_id) != (campaign.pk, unit.pk):
        raise PermissionDenied("member of another roster")
    cleaned, errors = clean_member(values, campaign.today())
    if errors:
        raise RosterInvalid([RosterError(None, None, message) for _key, message in errors])
    with transaction.atomic():
        before = member.as_dict() if member else None
        if member is None:
            last = StaffMember.objects.filter(campaign=campaign, unit=unit).order_by("-row").first()
            member = StaffMember(campaign=campaign, unit=unit, row=(last.row + 1) if last else 1)
        for name, value in cleaned.items():
            setattr(member, name, value)
        member.updated_at = timezone.now()
        member.save()
        log_action(
            user,
            "roster.update" if before else "roster.add",
            "staff_member",
            member.pk,
            before,
            {"campaign": campaign.slug, "unit": unit.code, **member.as_dict()},
        )
    return member


def delete_staff_member(member: StaffMember, *, user) -> None:
    if not can_edit_roster(user, member.unit):
        raise PermissionDenied("unit outside the user's units")
    with transaction.atomic():
        log_action(
            user,
            "roster.remove",
            "staff_member",
            member.pk,
            {"campaign": member.campaign.slug, "unit": member.unit.code, **member.as_dict()},
            None,
        )
        member.delete()


# --- the file --------------------------------------------------------------------------------


def check_file(data: bytes, filename: str) -> None:
    """Refuse what is not a plain, reasonably sized .xlsx before any parser reads it."""
    name = (filename or "").lower()
    if len(data) > MAX_BYTES:
        raise RosterInvalid(
            [RosterError(None, None, _("The file is larger than 2 MB: split the roster."))]
        )
    if name.endswith((".xlsm", ".xltm", ".xlam")):
        raise RosterInvalid(
            [RosterError(None, None, _("Files with macros are refused: save it as .xlsx."))]
        )
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise RosterInvalid(
            [
                RosterError(
                    None,
                    None,
                    _(
                        "This is an old Excel file (.xls) or a protected workbook: save it as an "
                        "Excel workbook (.xlsx) without a password."
                    ),
                )
            ]
        )
    not_xlsx = RosterError(
        None,
        None,
        _("This is not an Excel workbook (.xlsx): download the template and fill it in."),
    )
    if not name.endswith(".xlsx") or not data.startswith(b"PK\x03\x04"):
        raise RosterInvalid([not_xlsx])
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            names = {info.filename for info in infos}
            if len(infos) > MAX_MEMBERS_IN_ZIP:
                raise RosterInvalid([not_xlsx])
            unpacked = sum(info.file_size for info in infos)
            bomb = unpacked > MAX_UNPACKED or any(
                info.file_size > 1024 * 1024
                and info.file_size > MAX_RATIO * max(info.compress_size, 1)
                for info in infos
            )
            if bomb:
                raise RosterInvalid(
                    [
                        RosterError(
                            None, None, _("The file unpacks to far more than its size: refused.")
                        )
                    ]
                )
            if any(info.flag_bits & 0x1 for info in infos):
                raise RosterInvalid([not_xlsx])
            if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
                raise RosterInvalid([not_xlsx])
            types = archive.read("[Content_Types].xml")
            if any("vbaproject" in n.lower() for n in names) or b"macroEnabled" in types:
                raise RosterInvalid(
                    [RosterError(None, None, _("Files with macros are refused: save it as .xlsx."))]
                )
    except zipfile.BadZipFile:
        raise RosterInvalid([not_xlsx]) from None


def _yes_no(value) -> bool | None:
    """True, False, or None when ``value`` is neither a yes nor a no. Blank is no."""
    if value is None:
        return False
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    text = fold(str(value)).strip(" .")
    if text == "":
        return False
    if text in YES:
        return True
    if text in NO:
        return False
    return None


def _date(value) -> date | None | bool:
    """A date, None when blank, False when unreadable."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        text = value.strip()
        for fmt in ("%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d"):
            try:
                return datetime.strptime(text, fmt).date()
            except ValueError:
                continue
    return False


def _text(value) -> str | None:
    """A cell as text: text and whole numbers; None for what cannot be a name."""
    if value is None:
        return ""
    if isinstance(value, str):
        return unsafe_text(value)  # "'=1+1" in our own export was the name "=1+1"
    if isinstance(value, bool):
        return None
    if isinstance(value, int) or (isinstance(value, float) and value.is_integer()):
        return str(int(value))
    return None


def _header_ok(cell, aliases) -> bool:
    text = fold(str(cell or ""))
    return any(text.startswith(alias) for alias in aliases)


def read_rows(data: bytes, today: date) -> tuple[list[dict], list[RosterError]]:
    """The members in the workbook's first sheet, checked; every error with its row and column."""
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(
            io.BytesIO(data), read_only=True, data_only=True, keep_vba=False, keep_links=False
        )
    except Exception:  # openpyxl raises many kinds on damaged files; none may reach the user
        raise RosterInvalid(
            [RosterError(None, None, _("The file could not be read as an Excel workbook."))]
        ) from None
    rows, errors = [], []
    try:
        sheet = workbook.worksheets[0]
        scanned = listed = 0
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            scanned += 1
            values = tuple(values[:5]) + (None,) * (5 - len(values[:5]))
            if number == 1:
                for (_key, heading, aliases), letter, cell in zip(
                    COLUMNS, LETTERS, values, strict=True
                ):
                    if not _header_ok(cell, (fold(str(heading)), *aliases)):
                        errors.append(
                            RosterError(
                                1,
                                letter,
                                _("expected the heading “%(heading)s”: use the template.")
                                % {"heading": heading},
                            )
                        )
                if errors:
                    return [], errors
                continue
            if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
                if scanned > MAX_ROWS * 5:
                    break
                continue
            listed += 1
            if listed > MAX_ROWS:
                raise RosterInvalid(
                    [
                        RosterError(
                            None,
                            None,
                            _("The file has more than %(n)s rows: a roster holds at most %(n)s.")
                            % {"n": num(MAX_ROWS)},
                        )
                    ]
                )
            row_errors = []
            name, position = _text(values[0]), _text(values[1])
            if name is None:
                row_errors.append(RosterError(number, "A", _("write the name as text.")))
            if position is None:
                row_errors.append(RosterError(number, "B", _("write the position as text.")))
            has_smartphone, installed = _yes_no(values[2]), _yes_no(values[3])
            for flag, letter in ((has_smartphone, "C"), (installed, "D")):
                if flag is None:
                    row_errors.append(RosterError(number, letter, _("write yes or no.")))
            installed_on = _date(values[4])
            if installed_on is False:
                row_errors.append(RosterError(number, "E", _("write the date as dd/mm/yyyy.")))
            if not row_errors:
                cleaned, problems = clean_member(
                    {
                        "name": name,
                        "position": position,
                        "has_smartphone": has_smartphone,
                        "installed": installed,
                        "installed_on": installed_on,
                    },
                    today,
                )
                for key, message in problems:
                    letter = LETTERS[[k for k, _h, _a in COLUMNS].index(key)]
                    row_errors.append(RosterError(number, letter, message))
                if not row_errors:
                    rows.append({**cleaned, "row": number})
            errors += row_errors
            if len(errors) >= MAX_ERRORS:
                break
    except RosterInvalid:
        raise
    except Exception:
        raise RosterInvalid(
            [RosterError(None, None, _("The file could not be read as an Excel workbook."))]
        ) from None
    finally:
        workbook.close()
    return rows, errors


@dataclass
class ImportResult:
    members: int
    with_smartphone: int
    installed: int


def import_roster(
    campaign: Campaign, unit: Unit, *, user, data: bytes, filename: str
) -> ImportResult:
    """Replace the unit's roster with the file's rows. A bad file changes nothing."""
    if not can_edit_roster(user, unit):
        raise PermissionDenied("unit outside the user's units")
    check_file(data, filename)
    rows, errors = read_rows(data, campaign.today())
    if errors:
        raise RosterInvalid(errors[:MAX_ERRORS])
    if not rows:
        raise RosterInvalid([RosterError(None, None, _("The file lists nobody."))])
    now = timezone.now()
    with transaction.atomic():
        before = _summary(campaign, unit)
        StaffMember.objects.filter(campaign=campaign, unit=unit).delete()
        StaffMember.objects.bulk_create(
            [StaffMember(campaign=campaign, unit=unit, updated_at=now, **row) for row in rows],
            batch_size=500,
        )
        after = _summary(campaign, unit)
        log_action(
            user,
            "roster.import",
            "roster",
            f"{campaign.slug}:{unit.code}",
            before,
            {**after, "file": (filename or "")[:200]},
        )
    return ImportResult(
        members=len(rows),
        with_smartphone=sum(r["has_smartphone"] for r in rows),
        installed=sum(r["installed"] for r in rows),
    )
