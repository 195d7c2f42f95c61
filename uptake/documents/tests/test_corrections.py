"""A unit's revision of an already-compiled day shows in the next compilation."""

from __future__ import annotations

from datetime import timedelta

import time_machine

from uptake.documents.actions import approve_compilation, make_draft
from uptake.documents.report import official_document
from uptake.documents.tests.base import START, DocumentsTestCase, at
from uptake.test import TODAY

YESTERDAY = TODAY - timedelta(days=1)


class CorrectionsTestCase(DocumentsTestCase):
    def compile_and_approve(self, day):
        return approve_compilation(
            make_draft(self.campaign, day, self.minh)[0], self.minh, confirm=True
        )

    def correct(self, code="870-LKA", day=YESTERDAY, installed=1100, when=None):
        figures = {
            "staff": {"with_smartphone": 30, "installed": 25},
            "residents": {"with_smartphone": 4000, "installed": installed},
        }
        with time_machine.travel(when or at(TODAY, 9), tick=False):
            return self.submit(
                code, day, figures=figures, note="Cộng trùng 100 người của ấp Long Hòa."
            )

    def test_a_revision_after_the_approved_report_shows_in_the_next_one(self):
        with time_machine.travel(at(YESTERDAY, 16, 30), tick=False):
            self.compile_and_approve(YESTERDAY)
        self.correct()
        corrections = make_draft(self.campaign, TODAY, self.minh)[0].snapshot["corrections"]
        self.assertEqual(len(corrections), 1)
        c = corrections[0]
        self.assertEqual((c["code"], c["date"]), ("870-LKA", YESTERDAY.isoformat()))
        self.assertEqual(c["before"]["residents"]["installed"], 1200)
        self.assertEqual(c["figures"]["residents"]["installed"], 1100)
        self.assertEqual(c["note"], "Cộng trùng 100 người của ấp Long Hòa.")

    def test_the_document_says_corrected_after_the_report_of_that_day(self):
        with time_machine.travel(at(YESTERDAY, 16, 30), tick=False):
            self.compile_and_approve(YESTERDAY)
        self.correct()
        doc = official_document(make_draft(self.campaign, TODAY, self.minh)[0])
        texts = [getattr(b, "text", "") for b in doc.blocks]
        line = next(t for t in texts if "Xã Long Khánh A: số liệu ngày 16/08/2020" in t)
        self.assertIn("được điều chỉnh sau báo cáo ngày 16/08", line)
        self.assertIn("1.200 → 1.100", line)

    def test_a_revision_before_the_approval_is_no_correction(self):
        with time_machine.travel(at(YESTERDAY, 16, 30), tick=False):
            make_draft(self.campaign, YESTERDAY, self.minh)
        self.correct(when=at(YESTERDAY, 16, 40))
        with time_machine.travel(at(YESTERDAY, 16, 45), tick=False):
            approved = approve_compilation(
                make_draft(self.campaign, YESTERDAY, self.minh)[0], self.minh, confirm=True
            )
        lka = next(u for u in approved.snapshot["units"] if u["code"] == "870-LKA")
        self.assertEqual(lka["groups"]["residents"]["installed"], 1100)
        self.assertEqual(make_draft(self.campaign, TODAY, self.minh)[0].snapshot["corrections"], [])

    def test_a_correction_is_shown_once(self):
        day1, day2 = START, START + timedelta(days=1)
        with time_machine.travel(at(day1, 16, 30), tick=False):
            self.compile_and_approve(day1)
        self.correct(day=day1, installed=580, when=at(day2, 9))
        with time_machine.travel(at(day2, 16, 30), tick=False):
            shown = self.compile_and_approve(day2)
        self.assertEqual(len(shown.snapshot["corrections"]), 1)
        with time_machine.travel(at(YESTERDAY, 16, 30), tick=False):
            later = make_draft(self.campaign, YESTERDAY, self.minh)[0]
        self.assertEqual(later.snapshot["corrections"], [])

    def test_a_day_never_approved_has_no_corrections(self):
        self.correct()
        self.assertEqual(make_draft(self.campaign, TODAY, self.minh)[0].snapshot["corrections"], [])
