"""Accounts in bulk: ``manage.py importusers`` and the admin's "Import accounts" page."""

from __future__ import annotations

import io
import tempfile
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.utils import translation

from uptake.accounts.models import Profile
from uptake.audit.models import AuditEntry
from uptake.imports import accounts
from uptake.imports.models import AccountImport, Contact
from uptake.test import BaseTestCase

GOOD = (
    "username,full_name,role,units,email,phone\n"
    "lka.reporter,Nguyễn Văn An,reporter,870-LKA,an@example.org,0912 345 678\n"
    "ttt.office,Trần Thị Bình,coordinator,870-TTT 870-LKA,,\n"
    "leader2,Lê Văn Cường,viewer,870,,\n"
)


@override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
class ImportUsersTests(BaseTestCase):
    def setUp(self):
        super().setUp()
        self.enterContext(translation.override("en"))
        self.dir = Path(tempfile.mkdtemp())
        self.addCleanup(lambda: [p.unlink() for p in self.dir.iterdir()] and None)

    def write(self, text: str, name="users.csv") -> str:
        path = self.dir / name
        path.write_bytes(text.encode("utf-8"))
        return str(path)

    def run_command(self, *args):
        out, err = io.StringIO(), io.StringIO()
        call_command("importusers", *args, stdout=out, stderr=err)
        return out.getvalue(), err.getvalue()

    def test_it_creates_every_account_and_writes_the_slips_not_the_passwords(self):
        slips = self.dir / "slips.pdf"
        out, _err = self.run_command(self.write(GOOD), "--slips", str(slips))
        User = get_user_model()
        an = User.objects.get(username="lka.reporter")
        self.assertEqual(an.get_full_name(), "Nguyễn Văn An")
        self.assertEqual(an.email, "an@example.org")
        self.assertEqual(Profile.objects.get(user=an).role, "reporter")
        self.assertEqual(an.contact.phone, "0912 345 678")
        office = Profile.objects.get(user__username="ttt.office")
        self.assertEqual(sorted(u.code for u in office.units.all()), ["870-LKA", "870-TTT"])
        self.assertTrue(slips.read_bytes().startswith(b"%PDF"))
        self.assertEqual(oct(slips.stat().st_mode & 0o777), "0o600")
        self.assertNotIn("password", out.lower().replace("passwords are only in", ""))
        self.assertEqual(AccountImport.objects.get().created, 3)
        self.assertTrue(AuditEntry.objects.filter(action="accounts.import").exists())

    def test_each_password_works_and_is_only_in_the_slips(self):
        created = accounts.create(GOOD.encode(), filename="users.csv")
        for account in created.accounts:
            user = get_user_model().objects.get(username=account.username)
            self.assertTrue(user.check_password(account.password))
            self.assertNotEqual(user.password, account.password)
        text = created.slips_pdf()
        self.assertTrue(text.startswith(b"%PDF"))

    def test_one_bad_line_creates_nobody_and_every_error_has_its_line(self):
        bad = GOOD + "lan,Trùng Tên,reporter,870-TTT,,\n" + "x y,,boss,999,not-mail,abc\n"
        with self.assertRaises(CommandError):
            _out, err = self.run_command(self.write(bad))
        err = self.run_quiet(bad)
        self.assertIn("Line 5, username: This user already exists", err)
        self.assertIn("Line 6, username", err)
        self.assertIn("Line 6, full_name", err)
        self.assertIn("Line 6, role", err)
        self.assertIn("Line 6, units: No unit has the code 999", err)
        self.assertIn("Line 6, email", err)
        self.assertIn("Line 6, phone", err)
        self.assertFalse(get_user_model().objects.filter(username="lka.reporter").exists())
        self.assertFalse(AccountImport.objects.exists())
        self.assertFalse(Contact.objects.exists())

    def run_quiet(self, text):
        err = io.StringIO()
        try:
            call_command("importusers", self.write(text), stdout=io.StringIO(), stderr=err)
        except CommandError:
            pass
        return err.getvalue()

    def test_a_dry_run_checks_and_creates_nothing(self):
        out, _err = self.run_command(self.write(GOOD), "--dry-run")
        self.assertIn("would create lka.reporter", out)
        self.assertFalse(get_user_model().objects.filter(username="lka.reporter").exists())

    def test_a_wrong_header_or_encoding_is_refused(self):
        err = self.run_quiet("user,name\nx,y\n")
        self.assertIn("The first line must be", err)
        path = self.dir / "latin.csv"
        path.write_bytes(GOOD.encode("utf-16"))
        with self.assertRaises(CommandError):
            call_command("importusers", str(path), stdout=io.StringIO(), stderr=io.StringIO())
        with self.assertRaises(CommandError):
            call_command("importusers", str(self.dir / "none.csv"), stdout=io.StringIO())

    def test_the_same_line_twice_is_refused(self):
        err = self.run_quiet(GOOD + "leader2,Lê Văn Cường,viewer,870,,\n")
        self.assertIn("Line 5, username: Already on line 4", err)


@override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
class ImportUsersAdminTests(BaseTestCase):
    URL = "/admin/imports/accountimport/add/"

    def test_an_admin_checks_then_creates_and_gets_the_slips_once(self):
        self.login(self.root)
        response = self.client.post(self.URL, {"file": SimpleUploadedFile("u.csv", GOOD.encode())})
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "lka.reporter")
        self.assertFalse(get_user_model().objects.filter(username="lka.reporter").exists())
        response = self.client.post(
            self.URL, {"file": SimpleUploadedFile("u.csv", GOOD.encode()), "create": "on"}
        )
        self.assertEqual(response["Content-Type"], "application/pdf")
        self.assertIn("no-store", response["Cache-Control"])
        self.assertTrue(response.content.startswith(b"%PDF"))
        self.assertTrue(get_user_model().objects.filter(username="lka.reporter").exists())
        self.assertEqual(AccountImport.objects.get().by, self.root)

    def test_errors_are_listed_and_nobody_is_created(self):
        self.login(self.root)
        bad = GOOD + "x,,reporter,870-TTT,,\n"
        response = self.client.post(
            self.URL, {"file": SimpleUploadedFile("u.csv", bad.encode()), "create": "on"}
        )
        self.assertContains(response, "full_name")
        self.assertEqual(get_user_model().objects.filter(username="lka.reporter").count(), 0)

    def test_others_may_not_open_it(self):
        self.login(self.minh)
        self.assertIn(self.client.get(self.URL).status_code, (302, 403))
        self.client.logout()
        self.assertEqual(self.client.get(self.URL).status_code, 302)
