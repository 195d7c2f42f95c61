from __future__ import annotations

import hashlib

from django.core import mail
from django.core.exceptions import PermissionDenied
from django.test import override_settings

from uptake.campaigns.loader import load_campaign
from uptake.documents.actions import (
    CompilationError,
    CompilationLocked,
    approve_compilation,
    make_draft,
    send_compilation,
)
from uptake.documents.models import Dispatch, State
from uptake.documents.tests.base import DocumentsTestCase, district_data
from uptake.test import NOW, TODAY


@override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend")
class SendCompilationTestCase(DocumentsTestCase):
    def approved(self):
        return approve_compilation(
            make_draft(self.campaign, TODAY, self.minh)[0], self.minh, confirm=True
        )

    def test_it_emails_the_documents_to_the_recipients_with_an_address(self):
        dispatch = send_compilation(self.approved(), self.minh)
        self.assertEqual(len(mail.outbox), 1)
        message = mail.outbox[0]
        self.assertEqual(message.to, ["ubnd@example.org", "sotttt@example.org"])
        self.assertIn("01/BC-VHTT", message.subject)
        self.assertIn("Kính gửi:", message.body)
        names = [a[0] for a in message.attachments]
        self.assertEqual(
            names,
            [
                "BC-VHTT-01-2020-08-17.pdf",
                "BC-VHTT-01-2020-08-17.docx",
                "BC-VHTT-01-2020-08-17.xlsx",
            ],
        )
        pdf = message.attachments[0]
        self.assertTrue(pdf[1].startswith(b"%PDF"))
        self.assertEqual(pdf[2], "application/pdf")
        self.assertEqual(dispatch.attachments[0]["sha256"], hashlib.sha256(pdf[1]).hexdigest())

    def test_it_records_who_sent_what_when_to_whom(self):
        compilation = self.approved()
        send_compilation(compilation, self.minh)
        dispatch = Dispatch.objects.get()
        self.assertEqual(dispatch.sent_by, self.minh)
        self.assertEqual(dispatch.sent_at, NOW)
        self.assertEqual(
            [r["email"] for r in dispatch.recipients], ["ubnd@example.org", "sotttt@example.org"]
        )
        self.assertEqual(len(dispatch.attachments), 3)
        compilation.refresh_from_db()
        self.assertEqual(compilation.state, State.SENT)
        self.assertEqual((compilation.sent_by, compilation.sent_at), (self.minh, NOW))

    def test_sending_again_is_a_new_dispatch(self):
        compilation = self.approved()
        send_compilation(compilation, self.minh)
        send_compilation(compilation, self.root)
        self.assertEqual(Dispatch.objects.count(), 2)
        compilation.refresh_from_db()
        self.assertEqual(compilation.sent_by, self.minh)  # the first sending

    def test_a_draft_is_not_sent(self):
        draft = make_draft(self.campaign, TODAY, self.minh)[0]
        with self.assertRaises(CompilationLocked):
            send_compilation(draft, self.minh)
        self.assertEqual(mail.outbox, [])
        self.assertFalse(Dispatch.objects.exists())

    def test_without_an_address_nothing_is_sent(self):
        data = district_data()
        data["document"]["recipients"] = [{"name": "Lưu: VT"}]
        self.campaign, _stats = load_campaign(data)
        with self.assertRaises(CompilationError) as caught:
            send_compilation(self.approved(), self.minh)
        self.assertEqual(caught.exception.field, "recipients")
        self.assertEqual(mail.outbox, [])

    def test_viewers_do_not_send(self):
        compilation = self.approved()
        with self.assertRaises(PermissionDenied):
            send_compilation(compilation, self.hoa)
        self.assertEqual(mail.outbox, [])
