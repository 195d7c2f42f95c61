"""``verified_gap``: an inspection's interval lies below the rate the unit reported."""

from __future__ import annotations

from datetime import date

from django.test import SimpleTestCase
from django.utils import translation

from uptake.quality.actions import check_quality, record_inspection
from uptake.quality.models import Flag, Method, Severity
from uptake.quality.rules import InspectionResult, describe, verified_gap
from uptake.quality.tests.helpers import quality_case, series
from uptake.test import BaseTestCase, figures


def inspection(with_app, size, day=date(2020, 8, 16), id=1, group="staff"):
    return InspectionResult(id, 1, group, day, size, with_app)


class VerifiedGapRuleTest(SimpleTestCase):
    def setUp(self):
        # 39 of 41 staff (95.1%) on 14/08, then 33 of 41 (80.5%) on 17/08.
        self.history = {(1, "staff"): series((41, 39), None, None, (41, 33), group="staff")}

    def test_it_flags_a_reported_rate_above_the_interval(self):
        (found,) = verified_gap([inspection(8, 10)], self.history)  # 49.0–94.3%
        self.assertEqual(found.date, date(2020, 8, 16))
        self.assertEqual(found.severity, Severity.HIGH)
        self.assertEqual(
            found.evidence,
            {
                "inspection": 1,
                "sample_size": 10,
                "with_app": 8,
                "verified": 80.0,
                "low": 49.0,
                "high": 94.3,
                "reported": 95.1,
                "reported_date": "2020-08-14",
            },
        )

    def test_it_does_not_flag_a_reported_rate_inside_the_interval(self):
        self.assertEqual(list(verified_gap([inspection(9, 10)], self.history)), [])

    def test_it_compares_with_the_latest_report_on_or_before_the_inspection(self):
        self.assertEqual(
            list(verified_gap([inspection(8, 10, day=date(2020, 8, 17))], self.history)), []
        )

    def test_it_says_nothing_without_a_report_before_the_inspection(self):
        self.assertEqual(
            list(verified_gap([inspection(0, 10, day=date(2020, 8, 13))], self.history)), []
        )

    def test_two_inspections_on_a_day_give_one_flag_with_the_wider_gap(self):
        (found,) = verified_gap([inspection(8, 10, id=1), inspection(5, 10, id=2)], self.history)
        self.assertEqual(found.evidence["inspection"], 2)

    def test_its_message_gives_both_rates(self):
        (found,) = verified_gap([inspection(8, 10)], self.history)
        with translation.override("en"):
            text = describe(found.rule, found.group, found.evidence)
        self.assertIn("8 of 10 had the app (80.0%, 95% interval 49.0–94.3%)", text)
        self.assertIn("reported 95.1% on 14/08/2020", text)


@quality_case
class VerifiedGapCheckTest(BaseTestCase):
    def test_recording_an_inspection_flags_the_gap_at_once(self):
        self.submit("870-TTT", day=date(2020, 8, 16), figures=figures(staff=(41, 39)))
        record_inspection(
            self.campaign,
            self.unit("870-TTT"),
            user=self.minh,
            date=date(2020, 8, 17),
            method=Method.STAFF_PHONES,
            group="staff",
            sample_size=10,
            with_app=8,
        )
        flag = Flag.objects.get(rule="verified_gap")
        self.assertEqual(
            (flag.unit.code, flag.date, flag.group), ("870-TTT", date(2020, 8, 17), "staff")
        )
        check_quality(self.campaign)
        self.assertEqual(Flag.objects.filter(rule="verified_gap").count(), 1)
