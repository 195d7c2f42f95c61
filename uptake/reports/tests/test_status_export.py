"""The status page's exports (#17): /c/<slug>/status.xlsx and .csv hold what the page shows,
with its filters (date, root, show, q), for whoever may read the page, and no one else."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime

import time_machine
from django.test import override_settings
from openpyxl import load_workbook

from uptake.test import VN, BaseTestCase, figures

PAGE = "/c/bluezone-2020/status/"
XLSX = "/c/bluezone-2020/status.xlsx"
CSV = "/c/bluezone-2020/status.csv"
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def csv_rows(response) -> list[list[str]]:
    text = response.content.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def xlsx_codes(response) -> list[str]:
    wb = load_workbook(io.BytesIO(response.content))
    ws = wb.worksheets[0]
    return [row[0] for row in ws.iter_rows(values_only=True) if row[0] and "-" in str(row[0])]


@override_settings(PASSWORD_HASHERS=FAST_HASHERS)
class StatusExportTest(BaseTestCase):
    def setUp(self):
        super().setUp()
        # 870-TTT and 870-NV on time, 870-LKA late, 870-VHTT missing.
        self.submit("870-TTT", user=self.lan)
        with time_machine.travel(datetime(2020, 8, 17, 15, 20, tzinfo=VN), tick=False):
            self.submit("870-LKA", figures=figures(residents=(4000, 2500)))
        self.submit("870-NV")
        self.client.force_login(self.minh)

    def page_codes(self, query: str = "") -> list[str]:
        return [r.unit.code for r in self.client.get(PAGE + query).context["rows"]]

    def test_the_page_offers_both_files_with_its_filters(self):
        response = self.client.get(PAGE + "?show=missing&q=van+hoa")
        self.assertContains(response, f'href="{XLSX}?')
        self.assertContains(response, f'href="{CSV}?')
        self.assertContains(response, "show=missing")
        self.assertContains(response, "Xuất danh sách này (.xlsx)")

    def test_the_csv_holds_the_rows_the_page_shows(self):
        response = self.client.get(CSV)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "text/csv; charset=utf-8")
        self.assertIn("attachment;", response["Content-Disposition"])
        rows = csv_rows(response)
        self.assertEqual(rows[0][:3], ["Mã", "Đơn vị", "Báo cáo"])
        codes = [r[0] for r in rows[1:] if r[0]]
        self.assertEqual(codes, self.page_codes())
        statuses = {r[0]: r[2] for r in rows[1:] if r[0]}
        self.assertEqual(statuses["870-LKA"], "Trễ hạn")
        self.assertEqual(statuses["870-VHTT"], "Chưa báo cáo")
        self.assertEqual(rows[-1][1], "Tổng cộng")

    def test_the_files_follow_show_and_the_search(self):
        for query in ("?show=late", "?show=missing", "?q=thuong+thoi", "?q=zzz"):
            with self.subTest(query=query):
                codes = [r[0] for r in csv_rows(self.client.get(CSV + query))[1:] if r[0]]
                self.assertEqual(codes, self.page_codes(query))
                self.assertEqual(xlsx_codes(self.client.get(XLSX + query)), codes)

    def test_the_xlsx_says_what_it_holds(self):
        response = self.client.get(XLSX + "?show=late")
        self.assertEqual(response.status_code, 200)
        self.assertIn("late.xlsx", response["Content-Disposition"])
        wb = load_workbook(io.BytesIO(response.content))
        self.assertEqual(wb.sheetnames, ["Tình hình báo cáo", "Thông tin"])
        about = dict(wb["Thông tin"].iter_rows(min_row=2, values_only=True))
        self.assertEqual(about["Lọc"], "Trễ hạn")
        self.assertEqual(about["Ngày"], "17/08/2020")

    def test_an_earlier_day_gives_that_days_figures(self):
        rows = csv_rows(self.client.get(CSV + "?date=2020-08-16"))
        statuses = {r[0]: r[2] for r in rows[1:] if r[0]}
        self.assertEqual(set(statuses.values()), {"Chưa báo cáo"})
        self.assertEqual(date(2020, 8, 16).strftime("%d/%m/%Y"), "16/08/2020")

    def test_a_unit_of_the_scope_narrows_it(self):
        self.client.force_login(self.root)
        codes = [r[0] for r in csv_rows(self.client.get(CSV + "?root=870-TTT"))[1:] if r[0]]
        self.assertEqual(codes, ["870-TTT"])

    def test_a_unit_outside_the_scope_is_not_found(self):
        self.client.force_login(self.tuan)
        self.assertEqual(self.client.get(CSV + "?root=870").status_code, 404)
        self.assertEqual(self.client.get(XLSX + "?root=870-TTT").status_code, 404)

    def test_a_reporter_from_another_district_gets_only_their_own_unit(self):
        self.client.force_login(self.tuan)
        rows = csv_rows(self.client.get(CSV))
        self.assertEqual([r[0] for r in rows[1:] if r[0]], ["869-TH"])
        self.assertEqual(xlsx_codes(self.client.get(XLSX)), ["869-TH"])
        for root in ("870", "870-TTT", "87"):
            self.assertEqual(self.client.get(f"{CSV}?root={root}").status_code, 404)

    def test_it_needs_a_log_in_and_a_get(self):
        self.client.logout()
        self.assertEqual(self.client.get(CSV).status_code, 302)
        self.client.force_login(self.minh)
        self.assertEqual(self.client.post(XLSX).status_code, 405)
