"""Idempotency-Key on POST /api/v1/reports and /api/v1/visits: a retry gets the first answer."""

from __future__ import annotations

import json
import time
import uuid
from datetime import timedelta
from unittest import mock

from django.test import Client

from uptake.api.idempotency import forget_old_keys
from uptake.api.models import IdempotencyKey
from uptake.audit.models import AuditEntry
from uptake.fieldwork.models import Visit
from uptake.fieldwork.tests.base import FieldworkTestCase
from uptake.notify.scheduler import Scheduler
from uptake.reports import actions
from uptake.reports.models import Report, Revision
from uptake.reports.tests.threads import ThreadedTestCase
from uptake.test import NOW, BaseTestCase, figures

REPORTS = "/api/v1/reports"
VISITS = "/api/v1/visits"


def report_body(**changes) -> dict:
    data = {
        "campaign": "bluezone-2020",
        "unit": "870-TTT",
        "date": "2020-08-17",
        "figures": figures(),
    }
    data.update(changes)
    return data


def post(client, url, data, key=None, headers=None, raw=None):
    extra = dict(headers or {})
    if key is not None:
        extra["HTTP_IDEMPOTENCY_KEY"] = key
    body = raw if raw is not None else json.dumps(data)
    return client.post(url, body, content_type="application/json", **extra)


class ReportIdempotencyTestCase(BaseTestCase):
    def setUp(self):
        super().setUp()
        self.client.cookies.load({"django_language": "en"})

    def send(self, data=None, key="k-1", user=None, raw=None):
        return post(
            self.client, REPORTS, data or report_body(), key, self.bearer(user or self.lan), raw
        )

    def rows(self) -> tuple[int, int, int, int]:
        return (
            Report.objects.count(),
            Revision.objects.count(),
            AuditEntry.objects.count(),
            IdempotencyKey.objects.count(),
        )

    def test_a_retry_with_the_same_key_gets_the_first_answer_and_stores_nothing(self):
        first = self.send()
        self.assertEqual(first.status_code, 201)
        self.assertEqual(self.rows(), (1, 1, 1, 1))
        for _ in range(2):
            again = self.send()
            self.assertEqual(again.status_code, 201)
            self.assertEqual(again.content, first.content)
            self.assertEqual(again["Idempotent-Replayed"], "true")
        self.assertEqual(self.rows(), (1, 1, 1, 1))
        self.assertEqual(Report.objects.get().revision, 1)

    def test_the_first_answer_comes_back_even_after_a_later_revision(self):
        first = self.send(key="a")
        self.send(report_body(note="sửa số liệu"), key="b")
        again = self.send(key="a")
        self.assertEqual(again.json(), first.json())
        self.assertEqual(again.json()["revision"], 1)
        self.assertEqual(Report.objects.get().revision, 2)

    def test_the_same_request_written_differently_is_the_same_request(self):
        self.send()
        reordered = json.dumps(dict(reversed(list(report_body().items()))), indent=2)
        again = self.send(raw=reordered)
        self.assertEqual(again.status_code, 201)
        self.assertEqual(self.rows()[0:2], (1, 1))

    def test_the_same_key_with_another_request_is_refused(self):
        self.send()
        before = self.rows()
        other = self.send(report_body(figures=figures(staff=(41, 40))))
        self.assertEqual(other.status_code, 422)
        self.assertEqual(other.json()["errors"][0]["field"], "Idempotency-Key")
        self.assertIn("already used for a different request", other.json()["errors"][0]["message"])
        self.assertEqual(self.rows(), before)

    def test_keys_belong_to_their_user(self):
        self.send(user=self.lan)
        second = self.send(user=self.minh)
        self.assertEqual(second.status_code, 201)
        self.assertNotIn("Idempotent-Replayed", second)
        self.assertEqual(Report.objects.get().revision, 2)
        self.assertEqual(IdempotencyKey.objects.count(), 2)

    def test_a_refused_request_keeps_no_key_and_its_corrected_retry_runs(self):
        bad = self.send(report_body(figures=figures(staff=(41, 50))))
        self.assertEqual(bad.status_code, 422)
        self.assertEqual(bad.json()["errors"][0]["field"], "figures.staff.installed")
        self.assertEqual(self.rows(), (0, 0, 0, 0))
        fixed = self.send()
        self.assertEqual(fixed.status_code, 201)
        self.assertEqual(self.rows(), (1, 1, 1, 1))

    def test_a_refusal_outside_the_users_units_keeps_no_key(self):
        response = self.send(user=self.tuan)
        self.assertEqual(response.status_code, 403)
        self.assertEqual(self.rows(), (0, 0, 0, 0))

    def test_a_crash_before_the_answer_is_kept_stores_neither_report_nor_key(self):
        save = IdempotencyKey.save

        def dies_before_the_answer_is_kept(key, *args, **kwargs):
            if kwargs.get("update_fields"):  # the answer, written on the claimed key
                raise RuntimeError("the process died")
            return save(key, *args, **kwargs)

        with mock.patch.object(IdempotencyKey, "save", dies_before_the_answer_is_kept):
            with self.assertRaises(RuntimeError):
                self.send()
        self.assertEqual(self.rows(), (0, 0, 0, 0))
        self.assertEqual(self.send().status_code, 201)
        self.assertEqual(self.rows(), (1, 1, 1, 1))

    def test_a_malformed_key_is_refused(self):
        for key in ("", " leading-space", "x" * 256, "tab\there", "ký-tự"):
            with self.subTest(key=key):
                response = self.send(key=key)
                self.assertEqual(response.status_code, 422)
                self.assertEqual(response.json()["errors"][0]["field"], "Idempotency-Key")
        self.assertEqual(self.rows(), (0, 0, 0, 0))

    def test_without_a_key_each_post_is_a_revision_as_before(self):
        self.send(key=None)
        self.send(key=None)
        self.assertEqual(Report.objects.get().revision, 2)
        self.assertEqual(IdempotencyKey.objects.count(), 0)

    def test_keys_are_forgotten_after_thirty_days(self):
        self.send(key="old")
        IdempotencyKey.objects.update(created_at=NOW - timedelta(days=31))
        self.send(key="new")
        self.assertEqual(forget_old_keys(), 1)
        self.assertEqual(list(IdempotencyKey.objects.values_list("key", flat=True)), ["new"])
        # The scheduler does it once a day.
        IdempotencyKey.objects.update(created_at=NOW - timedelta(days=31))
        self.assertEqual(Scheduler("test").run_due()["keys_forgotten"], 1)

    def test_the_header_is_in_the_openapi_schema(self):
        schema = self.client.get("/api/v1/openapi.json").json()
        for path in (REPORTS, VISITS):
            names = [p["name"] for p in schema["paths"][path]["post"]["parameters"]]
            self.assertIn("Idempotency-Key", names)


class VisitIdempotencyTestCase(FieldworkTestCase):
    def send(self, payload, key="v-1"):
        return post(self.client, VISITS, payload, key, self.bearer(self.mai))

    def test_a_retried_visit_gets_the_first_answer_and_is_stored_once(self):
        payload = self.payload()
        first = self.send(payload)
        self.assertEqual(first.status_code, 201)
        again = self.send(payload)
        self.assertEqual((again.status_code, again.content), (201, first.content))
        self.assertEqual(again["Idempotent-Replayed"], "true")
        self.assertEqual(Visit.objects.count(), 1)

    def test_the_same_key_for_another_visit_is_refused(self):
        self.send(self.payload())
        other = self.send(self.payload(household="Số 14, tổ 3"))
        self.assertEqual(other.status_code, 422)
        self.assertEqual(other.json()["errors"][0]["field"], "Idempotency-Key")
        self.assertEqual(Visit.objects.count(), 1)

    def test_a_refused_visit_keeps_no_key(self):
        response = self.send(self.payload(installed_now=5))
        self.assertEqual(response.status_code, 422)
        self.assertEqual(response.json()["errors"][0]["field"], "installed_now")
        self.assertEqual((Visit.objects.count(), IdempotencyKey.objects.count()), (0, 0))


class ConcurrentIdempotencyTestCase(ThreadedTestCase):
    """Two copies of one request at the same instant (a phone retrying while the first is
    still on its way): one report, one revision, one key, and both get the same answer."""

    def test_two_copies_with_one_key_store_once(self):
        headers = {**self.bearer(self.lan), "HTTP_IDEMPOTENCY_KEY": str(uuid.uuid4())}
        slow = actions.submit_report

        def held(**kwargs):
            # The first copy keeps its transaction open a moment: the second meets its key.
            report = slow(**kwargs)
            time.sleep(0.3)
            return report

        def send():
            return post(Client(), REPORTS, report_body(), headers=headers)

        with mock.patch("uptake.reports.api.submit_report", side_effect=held):
            first, second = self.together(send, send)
        self.assertEqual((first.status_code, second.status_code), (201, 201))
        self.assertEqual(first.json(), second.json())
        self.assertEqual(first.json()["revision"], 1)
        replayed = [r.get("Idempotent-Replayed") for r in (first, second)]
        self.assertEqual(sorted(replayed, key=str), [None, "true"])
        self.assertEqual(
            (Report.objects.count(), Revision.objects.count(), IdempotencyKey.objects.count()),
            (1, 1, 1),
        )
        self.assertEqual(AuditEntry.objects.filter(action__startswith="report.").count(), 1)

    def test_two_requests_with_their_own_keys_are_two_revisions(self):
        def send():
            headers = {**self.bearer(self.lan), "HTTP_IDEMPOTENCY_KEY": str(uuid.uuid4())}
            return post(Client(), REPORTS, report_body(), headers=headers)

        first, second = self.together(send, send)
        self.assertEqual({first.status_code, second.status_code}, {201})
        self.assertEqual(sorted([first.json()["revision"], second.json()["revision"]]), [1, 2])
        self.assertEqual(Revision.objects.count(), 2)
