"""Unit codes that differ only in case never see each other (#15).

On SQLite, ``path__startswith="KA/"`` (LIKE 'KA/%') also matched "ka/": the coordinator of a
district "KA" got the units of a sibling district "ka" from ``GET /api/v1/units`` and a flag
with its note from ``/flags``. LIKE is now exact on SQLite as on PostgreSQL
(uptake/lib/sqlite.py), and the campaign file refuses codes that differ only in case.
"""

from __future__ import annotations

import copy

from django.db import connection

from uptake.accounts.models import profile_of
from uptake.campaigns.loader import CampaignFileError, load_campaign
from uptake.test import BaseTestCase, campaign_data
from uptake.units.models import Unit


class ExactScopeTestCase(BaseTestCase):
    def setUp(self):
        super().setUp()
        province = self.unit("87")
        for code in ("KA", "ka"):
            district = Unit.objects.create(
                code=code, name=f"Huyện {code}", kind="district", parent=province
            )
            Unit.objects.create(
                code=f"{code}-1", name=f"Xã {code}-1", kind="commune", parent=district
            )
        self.ka_coordinator = self.make_user("ka_coord", "coordinator", "KA")

    def test_a_subtree_is_exact_about_case(self):
        scope = profile_of(self.ka_coordinator).scope_q()
        codes = sorted(Unit.objects.filter(scope).values_list("code", flat=True))
        self.assertEqual(codes, ["KA", "KA-1"])
        under = Unit.objects.filter(path__startswith=self.unit("KA").path)
        self.assertEqual(sorted(under.values_list("code", flat=True)), ["KA", "KA-1"])

    def test_the_api_lists_only_the_coordinators_own_district(self):
        response = self.client.get("/api/v1/units?limit=500", **self.bearer(self.ka_coordinator))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(sorted(u["code"] for u in response.json()), ["KA", "KA-1"])

    def test_case_blind_lookups_still_ignore_case(self):
        self.assertEqual(Unit.objects.filter(code__iexact="ka-1").count(), 2)
        self.assertEqual(Unit.objects.filter(code__istartswith="ka").count(), 4)
        self.assertEqual(Unit.objects.filter(name__icontains="huyện ka").count(), 2)

    def test_sqlite_answers_a_subtree_from_the_paths_index(self):
        if connection.vendor != "sqlite":
            self.skipTest("PostgreSQL: LIKE is exact, varchar_pattern_ops serves it")
        sql, params = (
            Unit.objects.filter(path__startswith="87/870/").values("pk").query.sql_with_params()
        )
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
            plan = " ".join(str(row[-1]) for row in cursor.fetchall())
        self.assertIn("unit_path_idx", plan)


class CaseInTheCampaignFileTestCase(BaseTestCase):
    def test_a_file_with_two_codes_differing_only_in_case_is_refused(self):
        data = campaign_data(slug="other")
        district = data["units"][0]["units"][0]
        twin = copy.deepcopy(district["units"][-1])
        twin["code"] = twin["code"].lower()
        twin.pop("units", None)
        district["units"].append(twin)
        with self.assertRaises(CampaignFileError) as refused:
            load_campaign(data)
        self.assertIn("differs only in case", str(refused.exception))

    def test_a_code_differing_only_in_case_from_a_stored_unit_is_refused(self):
        data = campaign_data(slug="other")
        town = next(u for u in data["units"][0]["units"][0]["units"] if u["code"] == "870-TTT")
        town["code"] = "870-ttt"
        town.pop("units", None)
        with self.assertRaises(CampaignFileError) as refused:
            load_campaign(data)
        self.assertIn(
            "'870-ttt' differs only in case from the stored unit '870-TTT'", str(refused.exception)
        )
