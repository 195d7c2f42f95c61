"""``smartphones_jump``: the smartphone count changing by more than a plausible share."""

from __future__ import annotations

from datetime import date

from django.test import SimpleTestCase
from django.utils import translation

from uptake.quality.actions import check_quality
from uptake.quality.models import Flag
from uptake.quality.rules import describe, smartphones_jump
from uptake.quality.tests.helpers import quality_case, series
from uptake.test import BaseTestCase, figures


class SmartphonesJumpRuleTest(SimpleTestCase):
    def test_it_flags_a_base_cut_by_thirty_percent(self):
        found = list(smartphones_jump(series((5000, 2500), (3500, 2500))))
        self.assertEqual(found[0].date, date(2020, 8, 15))
        self.assertEqual(
            found[0].evidence,
            {"previous_date": "2020-08-14", "before": 5000, "after": 3500, "share": -30.0},
        )

    def test_it_flags_an_office_that_finds_ten_more_phones_among_thirty(self):
        self.assertEqual(len(list(smartphones_jump(series((30, 20), (40, 20), group="staff")))), 1)

    def test_it_does_not_flag_the_counting_going_on(self):
        self.assertEqual(
            list(smartphones_jump(series((5000, 2500), (5200, 2600), (5300, 2700)))), []
        )

    def test_it_does_not_flag_a_change_of_five_phones_or_fewer(self):
        self.assertEqual(list(smartphones_jump(series((10, 5), (15, 5), group="staff"))), [])

    def test_it_does_not_flag_twenty_percent_exactly(self):
        self.assertEqual(list(smartphones_jump(series((100, 50), (120, 50)))), [])

    def test_its_message_gives_the_change(self):
        (finding,) = smartphones_jump(series((5000, 2500), (3500, 2500)))
        with translation.override("en"):
            text = describe(finding.rule, finding.group, finding.evidence)
        self.assertIn("went from 5,000 to 3,500 (-30.0%)", text)


@quality_case
class SmartphonesJumpCheckTest(BaseTestCase):
    def test_check_quality_flags_a_commune_that_shrinks_its_base(self):
        self.submit("870-TTT", day=date(2020, 8, 15))
        self.submit("870-TTT", day=date(2020, 8, 16), figures=figures(residents=(3900, 2950)))
        check_quality(self.campaign)
        flag = Flag.objects.get(rule="smartphones_jump")
        self.assertEqual(
            (flag.unit.code, flag.date, flag.group), ("870-TTT", date(2020, 8, 16), "residents")
        )
        # The smartphone count is a stock, not a cumulative count: this rule alone watches it.
        self.assertFalse(Flag.objects.filter(rule="decrease").exists())
