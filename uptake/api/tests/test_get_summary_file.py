"""GET /api/v1/campaigns/{slug}/summary.xlsx and summary.csv (#17): the summary's parameters
(date, root) and the status page's filters (show, q), as the status page exports them."""

from __future__ import annotations

import csv
import io
from datetime import datetime

import time_machine
from openpyxl import load_workbook

from uptake.test import VN, BaseTestCase, figures

BASE = "/api/v1/campaigns/bluezone-2020/summary"


def codes_of_csv(response) -> list[str]:
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    return [r[0] for r in rows[1:] if r[0]]


class GetSummaryFileTestCase(BaseTestCase):
    def setUp(self):
        super().setUp()
        self.submit("870-TTT", user=self.lan)
        with time_machine.travel(datetime(2020, 8, 17, 15, 30, tzinfo=VN), tick=False):
            self.submit("870-LKA", figures=figures(residents=(4000, 2500)))

    def get(self, user, ext: str, **params):
        return self.client.get(f"{BASE}.{ext}", params, **self.bearer(user))

    def test_the_csv_lists_every_unit_of_the_root_as_the_summary_does(self):
        response = self.get(self.minh, "csv", date="2020-08-17", root="870")
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual(response["Content-Type"], "text/csv; charset=utf-8")
        summary = self.client.get(
            BASE, {"date": "2020-08-17", "root": "870"}, **self.bearer(self.minh)
        ).json()
        self.assertEqual(codes_of_csv(response), [u["code"] for u in summary["units"]])

    def test_the_workbook_follows_show(self):
        response = self.get(self.minh, "xlsx", show="late")
        self.assertEqual(response.status_code, 200, response.content)
        ws = load_workbook(io.BytesIO(response.content)).worksheets[0]
        codes = [r[0] for r in ws.iter_rows(values_only=True) if r[0] and "-" in str(r[0])]
        self.assertEqual(codes, ["870-LKA"])

    def test_the_search_narrows_the_csv(self):
        self.assertEqual(codes_of_csv(self.get(self.minh, "csv", q="thuong thoi")), ["870-TTT"])

    def test_a_unit_outside_the_scope_is_refused(self):
        response = self.get(self.tuan, "csv", root="870")
        self.assertEqual(response.status_code, 403)
        self.assertEqual(response.json()["errors"][0]["field"], "root")
        self.assertEqual(codes_of_csv(self.get(self.tuan, "csv", root="869-TH")), ["869-TH"])

    def test_an_unknown_unit_or_campaign_is_not_found(self):
        self.assertEqual(self.get(self.minh, "xlsx", root="nope").status_code, 404)
        response = self.client.get("/api/v1/campaigns/nope/summary.csv", **self.bearer(self.minh))
        self.assertEqual(response.status_code, 404)

    def test_a_day_not_come_or_a_bad_filter_is_refused(self):
        response = self.get(self.minh, "csv", date="2020-08-30")
        self.assertEqual(response.status_code, 422, response.content)
        self.assertEqual(self.get(self.minh, "csv", show="everything").status_code, 422)

    def test_it_needs_a_token(self):
        self.assertEqual(self.client.get(f"{BASE}.csv").status_code, 401)
