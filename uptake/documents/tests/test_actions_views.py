"""The POST pages of a day's report: refresh, text, approve, send (one class each)."""

from __future__ import annotations

from django.core import mail
from django.test import override_settings

from uptake.documents.actions import approve_compilation, make_draft
from uptake.documents.models import Compilation, Dispatch, State
from uptake.documents.tests.base import DocumentsTestCase
from uptake.test import PASSWORD, TODAY

PAGE = "/c/bluezone-hong-ngu/compilations/2020-08-17/"


class PostPageMixin:
    action = ""

    def post(self, user, data=None, url=None):
        self.client.login(username=user.username, password=PASSWORD)
        return self.client.post(url or PAGE + self.action, data or {})

    def test_viewers_and_reporters_are_refused(self):
        self.assertEqual(self.post(self.hoa).status_code, 403)
        self.assertEqual(self.post(self.lan).status_code, 403)

    def test_another_district_finds_nothing(self):
        self.assertEqual(self.post(self.tuan).status_code, 404)

    def test_it_refuses_get(self):
        self.client.login(username="minh", password=PASSWORD)
        self.assertEqual(self.client.get(PAGE + self.action).status_code, 405)


class RefreshViewTestCase(PostPageMixin, DocumentsTestCase):
    action = "refresh/"

    def test_the_coordinator_makes_then_refreshes_the_draft(self):
        r = self.post(self.minh)
        self.assertRedirects(r, PAGE, fetch_redirect_response=False)
        self.assertEqual(Compilation.objects.get().made_by, self.minh)
        self.report("870-LKA", TODAY, 3)
        self.post(self.root)
        compilation = Compilation.objects.get()
        self.assertEqual(compilation.refreshed_by, self.root)
        self.assertEqual(compilation.snapshot["reporting"]["on_time"], 3)

    def test_an_approved_report_is_not_refreshed(self):
        approve_compilation(make_draft(self.campaign, TODAY, self.minh)[0], self.minh)
        r = self.post(self.minh)
        self.assertRedirects(r, PAGE, fetch_redirect_response=False)
        page = self.client.get(PAGE)
        self.assertContains(page, "no longer changes")


class TextViewTestCase(PostPageMixin, DocumentsTestCase):
    action = "text/"

    def setUp(self):
        super().setUp()
        make_draft(self.campaign, TODAY, self.minh)

    def test_the_coordinator_writes_the_text(self):
        data = {"situation": "Tình hình", "difficulties": "Khó khăn", "proposals": "Đề xuất"}
        self.assertEqual(self.post(self.minh, data).status_code, 302)
        c = Compilation.objects.get()
        self.assertEqual(
            (c.situation, c.difficulties, c.proposals), ("Tình hình", "Khó khăn", "Đề xuất")
        )

    def test_too_long_a_text_is_refused(self):
        self.post(self.minh, {"situation": "x" * 10_001})
        self.assertEqual(Compilation.objects.get().situation, "")


class ApproveViewTestCase(PostPageMixin, DocumentsTestCase):
    action = "approve/"

    def setUp(self):
        super().setUp()
        make_draft(self.campaign, TODAY, self.minh)

    def test_the_coordinator_approves_with_the_text_in_the_boxes(self):
        r = self.post(
            self.minh, {"situation": "Đã kiểm tra 3 xã.", "difficulties": "", "proposals": ""}
        )
        self.assertRedirects(r, PAGE, fetch_redirect_response=False)
        c = Compilation.objects.get()
        self.assertEqual((c.state, c.number, c.situation), (State.APPROVED, 1, "Đã kiểm tra 3 xã."))
        self.assertContains(self.client.get(PAGE), "01/BC-VHTT")

    def test_approving_twice_keeps_the_first_number(self):
        self.post(self.minh)
        self.post(self.root)
        self.assertEqual(Compilation.objects.get().number, 1)


@override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend")
class SendViewTestCase(PostPageMixin, DocumentsTestCase):
    action = "send/"

    def test_the_coordinator_sends_the_approved_report(self):
        approve_compilation(make_draft(self.campaign, TODAY, self.minh)[0], self.minh)
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
