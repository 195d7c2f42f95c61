"""manage.py adduser USERNAME [--role ROLE] [--unit CODE ...] [--add-unit CODE ...]
[--password PASSWORD]."""

from __future__ import annotations

from io import StringIO

from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from uptake.accounts.models import Profile
from uptake.test import PASSWORD, BaseTestCase

User = get_user_model()


class AddUserTestCase(BaseTestCase):
    def run_command(self, *args) -> list[str]:
        out = StringIO()
        call_command("adduser", *args, stdout=out)
        return out.getvalue().splitlines()

    def test_it_creates_a_reporter_of_a_unit(self):
        lines = self.run_command(
            "thu",
            "--role",
            "reporter",
            "--unit",
            "870-LKA",
            "--password",
            PASSWORD,
            "--email",
            "thu@example.org",
        )
        self.assertEqual(lines, ["created thu: reporter of 870-LKA"])
        user = User.objects.get(username="thu")
        self.assertTrue(user.check_password(PASSWORD))
        self.assertEqual(user.email, "thu@example.org")
        self.assertFalse(user.is_staff)
        self.assertFalse(user.is_superuser)
        self.assertEqual(user.profile.role, "reporter")
        self.assertEqual([u.code for u in user.profile.units.all()], ["870-LKA"])
        self.assertTrue(user.profile.can_submit(self.unit("870-LKA")))
        self.assertFalse(user.profile.can_read(self.unit("870-TTT")))

    def test_it_prints_a_generated_password_that_works(self):
        lines = self.run_command("thu", "--role", "viewer", "--unit", "870", "--unit", "869")
        self.assertEqual(lines[0], "created thu: viewer of 870, 869")
        self.assertEqual(len(lines), 2)
        self.assertTrue(lines[1].startswith("password: "))
        password = lines[1].removeprefix("password: ")
        self.assertGreaterEqual(len(password), 12)
        self.assertTrue(User.objects.get(username="thu").check_password(password))
        self.assertTrue(self.client.login(username="thu", password=password))

    def test_it_creates_an_admin_without_units(self):
        lines = self.run_command("quan", "--role", "admin", "--password", PASSWORD)
        self.assertEqual(lines, ["created quan: admin of all units"])
        user = User.objects.get(username="quan")
        self.assertTrue(user.is_staff)
        self.assertTrue(user.is_superuser)
        self.assertTrue(user.profile.is_admin)

    def test_it_updates_an_existing_user_in_place(self):
        lines = self.run_command("lan", "--role", "coordinator", "--unit", "870", "--unit", "870")
        self.assertEqual(
            lines,
            [
                "updated lan: coordinator of 870",
                "role changed: reporter → coordinator",
                "units added: 870",
                "units removed: 870-TTT",
            ],
        )
        self.assertEqual(User.objects.filter(username="lan").count(), 1)
        self.assertEqual(Profile.objects.filter(user__username="lan").count(), 1)
        lan = User.objects.get(username="lan")
        self.assertEqual(lan.profile.role, "coordinator")
        self.assertEqual([u.code for u in lan.profile.units.all()], ["870"])
        # No password given: the old one still works and none is printed.
        self.assertTrue(lan.check_password(PASSWORD))

    def test_it_changes_the_password_when_given(self):
        self.run_command(
            "lan", "--role", "reporter", "--unit", "870-TTT", "--password", "an0ther-Secret!"
        )
        self.assertTrue(User.objects.get(username="lan").check_password("an0ther-Secret!"))

    def test_an_admin_made_a_viewer_loses_the_admin(self):
        self.run_command("root", "--role", "viewer", "--unit", "870")
        root = User.objects.get(username="root")
        self.assertFalse(root.is_superuser)
        self.assertFalse(root.is_staff)
        self.assertFalse(root.profile.is_admin)

    def test_it_gives_a_profile_to_a_user_without_one(self):
        User.objects.create_user("bare")
        self.run_command("bare", "--role", "viewer", "--unit", "870")
        self.assertEqual(User.objects.get(username="bare").profile.role, "viewer")

    def test_an_unknown_unit_is_refused(self):
        users = User.objects.count()
        with self.assertRaisesMessage(CommandError, "unknown unit code(s): 870-XYZ, 999"):
            self.run_command(
                "thu",
                "--role",
                "reporter",
                "--unit",
                "999",
                "--unit",
                "870-XYZ",
                "--unit",
                "870-TTT",
            )
        self.assertEqual(User.objects.count(), users)

    def test_a_role_that_needs_a_unit_is_refused_without_one(self):
        for role in ("reporter", "coordinator", "viewer"):
            with self.subTest(role=role):
                with self.assertRaisesMessage(CommandError, f"a {role} needs at least one --unit"):
                    self.run_command("thu", "--role", role, "--password", PASSWORD)
        self.assertFalse(User.objects.filter(username="thu").exists())

    def test_an_unknown_role_is_refused(self):
        with self.assertRaises(CommandError):
            self.run_command("thu", "--role", "boss", "--unit", "870")
        self.assertFalse(User.objects.filter(username="thu").exists())

    def test_a_weak_password_is_refused(self):
        with self.assertRaisesMessage(CommandError, "password: "):
            self.run_command("thu", "--role", "viewer", "--unit", "870", "--password", "123")
        self.assertFalse(User.objects.filter(username="thu").exists())
        with self.assertRaises(CommandError):
            self.run_command(
                "lan", "--role", "reporter", "--unit", "870-TTT", "--password", "password"
            )
        self.assertTrue(User.objects.get(username="lan").check_password(PASSWORD))

    def test_add_unit_adds_to_the_units_the_user_had(self):
        lines = self.run_command("lan", "--add-unit", "870-LKA", "--add-unit", "870-TTT")
        self.assertEqual(
            lines, ["updated lan: reporter of 870-TTT, 870-LKA", "units added: 870-LKA"]
        )
        lan = User.objects.get(username="lan")
        self.assertEqual(sorted(u.code for u in lan.profile.units.all()), ["870-LKA", "870-TTT"])
        self.assertEqual(lan.profile.role, "reporter")
        self.assertTrue(lan.check_password(PASSWORD))

    def test_unit_still_replaces_the_units_and_says_which_went(self):
        self.run_command("lan", "--add-unit", "870-LKA")
        lines = self.run_command("lan", "--role", "reporter", "--unit", "870-NV")
        self.assertEqual(
            lines,
            [
                "updated lan: reporter of 870-NV",
                "units added: 870-NV",
                "units removed: 870-LKA, 870-TTT",
            ],
        )
        self.assertEqual(
            [u.code for u in User.objects.get(username="lan").profile.units.all()], ["870-NV"]
        )

    def test_unit_and_add_unit_together_give_both(self):
        lines = self.run_command("lan", "--unit", "870-NV", "--add-unit", "870-LKA")
        self.assertEqual(lines[0], "updated lan: reporter of 870-NV, 870-LKA")
        self.assertIn("units removed: 870-TTT", lines)

    def test_it_says_when_nothing_changed(self):
        lines = self.run_command("lan", "--role", "reporter", "--unit", "870-TTT")
        self.assertEqual(lines, ["updated lan: reporter of 870-TTT", "role and units unchanged"])

    def test_a_new_user_needs_a_role(self):
        with self.assertRaisesMessage(CommandError, "--role is required for a new user"):
            self.run_command("thu", "--add-unit", "870-LKA", "--password", PASSWORD)
        self.assertFalse(User.objects.filter(username="thu").exists())

    def test_an_unknown_added_unit_is_refused_and_nothing_changes(self):
        with self.assertRaisesMessage(CommandError, "unknown unit code(s): 999"):
            self.run_command("lan", "--add-unit", "999")
        self.assertEqual(
            [u.code for u in User.objects.get(username="lan").profile.units.all()], ["870-TTT"]
        )
