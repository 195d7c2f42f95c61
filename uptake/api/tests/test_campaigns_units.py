"""GET /api/v1/campaigns and GET /api/v1/units?q=: what a user takes part in, and its units."""

from __future__ import annotations

from datetime import date

from django.db import connection

from uptake.campaigns.loader import load_campaign
from uptake.test import BaseTestCase

OTHER = {
    "slug": "khau-trang-2020",
    "app": "Khẩu trang",
    "title": "Phát khẩu trang",
    "start": date(2020, 9, 1),
    "target_date": date(2020, 9, 10),
    "coordinator": "869",
    "groups": {"residents": {"name": "Người dân", "target_percent": 80}},
    "units": [
        {
            "code": "869",
            "name": "Huyện Tân Hồng",
            "kind": "district",
            "units": [
                {
                    "code": "869-TH",
                    "name": "Xã Tân Hộ Cơ",
                    "kind": "commune",
                    "reports": ["residents"],
                }
            ],
        },
    ],
}


class ListCampaignsTestCase(BaseTestCase):
    def get(self, user):
        response = self.client.get("/api/v1/campaigns", **self.bearer(user))
        self.assertEqual(response.status_code, 200)
        return response.json()

    def test_it_describes_the_users_campaigns(self):
        self.assertEqual(
            self.get(self.lan),
            [
                {
                    "slug": "bluezone-2020",
                    "app": "Bluezone",
                    "title": "Cài đặt, sử dụng ứng dụng Bluezone",
                    "timezone": "Asia/Ho_Chi_Minh",
                    "start": "2020-08-14",
                    "target_date": "2020-08-20",
                    "end": "2020-08-31",
                    "report_due": "15:00",
                    "compile_at": "16:30",
                    "coordinator": "870-VHTT",
                    "root": "87",
                    "groups": {
                        "staff": {
                            "name": "Cán bộ, công chức, viên chức, người lao động",
                            "target_percent": 100.0,
                        },
                        "residents": {"name": "Người dân", "target_percent": 60.0},
                    },
                }
            ],
        )

    def test_it_lists_only_campaigns_with_units_under_the_users_units(self):
        load_campaign(OTHER)
        self.assertEqual([c["slug"] for c in self.get(self.lan)], ["bluezone-2020"])
        self.assertEqual([c["slug"] for c in self.get(self.minh)], ["bluezone-2020"])
        self.assertEqual([c["slug"] for c in self.get(self.hoa)], ["bluezone-2020"])
        self.assertEqual(
            [c["slug"] for c in self.get(self.tuan)], ["khau-trang-2020", "bluezone-2020"]
        )
        self.assertEqual(
            [c["slug"] for c in self.get(self.root)], ["khau-trang-2020", "bluezone-2020"]
        )

    def test_a_user_without_units_sees_no_campaign(self):
        self.assertEqual(self.get(self.make_user("an", "viewer")), [])

    def test_its_queries_do_not_grow_with_the_number_of_campaigns(self):
        headers = self.bearer(self.root)
        # The token (with its profile), its use (in the same statement on PostgreSQL, #20), its
        # campaigns and their groups.
        with self.assertNumQueries(3 if connection.vendor == "postgresql" else 4):
            self.client.get("/api/v1/campaigns", **headers)
        load_campaign(OTHER)
        # Within a minute the token's use is not written again.
        with self.assertNumQueries(3):
            self.client.get("/api/v1/campaigns", **headers)


class ListUnitsTestCase(BaseTestCase):
    def codes(self, user, **params) -> list[str]:
        response = self.client.get("/api/v1/units", params, **self.bearer(user))
        self.assertEqual(response.status_code, 200)
        return [u["code"] for u in response.json()]

    def test_it_lists_the_users_units_and_those_below(self):
        self.assertEqual(self.codes(self.lan), ["870-TTT"])
        self.assertEqual(self.codes(self.tuan), ["869-TH"])
        self.assertEqual(self.codes(self.minh), ["870", "870-LKA", "870-NV", "870-TTT", "870-VHTT"])
        self.assertEqual(self.codes(self.hoa), self.codes(self.minh))
        self.assertEqual(len(self.codes(self.root)), 8)

    def test_it_describes_each_unit(self):
        response = self.client.get("/api/v1/units", {"q": "tien"}, **self.bearer(self.lan))
        self.assertEqual(
            response.json(),
            [
                {
                    "code": "870-TTT",
                    "name": "Thị trấn Thường Thới Tiền",
                    "kind": "town",
                    "parent": "870",
                }
            ],
        )

    def test_it_finds_a_unit_by_name_without_diacritics(self):
        self.assertEqual(self.codes(self.minh, q="thuong thoi tien"), ["870-TTT"])
        self.assertEqual(self.codes(self.minh, q="THUONG  thoi"), ["870-TTT"])
        self.assertEqual(self.codes(self.minh, q="Thường Thới Tiền"), ["870-TTT"])
        self.assertEqual(self.codes(self.minh, q="long khanh"), ["870-LKA"])
        self.assertEqual(self.codes(self.root, q="huyen"), ["869", "870"])
        self.assertEqual(self.codes(self.root, q="dong thap"), ["87"])

    def test_the_search_stays_within_the_users_units(self):
        self.assertEqual(self.codes(self.tuan, q="thuong thoi tien"), [])
        self.assertEqual(self.codes(self.lan, q="long khanh"), [])
        self.assertEqual(self.codes(self.minh, q="tan ho co"), [])

    def test_the_list_is_limited(self):
        self.assertEqual(self.codes(self.root, limit=2), ["87", "869"])
        self.assertEqual(len(self.codes(self.root, limit=0)), 1)
