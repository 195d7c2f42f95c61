"""uptake.lib.rawrows: hand-written reads and writes that give what the ORM gives (#7)."""

from __future__ import annotations

from datetime import date, timedelta

from django.db import IntegrityError, transaction

from uptake.audit.models import AuditEntry
from uptake.lib import rawrows
from uptake.reports.models import Report, Revision
from uptake.test import NOW, TODAY, BaseTestCase, figures

REPORT = rawrows.Columns(Report, "r")


def report_sql(where: str) -> str:
    return f"SELECT {REPORT.sql} FROM {Report._meta.db_table} r WHERE {where}"


class ColumnsTestCase(BaseTestCase):
    def test_a_row_reads_back_as_the_orm_reads_it(self):
        stored = self.submit("870-TTT", user=self.lan, note="ghi chú")
        [[read]] = rawrows.select(report_sql("r.id = %s"), [stored.pk], REPORT)
        orm = Report.objects.get(pk=stored.pk)
        for field in Report._meta.concrete_fields:
            with self.subTest(field.name):
                self.assertEqual(getattr(read, field.attname), getattr(orm, field.attname))
        self.assertEqual(read.first_submitted_at, NOW)  # aware, on SQLite too
        self.assertEqual(read.date, TODAY)  # a date, not text
        self.assertEqual(read.figures, figures())  # a dict, not JSON text
        self.assertFalse(read._state.adding)

    def test_a_row_a_left_join_missed_is_none_and_other_values_follow(self):
        unit = self.unit("870-TTT")
        sql = (
            f"SELECT {REPORT.sql}, u.code FROM units_unit u"
            f" LEFT OUTER JOIN {Report._meta.db_table} r ON r.unit_id = u.id WHERE u.id = %s"
        )
        self.assertEqual(rawrows.select(sql, [unit.pk], REPORT), [[None, "870-TTT"]])

    def test_fields_not_selected_are_loaded_when_asked_for(self):
        stored = self.submit("870-TTT", user=self.lan)
        some = rawrows.Columns(Report, "r", ["id", "date"])
        [[read]] = rawrows.select(f"SELECT {some.sql} FROM {Report._meta.db_table} r", [], some)
        self.assertEqual(
            read.get_deferred_fields(), {f.attname for f in REPORT.fields} - {"id", "date"}
        )
        with self.assertNumQueries(1):
            self.assertEqual(read.note, stored.note)


class WriteTestCase(BaseTestCase):
    def report(self, day: date = TODAY, **fields) -> Report:
        values = {
            "campaign": self.campaign,
            "unit": self.unit("870-TTT"),
            "date": day,
            "status": "on_time",
            "first_submitted_at": NOW,
            "revision": 1,
            "submitted_at": NOW,
            "figures": figures(),
            "activities": {"broadcasts": 2},
            "note": "",
            **fields,
        }
        return Report(**values)

    def children(self, report: Report) -> list[tuple]:
        revision = Revision(
            report=report, number=1, figures=figures(), submitted_by=self.lan, submitted_at=NOW
        )
        audit = AuditEntry(
            at=NOW, actor=self.lan, action="report.submit", object_type="report", after={"x": 1}
        )
        return [(revision, "report"), (audit, "object_id")]

    def test_insert_writes_what_create_would_and_sets_the_key(self):
        report = self.report(note="mới")
        rawrows.insert(report)
        self.assertIsNotNone(report.pk)
        self.assertFalse(report._state.adding)
        stored = Report.objects.get()
        self.assertEqual(stored.pk, report.pk)
        self.assertEqual(
            (stored.figures, stored.activities, stored.note), (figures(), {"broadcasts": 2}, "mới")
        )
        self.assertEqual(stored.first_submitted_at, NOW)

    def test_update_writes_only_the_fields_named(self):
        report = self.report()
        rawrows.insert(report)
        Report.objects.filter(pk=report.pk).update(note="kept")
        report.revision, report.submitted_at = 2, NOW + timedelta(hours=1)
        rawrows.update(report, "revision", "submitted_at")
        stored = Report.objects.get()
        self.assertEqual((stored.revision, stored.submitted_at), (2, NOW + timedelta(hours=1)))
        self.assertEqual(stored.note, "kept")

    def test_a_family_is_inserted_together_with_its_links(self):
        report = self.report()
        children = self.children(report)
        self.assertTrue(
            rawrows.insert_family(report, children, unique=("campaign", "unit", "date"))
        )
        stored = Report.objects.get()
        self.assertEqual(report.pk, stored.pk)
        self.assertEqual(Revision.objects.get().report_id, stored.pk)
        self.assertEqual(AuditEntry.objects.get().object_id, str(stored.pk))
        self.assertEqual(children[1][0].object_id, str(stored.pk))
        self.assertEqual(Revision.objects.get().figures, figures())

    def test_on_the_unique_key_of_an_existing_row_nothing_is_written(self):
        rawrows.insert(self.report(note="first"))
        second = self.report(note="second")
        inserted = rawrows.insert_family(
            second, self.children(second), unique=("campaign", "unit", "date")
        )
        self.assertFalse(inserted)
        self.assertIsNone(second.pk)
        self.assertEqual(list(Report.objects.values_list("note", flat=True)), ["first"])
        self.assertEqual((Revision.objects.count(), AuditEntry.objects.count()), (0, 0))
        # Another day is another key.
        third = self.report(day=TODAY - timedelta(days=1))
        self.assertTrue(
            rawrows.insert_family(third, self.children(third), unique=("campaign", "unit", "date"))
        )

    def test_any_other_error_is_raised_and_nothing_is_written(self):
        broken = self.report(status=None)  # NOT NULL: not the conflict it may ignore
        with self.assertRaises(IntegrityError), transaction.atomic():
            rawrows.insert_family(
                broken, self.children(broken), unique=("campaign", "unit", "date")
            )
        report = self.report()
        children = self.children(report)
        children[0][0].number = None  # the child's error: its parent is not kept either
        with self.assertRaises(IntegrityError), transaction.atomic():
            rawrows.insert_family(report, children, unique=("campaign", "unit", "date"))
        self.assertEqual((Report.objects.count(), Revision.objects.count()), (0, 0))
