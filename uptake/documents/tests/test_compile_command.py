from __future__ import annotations

import io
from datetime import timedelta

from django.core.management import CommandError, call_command

from uptake.documents.actions import approve_compilation
from uptake.documents.models import Compilation
from uptake.documents.tests.base import SLUG, DocumentsTestCase
from uptake.test import TODAY


class CompileCommandTestCase(DocumentsTestCase):
    def compile(self, *args) -> str:
        out = io.StringIO()
        call_command("compile", *args, stdout=out)
        return out.getvalue()

    def test_it_makes_todays_draft(self):
        output = self.compile(SLUG)
        compilation = Compilation.objects.get()
        self.assertEqual(compilation.date, TODAY)
        self.assertIsNone(compilation.made_by)
        self.assertIn("Made the draft report of bluezone-hong-ngu for 2020-08-17", output)
        self.assertIn("4 units expected, 2 on time, 0 late, 2 missing", output)

    def test_it_refreshes_the_draft_of_a_given_day(self):
        day = (TODAY - timedelta(days=1)).isoformat()
        self.compile(SLUG, "--date", day)
        output = self.compile(SLUG, "--date", day)
        self.assertIn(f"Refreshed the draft report of bluezone-hong-ngu for {day}", output)
        self.assertEqual(Compilation.objects.count(), 1)

    def test_an_approved_report_is_left_alone(self):
        self.compile(SLUG)
        approve_compilation(Compilation.objects.get(), self.minh, confirm=True)
        with self.assertRaisesMessage(CommandError, "01/BC-VHTT"):
            self.compile(SLUG)

    def test_it_names_an_unknown_campaign_or_a_bad_day(self):
        with self.assertRaisesMessage(CommandError, "Unknown campaign 'nope'"):
            self.compile("nope")
        with self.assertRaisesMessage(CommandError, "date:"):
            self.compile(SLUG, "--date", "2020-09-30")
        with self.assertRaises(CommandError):
            self.compile(SLUG, "--date", "17/08/2020")
