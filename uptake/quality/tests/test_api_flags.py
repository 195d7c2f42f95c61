"""GET /api/v1/campaigns/{slug}/flags?date=D or ?from=D1&to=D2"""

from __future__ import annotations

from uptake.quality.models import Flag
from uptake.quality.tests.helpers import quality_case, some_flags
from uptake.test import BaseTestCase

URL = "/api/v1/campaigns/bluezone-2020/flags"


@quality_case
class FlagsApiTest(BaseTestCase):
    def setUp(self):
        super().setUp()
        some_flags(self)

    def get(self, user, query=""):
        return self.client.get(URL + query, **self.bearer(user))

    def test_it_gives_the_flags_of_a_day_with_their_message(self):
        response = self.get(self.minh, "?date=2020-08-16")
        self.assertEqual(response.status_code, 200)
        body = response.json()
        self.assertEqual(
            [(f["unit"], f["date"], f["group"], f["rule"], f["severity"]) for f in body],
            [
                ("870-LKA", "2020-08-16", "residents", "decrease", "low"),
                ("870-TTT", "2020-08-16", "residents", "stale", "medium"),
            ],
        )
        # In Vietnamese unless the user chose English: the message is gettext's.
        self.assertTrue(body[1]["message"])
        self.assertEqual(body[1]["evidence"]["reports"], 3)
        self.assertFalse(body[1]["dismissed"])

    def test_it_gives_the_flags_between_two_days(self):
        self.assertEqual(len(self.get(self.minh, "?from=2020-08-14&to=2020-08-16").json()), 2)
        self.assertEqual(self.get(self.minh, "?from=2020-08-17&to=2020-08-20").json(), [])
        self.assertEqual(len(self.get(self.minh, "?from=2020-08-16").json()), 2)

    def test_every_day_when_none_is_given(self):
        # 869-TH's smartphones 900 → 600: a smartphones_jump only, not also a decrease.
        self.assertEqual(len(self.get(self.root).json()), 3)

    def test_a_user_sees_only_flags_within_their_units(self):
        self.assertEqual({f["unit"] for f in self.get(self.lan).json()}, {"870-TTT"})
        self.assertEqual({f["unit"] for f in self.get(self.hoa).json()}, {"870-TTT", "870-LKA"})
        self.assertEqual({f["unit"] for f in self.get(self.tuan).json()}, {"869-TH"})

    def test_a_root_narrows_them_and_must_be_readable(self):
        self.assertEqual(
            {f["unit"] for f in self.get(self.minh, "?root=870-LKA").json()}, {"870-LKA"}
        )
        response = self.get(self.tuan, "?root=870")
        self.assertEqual(response.status_code, 403)
        self.assertEqual(response.json()["errors"][0]["field"], "root")

    def test_dismissed_flags_only_on_request(self):
        Flag.objects.filter(rule="stale").update(
            dismissed_at="2020-08-17T03:00Z", dismiss_reason="ok"
        )
        self.assertEqual([f["rule"] for f in self.get(self.minh).json()], ["decrease"])
        flags = self.get(self.minh, "?dismissed=true").json()
        self.assertEqual(
            {(f["rule"], f["dismissed"]) for f in flags}, {("decrease", False), ("stale", True)}
        )

    def test_it_answers_the_stored_flags_which_the_scheduler_refreshes(self):
        from datetime import date

        from uptake.quality.actions import refresh_stale_flags

        self.submit("870-TTT", day=date(2020, 8, 17))
        days = {f["date"] for f in self.get(self.minh, "?root=870-TTT").json()}
        self.assertEqual(days, {"2020-08-16"})  # a GET writes nothing (#19)
        self.assertEqual(list(refresh_stale_flags()), ["bluezone-2020"])
        days = {f["date"] for f in self.get(self.minh, "?root=870-TTT").json()}
        self.assertEqual(days, {"2020-08-16", "2020-08-17"})
        self.assertEqual(refresh_stale_flags(), {})  # nothing changed since

    def test_it_needs_a_token(self):
        response = self.client.get(URL)
        self.assertEqual(response.status_code, 401)
        self.assertEqual(response.json()["errors"][0]["field"], "authorization")

    def test_an_unknown_campaign_is_a_404(self):
        response = self.client.get("/api/v1/campaigns/nope/flags", **self.bearer(self.minh))
        self.assertEqual(response.status_code, 404)
        self.assertEqual(response.json()["errors"][0]["field"], "campaign")

    def test_bad_dates_are_a_422_with_the_field(self):
        for query, field in (
            ("?date=2020-13-01", "date"),
            ("?date=2020-08-16&from=2020-08-14", "date"),
            ("?from=2020-08-16&to=2020-08-14", "to"),
        ):
            response = self.get(self.minh, query)
            self.assertEqual(response.status_code, 422, query)
            self.assertEqual(response.json()["errors"][0]["field"], field, query)

    def test_it_refuses_post(self):
        self.assertEqual(self.client.post(URL, **self.bearer(self.minh)).status_code, 405)
