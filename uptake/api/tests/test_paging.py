"""Paging of API v1's lists (#19): ``limit`` and ``offset``; ``X-Total-Count`` and ``Link``.

Every list endpoint of every app pages the same way (uptake.api.base.paged), its body stays
the JSON list it always was, and a call without the new parameters answers as before.
"""

from __future__ import annotations

import re
from datetime import date
from urllib.parse import parse_qs, urlsplit

from django.utils import timezone

from uptake.api.tests.test_campaigns_units import OTHER
from uptake.campaigns.loader import load_campaign
from uptake.documents.actions import make_draft
from uptake.fieldwork.tests.base import FieldworkTestCase
from uptake.notify.models import Kind, Notification
from uptake.quality.actions import record_inspection
from uptake.quality.tests.helpers import some_flags

LINK = re.compile(r'<([^>]+)>; rel="(\w+)"')


def links(response) -> dict[str, str]:
    return {rel: url for url, rel in LINK.findall(response.get("Link", ""))}


class ListsTestCase(FieldworkTestCase):
    """Two or more items in every list of the API, as ``root`` (admin) or their owner sees."""

    def setUp(self):
        super().setUp()
        load_campaign(OTHER)
        some_flags(self)  # reports of 870-TTT on 14, 15, 16/08 and three flags
        make_draft(self.campaign, date(2020, 8, 16), self.root)
        make_draft(self.campaign, date(2020, 8, 17), self.root)
        for n in (8, 9):
            record_inspection(
                self.campaign,
                self.unit("870-TTT"),
                user=self.minh,
                date=date(2020, 8, 17),
                method="staff_phones",
                group="staff",
                sample_size=10,
                with_app=n,
            )
        self.record()
        self.record(household="Số 14, tổ 3")
        for kind in (Kind.MORNING_REMINDER, Kind.AFTERNOON_REMINDER):
            Notification.objects.create(
                user=self.root,
                kind=kind,
                campaign=self.campaign,
                day=date(2020, 8, 17),
                params={
                    "campaign": self.campaign.title,
                    "slug": self.campaign.slug,
                    "date": "2020-08-17",
                    "due": "15:00",
                    "units": {"names": ["Thị trấn Thường Thới Tiền"], "count": 1},
                },
                url="/c/bluezone-2020/report/",
                created_at=timezone.now(),
            )
        self.headers = self.bearer(self.root)

    # (path, query) of every list endpoint of API v1.
    LISTS = [
        ("/api/v1/campaigns", ""),
        ("/api/v1/units", ""),
        ("/api/v1/campaigns/bluezone-2020/units/870-TTT/reports", ""),
        ("/api/v1/campaigns/bluezone-2020/compilations", ""),
        ("/api/v1/campaigns/bluezone-2020/flags", ""),
        ("/api/v1/campaigns/bluezone-2020/inspections", "unit=870-TTT"),
        ("/api/v1/visits", "hamlet=870-TTT-K1&date=2020-08-17"),
        ("/api/v1/notifications", ""),
    ]

    def get(self, path: str, query: str = "", **params):
        extra = "&".join(f"{k}={v}" for k, v in params.items())
        query = "&".join(part for part in (query, extra) if part)
        response = self.client.get(f"{path}?{query}" if query else path, **self.headers)
        self.assertEqual(response.status_code, 200, (path, query, response.content[:300]))
        self.assertIsInstance(response.json(), list)
        return response


class EveryListTestCase(ListsTestCase):
    def test_without_the_new_parameters_every_list_answers_whole_with_its_total(self):
        for path, query in self.LISTS:
            with self.subTest(path=path):
                response = self.get(path, query)
                body = response.json()
                self.assertGreaterEqual(len(body), 2)
                self.assertEqual(response["X-Total-Count"], str(len(body)))
                self.assertNotIn("Link", response)

    def test_every_list_walks_page_by_page_along_its_next_links(self):
        for path, query in self.LISTS:
            with self.subTest(path=path):
                whole = self.get(path, query).json()
                first = self.get(path, query, limit=1)
                self.assertEqual(first.json(), whole[:1])
                self.assertEqual(first["X-Total-Count"], str(len(whole)))
                pages, response = [first.json()], first
                while "next" in links(response):
                    url = urlsplit(links(response)["next"])
                    self.assertEqual(url.netloc, "testserver")
                    response = self.get(url.path, url.query)
                    self.assertIn("prev", links(response))
                    pages.append(response.json())
                self.assertEqual(len(pages), len(whole))
                self.assertEqual([item for page in pages for item in page], whole)

    def test_an_offset_alone_skips_items_of_the_whole_list(self):
        for path, query in self.LISTS:
            with self.subTest(path=path):
                whole = self.get(path, query).json()
                response = self.get(path, query, offset=1)
                self.assertEqual(response.json(), whole[1:])
                self.assertEqual(response["X-Total-Count"], str(len(whole)))
                prev = parse_qs(urlsplit(links(response)["prev"]).query)
                self.assertEqual(prev["offset"], ["0"])

    def test_an_offset_past_the_end_is_an_empty_list_with_the_total(self):
        for path, query in self.LISTS:
            with self.subTest(path=path):
                whole = self.get(path, query).json()
                response = self.get(path, query, offset=50, limit=10)
                self.assertEqual(response.json(), [])
                self.assertEqual(response["X-Total-Count"], str(len(whole)))
                self.assertNotIn("next", links(response))

    def test_a_negative_or_huge_offset_is_a_422_on_offset(self):
        for path, query in self.LISTS:
            for offset in ("-1", "10000000000000000000000", "x"):
                with self.subTest(path=path, offset=offset):
                    sep = "&" if query else ""
                    response = self.client.get(
                        f"{path}?{query}{sep}offset={offset}", **self.headers
                    )
                    self.assertEqual(response.status_code, 422)
                    self.assertEqual(response.json()["errors"][0]["field"], "offset")


class UnitsPagingTestCase(ListsTestCase):
    URL = "/api/v1/units"

    def test_the_default_limit_of_fifty_and_its_bounds_are_kept(self):
        whole = self.get(self.URL).json()
        self.assertEqual(len(whole), 12)  # under 50: all of them, as before paging
        self.assertEqual(self.get(self.URL, limit=0).json(), whole[:1])  # at least one
        self.assertEqual(self.get(self.URL, limit=-5).json(), whole[:1])
        self.assertEqual(self.get(self.URL, limit=100000).json(), whole)  # at most 500

    def test_the_next_link_keeps_the_search_and_says_limit_and_offset(self):
        response = self.get(self.URL, "q=khom", limit=1)
        self.assertEqual(response["X-Total-Count"], "2")
        self.assertEqual(len(response.json()), 1)
        query = parse_qs(urlsplit(links(response)["next"]).query)
        self.assertEqual(query, {"q": ["khom"], "limit": ["1"], "offset": ["1"]})

    def test_a_full_page_without_more_items_has_no_next_link(self):
        response = self.get(self.URL, limit=12)
        self.assertEqual(response["X-Total-Count"], "12")
        self.assertNotIn("Link", response)

    def test_it_counts_only_when_the_page_does_not_show_where_the_list_ends(self):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        self.get(self.URL)  # the token's use is recorded once
        with CaptureQueriesContext(connection) as whole:
            self.assertEqual(self.get(self.URL)["X-Total-Count"], "12")  # 12 of at most 50
        with CaptureQueriesContext(connection) as part:
            self.assertEqual(self.get(self.URL, limit=3)["X-Total-Count"], "12")
        self.assertEqual(len(part), len(whole) + 1)
        self.assertIn("COUNT(", part.captured_queries[-1]["sql"].upper())


class NotificationsPagingTestCase(ListsTestCase):
    def test_the_limit_stays_within_two_hundred(self):
        response = self.get("/api/v1/notifications", limit=100000, unread="true")
        self.assertEqual(len(response.json()), 2)
        self.assertEqual(response["X-Total-Count"], "2")
