"""``manage.py backup FILE`` and ``manage.py restore FILE``: a whole, checked copy.

A backup restored into an empty database finds every unit, report, revision, visit and audit
entry; a damaged or truncated file is refused before anything is touched; a database that
holds data is refused unless --force; a backup taken while reports keep arriving is
consistent (each report with exactly its revisions and audit entries at one moment).
"""

from __future__ import annotations

import gzip
import io
import json
import os
import tempfile
import threading
from datetime import timedelta
from unittest import mock

from django.core.management import CommandError, call_command
from django.db import connection

from uptake.api.models import IdempotencyKey
from uptake.audit.models import AuditEntry
from uptake.documents.actions import make_draft
from uptake.fieldwork.models import Team, Visit
from uptake.fieldwork.tests.base import FieldworkTestCase
from uptake.ops import backup
from uptake.ops.backup import BackupError, models_in_order, read_backup, restore_backup
from uptake.quality.models import StaffMember
from uptake.quality.roster import import_roster
from uptake.quality.tests.helpers import GOOD_ROWS, xlsx
from uptake.reports.actions import submit_report
from uptake.reports.models import Report, Revision
from uptake.reports.tests.threads import ThreadedTestCase
from uptake.test import TODAY, figures
from uptake.units.models import Unit

KEPT = (Unit, Report, Revision, AuditEntry, Visit, Team, StaffMember)


def rows(model) -> list[tuple]:
    """Every row of ``model`` as plain values, in primary-key order."""
    return [tuple(sorted(r.items())) for r in model.objects.order_by("pk").values()]


def objects_in(path) -> list[dict]:
    with gzip.open(path, "rt", encoding="utf-8") as f:
        lines = [json.loads(line) for line in f]
    return lines[1:-1]


class BackupRestoreTestCase(FieldworkTestCase):
    def setUp(self):
        super().setUp()
        yesterday = TODAY - timedelta(days=1)
        self.submit("870-TTT", yesterday, figures=figures((41, 30), (5200, 2000)))
        self.submit("870-TTT", yesterday, figures=figures((41, 31), (5200, 2000)), note="sửa")
        self.submit("870-TTT", user=self.lan, note='Ghi chú "có dấu" 🙂')
        self.submit("870-VHTT")
        self.record()
        self.record(
            household="Số 14", outcome="nobody_home", smartphones=0, already_had=0, installed_now=0
        )
        import_roster(
            self.campaign, self.town, user=self.lan, data=xlsx(GOOD_ROWS), filename="r.xlsx"
        )
        make_draft(self.campaign, TODAY, self.root)
        IdempotencyKey.objects.create(
            user=self.lan,
            key="k",
            request_hash="0" * 64,
            method="POST",
            path="/api/v1/reports",
            response_status=201,
            response_body="{}",
        )
        handle, self.path = tempfile.mkstemp(suffix=".json.gz")
        os.close(handle)
        self.addCleanup(os.remove, self.path)

    def empty_the_database(self) -> None:
        """What a newly migrated database holds: content types and permissions only."""
        models = [m for m in models_in_order() if m._meta.label_lower not in backup.MADE_BY_MIGRATE]
        backup._wipe(models)
        self.assertEqual(backup.holds_data(), [])

    def test_a_backup_restored_into_an_empty_database_finds_everything(self):
        before = {model: rows(model) for model in KEPT}
        self.assertTrue(all(before.values()))
        out = io.StringIO()
        call_command("backup", self.path, stdout=out)
        self.assertIn("written to", out.getvalue())

        self.empty_the_database()
        self.assertEqual(Report.objects.count(), 0)
        out = io.StringIO()
        call_command("restore", self.path, stdout=out)
        self.assertIn("Restored", out.getvalue())

        for model, kept in before.items():
            self.assertEqual(rows(model), kept, model.__name__)
        report = Report.objects.get(unit__code="870-TTT", date=TODAY)
        self.assertEqual(report.note, 'Ghi chú "có dấu" 🙂')
        self.assertEqual(report.revisions.get().submitted_by, self.lan)
        self.assertEqual(list(self.team.members.all()), [self.mai])
        self.assertEqual(list(self.team.hamlets.all()), [self.k1])
        self.assertEqual(Visit.objects.filter(outcome="nobody_home").count(), 1)
        self.assertEqual(IdempotencyKey.objects.get().key, "k")
        # The personas log in with their own passwords again.
        self.assertTrue(self.client.login(username="lan", password="s3cret-Passw0rd!"))

    def test_new_rows_follow_the_restored_ones(self):
        write_and_restore = restore_backup
        backup.write_backup(self.path)
        highest = Revision.objects.order_by("-pk").first().pk
        self.empty_the_database()
        write_and_restore(self.path)
        self.submit("870-LKA")
        self.assertGreater(Revision.objects.order_by("-pk").first().pk, highest)

    def test_the_header_says_what_and_when(self):
        backup.write_backup(self.path)
        header = read_backup(self.path)
        self.assertEqual((header["format"], header["version"]), ("uptake-backup", 1))
        self.assertEqual(header["vendor"], connection.vendor)
        self.assertTrue(header["created_at"].startswith("2020-08-17T03:00:00"))
        self.assertEqual(header["counts"]["reports.report"], Report.objects.count())
        self.assertEqual(header["counts"]["fieldwork.visit"], 2)
        self.assertNotIn("sessions.session", header["counts"])
        self.assertIn("reports.0001_initial", header["migrations"])
        self.assertEqual(header["objects"], len(objects_in(self.path)))

    def test_a_database_that_holds_data_is_refused_unless_forced(self):
        backup.write_backup(self.path)
        self.submit("870-LKA")
        with self.assertRaises(CommandError) as caught:
            call_command("restore", self.path)
        self.assertIn("not empty", str(caught.exception))
        self.assertIn("--force", str(caught.exception))
        self.assertTrue(Report.objects.filter(unit__code="870-LKA").exists())

        call_command("restore", self.path, "--force", stdout=io.StringIO())
        self.assertFalse(Report.objects.filter(unit__code="870-LKA").exists())
        self.assertEqual(Report.objects.count(), read_backup(self.path)["counts"]["reports.report"])

    def rewrite(self, change) -> None:
        with gzip.open(self.path, "rb") as f:
            lines = f.readlines()
        with gzip.open(self.path, "wb") as f:
            f.writelines(change(lines))

    def assert_refused(self, message: str) -> None:
        before = rows(Report)
        with self.assertRaises(BackupError) as caught:
            restore_backup(self.path, force=True)
        self.assertIn(message, str(caught.exception))
        self.assertEqual(rows(Report), before)

    def test_an_edited_backup_fails_its_checksum(self):
        backup.write_backup(self.path)
        self.rewrite(
            lambda lines: [
                lines[0],
                *[ln.replace(b"5200", b"5300") for ln in lines[1:-1]],
                lines[-1],
            ]
        )
        self.assert_refused("checksum does not match")

    def test_a_backup_cut_short_is_refused(self):
        backup.write_backup(self.path)
        self.rewrite(lambda lines: lines[:-5])
        self.assert_refused("its end is missing")
        with open(self.path, "rb") as f:
            data = f.read()
        with open(self.path, "wb") as f:
            f.write(data[: len(data) // 2])
        self.assert_refused("not a complete uptake backup")

    def test_a_file_that_is_no_backup_is_refused(self):
        with open(self.path, "wb") as f:
            f.write(b"not gzip at all")
        self.assert_refused("not a complete uptake backup")
        with gzip.open(self.path, "wb") as f:
            f.write(b'{"format": "something-else"}\n')
        self.assert_refused("is not an uptake backup")

    def test_a_backup_of_another_schema_is_refused(self):
        backup.write_backup(self.path)

        def older(lines):
            header = json.loads(lines[0])
            header["migrations"].remove("reports.0001_initial")
            return [json.dumps(header).encode() + b"\n", *lines[1:]]

        self.rewrite(older)
        with mock.patch.object(
            backup, "read_backup", side_effect=lambda p: json.loads(gzip.open(p).readline())
        ):
            self.assert_refused("another version of the database")

    def test_a_failed_load_changes_nothing(self):
        backup.write_backup(self.path)
        self.submit("870-LKA")
        before = rows(Report)
        with mock.patch.object(backup, "_save", side_effect=RuntimeError("disk full")):
            with self.assertRaises(RuntimeError):
                restore_backup(self.path, force=True)
        self.assertEqual(rows(Report), before)

    def test_a_failed_backup_leaves_no_file_behind(self):
        folder = tempfile.mkdtemp()
        self.addCleanup(os.rmdir, folder)
        target = os.path.join(folder, "uptake.json.gz")
        with mock.patch.object(backup, "_line", side_effect=RuntimeError("disk full")):
            with self.assertRaises(RuntimeError):
                backup.write_backup(target)
        self.assertEqual(os.listdir(folder), [])

    def test_an_unknown_folder_is_a_clear_error(self):
        with self.assertRaises(CommandError) as caught:
            call_command("backup", "/nonexistent/folder/b.json.gz")
        self.assertIn("No such folder", str(caught.exception))
        with self.assertRaises(CommandError) as caught:
            call_command("restore", "/nonexistent/folder/b.json.gz")
        self.assertIn("No such file", str(caught.exception))


class BackupWhileSubmittingTestCase(ThreadedTestCase):
    """Reports keep arriving while the backup reads: it holds one moment of the database."""

    def test_a_backup_taken_during_a_burst_of_submissions_is_consistent(self):
        handle, path = tempfile.mkstemp(suffix=".json.gz")
        os.close(handle)
        self.addCleanup(os.remove, path)
        done = threading.Event()
        submitted = threading.Semaphore(0)
        units = [self.unit(code) for code in ("870-TTT", "870-LKA")]

        def keep_submitting():
            n = 0
            while not done.is_set() and n < 200:
                unit = units[n % 2]
                submit_report(
                    campaign=self.campaign,
                    unit=unit,
                    day=TODAY - timedelta(days=n % 3),
                    figures=figures((41, 39), (5200, 2950 + n)),
                    note=f"lần {n}",
                    user=self.minh,
                )
                n += 1
                submitted.release()
            return n

        objects = backup._objects

        def slow_objects(model):
            # Halfway through the backup, let ten more submissions commit.
            if model is Revision:
                for _ in range(10):
                    self.assertTrue(submitted.acquire(timeout=30))
            yield from objects(model)

        def take_backup():
            for _ in range(3):  # some reports exist before the snapshot
                self.assertTrue(submitted.acquire(timeout=30))
            try:
                with mock.patch.object(backup, "_objects", side_effect=slow_objects):
                    return backup.write_backup(path)
            finally:
                done.set()

        sent, summary = self.together(keep_submitting, take_backup)
        self.assertGreater(Revision.objects.count(), summary.counts["reports.revision"])

        by_model: dict[str, list[dict]] = {}
        for obj in objects_in(path):
            by_model.setdefault(obj["model"], []).append(obj)
        reports = {o["pk"]: o["fields"] for o in by_model["reports.report"]}
        revisions: dict[int, list[int]] = {}
        for o in by_model["reports.revision"]:
            revisions.setdefault(o["fields"]["report"], []).append(o["fields"]["number"])
        self.assertEqual(set(revisions), set(reports), "a revision without its report")
        for pk, fields in reports.items():
            self.assertEqual(sorted(revisions[pk]), list(range(1, fields["revision"] + 1)))
        audited = [
            o for o in by_model["audit.auditentry"] if o["fields"]["object_type"] == "report"
        ]
        self.assertEqual(len(audited), len(by_model["reports.revision"]))
        self.assertEqual(read_backup(path)["objects"], summary.objects)
