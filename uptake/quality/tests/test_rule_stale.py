"""``stale``: the same figures on 3 or more reports in a row while below target."""

from __future__ import annotations

from datetime import date

from django.test import SimpleTestCase
from django.utils import translation

from uptake.quality.actions import check_quality
from uptake.quality.models import Flag
from uptake.quality.rules import describe, stale
from uptake.quality.tests.helpers import quality_case, series
from uptake.test import BaseTestCase, figures


class StaleRuleTest(SimpleTestCase):
    def test_it_flags_the_third_identical_report_below_target(self):
        found = list(stale(series((5000, 2000), (5000, 2000), (5000, 2000)), 60))
        self.assertEqual([f.date for f in found], [date(2020, 8, 16)])
        self.assertEqual(found[0].evidence["since"], "2020-08-14")
        self.assertEqual(found[0].evidence["reports"], 3)

    def test_it_keeps_flagging_while_the_run_lasts(self):
        found = list(stale(series(*[(5000, 2000)] * 5), 60))
        self.assertEqual([f.evidence["reports"] for f in found], [3, 4, 5])

    def test_reports_count_across_a_missing_day(self):
        found = list(stale(series((5000, 2000), None, (5000, 2000), (5000, 2000)), 60))
        self.assertEqual([f.date for f in found], [date(2020, 8, 17)])

    def test_two_identical_reports_are_not_enough(self):
        self.assertEqual(list(stale(series((5000, 2000), (5000, 2000), (5000, 2100)), 60)), [])

    def test_a_change_starts_a_new_run(self):
        history = series((5000, 2000), (5000, 2000), (5000, 2001), (5000, 2001))
        self.assertEqual(list(stale(history, 60)), [])

    def test_it_does_not_flag_a_unit_at_its_target(self):
        self.assertEqual(list(stale(series(*[(5000, 3000)] * 4), 60)), [])

    def test_it_does_not_flag_an_office_two_people_short_of_everyone(self):
        self.assertEqual(list(stale(series(*[(41, 39)] * 4, group="staff"), 100)), [])

    def test_it_flags_an_office_three_people_short(self):
        found = list(stale(series(*[(41, 38)] * 3, group="staff"), 100))
        self.assertEqual(len(found), 1)

    def test_its_message_gives_the_figures_and_the_target(self):
        (finding,) = stale(series(*[(5200, 2950)] * 3), 60)
        with translation.override("en"):
            text = describe(finding.rule, finding.group, finding.evidence)
        self.assertIn("2,950 of 5,200", text)
        self.assertIn("3 reports in a row since 14/08/2020", text)
        self.assertIn("below the 60% target", text)


@quality_case
class StaleCheckTest(BaseTestCase):
    def test_check_quality_flags_a_commune_that_copies_its_figures(self):
        for day in (14, 15, 16):
            self.submit("870-TTT", day=date(2020, 8, day))
        self.submit("870-LKA", day=date(2020, 8, 16), figures=figures())
        check_quality(self.campaign)
        flags = list(Flag.objects.values_list("unit__code", "date", "group", "rule"))
        # Staff are 2 short of 100%: only the residents' copy is flagged.
        self.assertEqual(flags, [("870-TTT", date(2020, 8, 16), "residents", "stale")])
