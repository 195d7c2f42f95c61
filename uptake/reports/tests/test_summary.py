"""build_summary: who reported on a day, carried-forward figures, totals against the targets."""

from __future__ import annotations

from datetime import date, datetime

import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from uptake.campaigns.loader import load_campaign
from uptake.campaigns.models import Campaign, Status
from uptake.reports.actions import submit_report
from uptake.reports.models import Report, percent
from uptake.reports.summary import build_summary
from uptake.test import TODAY, VN, BaseTestCase, campaign_data, figures

AT_14 = datetime(2020, 8, 17, 14, 0, tzinfo=VN)
AT_1530 = datetime(2020, 8, 17, 15, 30, tzinfo=VN)


def staff(w: int, i: int) -> dict:
    return figures(staff=(w, i), residents=None)


class PercentTestCase(BaseTestCase):
    def test_percent_is_rounded_half_up_to_one_decimal(self):
        self.assertEqual(percent(790, 812), 97.3)
        self.assertEqual(percent(1, 3), 33.3)
        self.assertEqual(percent(2, 3), 66.7)
        self.assertEqual(percent(1, 16), 6.3)  # 6.25: half up, not to even
        self.assertEqual(percent(41, 41), 100.0)
        self.assertEqual(percent(0, 5), 0.0)

    def test_percent_is_null_without_smartphones(self):
        self.assertIsNone(percent(0, 0))


class SummaryTestCase(BaseTestCase):
    def row(self, summary, code: str):
        return next(row for row in summary.rows if row.unit.code == code)

    def test_every_participating_unit_under_the_root_is_listed(self):
        summary = build_summary(self.campaign, TODAY)
        self.assertEqual(summary.root.code, "87")
        self.assertEqual(
            [row.unit.code for row in summary.rows],
            ["869-TH", "870-VHTT", "870-NV", "870-TTT", "870-LKA"],
        )

    def test_a_unit_that_never_reported_is_missing_without_figures(self):
        row = self.row(build_summary(self.campaign, TODAY), "870-TTT")
        self.assertEqual(row.status, Status.MISSING)
        self.assertIsNone(row.submitted_at)
        self.assertIsNone(row.revision)
        self.assertIsNone(row.figures_date)
        self.assertEqual(list(row.groups), ["staff", "residents"])
        self.assertEqual(
            row.groups["residents"].as_dict(),
            {
                "with_smartphone": None,
                "installed": None,
                "percent": None,
                "target_percent": 60.0,
                "met": False,
            },
        )

    def test_it_counts_on_time_late_and_missing_units(self):
        with time_machine.travel(AT_14, tick=False):
            self.submit("870-TTT", user=self.lan)
        with time_machine.travel(AT_1530, tick=False):
            self.submit("870-LKA")
            self.submit(
                "870-VHTT",
                figures=staff(10, 9),
                on_behalf=True,
                source="Zalo",
                received_at=AT_14,
                note="Tin Zalo lúc 14:00, nhập lúc 15:30",  # entered 90 minutes later: why
            )
        self.submit("870-NV", day=date(2020, 8, 16), figures=staff(10, 9))  # yesterday only

        summary = build_summary(self.campaign, TODAY)
        self.assertEqual(summary.counts, {"expected": 5, "on_time": 2, "late": 1, "missing": 2})
        statuses = {row.unit.code: row.status for row in summary.rows}
        self.assertEqual(
            statuses,
            {
                "869-TH": "missing",
                "870-LKA": "late",
                "870-NV": "missing",
                "870-TTT": "on_time",
                "870-VHTT": "on_time",
            },
        )
        self.assertEqual(self.row(summary, "870-TTT").submitted_at, AT_14)
        self.assertEqual(self.row(summary, "870-VHTT").submitted_at, AT_14)

    def test_a_missing_unit_carries_forward_its_latest_earlier_figures(self):
        self.submit("870-NV", day=date(2020, 8, 14), figures=staff(20, 10))
        self.submit("870-NV", day=date(2020, 8, 15), figures=staff(20, 18))

        row = self.row(build_summary(self.campaign, TODAY), "870-NV")
        self.assertEqual(row.status, Status.MISSING)
        self.assertEqual(row.figures_date, date(2020, 8, 15))
        self.assertIsNone(row.submitted_at)
        self.assertEqual(
            row.groups["staff"].as_dict(),
            {
                "with_smartphone": 20,
                "installed": 18,
                "percent": 90.0,
                "target_percent": 100.0,
                "met": False,
            },
        )

    def test_a_report_dated_after_the_day_is_not_used(self):
        self.submit(
            "870-TTT", day=date(2020, 8, 15), user=self.lan, figures=figures(staff=(41, 30))
        )
        self.submit("870-TTT", user=self.lan, figures=figures(staff=(41, 39)))

        row = self.row(build_summary(self.campaign, date(2020, 8, 16)), "870-TTT")
        self.assertEqual(row.status, Status.MISSING)
        self.assertEqual(row.figures_date, date(2020, 8, 15))
        self.assertEqual(row.groups["staff"].installed, 30)
        row = self.row(build_summary(self.campaign, date(2020, 8, 15)), "870-TTT")
        self.assertEqual(row.status, Status.LATE)  # sent on the 17th for the 15th
        self.assertEqual(row.figures_date, date(2020, 8, 15))

    def test_it_uses_the_latest_revision(self):
        with time_machine.travel(AT_14, tick=False):
            self.submit("870-TTT", user=self.lan, figures=figures(staff=(41, 39)))
        with time_machine.travel(AT_1530, tick=False):
            self.submit("870-TTT", user=self.lan, figures=figures(staff=(41, 41)), note="đủ")

        row = self.row(build_summary(self.campaign, TODAY), "870-TTT")
        self.assertEqual(row.revision, 2)
        self.assertEqual(row.status, Status.ON_TIME)
        self.assertEqual(row.submitted_at, AT_14)  # the first arrival decides
        self.assertEqual(row.groups["staff"].installed, 41)
        self.assertTrue(row.groups["staff"].met)
        self.assertEqual(row.note, "đủ")

    def test_totals_add_carried_forward_figures(self):
        self.submit("870-VHTT", figures=staff(400, 390))
        self.submit("870-NV", day=date(2020, 8, 15), figures=staff(412, 400))

        summary = build_summary(self.campaign, TODAY)
        self.assertEqual(
            summary.totals["staff"].as_dict(),
            {
                "with_smartphone": 812,
                "installed": 790,
                "percent": 97.3,
                "target_percent": 100.0,
                "met": False,
            },
        )
        self.assertEqual(
            summary.totals["residents"].as_dict(),
            {
                "with_smartphone": 0,
                "installed": 0,
                "percent": None,
                "target_percent": 60.0,
                "met": False,
            },
        )

    def test_totals_add_every_group_of_every_unit(self):
        self.submit(
            "870-TTT", user=self.lan, figures=figures(staff=(41, 39), residents=(5200, 2950))
        )
        self.submit("870-LKA", figures=figures(staff=(30, 30), residents=(4800, 3050)))
        self.submit("869-TH", user=self.tuan, figures=figures(staff=(20, 5), residents=(1000, 0)))

        totals = build_summary(self.campaign, TODAY).totals
        self.assertEqual(
            totals["residents"].as_dict(),
            {
                "with_smartphone": 11000,
                "installed": 6000,
                "percent": 54.5,
                "target_percent": 60.0,
                "met": False,
            },
        )
        self.assertEqual(totals["staff"].with_smartphone, 91)
        self.assertEqual(totals["staff"].installed, 74)
        self.assertEqual(totals["staff"].percent, 81.3)

    def test_a_unit_without_smartphones_has_no_percent_and_has_not_met(self):
        self.submit("870-TTT", user=self.lan, figures=figures(staff=(0, 0)))
        group = self.row(build_summary(self.campaign, TODAY), "870-TTT").groups["staff"]
        self.assertEqual(group.with_smartphone, 0)
        self.assertIsNone(group.percent)
        self.assertFalse(group.met)

    def test_a_group_has_met_its_target_when_the_rounded_percent_reaches_it(self):
        cases = [(5000, 3000, 60.0, True), (5000, 2998, 60.0, True), (5000, 2990, 59.8, False)]
        for with_smartphone, installed, expected_percent, met in cases:
            with self.subTest(installed=installed):
                self.submit("870-LKA", figures=figures(residents=(with_smartphone, installed)))
                group = self.row(build_summary(self.campaign, TODAY), "870-LKA").groups["residents"]
                self.assertEqual(group.percent, expected_percent)
                self.assertIs(group.met, met)

    def test_the_root_limits_units_counts_and_totals(self):
        self.submit("870-TTT", user=self.lan, figures=figures(staff=(41, 39)))
        self.submit("869-TH", user=self.tuan, figures=figures(staff=(20, 5)))

        summary = build_summary(self.campaign, TODAY, self.unit("870"))
        self.assertEqual(summary.root.code, "870")
        self.assertEqual(
            [row.unit.code for row in summary.rows], ["870-VHTT", "870-NV", "870-TTT", "870-LKA"]
        )
        self.assertEqual(summary.counts, {"expected": 4, "on_time": 1, "late": 0, "missing": 3})
        self.assertEqual(summary.totals["staff"].with_smartphone, 41)

        summary = build_summary(self.campaign, TODAY, self.unit("869"))
        self.assertEqual([row.unit.code for row in summary.rows], ["869-TH"])
        self.assertEqual(summary.totals["staff"].installed, 5)

        summary = build_summary(self.campaign, TODAY, self.unit("870-TTT"))
        self.assertEqual([row.unit.code for row in summary.rows], ["870-TTT"])

    def test_a_retired_unit_is_no_longer_expected_from_the_next_day_but_keeps_its_history(self):
        self.submit("870-LKA", day=date(2020, 8, 16), figures=figures(staff=(30, 20)))
        data = campaign_data()
        data["units"][0]["units"][0]["units"].pop(3)  # 870-LKA leaves the file today
        load_campaign(data)

        today = build_summary(self.campaign, TODAY)
        self.assertIn("870-LKA", [row.unit.code for row in today.rows])
        self.assertEqual(today.counts["expected"], 5)
        earlier = build_summary(self.campaign, date(2020, 8, 16))
        self.assertEqual(self.row(earlier, "870-LKA").status, Status.LATE)
        with time_machine.travel(datetime(2020, 8, 18, 9, 0, tzinfo=VN), tick=False):
            tomorrow = build_summary(self.campaign, date(2020, 8, 18))
        self.assertNotIn("870-LKA", [row.unit.code for row in tomorrow.rows])
        self.assertEqual(tomorrow.counts["expected"], 4)
        self.assertEqual(tomorrow.totals["staff"].with_smartphone, 0)
        self.assertEqual(Report.objects.filter(unit__code="870-LKA").count(), 1)

    def test_as_dict_gives_times_in_the_campaigns_zone(self):
        with time_machine.travel(AT_14, tick=False):
            self.submit("870-TTT", user=self.lan)
        units = build_summary(self.campaign, TODAY).as_dict()["units"]
        ttt = next(u for u in units if u["code"] == "870-TTT")
        self.assertEqual(ttt["submitted_at"], "2020-08-17T14:00:00+07:00")
        self.assertEqual(ttt["figures_date"], "2020-08-17")


class SummaryQueriesTestCase(BaseTestCase):
    def count_queries(self, slug: str, day: date = TODAY) -> int:
        campaign = Campaign.objects.get(slug=slug)
        with CaptureQueriesContext(connection) as ctx:
            build_summary(campaign, day).as_dict()
        return len(ctx)

    def test_its_queries_do_not_grow_with_the_number_of_units_and_reports(self):
        self.submit("870-TTT", user=self.lan, activities={"broadcasts": 2})
        few = self.count_queries("bluezone-2020")

        data = campaign_data(slug="bluezone-big")
        communes = data["units"][0]["units"][0]["units"]
        for n in range(40):
            communes.append(
                {
                    "code": f"870-X{n:02}",
                    "name": f"Xã Thử {n}",
                    "kind": "commune",
                    "reports": ["staff", "residents"],
                    "activities": ["broadcasts", "leaflets"],
                }
            )
        big, _stats = load_campaign(data)
        for n in range(40):
            for day in (date(2020, 8, 15), date(2020, 8, 16), TODAY):
                submit_report(
                    campaign=big,
                    unit=self.unit(f"870-X{n:02}"),
                    day=day,
                    user=self.minh,
                    figures=figures(),
                    activities={"broadcasts": 1, "leaflets": n},
                )
        many = self.count_queries("bluezone-big")

        self.assertEqual(build_summary(big, TODAY).counts["expected"], 45)
        self.assertEqual(Report.objects.filter(campaign=big).count(), 120)
        self.assertEqual(few, many)
        campaign = Campaign.objects.get(slug="bluezone-big")
        with self.assertNumQueries(few):
            build_summary(campaign, TODAY).as_dict()


class SummaryActivitiesTestCase(BaseTestCase):
    def test_it_gives_each_units_counts_for_the_day(self):
        self.submit("870-TTT", user=self.lan, activities={"broadcasts": 3, "leaflets": 200})
        self.submit("870-TTT", day=date(2020, 8, 16), user=self.lan, activities={"broadcasts": 9})
        self.submit("870-LKA", day=date(2020, 8, 16), activities={"broadcasts": 2})

        summary = build_summary(self.campaign, TODAY)
        rows = {row.unit.code: row.activities for row in summary.rows}
        self.assertEqual(rows["870-TTT"], {"broadcasts": 3, "leaflets": 200, "meetings": None})
        # Counts are per day: yesterday's broadcasts are not carried forward.
        self.assertEqual(rows["870-LKA"], {"broadcasts": None, "leaflets": None, "meetings": None})
        self.assertEqual(rows["870-VHTT"], {"meetings": None})
        self.assertEqual(rows["870-NV"], {})

    def test_it_totals_the_day_and_the_campaign_since_its_start(self):
        self.submit("870-TTT", day=date(2020, 8, 14), user=self.lan, activities={"leaflets": 100})
        self.submit("870-TTT", day=date(2020, 8, 16), user=self.lan, activities={"broadcasts": 2})
        self.submit(
            "870-TTT", user=self.lan, activities={"broadcasts": 3, "leaflets": 250, "meetings": 1}
        )
        self.submit("870-LKA", activities={"broadcasts": 2, "leaflets": 50})
        self.submit("870-VHTT", figures=staff(10, 9), activities={"meetings": 2})

        totals = build_summary(self.campaign, TODAY).as_dict()["activities"]
        self.assertEqual(list(totals), ["broadcasts", "leaflets", "meetings"])
        self.assertEqual(
            totals["broadcasts"],
            {
                "name": "Phát thanh trên hệ thống loa",
                "unit": "lượt",
                "daily_min": 2,
                "day": 5,
                "since_start": 7,
                "below_minimum": [],
            },
        )
        self.assertEqual(totals["leaflets"]["day"], 300)
        self.assertEqual(totals["leaflets"]["since_start"], 400)
        self.assertEqual(totals["meetings"]["day"], 3)
        self.assertEqual(totals["meetings"]["since_start"], 3)

        earlier = build_summary(self.campaign, date(2020, 8, 16)).activities
        self.assertEqual(earlier["broadcasts"].day, 2)
        self.assertEqual(earlier["broadcasts"].since_start, 2)
        self.assertEqual(earlier["leaflets"].since_start, 100)

    def test_totals_count_the_latest_revision_only(self):
        self.submit("870-TTT", user=self.lan, activities={"broadcasts": 3})
        self.submit("870-TTT", user=self.lan, activities={"broadcasts": 4})
        broadcasts = build_summary(self.campaign, TODAY).activities["broadcasts"]
        self.assertEqual((broadcasts.day, broadcasts.since_start), (4, 4))

    def test_totals_stay_under_the_root(self):
        self.submit("870-TTT", user=self.lan, activities={"broadcasts": 3})
        self.submit("870-LKA", activities={"broadcasts": 2})
        broadcasts = build_summary(self.campaign, TODAY, self.unit("870-LKA")).activities[
            "broadcasts"
        ]
        self.assertEqual((broadcasts.day, broadcasts.since_start), (2, 2))

    def test_a_unit_below_its_daily_minimum_is_listed(self):
        self.submit("870-TTT", user=self.lan, activities={"broadcasts": 1})
        self.submit("870-LKA", activities={"leaflets": 10})  # no broadcasts at all today

        summary = build_summary(self.campaign, TODAY)
        below = [u.code for u in summary.activities["broadcasts"].below_minimum]
        self.assertEqual(below, ["870-TTT", "870-LKA"])
        broadcasts = summary.activities["broadcasts"].activity
        ttt = next(row for row in summary.rows if row.unit.code == "870-TTT")
        self.assertTrue(ttt.below_minimum(broadcasts))
        self.assertEqual(summary.activities["leaflets"].below_minimum, [])  # no minimum
        self.assertEqual(
            summary.as_dict()["activities"]["broadcasts"]["below_minimum"], ["870-TTT", "870-LKA"]
        )

    def test_a_unit_at_its_minimum_or_missing_is_not_listed(self):
        self.submit("870-TTT", user=self.lan, activities={"broadcasts": 2})
        # 870-LKA has not reported today: it is missing, not below the minimum.
        summary = build_summary(self.campaign, TODAY)
        self.assertEqual(summary.activities["broadcasts"].below_minimum, [])

    def test_a_campaign_without_activities_has_no_activity_totals(self):
        data = campaign_data(slug="bluezone-no-activities", activities={})
        for district in data["units"][0]["units"]:
            for unit in district["units"]:
                unit.pop("activities", None)
        campaign, _stats = load_campaign(data)
        self.assertEqual(build_summary(campaign, TODAY).activities, {})
