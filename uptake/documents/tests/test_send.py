from __future__ import annotations

from django.core import mail
from django.test import override_settings

from uptake.documents.actions import approve_compilation, make_draft
from uptake.documents.models import Dispatch
from uptake.documents.tests.base import PAGE, DocumentsTestCase, PostPageMixin
from uptake.test import TODAY


@override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend")
class SendViewTestCase(PostPageMixin, DocumentsTestCase):
    action = "send/"

    def test_the_coordinator_sends_the_approved_report(self):
        approve_compilation(make_draft(self.campaign, TODAY, self.minh)[0], self.minh, confirm=True)
        r = self.post(self.minh)
        self.assertRedirects(r, PAGE, fetch_redirect_response=False)
        self.assertEqual(len(mail.outbox), 1)
        self.assertEqual(len(mail.outbox[0].attachments), 3)
        self.assertEqual(Dispatch.objects.get().sent_by, self.minh)
        self.assertContains(self.client.get(PAGE), "ubnd@example.org")

    def test_a_draft_is_not_sent(self):
        make_draft(self.campaign, TODAY, self.minh)
        self.post(self.minh)
        self.assertEqual(mail.outbox, [])
