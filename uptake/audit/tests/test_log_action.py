"""uptake.audit: one module writes every audit entry, with one function (#14)."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import time_machine
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import SimpleTestCase, TestCase

from uptake.audit.models import AuditEntry, audit_entry, log_action

NOW = datetime(2020, 8, 17, 9, 30, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))

# Writing an entry anywhere but in uptake/audit: the ORM's ways, or SQL naming its table.
WRITES = re.compile(
    r"AuditEntry\s*\("
    r"|AuditEntry\.objects\.(create|bulk_create|get_or_create|update_or_create)\b"
    r"|INSERT\s+INTO\s+\W?reports_auditentry",
    re.IGNORECASE,
)


class LogActionTestCase(TestCase):
    def setUp(self):
        self.lan = get_user_model().objects.create_user("lan")

    @time_machine.travel(NOW, tick=False)
    def test_it_writes_the_entry_and_returns_it(self):
        entry = log_action(self.lan, "flag.dismiss", "flag", 12, {"a": 1}, {"a": 2})
        stored = AuditEntry.objects.get()
        self.assertEqual(stored.pk, entry.pk)
        self.assertEqual(
            (stored.at, stored.actor, stored.action, stored.object_type, stored.object_id),
            (NOW, self.lan, "flag.dismiss", "flag", "12"),
        )
        self.assertEqual((stored.before, stored.after), ({"a": 1}, {"a": 2}))

    def test_the_system_acts_with_no_actor_at_the_time_it_is_given(self):
        log_action(None, "visits.purge", "campaign", "bluezone-2020", after={"visits": 3}, at=NOW)
        stored = AuditEntry.objects.get()
        self.assertIsNone(stored.actor)
        self.assertEqual((stored.at, stored.object_id, stored.before), (NOW, "bluezone-2020", None))

    def test_an_entry_is_built_without_being_stored(self):
        entry = audit_entry(self.lan, "report.submit", "report", None, after={"x": 1}, at=NOW)
        self.assertIsNone(entry.pk)
        self.assertEqual(entry.object_id, "")  # the writer sets the new row's key
        self.assertFalse(AuditEntry.objects.exists())

    def test_the_trail_keeps_its_table_from_reports(self):
        self.assertEqual(AuditEntry._meta.db_table, "reports_auditentry")
        self.assertEqual(AuditEntry._meta.app_label, "audit")


class OneWriterTestCase(SimpleTestCase):
    def test_only_uptake_audit_writes_audit_entries(self):
        root = Path(settings.BASE_DIR)
        audit = root / "uptake" / "audit"
        found = []
        for folder in ("uptake", "bench"):
            for path in sorted((root / folder).rglob("*.py")):
                if audit in path.parents or "tests" in path.parts or "migrations" in path.parts:
                    continue
                for number, line in enumerate(path.read_text().splitlines(), 1):
                    if WRITES.search(line):
                        found.append(f"{path.relative_to(root)}:{number}: {line.strip()}")
        self.assertEqual(found, [], "write audit entries with uptake.audit.models.log_action")

    def test_the_scan_sees_a_write(self):
        self.assertTrue(WRITES.search('AuditEntry.objects.create(at=now, action="x")'))
        self.assertTrue(WRITES.search("AuditEntry.objects.bulk_create(entries)"))
        self.assertTrue(WRITES.search("audit = AuditEntry(at=now)"))
        self.assertTrue(WRITES.search('INSERT INTO "reports_auditentry" (at) VALUES (%s)'))
        self.assertFalse(WRITES.search('AuditEntry.objects.filter(action="x").count()'))
