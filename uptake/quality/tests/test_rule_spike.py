"""``spike``: a daily rise that is an outlier against the unit's own days and its peers'."""

from __future__ import annotations

from datetime import date

from django.test import SimpleTestCase
from django.utils import translation

from uptake.quality.actions import check_quality
from uptake.quality.models import Flag
from uptake.quality.rules import describe, spike
from uptake.quality.tests.helpers import growing, move_clock, quality_case
from uptake.test import BaseTestCase, figures

STEADY = [100, 110, 95, 105, 100, 90, 110]  # about 2 points of 5,000 a day


def peers(*extra):
    others = [growing(1000 + 50 * i, STEADY[i:] + STEADY[:i], unit_id=10 + i) for i in range(5)]
    return [*extra, *others]


class SpikeRuleTest(SimpleTestCase):
    def test_it_flags_a_rise_far_above_the_units_days_and_its_peers(self):
        jumpy = growing(1000, [100, 105, 95, 1100, 100, 110, 95], unit_id=1)
        found = [f for f in spike(peers(jumpy)) if f.unit_id == 1]
        self.assertEqual([f.date for f in found], [date(2020, 8, 18)])
        evidence = found[0].evidence
        self.assertEqual(evidence["increase"], 1100)
        self.assertEqual(evidence["rate"], 22.0)
        self.assertEqual(evidence["own_median"], 2.0)
        self.assertGreater(evidence["z_own"], 3.5)
        self.assertGreater(evidence["z_peer"], 3.5)

    def test_it_flags_nobody_else_in_a_steady_district(self):
        jumpy = growing(1000, [100, 105, 95, 1100, 100, 110, 95], unit_id=1)
        self.assertEqual({f.unit_id for f in spike(peers(jumpy))}, {1})

    def test_a_push_day_of_the_whole_district_is_no_spike(self):
        units = [
            growing(1000, [100, 105, 95, 1000 + 20 * i, 100, 110, 95], unit_id=i) for i in range(6)
        ]
        self.assertEqual(list(spike(units)), [])

    def test_a_unit_that_is_always_fast_is_no_spike(self):
        fast = growing(1000, [500, 520, 480, 510, 490, 500, 505], unit_id=1)
        self.assertEqual(list(spike(peers(fast))), [])

    def test_an_office_whose_staff_install_at_once_is_no_spike(self):
        office = growing(3, [1, 1, 8, 1, 0, 1, 0], phones=30, group="staff", unit_id=1)
        steady = [
            growing(3, [1, 1, 1, 1, 1, 1, 1], phones=30, group="staff", unit_id=10 + i)
            for i in range(5)
        ]
        self.assertEqual(list(spike([office, *steady])), [])

    def test_it_needs_three_other_days_of_the_unit(self):
        short = growing(1000, [100, 1100], unit_id=1)
        self.assertEqual([f for f in spike(peers(short)) if f.unit_id == 1], [])

    def test_without_peers_the_units_own_days_decide(self):
        jumpy = growing(1000, [100, 105, 95, 1100, 100, 110, 95], unit_id=1)
        self.assertEqual(len(list(spike([jumpy]))), 1)

    def test_its_message_gives_the_rise_and_the_usual_pace(self):
        jumpy = growing(1000, [100, 105, 95, 1100, 100, 110, 95], unit_id=1)
        (finding,) = [f for f in spike(peers(jumpy)) if f.unit_id == 1]
        with translation.override("en"):
            text = describe(finding.rule, finding.group, finding.evidence)
        self.assertIn("Installed rose by 1,100 since 17/08/2020: 22.0 points a day", text)
        self.assertIn("usual 2.0", text)


@quality_case
class SpikeCheckTest(BaseTestCase):
    def test_check_quality_compares_a_commune_with_its_district(self):
        move_clock(self, date(2020, 8, 21))
        rises = {
            "870-TTT": [100, 100, 2000, 100, 100, 100, 100],
            "870-LKA": [90, 110, 100, 95, 105, 100, 100],
        }
        for code, daily in rises.items():
            installed = 1000
            for i, rise in enumerate([0, *daily[:-1]]):
                installed += rise
                self.submit(
                    code, day=date(2020, 8, 14 + i), figures=figures(residents=(5000, installed))
                )
        check_quality(self.campaign)
        spikes = list(Flag.objects.filter(rule="spike").values_list("unit__code", "date"))
        self.assertEqual(spikes, [("870-TTT", date(2020, 8, 17))])
