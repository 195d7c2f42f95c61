"""One report per coordinating level (#14): each district compiles its own, the province builds
on the districts' approved reports; pages, API and the compile command take ``?unit=``/``--unit``.

The province (87, Sở TT&TT 87-STTTT at the top) has two districts with their own culture offices:
Hồng Ngự (870, 870-VHTT: minh coordinates it) and Tân Hồng (869, 869-VHTT: an).
"""

from __future__ import annotations

from io import StringIO

from django.core.exceptions import PermissionDenied
from django.core.management import call_command

from uptake.campaigns.loader import load_campaign
from uptake.campaigns.tests.test_levels import province_data
from uptake.documents.actions import CompilationError, approve_compilation, make_draft
from uptake.documents.models import Compilation, Counter
from uptake.test import TODAY, BaseTestCase, figures

URL = "/api/v1/campaigns/bluezone-2020/compilations/2020-08-17"
PAGE = "/c/bluezone-2020/compilations/2020-08-17/"


class LevelsTestCase(BaseTestCase):
    def setUp(self):
        super().setUp()
        self.campaign, _ = load_campaign(province_data())
        self.so = self.make_user("so", "coordinator", "87")
        self.an = self.make_user("an", "coordinator", "869")
        self.leader = self.make_user("leader", "viewer", "87")
        for code in ("870-VHTT", "870-NV"):
            self.submit(code, figures=figures(staff=(20, 18), residents=None))
        self.submit("870-TTT", figures=figures(staff=(41, 39), residents=(5200, 2950)))
        self.submit("869-TH", user=self.an, figures=figures(staff=(10, 5), residents=(900, 300)))

    def approve_district(self):
        draft, _ = make_draft(self.campaign, TODAY, self.minh, unit="870")
        return approve_compilation(draft, self.minh, confirm=True)


class ActionsTestCase(LevelsTestCase):
    def test_each_district_makes_its_own_report_of_its_own_units(self):
        hong_ngu, _ = make_draft(self.campaign, TODAY, self.minh, unit="870")
        tan_hong, _ = make_draft(self.campaign, TODAY, self.an, unit="869-VHTT")
        self.assertEqual((hong_ngu.unit.code, hong_ngu.office.code), ("870", "870-VHTT"))
        self.assertEqual((tan_hong.unit.code, tan_hong.office.code), ("869", "869-VHTT"))
        self.assertEqual(hong_ngu.snapshot["reporting"]["expected"], 4)
        self.assertEqual(tan_hong.snapshot["reporting"]["expected"], 1)
        self.assertEqual(tan_hong.snapshot["campaign_info"]["coordinator"], "869-VHTT")
        self.assertEqual(tan_hong.snapshot["document"]["issuer"], "PHÒNG VĂN HÓA VÀ THÔNG TIN")
        self.assertEqual(tan_hong.snapshot["document"]["place"], "Tân Hồng")

    def test_a_district_cannot_compile_its_sibling_or_the_province(self):
        with self.assertRaises(PermissionDenied):
            make_draft(self.campaign, TODAY, self.minh, unit="869")
        with self.assertRaises(PermissionDenied):
            make_draft(self.campaign, TODAY, self.minh)
        draft, _ = make_draft(self.campaign, TODAY, self.so)
        with self.assertRaises(PermissionDenied):
            approve_compilation(draft, self.minh, confirm=True)
        self.assertFalse(Compilation.objects.filter(unit__code="869").exists())

    def test_a_unit_that_coordinates_nothing_is_refused_by_name(self):
        with self.assertRaises(CompilationError) as caught:
            make_draft(self.campaign, TODAY, self.so, unit="870-TTT")
        self.assertEqual(caught.exception.field, "unit")

    def test_the_province_builds_on_the_approved_district_report(self):
        approved = self.approve_district()
        # Hồng Ngự corrects a figure after its report was approved: the province keeps what
        # the district approved and sent.
        self.submit("870-TTT", figures=figures(staff=(41, 41), residents=(5200, 3500)), note="Sửa")
        province, _ = make_draft(self.campaign, TODAY, self.so)
        rows = {a["code"]: a for a in province.snapshot["areas"]}
        self.assertTrue(rows["870"]["approved"])
        self.assertEqual(rows["870"]["reference"], approved.reference)
        self.assertEqual(rows["870"]["totals"]["residents"]["installed"], 2950)
        self.assertEqual(
            rows["870"]["totals"]["residents"]["installed"],
            approved.snapshot["totals"]["residents"]["installed"],
        )
        self.assertFalse(rows["869"]["approved"])  # not approved: today's figures
        self.assertEqual(rows["869"]["totals"]["residents"]["installed"], 300)
        totals = province.snapshot["totals"]["residents"]
        self.assertEqual(totals["installed"], 2950 + 300)
        self.assertEqual(totals["with_smartphone"], 5200 + 900)
        self.assertEqual(
            province.snapshot["below"],
            [
                {"unit": "869", "state": None, "reference": None},
                {"unit": "870", "state": "approved", "reference": approved.reference},
            ],
        )

    def test_each_office_numbers_in_its_own_register(self):
        hong_ngu = self.approve_district()
        draft, _ = make_draft(self.campaign, TODAY, self.an, unit="869")
        tan_hong = approve_compilation(draft, self.an, confirm=True)
        top, _ = make_draft(self.campaign, TODAY, self.so)
        province = approve_compilation(top, self.so, confirm=True)
        self.assertEqual((hong_ngu.number, tan_hong.number, province.number), (1, 1, 1))
        self.assertEqual(
            sorted(Counter.objects.values_list("office__code", "last_number")),
            [("869-VHTT", 1), ("87-STTTT", 1), ("870-VHTT", 1)],
        )

    def test_the_compile_command_takes_a_unit(self):
        out = StringIO()
        call_command(
            "compile", "bluezone-2020", "--date", "2020-08-17", "--unit", "869", stdout=out
        )
        self.assertIn("(869)", out.getvalue())
        self.assertTrue(Compilation.objects.filter(unit__code="869").exists())


class ApiTestCase(LevelsTestCase):
    def test_a_district_coordinator_compiles_with_unit(self):
        response = self.client.post(URL + "?unit=870", **self.bearer(self.minh))
        self.assertEqual(response.status_code, 201)
        body = response.json()
        self.assertEqual(body["unit"], "870")
        self.assertEqual(body["below"], [])
        self.assertEqual(set(body["totals"]["staff"]), {"with_smartphone", "installed", "percent"})
        self.assertTrue(body["documents"]["pdf"].endswith("?unit=870"))

    def test_without_unit_it_is_the_top_level_as_before(self):
        response = self.client.post(URL, **self.bearer(self.so))
        self.assertEqual(response.status_code, 201)
        self.assertEqual(response.json()["unit"], "87")
        self.assertEqual({b["unit"] for b in response.json()["below"]}, {"869", "870"})

    def test_a_unit_that_coordinates_nothing_is_a_422_on_unit(self):
        for code in ("870-TTT", "nope", "x" * 200):
            with self.subTest(code=code):
                response = self.client.post(URL + f"?unit={code}", **self.bearer(self.so))
                self.assertEqual(response.status_code, 422)
                self.assertEqual(response.json()["errors"][0]["field"], "unit")

    def test_a_level_outside_the_callers_scope_is_a_403(self):
        self.client.post(URL + "?unit=869", **self.bearer(self.an))
        for method, url in (("post", URL + "?unit=869"), ("get", URL + "?unit=869")):
            with self.subTest(method=method):
                response = getattr(self.client, method)(url, **self.bearer(self.minh))
                self.assertEqual(response.status_code, 403)
                self.assertEqual(response.json()["errors"][0]["field"], "unit")

    def test_a_district_reads_the_province_report_and_does_not_change_it(self):
        self.client.post(URL, **self.bearer(self.so))
        self.assertEqual(self.client.get(URL, **self.bearer(self.minh)).status_code, 200)
        self.assertEqual(self.client.post(URL, **self.bearer(self.minh)).status_code, 403)
        response = self.client.post(URL + "/approve?confirm=true", **self.bearer(self.minh))
        self.assertEqual(response.status_code, 403)

    def test_the_list_is_per_level(self):
        self.client.post(URL + "?unit=870", **self.bearer(self.minh))
        listed = self.client.get(
            "/api/v1/campaigns/bluezone-2020/compilations?unit=870", **self.bearer(self.minh)
        )
        self.assertEqual([c["unit"] for c in listed.json()], ["870"])
        top = self.client.get(
            "/api/v1/campaigns/bluezone-2020/compilations", **self.bearer(self.so)
        )
        self.assertEqual(top.json(), [])

    def test_the_province_document_downloads_for_a_district(self):
        self.client.post(URL, **self.bearer(self.so))
        response = self.client.get(URL + "/document.xlsx", **self.bearer(self.minh))
        self.assertEqual(response.status_code, 200)


class PagesTestCase(LevelsTestCase):
    def get(self, user, url):
        self.login(user)
        return self.client.get(url)

    def test_a_district_coordinator_opens_on_their_own_level(self):
        make_draft(self.campaign, TODAY, self.minh, unit="870")
        response = self.get(self.minh, PAGE)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.context["level"].unit.code, "870")
        self.assertTrue(response.context["may_compile"])
        self.assertContains(response, "?unit=870")

    def test_the_province_page_shows_which_districts_approved(self):
        approved = self.approve_district()
        make_draft(self.campaign, TODAY, self.so)
        response = self.get(self.so, PAGE)
        self.assertEqual(response.status_code, 200)
        below = {b["level"].unit.code: b for b in response.context["below"]}
        self.assertEqual(below["870"]["compilation"].reference, approved.reference)
        self.assertIsNone(below["869"]["compilation"])
        self.assertContains(response, approved.reference)
        self.assertContains(response, "Chưa duyệt")

    def test_a_district_reads_the_province_page_without_its_buttons(self):
        make_draft(self.campaign, TODAY, self.so)
        response = self.get(self.minh, PAGE + "?unit=87")
        self.assertEqual(response.status_code, 200)
        self.assertFalse(response.context["may_compile"])
        self.assertNotContains(response, "/approve/")

    def test_a_sibling_district_is_refused_and_nonsense_finds_nothing(self):
        self.assertEqual(self.get(self.minh, PAGE + "?unit=869").status_code, 403)
        self.assertEqual(self.get(self.tuan, PAGE + "?unit=870").status_code, 403)
        self.assertEqual(self.get(self.minh, PAGE + "?unit=870-TTT").status_code, 404)
        nobody = self.make_user("nobody", "viewer")  # takes no part in the campaign
        self.assertEqual(self.get(nobody, PAGE + "?unit=870").status_code, 404)

    def test_every_level_renders_for_every_role_in_every_state(self):
        users = [self.root, self.so, self.minh, self.an, self.leader, self.hoa]
        for state in ("none", "draft", "approved"):
            if state == "draft":
                for code, user in (("870", self.minh), ("869", self.an), ("87", self.so)):
                    make_draft(self.campaign, TODAY, user, unit=code)
            if state == "approved":
                for c in Compilation.objects.all().order_by("-unit__path"):
                    approve_compilation(c, self.root, confirm=True)
            for user in users:
                for code in ("87", "870", "869"):
                    with self.subTest(state=state, user=user.username, unit=code):
                        response = self.get(user, PAGE + f"?unit={code}")
                        self.assertIn(response.status_code, (200, 403))
                        listed = self.get(user, f"/c/bluezone-2020/compilations/?unit={code}")
                        self.assertEqual(listed.status_code, response.status_code)
