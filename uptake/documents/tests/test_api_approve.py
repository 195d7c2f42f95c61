from __future__ import annotations

import json

import time_machine

from uptake.audit.models import AuditEntry
from uptake.documents.actions import make_draft
from uptake.documents.models import Compilation, State
from uptake.documents.tests.base import START, DocumentsTestCase, at
from uptake.test import TODAY

URL = "/api/v1/campaigns/bluezone-hong-ngu/compilations/2020-08-17/approve"


class ApproveEndpointTestCase(DocumentsTestCase):
    def after_the_deadline(self, hour=16):
        clock = time_machine.travel(at(TODAY, hour), tick=False)
        clock.start()
        self.addCleanup(clock.stop)

    def test_after_the_deadline_with_every_unit_reported_it_approves_without_confirm(self):
        self.report("870-VHTT", TODAY, 3, at=at(TODAY, 14))
        self.report("870-LKA", TODAY, 3, at=at(TODAY, 14))
        self.after_the_deadline()
        make_draft(self.campaign, TODAY, self.minh)
        r = self.client.post(URL, **self.bearer(self.minh))
        self.assertEqual(r.status_code, 200)
        self.assertEqual((r.json()["state"], r.json()["reference"]), ("approved", "01/BC-VHTT"))
        again = self.client.post(URL, **self.bearer(self.minh))
        self.assertEqual(again.status_code, 409)
        self.assertIn("01/BC-VHTT", again.json()["errors"][0]["message"])

    def test_before_the_deadline_it_refuses_without_confirm_and_names_the_counts(self):
        make_draft(self.campaign, TODAY, self.minh)
        r = self.client.post(URL, **self.bearer(self.minh))
        self.assertEqual(r.status_code, 422)
        error = r.json()["errors"][0]
        self.assertEqual(error["field"], "confirm")
        self.assertIn("2", error["message"])  # 870-VHTT and 870-LKA have not reported
        self.assertIn("15:00", error["message"])
        compilation = Compilation.objects.get()
        self.assertEqual((compilation.state, compilation.number), (State.DRAFT, None))
        self.assertFalse(AuditEntry.objects.filter(action="compilation.approve").exists())

    def test_after_the_deadline_units_missing_still_need_confirm(self):
        self.after_the_deadline()
        make_draft(self.campaign, TODAY, self.minh)
        r = self.client.post(URL, **self.bearer(self.minh))
        self.assertEqual(r.status_code, 422)
        self.assertEqual(r.json()["errors"][0]["field"], "confirm")
        self.assertNotIn("deadline", r.json()["errors"][0]["message"])

    def test_confirm_in_the_query_or_the_body_approves(self):
        make_draft(self.campaign, TODAY, self.minh)
        r = self.client.post(URL + "?confirm=true", **self.bearer(self.minh))
        self.assertEqual((r.status_code, r.json()["state"]), (200, "approved"))
        entry = AuditEntry.objects.get(action="compilation.approve")
        self.assertIn("confirmed", entry.after)
        self.assertEqual(entry.after["reporting"]["missing"], 2)
        make_draft(self.campaign, START, self.minh)
        r = self.client.post(
            URL.replace("2020-08-17", "2020-08-14"),
            data=json.dumps({"confirm": True}),
            content_type="application/json",
            **self.bearer(self.minh),
        )
        self.assertEqual(r.status_code, 200, r.content)

    def test_approving_sends_nothing(self):
        from django.core import mail

        make_draft(self.campaign, TODAY, self.minh)
        self.client.post(URL + "?confirm=true", **self.bearer(self.minh))
        self.assertEqual(mail.outbox, [])
        self.assertFalse(Compilation.objects.get().dispatches.exists())

    def test_a_bad_body_is_refused_and_changes_nothing(self):
        make_draft(self.campaign, TODAY, self.minh)
        for body, field in (
            ("{not json", "body"),
            (json.dumps({"confirm": True, "extra": 1}), "extra"),
            (json.dumps({"confirm": "perhaps"}), "confirm"),
        ):
            with self.subTest(body=body):
                r = self.client.post(
                    URL, data=body, content_type="application/json", **self.bearer(self.minh)
                )
                self.assertEqual(r.status_code, 422)
                self.assertEqual(r.json()["errors"][0]["field"], field)
                self.assertEqual(Compilation.objects.get().state, State.DRAFT)
        r = self.client.post(URL + "?confirm=perhaps", **self.bearer(self.minh))
        self.assertEqual(r.status_code, 422)
        self.assertEqual(Compilation.objects.get().state, State.DRAFT)

    def test_a_day_without_a_draft_is_not_found(self):
        self.assertEqual(self.client.post(URL, **self.bearer(self.minh)).status_code, 404)

    def test_permissions(self):
        make_draft(self.campaign, TODAY, self.minh)
        self.assertEqual(self.client.post(URL).status_code, 401)
        for user in (self.hoa, self.lan, self.tuan):
            self.assertEqual(self.client.post(URL, **self.bearer(user)).status_code, 403)
        self.assertEqual(self.client.get(URL, **self.bearer(self.minh)).status_code, 405)
