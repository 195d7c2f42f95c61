"""python manage.py checkquality SLUG"""

from __future__ import annotations

from datetime import date
from io import StringIO

from django.core.management import CommandError, call_command

from uptake.quality.models import Flag
from uptake.quality.tests.helpers import quality_case
from uptake.test import BaseTestCase


@quality_case
class CheckQualityCommandTest(BaseTestCase):
    def run_command(self, *args) -> str:
        out = StringIO()
        call_command("checkquality", *args, stdout=out)
        return out.getvalue()

    def test_it_checks_the_whole_campaign_and_says_what_it_found(self):
        for day in (14, 15, 16):
            self.submit("870-TTT", day=date(2020, 8, day))
        out = self.run_command("bluezone-2020")
        self.assertIn("5 units, 3 reports", out)
        self.assertIn("1 flags, 1 new", out)
        self.assertEqual(Flag.objects.count(), 1)

    def test_it_checks_only_under_a_root(self):
        out = self.run_command("bluezone-2020", "--root", "869")
        self.assertIn("1 units", out)

    def test_stale_skips_what_did_not_change(self):
        self.run_command("bluezone-2020")
        self.assertIn("0 groups", self.run_command("bluezone-2020", "--stale"))

    def test_it_refuses_an_unknown_campaign(self):
        with self.assertRaisesMessage(CommandError, "no campaign 'nope'"):
            self.run_command("nope")

    def test_it_refuses_an_unknown_root(self):
        with self.assertRaisesMessage(CommandError, "no unit '999'"):
            self.run_command("bluezone-2020", "--root", "999")
