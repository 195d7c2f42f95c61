"""The coordinator's status page: who reported on a day, totals, filters and search."""

from __future__ import annotations

from datetime import date, datetime

import time_machine
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from uptake.campaigns.loader import load_campaign
from uptake.test import VN, BaseTestCase, campaign_data, figures

URL = "/c/bluezone-2020/status/"

# Passwords are hashed for every persona of every test: the slow default hasher is not needed.
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@override_settings(PASSWORD_HASHERS=FAST_HASHERS)
class StatusPageTest(BaseTestCase):
    def setUp(self):
        super().setUp()
        # 870-TTT on time, 870-LKA late (yesterday's figures carried forward), 870-NV on time,
        # 870-VHTT missing.
        self.submit("870-TTT", user=self.lan, activities={"broadcasts": 1, "leaflets": 300})
        with time_machine.travel(datetime(2020, 8, 16, 9, 0, tzinfo=VN), tick=False):
            self.submit("870-LKA", day=date(2020, 8, 16), figures=figures(residents=(4000, 2000)))
        with time_machine.travel(datetime(2020, 8, 17, 15, 20, tzinfo=VN), tick=False):
            self.submit("870-LKA", figures=figures(residents=(4000, 2500)))
        self.submit("870-NV")
        self.client.force_login(self.minh)

    def units(self, response) -> list[str]:
        return [r.unit.code for r in response.context["rows"]]

    def test_it_sends_anonymous_users_to_the_login_page(self):
        self.client.logout()
        response = self.client.get(URL)
        self.assertRedirects(response, f"/login/?next={URL}", fetch_redirect_response=False)

    def test_it_shows_every_unit_of_the_coordinator_with_its_status(self):
        response = self.client.get(URL)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.context["day"], date(2020, 8, 17))
        self.assertEqual(self.units(response), ["870-VHTT", "870-NV", "870-TTT", "870-LKA"])
        self.assertEqual(
            response.context["counts"], {"expected": 4, "on_time": 2, "late": 1, "missing": 1}
        )
        statuses = {r.unit.code: r.row.status for r in response.context["rows"]}
        self.assertEqual(statuses["870-LKA"], "late")
        self.assertContains(response, "Tình hình báo cáo")
        self.assertContains(response, '<span class="badge late">Trễ hạn</span>', html=True)
        self.assertContains(response, '<span class="badge missing">Chưa báo cáo</span>', html=True)
        # The submission time in the campaign's zone, HH:MM dd/mm.
        self.assertContains(response, "15:20 17/08")

    def test_it_shows_totals_with_progress_bars_against_the_targets(self):
        response = self.client.get(URL)
        totals = dict((g.key, t) for g, t in response.context["totals"])
        # Staff: 39 + 39 + 39 of 41 + 41 + 41; residents: 2950 + 2500 of 5200 + 4000.
        self.assertEqual((totals["staff"].installed, totals["staff"].with_smartphone), (117, 123))
        self.assertEqual(totals["residents"].installed, 5450)
        self.assertContains(response, "5.450 đã cài đặt / 9.200 có điện thoại thông minh")
        # Pure CSS, and no inline style (the CSP allows none): a class per whole percent.
        self.assertContains(response, 'class="fill w-95"')
        self.assertContains(response, 'class="target at-60"')  # the target mark

    def test_it_colours_a_bar_when_the_target_is_met(self):
        self.submit("870-VHTT", figures=figures(staff=(20, 20), residents=None))
        response = self.client.get(URL + "?q=van hoa")
        self.assertContains(response, '<span class="progress met"', count=1)

    def test_it_shows_activity_totals_and_units_below_the_daily_minimum(self):
        with time_machine.travel(datetime(2020, 8, 16, 10, 0, tzinfo=VN), tick=False):
            self.submit(
                "870-TTT", day=date(2020, 8, 16), user=self.lan, activities={"leaflets": 200}
            )
        response = self.client.get(URL)
        totals = {t.activity.key: t for t in response.context["activity_totals"]}
        self.assertEqual((totals["leaflets"].day, totals["leaflets"].since_start), (300, 500))
        self.assertEqual(
            [u.code for u in totals["broadcasts"].below_minimum], ["870-TTT", "870-LKA"]
        )
        rows = {r.unit.code: r for r in response.context["rows"]}
        self.assertEqual([(a.key, n) for a, n in rows["870-TTT"].below], [("broadcasts", 1)])
        self.assertContains(response, "Phát thanh trên hệ thống loa: 1/2 lượt tối thiểu")

    def test_it_filters_missing_units(self):
        response = self.client.get(URL + "?show=missing")
        self.assertEqual(self.units(response), ["870-VHTT"])
        # The counts stay those of every unit.
        self.assertEqual(response.context["counts"]["expected"], 4)

    def test_it_filters_late_units(self):
        response = self.client.get(URL + "?show=late")
        self.assertEqual(self.units(response), ["870-LKA"])

    def test_it_ignores_an_unknown_filter(self):
        response = self.client.get(URL + "?show=everything")
        self.assertEqual(len(self.units(response)), 4)

    def test_it_finds_units_by_name_without_diacritics(self):
        response = self.client.get(URL + "?q=thuong thoi tien")
        self.assertEqual(self.units(response), ["870-TTT"])
        response = self.client.get(URL + "?q=Long+Khánh")
        self.assertEqual(self.units(response), ["870-LKA"])
        response = self.client.get(URL + "?q=phong")
        self.assertEqual(self.units(response), ["870-VHTT", "870-NV"])  # the file's order (#17)

    def test_it_combines_search_and_filter(self):
        response = self.client.get(URL + "?q=long khanh&show=missing")
        self.assertEqual(self.units(response), [])
        self.assertContains(response, "Không có đơn vị nào phù hợp.")

    def test_it_shows_any_day_of_the_campaign(self):
        response = self.client.get(URL + "?date=2020-08-16")
        self.assertEqual(response.context["day"], date(2020, 8, 16))
        statuses = {r.unit.code: r.row.status for r in response.context["rows"]}
        self.assertEqual(
            statuses,
            {
                "870-LKA": "on_time",
                "870-NV": "missing",
                "870-TTT": "missing",
                "870-VHTT": "missing",
            },
        )
        self.assertContains(response, 'href="?date=2020-08-15"')  # previous day
        self.assertContains(response, 'href="?date=2020-08-17"')  # next day

    def test_it_keeps_the_day_within_the_campaign(self):
        self.assertEqual(
            self.client.get(URL + "?date=2020-08-01").context["day"], date(2020, 8, 14)
        )
        self.assertEqual(
            self.client.get(URL + "?date=2020-08-25").context["day"], date(2020, 8, 17)
        )
        self.assertEqual(self.client.get(URL + "?date=17/08").context["day"], date(2020, 8, 17))
        first = self.client.get(URL + "?date=2020-08-14")
        self.assertIsNone(first.context["prev_link"])
        self.assertIsNone(self.client.get(URL).context["next_link"])

    def test_coordinators_get_a_link_to_enter_figures_on_behalf(self):
        response = self.client.get(URL)
        self.assertContains(response, "/c/bluezone-2020/units/870-VHTT/enter/?date=2020-08-17")

    def test_viewers_see_it_read_only(self):
        self.client.force_login(self.hoa)
        response = self.client.get(URL)
        self.assertEqual(len(self.units(response)), 4)
        self.assertNotContains(response, "/enter/")
        self.assertNotContains(response, "Nhập thay đơn vị")

    def test_a_reporter_sees_only_its_own_unit(self):
        self.client.force_login(self.lan)
        response = self.client.get(URL)
        self.assertEqual(self.units(response), ["870-TTT"])
        self.assertNotContains(response, "Long Khánh")
        self.assertNotContains(response, "/enter/")
        self.assertEqual(self.client.get(URL + "?root=870").status_code, 404)

    def test_a_reporter_of_another_district_sees_nothing_of_870(self):
        self.client.force_login(self.tuan)
        response = self.client.get(URL)
        self.assertEqual(self.units(response), ["869-TH"])
        self.assertNotContains(response, "Thường Thới Tiền")
        self.assertNotContains(response, "Hồng Ngự")
        for root in ("870", "870-TTT", "87"):
            self.assertEqual(self.client.get(f"{URL}?root={root}").status_code, 404)

    def test_a_coordinator_may_narrow_to_a_unit_below_theirs(self):
        response = self.client.get(URL + "?root=870-TTT")
        self.assertEqual(self.units(response), ["870-TTT"])
        self.assertEqual(self.client.get(URL + "?root=869").status_code, 404)
        self.assertEqual(self.client.get(URL + "?root=nope").status_code, 404)

    def test_a_user_of_several_units_picks_one(self):
        self.client.force_login(self.make_user("thu", "viewer", "870-TTT", "870-LKA"))
        response = self.client.get(URL)
        self.assertEqual([u.code for u in response.context["roots"]], ["870-LKA", "870-TTT"])
        self.assertEqual(self.units(response), ["870-LKA"])
        self.assertContains(response, '<option value="870-TTT">Thị trấn Thường Thới Tiền</option>')
        self.assertEqual(self.units(self.client.get(URL + "?root=870-TTT")), ["870-TTT"])
        self.assertEqual(self.client.get(URL + "?root=870-NV").status_code, 404)

    def test_an_admin_sees_the_whole_campaign(self):
        self.client.force_login(self.root)
        response = self.client.get(URL)
        self.assertEqual(response.context["root"].code, "87")
        self.assertIn("869-TH", self.units(response))
        self.assertEqual(len(self.units(response)), 5)

    def test_it_refuses_other_methods(self):
        self.assertEqual(self.client.post(URL).status_code, 405)

    def test_its_queries_do_not_grow_with_the_number_of_units(self):
        with CaptureQueriesContext(connection) as few:
            self.client.get(URL)

        data = campaign_data()
        district = data["units"][0]["units"][0]
        district["units"] += [
            {
                "code": f"870-X{i}",
                "name": f"Xã Thử Nghiệm {i}",
                "kind": "commune",
                "reports": ["staff", "residents"],
                "activities": ["broadcasts"],
            }
            for i in range(30)
        ]
        load_campaign(data)
        for i in range(30):
            self.submit(f"870-X{i}", activities={"broadcasts": i % 3})
        self.submit("870-TTT", user=self.lan, figures=figures(staff=(41, 40)))

        with self.assertNumQueries(len(few.captured_queries)):
            response = self.client.get(URL)
        self.assertEqual(len(response.context["rows"]), 34)
        with self.assertNumQueries(len(few.captured_queries)):
            self.client.get(URL + "?q=thu nghiem&show=late")
