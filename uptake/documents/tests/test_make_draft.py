from __future__ import annotations

from datetime import date, timedelta

from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext

from uptake.audit.models import AuditEntry
from uptake.documents.actions import (
    CompilationError,
    CompilationLocked,
    approve_compilation,
    make_draft,
)
from uptake.documents.models import Compilation, State
from uptake.documents.tests.base import START, DocumentsTestCase
from uptake.test import TODAY


class MakeDraftTestCase(DocumentsTestCase):
    def test_it_makes_the_days_draft_with_the_summary_frozen_in_it(self):
        compilation, created = make_draft(self.campaign, TODAY, self.minh)
        self.assertTrue(created)
        self.assertEqual(compilation.state, State.DRAFT)
        self.assertIsNone(compilation.number)
        self.assertEqual(compilation.symbol, "BC-VHTT")
        s = compilation.snapshot
        self.assertEqual(s["root"], "870")
        self.assertEqual(s["reporting"], {"expected": 4, "on_time": 2, "late": 0, "missing": 2})
        self.assertEqual(s["totals"]["staff"]["with_smartphone"], 106)
        self.assertEqual(s["totals"]["staff"]["installed"], 96)
        self.assertEqual(s["totals"]["staff"]["percent"], 90.6)
        self.assertEqual(s["totals"]["residents"]["installed"], 4150)
        self.assertEqual(s["totals"]["residents"]["percent"], 45.1)
        self.assertEqual(len(s["units"]), 4)
        self.assertEqual(s["document"]["issuer"], "PHÒNG VĂN HÓA VÀ THÔNG TIN")
        self.assertEqual(compilation.made_by, self.minh)
        self.assertTrue(AuditEntry.objects.filter(action="compilation.make").exists())

    def test_the_snapshot_holds_the_activities_day_and_campaign_totals(self):
        compilation, _ = make_draft(self.campaign, TODAY, self.minh)
        broadcasts = compilation.snapshot["activities"]["broadcasts"]
        self.assertEqual(broadcasts["day"], 2)
        self.assertEqual(broadcasts["since_start"], 2 * 4 + 1 * 3)
        self.assertEqual(compilation.snapshot["activities"]["leaflets"]["since_start"], 1650)

    def test_it_lists_the_units_below_an_activitys_daily_minimum(self):
        compilation, _ = make_draft(self.campaign, START + timedelta(days=2), self.minh)
        below = compilation.snapshot["activities"]["broadcasts"]["below_minimum_units"]
        self.assertEqual(below, [{"code": "870-LKA", "name": "Xã Long Khánh A", "count": 1}])

    def test_it_ranks_the_units_furthest_from_target(self):
        compilation, _ = make_draft(self.campaign, TODAY, self.minh)
        furthest = compilation.snapshot["furthest"]
        self.assertEqual(furthest["residents"][0]["code"], "870-LKA")  # 30% against 60%
        self.assertEqual(furthest["residents"][0]["gap"], 30.0)
        self.assertEqual(furthest["staff"][0]["code"], "870-LKA")  # 25 of 30: 83.3%
        self.assertEqual(furthest["staff"][1]["code"], "870-NV")  # 13 of 15: 86.7%

    def test_the_history_by_day_carries_figures_forward(self):
        compilation, _ = make_draft(self.campaign, TODAY, self.minh)
        history = compilation.snapshot["history"]
        self.assertEqual(history["days"], [(START + timedelta(n)).isoformat() for n in range(4)])
        staff = history["groups"]["staff"]
        self.assertEqual([d["installed"] for d in staff], [75, 85, 93, 96])
        self.assertEqual(staff[-1]["missing"], 2)

    def test_refreshing_takes_the_figures_as_they_are_now(self):
        compilation, _ = make_draft(self.campaign, TODAY, self.minh)
        self.report("870-LKA", TODAY, 3)
        refreshed, created = make_draft(self.campaign, TODAY, self.root)
        self.assertFalse(created)
        self.assertEqual(refreshed.pk, compilation.pk)
        self.assertEqual(refreshed.snapshot["reporting"]["on_time"], 3)
        self.assertEqual(refreshed.refreshed_by, self.root)
        self.assertEqual(refreshed.made_by, self.minh)

    def test_the_command_makes_it_without_a_user(self):
        compilation, created = make_draft(self.campaign, TODAY)
        self.assertTrue(created)
        self.assertIsNone(compilation.made_by)

    def test_an_approved_compilation_is_not_refreshed(self):
        compilation, _ = make_draft(self.campaign, TODAY, self.minh)
        approve_compilation(compilation, self.minh, confirm=True)
        with self.assertRaises(CompilationLocked) as caught:
            make_draft(self.campaign, TODAY, self.minh)
        self.assertIn("01/BC-VHTT", caught.exception.message)

    def test_it_refuses_a_day_outside_the_campaign_or_in_the_future(self):
        for day in (date(2020, 8, 13), TODAY + timedelta(days=1), date(2020, 9, 1)):
            with self.subTest(day=day), self.assertRaises(CompilationError) as caught:
                make_draft(self.campaign, day, self.minh)
            self.assertEqual(caught.exception.field, "date")
        self.assertFalse(Compilation.objects.exists())

    def test_it_refuses_viewers_reporters_and_other_districts(self):
        for user in (self.hoa, self.lan, self.tuan):
            with self.subTest(user=user.username), self.assertRaises(PermissionDenied):
                make_draft(self.campaign, TODAY, user)
        self.assertFalse(Compilation.objects.exists())

    def test_a_coordinator_of_the_district_does_not_compile_the_province(self):
        with self.assertRaises(PermissionDenied):
            make_draft(self.province, TODAY, self.minh)

    def test_its_queries_do_not_grow_with_the_number_of_units(self):
        make_draft(self.campaign, TODAY, self.minh)
        with CaptureQueriesContext(connection) as few:
            make_draft(self.campaign, TODAY, self.minh)
        self.add_units(20)
        # The new units' reports make the data-quality annex check their peer group again
        # once (uptake.quality.actions.refresh_flags, constant in the number of units:
        # quality's test_check_quality); then a refresh is a refresh, as for ``few``.
        make_draft(self.campaign, TODAY, self.minh)
        with CaptureQueriesContext(connection) as many:
            make_draft(self.campaign, TODAY, self.minh)
        self.assertEqual(len(many), len(few))

    def test_the_data_quality_check_it_makes_does_not_grow_with_the_number_of_units(self):
        make_draft(self.campaign, TODAY, self.minh)
        with CaptureQueriesContext(connection) as unchanged:
            make_draft(self.campaign, TODAY, self.minh)
        self.submit("870-NV", TODAY, figures={"staff": {"with_smartphone": 15, "installed": 14}})
        with CaptureQueriesContext(connection) as few:
            make_draft(self.campaign, TODAY, self.minh)  # checks the district's units again
        self.add_units(20)
        make_draft(self.campaign, TODAY, self.minh)
        self.submit("870-NV", TODAY, figures={"staff": {"with_smartphone": 15, "installed": 15}})
        with CaptureQueriesContext(connection) as many:
            make_draft(self.campaign, TODAY, self.minh)
        self.assertEqual(len(many), len(few))
        self.assertGreater(len(few), len(unchanged))  # the check did run

    def add_units(self, n: int) -> None:
        from uptake.campaigns.loader import load_campaign
        from uptake.documents.tests.base import district_data

        data = district_data()
        for i in range(n):
            data["units"][0]["units"].append(
                {
                    "code": f"870-X{i}",
                    "name": f"Xã Thử {i}",
                    "kind": "commune",
                    "reports": ["staff", "residents"],
                    "activities": ["broadcasts"],
                }
            )
        load_campaign(data)
        for i in range(n):
            self.submit(
                f"870-X{i}",
                TODAY,
                figures={
                    "staff": {"with_smartphone": 10, "installed": 5},
                    "residents": {"with_smartphone": 100, "installed": 50},
                },
                activities={"broadcasts": 1},
            )
