"""Accounts in bulk: a UTF-8 CSV ``username,full_name,role,units,email,phone`` (units separated
by spaces; e-mail and phone may be empty), checked whole and created all or nothing, with a
generated password each, delivered once as a printable PDF of one slip per person (name,
units, user name, password, the site's address as text and QR). The passwords are kept nowhere
else: only their hashes are stored. ``manage.py importusers`` and Django's admin share this.
"""

from __future__ import annotations

import csv
import io
import re
import secrets
import unicodedata
from dataclasses import dataclass, field

import segno
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from uptake.accounts.models import Profile, Role
from uptake.audit.models import log_action
from uptake.imports.models import AccountImport, Contact
from uptake.units.models import Unit

HEADER = ["username", "full_name", "role", "units", "email", "phone"]
MAX_BYTES = 1024 * 1024
MAX_LINES = 5000
PHONE = re.compile(r"^\+?[0-9][0-9 .\-]{6,18}[0-9]$")
# No 0/O, 1/l/I: a password read from paper and typed on a phone.
ALPHABET = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"


@dataclass
class LineError:
    line: int | None
    field: str
    message: str

    def __str__(self) -> str:
        if self.line:
            return _("Line %(line)s, %(field)s: %(message)s") % {
                "line": self.line,
                "field": self.field,
                "message": self.message,
            }
        return self.message


class AccountsInvalid(Exception):
    def __init__(self, errors: list[LineError]):
        super().__init__("\n".join(str(e) for e in errors))
        self.errors = errors


@dataclass
class Account:
    line: int
    username: str
    full_name: str
    role: str
    units: list[Unit] = field(default_factory=list)
    email: str = ""
    phone: str = ""
    password: str = ""


@dataclass
class Created:
    accounts: list[Account]
    batch: AccountImport | None

    def slips_pdf(self) -> bytes:
        return slips_pdf(self.accounts)


def new_password(length: int = 12) -> str:
    while True:
        password = "".join(secrets.choice(ALPHABET) for _i in range(length))
        if re.search(r"\d", password) and re.search(r"[a-z]", password):
            return password


def read(data: bytes) -> list[Account]:
    """Every line checked; ``AccountsInvalid`` with every error by line."""
    if len(data) > MAX_BYTES:
        raise AccountsInvalid([LineError(None, "file", _("The file is larger than 1 MB."))])
    try:
        text = unicodedata.normalize("NFC", data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise AccountsInvalid(
            [LineError(None, "file", _('The file is not UTF-8 text: save it as "CSV UTF-8".'))]
        ) from None
    rows = list(csv.reader(io.StringIO(text, newline="")))
    if not rows or [h.strip().lower() for h in rows[0]] != HEADER:
        raise AccountsInvalid(
            [LineError(1, "header", _("The first line must be: %(h)s") % {"h": ",".join(HEADER)})]
        )
    if len(rows) > MAX_LINES + 1:
        raise AccountsInvalid(
            [LineError(None, "file", _("More than %(n)s lines.") % {"n": MAX_LINES})]
        )
    codes = {c for row in rows[1:] if len(row) > 3 for c in row[3].split()}
    units = {u.code: u for u in Unit.objects.filter(code__in=codes)}
    User = get_user_model()
    names = [row[0].strip() for row in rows[1:] if row]
    taken = set(User.objects.filter(username__in=names).values_list("username", flat=True))
    errors, accounts, seen = [], [], {}
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(HEADER):
            errors.append(
                LineError(number, "line", _("%(n)s fields instead of 6.") % {"n": len(row)})
            )
            continue
        username, full_name, role, codes_text, email, phone = (c.strip() for c in row)
        full_name = " ".join(full_name.split())

        def bad(name: str, message: str, number=number) -> None:
            errors.append(LineError(number, name, message))

        try:
            UnicodeUsernameValidator()(username)
        except ValidationError:
            bad("username", _("Letters, digits and @ . + - _ only."))
        if not username or len(username) > 150:
            bad("username", _("Between 1 and 150 characters."))
        elif username in taken:
            bad("username", _("This user already exists: change it with manage.py adduser."))
        elif username in seen:
            bad("username", _("Already on line %(n)s.") % {"n": seen[username]})
        seen.setdefault(username, number)
        if not full_name or len(full_name) > 150:
            bad("full_name", _("Give the person's full name (at most 150 characters)."))
        if role not in Role.values:
            bad("role", _("One of %(roles)s.") % {"roles": ", ".join(Role.values)})
        found = []
        for code in codes_text.split():
            if code not in units:
                bad("units", _("No unit has the code %(code)s.") % {"code": code})
            else:
                found.append(units[code])
        if role in Role.values and role != Role.ADMIN and not codes_text.split():
            bad("units", _("A %(role)s needs at least one unit.") % {"role": role})
        if email:
            try:
                validate_email(email)
            except ValidationError:
                bad("email", _("Not an e-mail address."))
        if phone and not PHONE.match(phone):
            bad("phone", _("Not a phone number."))
        accounts.append(Account(number, username, full_name, role, found, email, phone))
    if errors:
        raise AccountsInvalid(errors)
    if not accounts:
        raise AccountsInvalid([LineError(None, "file", _("The file lists nobody."))])
    return accounts


def create(data: bytes, *, filename: str = "", by=None, dry_run: bool = False) -> Created:
    """Create every account of the file, or none. Passwords are generated here, returned in
    ``Created.accounts`` for the slips, and never stored in clear."""
    accounts = read(data)
    User = get_user_model()
    for account in accounts:
        account.password = new_password()
        probe = User(username=account.username, first_name=account.full_name, email=account.email)
        try:
            validate_password(account.password, probe)
        except ValidationError:  # pragma: no cover - 12 random characters pass the validators
            account.password = new_password(16)
    if dry_run:
        return Created(accounts, None)
    now = timezone.now()
    with transaction.atomic():
        batch = AccountImport.objects.create(
            at=now,
            by=by,
            filename=(filename or "")[:200],
            created=len(accounts),
            usernames=" ".join(a.username for a in accounts),
        )
        for account in accounts:
            admin = account.role == Role.ADMIN
            user = User(
                username=account.username,
                first_name=account.full_name,
                email=account.email,
                is_staff=admin,
                is_superuser=admin,
            )
            user.set_password(account.password)
            user.save()
            profile = Profile.objects.create(user=user, role=account.role)
            profile.units.set(account.units)
            Contact.objects.create(user=user, phone=account.phone, batch=batch)
        log_action(
            by,
            "accounts.import",
            "account_import",
            batch.pk,
            at=now,
            after={
                "file": batch.filename,
                "accounts": [
                    {"username": a.username, "role": a.role, "units": [u.code for u in a.units]}
                    for a in accounts
                ],
            },
        )
    return Created(accounts, batch)


def site_url() -> str:
    return getattr(settings, "SITE_URL", "") or "http://127.0.0.1:8000"


def slips_pdf(accounts: list[Account]) -> bytes:
    from weasyprint import HTML  # heavy: loaded only when slips are printed

    url = site_url()
    qr = segno.make(url, error="m").svg_data_uri(scale=4, border=1)
    html = render_to_string("imports/slips.html", {"accounts": accounts, "site_url": url, "qr": qr})
    return HTML(string=html).write_pdf()
