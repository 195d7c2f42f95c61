from __future__ import annotations

from django.core import mail
from django.test import override_settings

from uptake.documents.actions import approve_compilation, make_draft
from uptake.documents.tests.base import DocumentsTestCase
from uptake.test import TODAY

URL = "/api/v1/campaigns/bluezone-hong-ngu/compilations/2020-08-17/send"


@override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend")
class SendEndpointTestCase(DocumentsTestCase):
    def test_the_coordinator_sends_the_approved_report(self):
        approve_compilation(make_draft(self.campaign, TODAY, self.minh)[0], self.minh, confirm=True)
        r = self.client.post(URL, **self.bearer(self.minh))
        self.assertEqual(r.status_code, 200)
        body = r.json()
        self.assertEqual(body["state"], "sent")
        self.assertEqual(body["dispatch"]["sent_by"], "minh")
        self.assertEqual(len(body["dispatch"]["attachments"]), 3)
        self.assertEqual(len(body["dispatches"]), 1)
        self.assertEqual(len(mail.outbox), 1)

    def test_a_draft_is_a_conflict(self):
        make_draft(self.campaign, TODAY, self.minh)
        r = self.client.post(URL, **self.bearer(self.minh))
        self.assertEqual(r.status_code, 409)
        self.assertEqual(mail.outbox, [])

    def test_permissions(self):
        approve_compilation(make_draft(self.campaign, TODAY, self.minh)[0], self.minh, confirm=True)
        self.assertEqual(self.client.post(URL).status_code, 401)
        for user in (self.hoa, self.lan, self.tuan):
            self.assertEqual(self.client.post(URL, **self.bearer(user)).status_code, 403)
        self.assertEqual(self.client.get(URL, **self.bearer(self.minh)).status_code, 405)
        self.assertEqual(mail.outbox, [])
