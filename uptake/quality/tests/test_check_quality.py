"""check_quality(): the rules' findings stored as flags, kept fresh, dismissals kept."""

from __future__ import annotations

from datetime import date

from django.db import connection
from django.test.utils import CaptureQueriesContext

from uptake.quality.actions import check_quality, dismiss_flag, refresh_flags
from uptake.quality.models import Flag, QualityCheck
from uptake.quality.tests.helpers import quality_case
from uptake.test import BaseTestCase, figures


def copy_three_days(case, code="870-TTT", user=None):
    for day in (14, 15, 16):
        case.submit(code, day=date(2020, 8, day), user=user)


@quality_case
class CheckQualityTest(BaseTestCase):
    def test_it_stores_each_finding_once_as_a_flag(self):
        copy_three_days(self)
        result = check_quality(self.campaign)
        self.assertEqual(result.flags, 1)
        self.assertEqual(result.created, 1)
        self.assertEqual(result.reports, 3)
        check_quality(self.campaign)
        self.assertEqual(Flag.objects.count(), 1)

    def test_a_flag_no_longer_found_goes_away(self):
        copy_three_days(self)
        check_quality(self.campaign)
        self.submit("870-TTT", day=date(2020, 8, 16), figures=figures(residents=(5200, 3000)))
        result = check_quality(self.campaign)
        self.assertEqual((result.flags, result.removed), (0, 1))
        self.assertFalse(Flag.objects.exists())

    def test_a_dismissed_flag_still_found_stays_dismissed(self):
        copy_three_days(self)
        check_quality(self.campaign)
        dismiss_flag(Flag.objects.get(), user=self.minh, reason="Xã báo cáo đúng, đã kiểm tra")
        self.submit("870-TTT", day=date(2020, 8, 17))
        check_quality(self.campaign)
        dismissed, new = Flag.objects.order_by("date")
        self.assertTrue(dismissed.dismissed)
        self.assertFalse(new.dismissed)

    def test_refresh_checks_again_a_group_whose_reports_changed(self):
        copy_three_days(self)
        self.assertEqual(refresh_flags(self.campaign).flags, 1)
        self.assertEqual(refresh_flags(self.campaign).groups, 0)
        # A revision at the same instant (the clock is frozen) is still a change.
        self.submit("870-TTT", day=date(2020, 8, 16), figures=figures(residents=(5200, 3000)))
        self.assertEqual(refresh_flags(self.campaign).groups, 1)
        self.assertFalse(Flag.objects.exists())

    def test_refresh_leaves_other_districts_alone(self):
        copy_three_days(self)
        copy_three_days(self, "869-TH", self.tuan)
        check_quality(self.campaign)
        self.submit("870-TTT", day=date(2020, 8, 17))
        result = refresh_flags(self.campaign)
        self.assertEqual(result.groups, 1)
        self.assertEqual(result.units, 4)  # the four units of 870, not 869-TH

    def test_a_unit_is_checked_with_its_whole_peer_group(self):
        copy_three_days(self)
        result = check_quality(self.campaign, self.unit("870-TTT"))
        self.assertEqual(result.units, 4)
        self.assertEqual(
            set(QualityCheck.objects.values_list("scope", flat=True)), {self.unit("870").path}
        )

    def test_a_fresh_check_costs_a_few_queries_however_many_units(self):
        copy_three_days(self)
        refresh_flags(self.campaign)
        with CaptureQueriesContext(connection) as queries:
            refresh_flags(self.campaign)
        self.assertLessEqual(len(queries), 4)

    def test_reloading_the_campaign_checks_it_again(self):
        from uptake.campaigns.loader import load_campaign
        from uptake.test import campaign_data

        copy_three_days(self)
        refresh_flags(self.campaign)
        data = campaign_data()
        data["groups"]["residents"]["target_percent"] = 50  # 2,950 of 5,200 is 56.7%: met
        campaign, _stats = load_campaign(data)
        refresh_flags(campaign)
        self.assertFalse(Flag.objects.exists())
