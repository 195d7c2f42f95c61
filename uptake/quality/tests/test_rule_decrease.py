"""``decrease``: a cumulative figure lower than the unit's previous report."""

from __future__ import annotations

from datetime import date

from django.test import SimpleTestCase
from django.utils import translation

from uptake.quality.actions import check_quality
from uptake.quality.models import Flag, Severity
from uptake.quality.rules import decrease, describe, smartphones_jump
from uptake.quality.tests.helpers import quality_case, series
from uptake.test import BaseTestCase, figures


class DecreaseRuleTest(SimpleTestCase):
    def test_it_flags_installed_lower_than_the_previous_report(self):
        found = list(decrease(series((5000, 3000), (5000, 3000), (5000, 2950))))
        self.assertEqual(len(found), 1)
        self.assertEqual(found[0].date, date(2020, 8, 16))
        self.assertEqual(found[0].evidence["fields"], {"installed": [3000, 2950]})
        self.assertEqual(found[0].evidence["previous_date"], "2020-08-15")
        self.assertEqual(found[0].severity, Severity.MEDIUM)

    def test_it_leaves_a_smartphone_count_revised_down_to_smartphones_jump(self):
        # A stock, not a cumulative count: door-to-door counting revises it both ways daily.
        wobble = series((5000, 3000), (4975, 3010), (5010, 3030), (4990, 3055))
        self.assertEqual(list(decrease(wobble)), [])
        self.assertEqual(list(smartphones_jump(wobble)), [])

    def test_it_flags_installed_only_when_both_fall(self):
        (found,) = decrease(series((5000, 3000), (4800, 2990)))
        self.assertEqual(found.evidence["fields"], {"installed": [3000, 2990]})

    def test_a_stored_smartphone_decrease_still_reads(self):
        # Flags stored before the rule left with_smartphone alone keep their sentence.
        evidence = {"previous_date": "2020-08-14", "fields": {"with_smartphone": [5000, 4800]}}
        with translation.override("en"):
            text = describe("decrease", "residents", evidence)
        self.assertIn("With a smartphone fell from 5,000 to 4,800", text)

    def test_it_compares_with_the_previous_report_across_a_missing_day(self):
        found = list(decrease(series((5000, 3000), None, (5000, 2990))))
        self.assertEqual(found[0].evidence["previous_date"], "2020-08-14")

    def test_a_note_makes_it_low_and_is_kept_as_evidence(self):
        found = list(decrease(series((50, 40), (50, 38), notes={1: "counted twice"})))
        self.assertEqual(found[0].severity, Severity.LOW)
        self.assertEqual(found[0].evidence["note"], "counted twice")

    def test_it_does_not_flag_figures_that_stay_or_grow(self):
        self.assertEqual(list(decrease(series((5000, 3000), (5000, 3000), (5100, 3100)))), [])

    def test_its_message_names_the_figures_and_the_day(self):
        (finding,) = decrease(series((5000, 3000), (5000, 2950)))
        with translation.override("en"):
            text = describe(finding.rule, finding.group, finding.evidence)
        self.assertIn("Installed fell from 3,000 to 2,950", text)
        self.assertIn("14/08/2020", text)


@quality_case
class DecreaseCheckTest(BaseTestCase):
    def test_check_quality_flags_a_correction_accepted_with_a_note(self):
        self.submit("870-TTT", day=date(2020, 8, 15))
        self.submit(
            "870-TTT",
            day=date(2020, 8, 16),
            figures=figures(residents=(5200, 2900)),
            note="Đếm trùng 50 hộ",
        )
        check_quality(self.campaign)
        flag = Flag.objects.get(rule="decrease")
        self.assertEqual(
            (flag.unit.code, flag.date, flag.group), ("870-TTT", date(2020, 8, 16), "residents")
        )
        self.assertEqual(flag.severity, Severity.LOW)
