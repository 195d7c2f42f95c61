"""GET /api/v1/campaigns/{slug}/units/{code}/reports: a unit's history with every revision."""

from __future__ import annotations

from datetime import date, datetime

import time_machine
from django.db import connection

from uptake.test import VN, BaseTestCase, figures

URL = "/api/v1/campaigns/bluezone-2020/units/{}/reports"


class UnitReportsTestCase(BaseTestCase):
    def get(self, user, code: str = "870-TTT", url: str = URL):
        return self.client.get(url.format(code), **self.bearer(user))

    def assertError(self, response, status: int, field: str):
        self.assertEqual(response.status_code, status, response.content)
        self.assertEqual([e["field"] for e in response.json()["errors"]], [field])

    def test_it_lists_the_units_reports_newest_first_with_every_revision(self):
        self.submit(
            "870-TTT", day=date(2020, 8, 16), user=self.lan, figures=figures(staff=(41, 30))
        )
        with time_machine.travel(datetime(2020, 8, 17, 14, 0, tzinfo=VN), tick=False):
            self.submit("870-TTT", user=self.lan, activities={"broadcasts": 2})
        with time_machine.travel(datetime(2020, 8, 17, 16, 0, tzinfo=VN), tick=False):
            self.submit(
                "870-TTT",
                user=self.minh,
                figures=figures(staff=(41, 40)),
                note="thêm 1",
                on_behalf=True,
                source="Zalo",
            )

        response = self.get(self.lan)

        self.assertEqual(response.status_code, 200)
        reports = response.json()
        self.assertEqual([r["date"] for r in reports], ["2020-08-17", "2020-08-16"])
        latest = reports[0]
        self.assertEqual(
            {k: v for k, v in latest.items() if k != "revisions"},
            {
                "campaign": "bluezone-2020",
                "unit": "870-TTT",
                "date": "2020-08-17",
                "revision": 2,
                "status": "on_time",
                "submitted_at": "2020-08-17T16:00:00+07:00",
                "first_submitted_at": "2020-08-17T14:00:00+07:00",
                "figures": {
                    "staff": {"with_smartphone": 41, "installed": 40, "percent": 97.6},
                    "residents": {"with_smartphone": 5200, "installed": 2950, "percent": 56.7},
                },
                # Revision 2 did not mention the activities: they stay as revision 1 gave them.
                "activities": {"broadcasts": 2},
                "note": "thêm 1",
            },
        )
        self.assertEqual(
            latest["revisions"],
            [
                {
                    "number": 1,
                    "submitted_at": "2020-08-17T14:00:00+07:00",
                    "submitted_by": "lan",
                    "on_behalf": False,
                    "source": "",
                    "received_at": None,
                    "via": "web",
                    "figures": figures(),
                    "activities": {"broadcasts": 2},
                    "note": "",
                },
                {
                    "number": 2,
                    "submitted_at": "2020-08-17T16:00:00+07:00",
                    "submitted_by": "minh",
                    "on_behalf": True,
                    "source": "Zalo",
                    "received_at": None,
                    "via": "web",
                    "figures": figures(staff=(41, 40)),
                    "activities": {"broadcasts": 2},
                    "note": "thêm 1",
                },
            ],
        )
        self.assertEqual(reports[1]["status"], "late")
        self.assertEqual(len(reports[1]["revisions"]), 1)

    def test_a_revision_entered_on_behalf_says_when_it_was_received(self):
        with time_machine.travel(datetime(2020, 8, 17, 17, 10, tzinfo=VN), tick=False):
            self.submit(
                "870-TTT",
                user=self.minh,
                on_behalf=True,
                source="phone",
                received_at=datetime(2020, 8, 17, 15, 30, tzinfo=VN),
                note="Xã gọi lúc 15:30, nhập sau cuộc họp",
            )
        (revision,) = self.get(self.lan).json()[0]["revisions"]
        self.assertEqual(revision["received_at"], "2020-08-17T15:30:00+07:00")
        self.assertEqual(revision["submitted_at"], "2020-08-17T17:10:00+07:00")
        self.assertEqual(revision["submitted_by"], "minh")

    def test_a_unit_without_reports_has_an_empty_history(self):
        response = self.get(self.minh, "870-LKA")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json(), [])

    def test_the_history_of_a_retired_unit_stays(self):
        from uptake.campaigns.loader import load_campaign
        from uptake.test import campaign_data

        self.submit("870-LKA", day=date(2020, 8, 16))
        data = campaign_data()
        data["units"][0]["units"][0]["units"].pop(3)
        with time_machine.travel(datetime(2020, 8, 19, 9, 0, tzinfo=VN), tick=False):
            load_campaign(data)
            response = self.get(self.minh, "870-LKA")
        self.assertEqual([r["date"] for r in response.json()], ["2020-08-16"])

    def test_every_reader_of_the_unit_gets_it(self):
        self.submit("870-TTT", user=self.lan)
        for user in (self.lan, self.minh, self.hoa, self.root):
            with self.subTest(user=user.username):
                response = self.get(user)
                self.assertEqual(response.status_code, 200)
                self.assertEqual(len(response.json()), 1)

    def test_a_unit_outside_the_users_units_is_forbidden(self):
        self.submit("870-TTT", user=self.lan)
        self.submit("870-LKA")
        self.assertError(self.get(self.tuan), 403, "unit")
        self.assertError(self.get(self.lan, "870-LKA"), 403, "unit")
        self.assertError(self.get(self.hoa, "869-TH"), 403, "unit")

    def test_an_unknown_unit_or_campaign_is_not_found(self):
        self.assertError(self.get(self.minh, "870-XYZ"), 404, "unit")
        self.assertError(
            self.get(self.minh, url="/api/v1/campaigns/nope/units/{}/reports"), 404, "campaign"
        )

    def test_its_queries_do_not_grow_with_the_number_of_reports(self):
        headers = self.bearer(self.lan)
        url = URL.format("870-TTT")
        self.submit("870-TTT", day=date(2020, 8, 14), user=self.lan)
        # Seven queries: the profile and its units come with the token, whose use is written
        # (in the same statement on PostgreSQL, #20: six there).
        with self.assertNumQueries(6 if connection.vendor == "postgresql" else 7):
            self.client.get(url, **headers)
        for day in (15, 16, 17):
            self.submit("870-TTT", day=date(2020, 8, day), user=self.lan)
            self.submit("870-TTT", day=date(2020, 8, day), user=self.minh)
        # Six: the token's use is not written again within the minute.
        with self.assertNumQueries(6):
            response = self.client.get(url, **headers)
        self.assertEqual(len(response.json()), 4)
