from __future__ import annotations

from datetime import date

from django.test import SimpleTestCase

from uptake.documents.projection import AT_RISK, MET, ON_TRACK, extrapolate, fit_slope, project

DAY = date(2020, 8, 17)
TARGET = date(2020, 8, 20)


class ProjectionTestCase(SimpleTestCase):
    def test_it_extends_the_last_four_days_straight_line_to_the_target_date(self):
        p = project([10.0, 20.0, 30.0, 40.0, 50.0], DAY, TARGET, 60)
        self.assertEqual(p.slope, 10.0)
        self.assertEqual(p.expected, 80.0)  # 50 + 3 days × 10
        self.assertEqual(p.status, ON_TRACK)

    def test_it_is_capped_at_100(self):
        self.assertEqual(project([70.0, 80.0, 90.0, 95.0], DAY, TARGET, 100).expected, 100.0)

    def test_a_unit_already_at_its_target_has_met_it(self):
        self.assertEqual(project([55.0, 61.0], DAY, TARGET, 60).status, MET)

    def test_a_slow_unit_is_at_risk(self):
        p = project([40.0, 41.0, 42.0, 43.0], DAY, TARGET, 60)
        self.assertEqual((p.expected, p.status), (46.0, AT_RISK))

    def test_one_known_day_gives_no_trend(self):
        p = project([None, None, 30.0], DAY, TARGET, 60)
        self.assertIsNone(p.slope)
        self.assertEqual(p.expected, 30.0)

    def test_nothing_known_is_at_risk(self):
        p = project([None, None], DAY, TARGET, 60)
        self.assertEqual((p.current, p.expected, p.status), (None, None, AT_RISK))

    def test_on_or_after_the_target_date_the_projection_is_todays_percent(self):
        self.assertEqual(project([10.0, 30.0], TARGET, TARGET, 60).expected, 30.0)

    def test_the_fit_is_least_squares(self):
        self.assertAlmostEqual(fit_slope([(0, 1), (1, 3), (2, 2), (3, 6)]), 1.4)
        self.assertEqual(extrapolate([0.0, 0.0, 0.0, 10.0, 20.0], 1, window=2), 30.0)
