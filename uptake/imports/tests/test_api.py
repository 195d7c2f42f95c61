"""The imports' API: the template, a file, a message, and the offline form's queue."""

from __future__ import annotations

import io
import uuid
from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.utils import translation
from openpyxl import load_workbook

from uptake.imports.models import QueuedReceipt
from uptake.imports.tests.base import filled
from uptake.reports.models import Report, Revision
from uptake.test import NOW, TODAY, BaseTestCase, figures

BASE = "/api/v1/campaigns/bluezone-2020"
TTT = {
    "figures.staff.with_smartphone": 41,
    "figures.staff.installed": 39,
    "figures.residents.with_smartphone": 5200,
    "figures.residents.installed": 2950,
}


@override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
class ImportApiTests(BaseTestCase):
    def setUp(self):
        super().setUp()
        self.enterContext(translation.override("en"))

    def upload(self, user, data, name="ngay.xlsx", dry_run="false", day=TODAY):
        return self.client.post(
            f"{BASE}/imports?date={day.isoformat()}&dry_run={dry_run}",
            {"file": SimpleUploadedFile(name, data)},
            **self.bearer(user),
        )

    def test_the_template_downloads_for_a_coordinator_under_a_unit(self):
        response = self.client.get(
            f"{BASE}/imports/template.xlsx?date={TODAY}&unit=870-TTT", **self.bearer(self.minh)
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn("870-TTT", response["Content-Disposition"])
        ws = load_workbook(io.BytesIO(response.content)).worksheets[0]
        self.assertEqual(ws["A5"].value, "870-TTT")

    def test_the_template_is_refused_outside_the_scope_and_to_reporters(self):
        answer = self.client.get(
            f"{BASE}/imports/template.xlsx?unit=869-TH", **self.bearer(self.minh)
        )
        self.assertEqual(answer.status_code, 403)
        self.assertEqual(answer.json()["errors"][0]["field"], "unit")
        for user in (self.lan, self.hoa):
            answer = self.client.get(f"{BASE}/imports/template.xlsx", **self.bearer(user))
            self.assertEqual(answer.status_code, 403)
        self.assertEqual(self.client.get(f"{BASE}/imports/template.xlsx").status_code, 401)
        answer = self.client.get(
            "/api/v1/campaigns/nope/imports/template.xlsx", **self.bearer(self.minh)
        )
        self.assertEqual(answer.status_code, 404)

    def test_a_dry_run_answers_every_row_and_stores_nothing(self):
        data = filled(self.minh, self.campaign, {"870-TTT": TTT})
        answer = self.upload(self.minh, data, dry_run="true")
        self.assertEqual(answer.status_code, 200)
        body = answer.json()
        self.assertEqual(body["stored"], 0)
        self.assertTrue(body["dry_run"])
        rows = {r["unit"]: r for r in body["rows"]}
        self.assertEqual(
            rows["870-TTT"], {"row": 7, "unit": "870-TTT", "status": "ok", "errors": []}
        )
        self.assertEqual(rows["870-NV"]["status"], "skipped")
        self.assertEqual(Report.objects.count(), 0)

    def test_it_stores_all_and_says_how_many(self):
        data = filled(self.minh, self.campaign, {"870-TTT": TTT})
        body = self.upload(self.minh, data).json()
        self.assertEqual(body["stored"], 1)
        self.assertEqual(Report.objects.get().unit.code, "870-TTT")
        self.assertEqual(self.upload(self.minh, data).json()["stored"], 0)  # unchanged

    def test_a_row_in_error_answers_200_with_its_errors_and_stores_nothing(self):
        bad = {**TTT, "figures.residents.installed": 6000}
        body = self.upload(self.minh, filled(self.minh, self.campaign, {"870-TTT": bad})).json()
        (row,) = [r for r in body["rows"] if r["status"] == "error"]
        self.assertEqual(
            row["errors"][0],
            {
                "field": "figures.residents.installed",
                "message": "Số đã cài đặt không được lớn hơn số có điện thoại thông minh.",
                "column": "F",
            },
        )
        self.assertEqual(body["stored"], 0)
        self.assertEqual(Report.objects.count(), 0)

    def test_a_bad_file_is_a_422_with_the_file_field(self):
        answer = self.upload(self.minh, b"MZ\x90\x00", name="virus.exe")
        self.assertEqual(answer.status_code, 422)
        self.assertEqual(answer.json()["errors"][0]["field"], "file")
        answer = self.client.post(f"{BASE}/imports", {}, **self.bearer(self.minh))
        self.assertEqual(answer.status_code, 422)

    def test_reporters_and_viewers_may_not_import(self):
        data = filled(self.minh, self.campaign, {"870-TTT": TTT})
        for user in (self.lan, self.hoa, self.tuan):
            self.assertEqual(self.upload(user, data).status_code, 403)
        self.assertEqual(Report.objects.count(), 0)

    def test_a_message_is_read_and_stored(self):
        text = "Kính gửi phòng VHTT\nTT Thường Thới Tiền: CB 41/39; dân 5.200/2.950; loa 2\n"
        answer = self.client.post(
            f"{BASE}/imports/text",
            {"date": TODAY.isoformat(), "text": text, "dry_run": False},
            content_type="application/json",
            **self.bearer(self.minh),
        )
        self.assertEqual(answer.status_code, 200)
        body = answer.json()
        self.assertEqual(
            body["rows"], [{"row": 2, "unit": "870-TTT", "status": "ok", "errors": []}]
        )
        self.assertEqual(body["stored"], 1)
        revision = Revision.objects.get()
        self.assertEqual((revision.source, revision.on_behalf), ("Tin nhắn", True))

    def test_a_message_with_an_unreadable_line_stores_nothing(self):
        text = "TT Thường Thới Tiền: CB 41/39; dân 5.200/2.950\nXã Long Khánh A: CB 41"
        body = self.client.post(
            f"{BASE}/imports/text",
            {"text": text, "dry_run": False},
            content_type="application/json",
            **self.bearer(self.minh),
        ).json()
        self.assertEqual([r["status"] for r in body["rows"]], ["ok", "error"])
        self.assertEqual(body["rows"][1]["errors"][0]["field"], "figures.staff")
        self.assertEqual(body["stored"], 0)
        self.assertEqual(Report.objects.count(), 0)

    def test_a_message_with_no_figures_or_unknown_keys_is_a_422(self):
        for payload in ({"text": "Xin chào"}, {"text": "x", "notes": 1}, {"text": ""}):
            answer = self.client.post(
                f"{BASE}/imports/text",
                payload,
                content_type="application/json",
                **self.bearer(self.minh),
            )
            self.assertEqual(answer.status_code, 422, payload)


@override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
class QueuedReportTests(BaseTestCase):
    def send(self, user, key=None, **changes):
        body = {
            "unit": "870-TTT",
            "date": TODAY.isoformat(),
            "figures": figures(),
            "activities": {"broadcasts": 2},
            "note": "",
            "pressed_at": (NOW - timedelta(hours=2)).isoformat(),
            **changes,
        }
        headers = self.bearer(user)
        if key:
            headers["HTTP_IDEMPOTENCY_KEY"] = key
        return self.client.post(
            f"{BASE}/reports/queued", body, content_type="application/json", **headers
        )

    def test_the_server_decides_on_time_and_keeps_when_it_was_pressed(self):
        answer = self.send(self.lan, key=str(uuid.uuid4()))
        self.assertEqual(answer.status_code, 201)
        body = answer.json()
        self.assertEqual(body["status"], "on_time")
        self.assertEqual(body["received_at"], NOW.isoformat())
        self.assertEqual(body["pressed_at"], (NOW - timedelta(hours=2)).isoformat())
        receipt = QueuedReceipt.objects.get()
        self.assertEqual(receipt.pressed_at, NOW - timedelta(hours=2))
        self.assertEqual(receipt.revision.via, "offline")

    def test_pressed_before_the_deadline_but_received_after_is_late(self):
        self.clock.stop()
        self.clock = __import__("time_machine").travel(NOW.replace(hour=16), tick=False)
        self.clock.start()
        body = self.send(self.lan, pressed_at=NOW.replace(hour=14).isoformat()).json()
        self.assertEqual(body["status"], "late")

    def test_sent_twice_with_its_key_it_is_stored_once(self):
        key = str(uuid.uuid4())
        first = self.send(self.lan, key=key)
        again = self.send(self.lan, key=key)
        self.assertEqual(again.status_code, 201)
        self.assertEqual(again["Idempotent-Replayed"], "true")
        self.assertEqual(first.json(), again.json())
        self.assertEqual(Revision.objects.count(), 1)
        self.assertEqual(QueuedReceipt.objects.count(), 1)

    def test_it_is_refused_outside_the_units_and_checked_by_the_rules(self):
        self.assertEqual(self.send(self.tuan).status_code, 403)
        self.assertEqual(self.send(self.hoa).status_code, 403)
        self.assertEqual(self.send(self.lan, unit="nope").status_code, 404)
        bad = figures(staff=(10, 11))
        answer = self.send(self.lan, figures=bad)
        self.assertEqual(answer.status_code, 422)
        self.assertEqual(answer.json()["errors"][0]["field"], "figures.staff.installed")
        self.assertEqual(Revision.objects.count(), 0)
        self.assertEqual(QueuedReceipt.objects.count(), 0)

    def test_the_page_session_needs_its_csrf_token(self):
        from django.test import Client

        client = Client(enforce_csrf_checks=True)
        client.force_login(self.lan)
        answer = client.post(
            f"{BASE}/reports/queued",
            {
                "unit": "870-TTT",
                "date": TODAY.isoformat(),
                "figures": figures(),
                "pressed_at": NOW.isoformat(),
            },
            content_type="application/json",
        )
        self.assertEqual(answer.status_code, 403)
        self.assertEqual(answer.json()["errors"][0]["field"], "csrf")
        self.assertEqual(Revision.objects.count(), 0)
