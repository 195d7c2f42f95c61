"""The request guards of #15: a body over the size limit (413 in the API's form), invisible
formatting characters in names and notes (refused, combining marks kept), personal pages and
files never cached (no-store), invalid API tokens locked out per address like wrong passwords.
"""

from __future__ import annotations

import json
from urllib.parse import urlencode

from django.core.cache import cache
from django.test import override_settings

from uptake.fieldwork.tests.base import FieldworkTestCase
from uptake.lib.guards import invisible
from uptake.quality.models import StaffMember
from uptake.reports.models import Report
from uptake.test import TODAY, figures


def report(note: str) -> str:
    return json.dumps(
        {
            "campaign": "bluezone-2020",
            "unit": "870-TTT",
            "date": TODAY.isoformat(),
            "figures": figures(),
            "note": note,
        }
    )


class InvisibleTest(FieldworkTestCase):
    def test_format_characters_are_invisible_and_marks_are_not(self):
        for text in ("exe\u202etxt", "a\u200bb", "\ufeffx", "\u2066x\u2069", "a\x1bb", "\u200e"):
            self.assertTrue(invisible(text), repr(text))
        decomposed = "Thu\u031bo\u031b\u0300ng"  # "Thường" typed with combining marks
        for text in (
            "Thường Thới Tiền",
            decomposed,
            "👨\u200d👩\u200d👧",
            "a\tb\r\nc",
            "5\u00a0200",
        ):
            self.assertFalse(invisible(text), repr(text))


class RequestGuardsTestCase(FieldworkTestCase):
    def setUp(self):
        super().setUp()
        self.client.cookies.load({"django_language": "en"})
        self.client.raise_request_exception = False

    def test_a_note_with_a_right_to_left_override_is_refused_on_its_field(self):
        for note in ("Đếm lại \u202eexe.txt", "Ghi\u200bchú", "\u2067x"):
            with self.subTest(note=note):
                response = self.client.post(
                    "/api/v1/reports",
                    report(note),
                    content_type="application/json",
                    **self.bearer(self.lan),
                )
                self.assertEqual(response.status_code, 422)
                error = response.json()["errors"][0]
                self.assertEqual(error["field"], "note")
                self.assertIn("invisible formatting character", error["message"])
        self.assertFalse(Report.objects.exists())

    def test_a_note_with_combining_marks_is_stored(self):
        note = "Thu\u031bo\u031b\u0300ng tổ 3 👍🏽"
        response = self.client.post(
            "/api/v1/reports",
            report(note),
            content_type="application/json",
            **self.bearer(self.lan),
        )
        self.assertEqual(response.status_code, 201, response.content[:300])
        self.assertEqual(Report.objects.get().note, note)

    def test_a_name_typed_in_a_form_with_an_override_gets_the_error_page(self):
        self.client.force_login(self.lan)
        url = "/c/bluezone-2020/units/870-TTT/roster/"
        data = {"name": "Nguyễn \u202eVăn", "position": "Văn thư", "has_smartphone": "on"}
        for encoded in (True, False):  # as browsers send forms, and as multipart
            with self.subTest(urlencoded=encoded):
                if encoded:
                    response = self.client.post(
                        url, urlencode(data), content_type="application/x-www-form-urlencoded"
                    )
                else:
                    response = self.client.post(url, data)
                self.assertContains(response, "invisible formatting character", status_code=400)
        self.assertFalse(StaffMember.objects.filter(name__contains="Nguyễn").exists())

    def test_a_password_may_hold_anything(self):
        self.client.force_login(self.lan)
        response = self.client.post(
            "/account/password/",
            {"old_password": "wrong\u200b", "new_password1": "x", "new_password2": "x"},
        )
        self.assertEqual(response.status_code, 200)  # the form's own error, not a refusal

    @override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1000)
    def test_a_body_over_the_limit_gets_the_apis_413(self):
        response = self.client.post(
            "/api/v1/reports",
            report("x" * 2000),
            content_type="application/json",
            **self.bearer(self.lan),
        )
        self.assertEqual(response.status_code, 413)
        self.assertEqual(response["Content-Type"], "application/json")
        error = response.json()["errors"][0]
        self.assertEqual(error["field"], "body")
        self.assertIn("at most 1000 bytes", error["message"])


class NoStoreTestCase(FieldworkTestCase):
    def test_personal_pages_and_files_are_not_stored_by_caches(self):
        StaffMember.objects.create(
            campaign=self.campaign, unit=self.town, name="Nguyễn Văn Bộ", position="Văn thư"
        )
        self.client.force_login(self.lan)
        for url in (
            "/c/bluezone-2020/units/870-TTT/roster/",
            "/c/bluezone-2020/units/870-TTT/roster.xlsx",
            "/c/bluezone-2020/units/870-TTT/",
            "/c/bluezone-2020/visits/",
            "/account/",
        ):
            with self.subTest(url=url):
                response = self.client.get(url)
                self.assertEqual(response.status_code, 200)
                self.assertIn("no-store", response["Cache-Control"])

    def test_the_api_answers_are_not_stored(self):
        response = self.client.get("/api/v1/units", **self.bearer(self.lan))
        self.assertEqual(response.status_code, 200)
        self.assertIn("no-store", response["Cache-Control"])

    def test_a_response_that_says_how_to_cache_it_keeps_its_header(self):
        self.client.force_login(self.lan)
        worker = self.client.get("/c/bluezone-2020/visits/sw.js")
        self.assertEqual(worker["Cache-Control"], "no-cache")


@override_settings(API_BAD_TOKEN_LIMIT=3)
class BadTokenThrottleTestCase(FieldworkTestCase):
    def setUp(self):
        super().setUp()
        self.addCleanup(cache.delete, "api-bad-token-lock:203.0.113.7")

    def get(self, token: str, address: str = "203.0.113.7"):
        return self.client.get(
            "/api/v1/units", HTTP_AUTHORIZATION=f"Bearer {token}", REMOTE_ADDR=address
        )

    def test_invalid_tokens_lock_the_address_out_like_wrong_passwords(self):
        good = self.token(self.lan)
        self.assertEqual(self.get("upt_wrong1").status_code, 401)
        self.assertEqual(self.get("upt_wrong2").status_code, 401)
        third = self.get("upt_wrong3")
        self.assertEqual(third.status_code, 429)
        self.assertEqual(third.json()["errors"][0]["field"], "authorization")
        self.assertIn("quá nhiều mã truy cập không hợp lệ", third.json()["errors"][0]["message"])
        self.assertGreater(int(third["Retry-After"]), 0)
        # Locked: even a valid token from that address, before it is looked up.
        self.assertEqual(self.get(good).status_code, 429)
        # Another address is not.
        self.assertEqual(self.get(good, "198.51.100.9").status_code, 200)

    def test_valid_tokens_and_requests_without_one_are_not_counted(self):
        good = self.token(self.lan)
        for _ in range(5):
            self.assertEqual(self.get(good).status_code, 200)
            self.assertEqual(
                self.client.get("/api/v1/units", REMOTE_ADDR="203.0.113.7").status_code, 401
            )
        self.assertEqual(self.get("upt_wrong").status_code, 401)
