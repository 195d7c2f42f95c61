"""Text no database can hold (NUL, unpaired surrogates) is refused before any view sees it.

Found by the API fuzzer (test_fuzz_api): on PostgreSQL a NUL in a report's note, a visit's
household or a search made a 500 ("PostgreSQL text fields cannot contain NUL").
"""

from __future__ import annotations

import json

from django.test import SimpleTestCase

from uptake.audit.models import AuditEntry
from uptake.fieldwork.models import Visit
from uptake.fieldwork.tests.base import FieldworkTestCase
from uptake.lib.guards import first_unstorable, unstorable
from uptake.reports.models import Report
from uptake.test import figures

REPORT = (
    '{"campaign": "bluezone-2020", "unit": "870-TTT", "date": "2020-08-17", '
    '"figures": %s, "note": "%s"}'
)


class UnstorableTest(SimpleTestCase):
    def test_nul_and_lone_surrogates_cannot_be_stored(self):
        for text in ("a\x00b", "\ud800", "x\udfff"):
            self.assertTrue(unstorable(text), repr(text))
        for text in ("Thường Thới Tiền 🙂", "", "\u202e", "\t\n"):
            self.assertFalse(unstorable(text), repr(text))

    def test_the_path_of_the_first_bad_string_is_named(self):
        self.assertEqual(first_unstorable({"a": 1, "note": "x\x00"}), "note")
        self.assertEqual(
            first_unstorable({"figures": {"staff": ["ok", "\ud800"]}}), "figures.staff.1"
        )
        self.assertEqual(first_unstorable({"\x00": 1}), "\x00")
        self.assertEqual(first_unstorable("\x00"), "body")
        self.assertIsNone(first_unstorable({"a": [1, "b", None, {"c": "d"}]}))


class UnstorableTextTestCase(FieldworkTestCase):
    def setUp(self):
        super().setUp()
        self.client.cookies.load({"django_language": "en"})

    def post(self, url, body):
        return self.client.post(url, body, content_type="application/json", **self.bearer(self.lan))

    def test_a_report_note_with_a_nul_is_refused_with_422(self):
        for note in ("\\u0000", "a\\u0000b", "\\ud800"):
            with self.subTest(note=note):
                response = self.post("/api/v1/reports", REPORT % (json.dumps(figures()), note))
                self.assertEqual(response.status_code, 422)
                self.assertEqual(response.json()["errors"][0]["field"], "note")
                self.assertIn("cannot be stored", response.json()["errors"][0]["message"])
        self.assertEqual((Report.objects.count(), AuditEntry.objects.count()), (0, 0))

    def test_a_visit_household_with_a_nul_is_refused_with_422(self):
        body = json.dumps(self.payload(household="Số 12\x00"))
        response = self.client.post(
            "/api/v1/visits", body, content_type="application/json", **self.bearer(self.mai)
        )
        self.assertEqual(response.status_code, 422)
        self.assertEqual(response.json()["errors"][0]["field"], "household")
        self.assertEqual(Visit.objects.count(), 0)

    def test_a_search_with_a_nul_is_refused(self):
        api = self.client.get("/api/v1/units?q=%00", **self.bearer(self.lan))
        self.assertEqual(api.status_code, 422)
        self.assertEqual(api.json()["errors"][0]["field"], "q")
        self.client.force_login(self.lan)
        page = self.client.get("/c/bluezone-2020/units/870-TTT/?day=%00")
        self.assertEqual(page.status_code, 400)

    def test_ordinary_text_goes_through(self):
        body = REPORT % (json.dumps(figures()), "Thêm 2 tổ dân phố 🙂")
        self.assertEqual(self.post("/api/v1/reports", body).status_code, 201)
