"""ETag and If-None-Match on API v1's reads (#19): Django's ConditionalGetMiddleware answers
304 to a client that has the same answer already; a list's ETag covers its paging headers."""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone

from uptake.api.tests.test_paging import ListsTestCase
from uptake.notify.models import Notification

SUMMARY = "/api/v1/campaigns/bluezone-2020/summary?date=2020-08-17"
COMPILATION = "/api/v1/campaigns/bluezone-2020/compilations/2020-08-17"


class ConditionalGetTestCase(ListsTestCase):
    def get(self, url, etag=None):
        headers = dict(self.headers)
        if etag:
            headers["HTTP_IF_NONE_MATCH"] = etag
        return self.client.get(url, **headers)

    def assert_not_modified(self, url):
        first = self.get(url)
        self.assertEqual(first.status_code, 200)
        etag = first["ETag"]
        again = self.get(url, etag)
        self.assertEqual(again.status_code, 304, url)
        self.assertEqual(again.content, b"")
        self.assertEqual(again["ETag"], etag)
        # Still kept by no browser or proxy (#15): the client keeps the answer itself.
        self.assertIn("no-store", again["Cache-Control"])
        self.assertEqual(self.get(url, '"something-else"').status_code, 200)
        return etag

    def test_the_summary_a_compilation_and_the_flags_answer_304_to_their_etag(self):
        for url in (SUMMARY, COMPILATION, "/api/v1/campaigns/bluezone-2020/flags"):
            with self.subTest(url=url):
                self.assert_not_modified(url)

    def test_every_list_answers_304_to_its_weak_etag(self):
        for path, query in self.LISTS:
            with self.subTest(path=path):
                etag = self.assert_not_modified(f"{path}?{query}")
                self.assertTrue(etag.startswith('W/"'), etag)

    def test_a_new_report_changes_the_summarys_etag(self):
        etag = self.get(SUMMARY)["ETag"]
        self.submit("870-NV")
        response = self.get(SUMMARY, etag)
        self.assertEqual(response.status_code, 200)
        self.assertNotEqual(response["ETag"], etag)

    def test_a_page_whose_items_stay_but_whose_total_grows_is_not_a_304(self):
        url = "/api/v1/notifications?limit=2"
        first = self.get(url)
        self.assertEqual(first["X-Total-Count"], "2")
        older = Notification.objects.filter(user=self.root).order_by("created_at").first()
        older.pk = None
        older.created_at = timezone.now() - timedelta(days=1)  # after the page's two
        older.save()
        response = self.get(url, first["ETag"])
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json(), first.json())  # the same items...
        self.assertEqual(response["X-Total-Count"], "3")  # ...and a next page now
        self.assertIn('rel="next"', response["Link"])

    def test_a_document_downloads_whole_and_answers_304_to_its_etag(self):
        url = f"{COMPILATION}/document.csv"
        response = self.get(url)
        self.assertEqual(response.status_code, 200)
        self.assertIn("attachment;", response["Content-Disposition"])
        self.assertTrue(response.content)
        self.assertEqual(self.get(url, response["ETag"]).status_code, 304)

    def test_errors_and_writes_are_answered_as_before(self):
        response = self.get("/api/v1/campaigns/nope/summary", "*")
        self.assertEqual(response.status_code, 404)
        self.assertEqual(response.json()["errors"][0]["field"], "campaign")
        etag = self.get(COMPILATION)["ETag"]
        posted = self.client.post(COMPILATION, HTTP_IF_NONE_MATCH=etag, **self.headers)
        self.assertEqual(posted.status_code, 200)
        self.assertNotIn("ETag", posted)
        self.assertEqual(date.fromisoformat(posted.json()["date"]), date(2020, 8, 17))
