"""Two submissions for one unit and day at the same instant: both kept, in order, none lost.

The threads commit for real (uptake.reports.tests.threads), each through its own connection.
On PostgreSQL both first find no report and both try to create it: the unique constraint lets
one in; the other waits for it, inserts nothing (ON CONFLICT DO NOTHING), then locks the report
and becomes its revision 2. On SQLite the write lock queues the second writer, whose insert
then breaks the unique constraint and is rolled back: it too becomes revision 2.
"""

from __future__ import annotations

import threading
from unittest import mock

from django.db import connection

from uptake.audit.models import AuditEntry
from uptake.reports import actions
from uptake.reports.actions import submit_report
from uptake.reports.models import Report, Revision
from uptake.reports.tests.threads import ThreadedTestCase
from uptake.test import TODAY, figures


class SubmitRaceTestCase(ThreadedTestCase):
    def submitter(self, user, staff):
        def submit():
            return submit_report(
                campaign=self.campaign,
                unit=self.unit("870-TTT"),
                day=TODAY,
                figures=figures(staff=staff),
                user=user,
            )

        return submit

    def assert_both_kept(self) -> None:
        report = Report.objects.get()
        revisions = list(Revision.objects.filter(report=report).order_by("number"))
        self.assertEqual([r.number for r in revisions], [1, 2])
        self.assertEqual(sorted(r.figures["staff"]["installed"] for r in revisions), [38, 39])
        self.assertEqual(report.revision, 2)
        self.assertEqual(report.figures, revisions[1].figures, "the report holds the later one")
        self.assertLessEqual(revisions[0].submitted_at, revisions[1].submitted_at)
        actions_ = list(
            AuditEntry.objects.filter(object_type="report")
            .order_by("pk")
            .values_list("action", flat=True)
        )
        self.assertEqual(actions_, ["report.submit", "report.revise"])

    def test_two_submissions_at_the_same_instant_are_revisions_1_and_2(self):
        self.together(self.submitter(self.lan, (41, 39)), self.submitter(self.minh, (41, 38)))
        self.assert_both_kept()

    def test_both_create_the_report_at_once_and_the_loser_becomes_revision_2(self):
        if connection.vendor != "postgresql":
            self.skipTest("SQLite's write lock queues the second before it can look")
        # Both look for the report, find none, and only then go on to create it.
        both_looked = threading.Barrier(2)
        recent = actions.recent_reports
        calls = threading.local()

        def look(*args):
            found = recent(*args)
            if not getattr(calls, "done", False):
                calls.done = True
                both_looked.wait(10)
            return found

        with mock.patch("uptake.reports.actions.recent_reports", side_effect=look):
            self.together(self.submitter(self.lan, (41, 39)), self.submitter(self.minh, (41, 38)))
        self.assert_both_kept()

    def test_ten_submissions_at_once_are_ten_revisions(self):
        work = [self.submitter(self.minh, (41, 30 + i)) for i in range(10)]
        self.together(*work)
        report = Report.objects.get()
        numbers = list(report.revisions.order_by("number").values_list("number", flat=True))
        self.assertEqual(numbers, list(range(1, 11)))
        self.assertEqual(report.revision, 10)
        self.assertEqual(report.figures, report.revisions.get(number=10).figures)
