"""The 95% Wilson score interval of an inspection's verified rate."""

from __future__ import annotations

from django.test import SimpleTestCase

from uptake.quality.stats import wilson_interval


class WilsonIntervalTest(SimpleTestCase):
    def assertInterval(self, got, low, high):
        self.assertAlmostEqual(got[0], low, places=3)
        self.assertAlmostEqual(got[1], high, places=3)

    def test_it_gives_0_490_to_0_943_for_8_of_10(self):
        self.assertInterval(wilson_interval(8, 10), 0.490, 0.943)

    def test_it_gives_0_to_0_278_for_0_of_10(self):
        self.assertInterval(wilson_interval(0, 10), 0.0, 0.278)

    def test_it_gives_0_722_to_1_for_10_of_10(self):
        self.assertInterval(wilson_interval(10, 10), 0.722, 1.0)

    def test_it_narrows_around_one_half_for_50_of_100(self):
        self.assertInterval(wilson_interval(50, 100), 0.404, 0.596)

    def test_it_is_wide_for_one_person(self):
        self.assertInterval(wilson_interval(1, 1), 0.207, 1.0)

    def test_it_refuses_an_empty_sample(self):
        with self.assertRaises(ValueError):
            wilson_interval(0, 0)

    def test_it_refuses_more_successes_than_the_sample(self):
        with self.assertRaises(ValueError):
            wilson_interval(11, 10)
