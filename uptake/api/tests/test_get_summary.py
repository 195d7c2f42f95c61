"""GET /api/v1/campaigns/{slug}/summary: who reported on a day, and the figures against targets."""

from __future__ import annotations

from datetime import date, datetime

import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from uptake.campaigns.loader import load_campaign
from uptake.reports.actions import submit_report
from uptake.test import VN, BaseTestCase, campaign_data, figures

URL = "/api/v1/campaigns/bluezone-2020/summary"


def group(w, i, percent, target, met) -> dict:
    return {
        "with_smartphone": w,
        "installed": i,
        "percent": percent,
        "target_percent": target,
        "met": met,
    }


class GetSummaryTestCase(BaseTestCase):
    def get(self, user, url: str = URL, **params):
        return self.client.get(url, params, **self.bearer(user))

    def assertError(self, response, status: int, field: str):
        self.assertEqual(response.status_code, status, response.content)
        errors = response.json()["errors"]
        self.assertEqual([e["field"] for e in errors], [field])
        self.assertTrue(errors[0]["message"])

    def test_it_gives_the_summary_in_the_shape_of_issue_2(self):
        self.submit("870-TTT", user=self.lan, activities={"broadcasts": 2, "leaflets": 300})
        with time_machine.travel(datetime(2020, 8, 17, 15, 30, tzinfo=VN), tick=False):
            self.submit(
                "870-LKA",
                figures=figures(staff=(30, 30), residents=(4800, 3050)),
                activities={"broadcasts": 1},
            )
        self.submit(
            "870-NV", day=date(2020, 8, 15), figures=figures(staff=(12, 12), residents=None)
        )

        response = self.get(self.minh, date="2020-08-17", root="870")

        self.assertEqual(response.status_code, 200)
        self.assertEqual(
            response.json(),
            {
                "campaign": "bluezone-2020",
                "date": "2020-08-17",
                "root": "870",
                "reporting": {"expected": 4, "on_time": 1, "late": 1, "missing": 2},
                "totals": {
                    "staff": group(83, 81, 97.6, 100, False),
                    "residents": group(10000, 6000, 60.0, 60, True),
                },
                "activities": {
                    "broadcasts": {
                        "name": "Phát thanh trên hệ thống loa",
                        "unit": "lượt",
                        "daily_min": 2,
                        "day": 3,
                        "since_start": 3,
                        "below_minimum": ["870-LKA"],
                    },
                    "leaflets": {
                        "name": "Tờ rơi đã phát",
                        "unit": "tờ",
                        "daily_min": None,
                        "day": 300,
                        "since_start": 300,
                        "below_minimum": [],
                    },
                    "meetings": {
                        "name": "Cuộc họp, buổi tuyên truyền",
                        "unit": "buổi",
                        "daily_min": None,
                        "day": 0,
                        "since_start": 0,
                        "below_minimum": [],
                    },
                },
                # Offices, then communes and towns, in the file's order (#17).
                "units": [
                    {
                        "code": "870-VHTT",
                        "name": "Phòng Văn hóa và Thông tin",
                        "kind": "office",
                        "status": "missing",
                        "submitted_at": None,
                        "revision": None,
                        "figures_date": None,
                        "groups": {"staff": group(None, None, None, 100, False)},
                        "activities": {"meetings": None},
                    },
                    {
                        "code": "870-NV",
                        "name": "Phòng Nội vụ",
                        "kind": "office",
                        "status": "missing",
                        "submitted_at": None,
                        "revision": None,
                        "figures_date": "2020-08-15",
                        "groups": {"staff": group(12, 12, 100.0, 100, True)},
                        "activities": {},
                    },
                    {
                        "code": "870-TTT",
                        "name": "Thị trấn Thường Thới Tiền",
                        "kind": "town",
                        "status": "on_time",
                        "submitted_at": "2020-08-17T10:00:00+07:00",
                        "revision": 1,
                        "figures_date": "2020-08-17",
                        "groups": {
                            "staff": group(41, 39, 95.1, 100, False),
                            "residents": group(5200, 2950, 56.7, 60, False),
                        },
                        "activities": {"broadcasts": 2, "leaflets": 300, "meetings": None},
                    },
                    {
                        "code": "870-LKA",
                        "name": "Xã Long Khánh A",
                        "kind": "commune",
                        "status": "late",
                        "submitted_at": "2020-08-17T15:30:00+07:00",
                        "revision": 1,
                        "figures_date": "2020-08-17",
                        "groups": {
                            "staff": group(30, 30, 100.0, 100, True),
                            "residents": group(4800, 3050, 63.5, 60, True),
                        },
                        "activities": {"broadcasts": 1, "leaflets": None, "meetings": None},
                    },
                ],
            },
        )

    def test_the_day_defaults_to_today_in_the_campaigns_zone(self):
        response = self.get(self.minh, root="870")
        self.assertEqual(response.json()["date"], "2020-08-17")

    def test_after_the_last_reporting_day_the_day_defaults_to_it(self):
        with time_machine.travel(datetime(2020, 9, 5, 9, 0, tzinfo=VN), tick=False):
            response = self.get(self.minh, root="870")
        self.assertEqual(response.json()["date"], "2020-08-31")

    def test_the_root_defaults_to_the_campaigns_top(self):
        response = self.get(self.root)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json()["root"], "87")
        self.assertEqual(response.json()["reporting"]["expected"], 5)

    def test_the_root_limits_the_units(self):
        self.submit("869-TH", user=self.tuan)
        response = self.get(self.root, root="869")
        self.assertEqual([u["code"] for u in response.json()["units"]], ["869-TH"])
        self.assertEqual(
            response.json()["reporting"], {"expected": 1, "on_time": 1, "late": 0, "missing": 0}
        )
        self.assertEqual(response.json()["totals"]["staff"]["installed"], 39)

    def test_a_summary_for_an_earlier_day_carries_figures_forward(self):
        self.submit(
            "870-TTT", day=date(2020, 8, 15), user=self.lan, figures=figures(staff=(41, 20))
        )
        self.submit("870-TTT", user=self.lan)
        units = self.get(self.minh, date="2020-08-16", root="870-TTT").json()["units"]
        self.assertEqual(units[0]["status"], "missing")
        self.assertEqual(units[0]["figures_date"], "2020-08-15")
        self.assertEqual(units[0]["groups"]["staff"]["installed"], 20)

    def test_every_reader_of_the_root_gets_it(self):
        for user, root in [
            (self.minh, "870"),
            (self.hoa, "870"),
            (self.lan, "870-TTT"),
            (self.tuan, "869-TH"),
            (self.root, "870"),
        ]:
            with self.subTest(user=user.username):
                response = self.get(user, root=root)
                self.assertEqual(response.status_code, 200)
                self.assertEqual(response.json()["root"], root)

    def test_a_root_outside_the_users_units_is_forbidden(self):
        self.assertError(self.get(self.tuan, root="870"), 403, "root")
        self.assertError(self.get(self.tuan), 403, "root")  # the campaign's top, 87
        self.assertError(self.get(self.lan, root="870"), 403, "root")
        self.assertError(self.get(self.lan, root="870-LKA"), 403, "root")
        self.assertError(self.get(self.hoa, root="869"), 403, "root")

    def test_an_unknown_campaign_is_not_found(self):
        self.assertError(
            self.get(self.minh, "/api/v1/campaigns/nope/summary", root="870"), 404, "campaign"
        )

    def test_an_unknown_root_is_not_found(self):
        self.assertError(self.get(self.minh, root="999"), 404, "root")

    def test_a_date_that_is_not_a_date_is_refused(self):
        self.assertError(self.get(self.minh, root="870", date="17/08/2020"), 422, "date")

    def test_a_day_outside_the_reporting_days_is_refused(self):
        self.assertError(self.get(self.minh, root="870", date="2020-08-13"), 422, "date")
        self.assertError(self.get(self.minh, root="870", date="2020-08-18"), 422, "date")
        with time_machine.travel(datetime(2020, 9, 5, 9, 0, tzinfo=VN), tick=False):
            self.assertError(self.get(self.minh, root="870", date="2020-09-01"), 422, "date")
            response = self.get(self.minh, root="870", date="2020-08-31")
        self.assertEqual(response.status_code, 200)
        response = self.get(self.minh, root="870", date="2020-08-14")
        self.assertEqual(response.status_code, 200)

    def test_it_only_answers_get(self):
        response = self.client.post(
            URL, {}, content_type="application/json", **self.bearer(self.minh)
        )
        self.assertEqual(response.status_code, 405)

    def test_its_queries_do_not_grow_with_the_number_of_units(self):
        self.submit("870-TTT", user=self.lan)
        headers = self.bearer(self.minh)
        with CaptureQueriesContext(connection) as few:
            response = self.client.get(URL, {"root": "870"}, **headers)
        self.assertEqual(len(response.json()["units"]), 4)

        data = campaign_data()
        for n in range(30):
            data["units"][0]["units"][0]["units"].append(
                {
                    "code": f"870-X{n:02}",
                    "name": f"Xã Thử {n}",
                    "kind": "commune",
                    "reports": ["staff", "residents"],
                    "activities": ["broadcasts"],
                }
            )
        campaign, _stats = load_campaign(data)
        for n in range(30):
            submit_report(
                campaign=campaign,
                unit=self.unit(f"870-X{n:02}"),
                day=date(2020, 8, 17),
                user=self.minh,
                figures=figures(),
                activities={"broadcasts": 2},
            )
        with CaptureQueriesContext(connection) as many:
            response = self.client.get(URL, {"root": "870"}, **headers)
        self.assertEqual(len(response.json()["units"]), 34)
        # The token's use is written on the first call only (at most once a minute).
        reads = [q for q in few.captured_queries if not q["sql"].startswith("UPDATE")]
        self.assertEqual(len(many), len(reads))
