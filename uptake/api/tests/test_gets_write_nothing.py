"""A GET writes nothing (#19): no INSERT, UPDATE or DELETE on any read of the API or of the
pages that show data-quality flags, even when the flags are due a refresh (a report arrived
since their last check): the scheduler and the POSTs bring them up to date, not a read."""

from __future__ import annotations

from datetime import date

from django.db import connection
from django.test.utils import CaptureQueriesContext

from uptake.api.tests.test_paging import ListsTestCase
from uptake.quality.actions import refresh_stale_flags
from uptake.quality.models import Flag, QualityCheck

WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")

# Every GET of API v1 but the two files, whose download is logged (uptake/ops/downloads.py).
READS = [
    *ListsTestCase.LISTS,
    ("/api/v1/campaigns/bluezone-2020/summary", ""),
    ("/api/v1/campaigns/bluezone-2020/compilations/2020-08-17", ""),
    ("/api/v1/campaigns/bluezone-2020/flags", "root=870-TTT&date=2020-08-17"),
]


class GetsWriteNothingTestCase(ListsTestCase):
    def writes(self, url: str, **headers) -> list[str]:
        self.client.get(url, **headers)  # a first read records the token's use (once a minute)
        with CaptureQueriesContext(connection) as queries:
            response = self.client.get(url, **headers)
        self.assertEqual(response.status_code, 200, url)
        return [
            q["sql"]
            for q in queries.captured_queries
            if q["sql"].lstrip().upper().startswith(WRITES)
        ]

    def make_flags_stale(self):
        # A new report of the town: the peer group's flags are due a check (a "stale" run).
        self.submit("870-TTT", day=date(2020, 8, 17))
        self.before = (list(Flag.objects.values_list("pk", "date")), QualityCheck.objects.count())

    def test_no_get_of_the_api_writes(self):
        self.make_flags_stale()
        for path, query in READS:
            with self.subTest(path=path):
                url = f"{path}?{query}" if query else path
                self.assertEqual(self.writes(url, **self.headers), [])
        self.assertEqual(
            (list(Flag.objects.values_list("pk", "date")), QualityCheck.objects.count()),
            self.before,
        )

    def test_no_page_showing_flags_writes(self):
        self.make_flags_stale()
        self.client.force_login(self.minh)
        for url in (
            "/c/bluezone-2020/quality/",
            "/c/bluezone-2020/units/870-TTT/quality/",
            "/c/bluezone-2020/units/870-TTT/",
        ):
            with self.subTest(url=url):
                self.assertEqual(self.writes(url), [])

    def test_the_scheduler_then_brings_the_stale_flags_up_to_date(self):
        self.make_flags_stale()
        url = "/api/v1/campaigns/bluezone-2020/flags?root=870-TTT"
        stored = self.client.get(url, **self.headers).json()
        self.assertEqual(list(refresh_stale_flags()), ["bluezone-2020"])
        fresh = self.client.get(url, **self.headers).json()
        self.assertNotEqual(fresh, stored)
        self.assertIn(("2020-08-17", "stale"), {(f["date"], f["rule"]) for f in fresh})
