"""``target_snap``: a jump to exactly the target on or just before the target date."""

from __future__ import annotations

from datetime import date

from django.test import SimpleTestCase
from django.utils import translation

from uptake.quality.actions import check_quality
from uptake.quality.models import Flag, Severity
from uptake.quality.rules import describe, target_snap
from uptake.quality.tests.helpers import growing, move_clock, quality_case, series
from uptake.test import BaseTestCase, figures

TARGET_DATE = date(2020, 8, 20)  # the seventh day from 14/08


def slow_then(last: int, phones: int = 5000, days: int = 7) -> list:
    """2,000 of 5,000 (40%) rising 50 (one point) a day, then ``last`` on the last day."""
    return [(phones, 2000 + 50 * i) for i in range(days - 1)] + [(phones, last)]


class TargetSnapRuleTest(SimpleTestCase):
    def test_it_flags_a_slow_unit_that_lands_on_the_target_on_the_target_date(self):
        found = list(target_snap(series(*slow_then(3000)), 60, TARGET_DATE))
        self.assertEqual([f.date for f in found], [TARGET_DATE])
        evidence = found[0].evidence
        self.assertEqual(evidence["previous_percent"], 45.0)
        self.assertEqual(evidence["percent"], 60.0)
        self.assertEqual(evidence["pace"], 1.0)
        self.assertEqual(found[0].severity, Severity.HIGH)

    def test_it_flags_a_landing_within_half_a_point_two_days_before(self):
        history = series(*slow_then(3020, days=5))  # 60.4% on 18/08
        self.assertEqual(
            [f.date for f in target_snap(history, 60, TARGET_DATE)], [date(2020, 8, 18)]
        )

    def test_it_does_not_flag_the_same_jump_three_days_before(self):
        history = series(*slow_then(3000, days=4))  # on 17/08
        self.assertEqual(list(target_snap(history, 60, TARGET_DATE)), [])

    def test_it_does_not_flag_a_landing_away_from_the_target(self):
        self.assertEqual(list(target_snap(series(*slow_then(3030)), 60, TARGET_DATE)), [])

    def test_it_does_not_flag_steady_growth_that_reaches_the_target(self):
        steady = growing(1500, [250, 250, 250, 250, 250, 250])  # 5 points a day to 60%
        self.assertEqual(list(target_snap(steady, 60, TARGET_DATE)), [])

    def test_it_does_not_flag_a_small_last_step(self):
        history = series(*[(5000, 2850 + 10 * i) for i in range(6)], (5000, 3000))  # 57.9 -> 60
        self.assertEqual(list(target_snap(history, 60, TARGET_DATE)), [])

    def test_it_flags_staff_jumping_to_everyone_after_slow_growth(self):
        office = series(*[(40, 20 + i) for i in range(6)], (40, 40), group="staff")
        self.assertEqual(len(list(target_snap(office, 100, TARGET_DATE))), 1)

    def test_it_does_not_flag_the_last_two_of_a_small_office(self):
        office = series(*[(20, 18)] * 6, (20, 20), group="staff")
        self.assertEqual(list(target_snap(office, 100, TARGET_DATE)), [])

    def test_its_message_gives_the_jump_and_the_pace(self):
        (finding,) = target_snap(series(*slow_then(3000)), 60, TARGET_DATE)
        with translation.override("en"):
            text = describe(finding.rule, finding.group, finding.evidence)
        self.assertIn("Jumped from 45.0% to 60.0%, at the 60% target", text)
        self.assertIn("1.0 points a day", text)


@quality_case
class TargetSnapCheckTest(BaseTestCase):
    def test_check_quality_flags_the_snap_on_the_campaigns_target_date(self):
        move_clock(self, date(2020, 8, 20))
        for i, (phones, installed) in enumerate(slow_then(3120, phones=5200)):
            self.submit(
                "870-TTT", day=date(2020, 8, 14 + i), figures=figures(residents=(phones, installed))
            )
        check_quality(self.campaign)
        flag = Flag.objects.get(rule="target_snap")
        self.assertEqual(
            (flag.unit.code, flag.date, flag.group), ("870-TTT", TARGET_DATE, "residents")
        )
