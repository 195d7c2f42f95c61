from __future__ import annotations

import time_machine
from django.core import mail

from uptake.documents.actions import make_draft
from uptake.documents.models import Compilation, State
from uptake.documents.tests.base import PAGE, DocumentsTestCase, PostPageMixin, at
from uptake.test import TODAY


class ApproveViewTestCase(PostPageMixin, DocumentsTestCase):
    action = "approve/"

    def setUp(self):
        super().setUp()
        make_draft(self.campaign, TODAY, self.minh)

    def test_the_coordinator_approves_with_the_text_in_the_boxes(self):
        r = self.post(
            self.minh,
            {"situation": "Đã kiểm tra 3 xã.", "difficulties": "", "proposals": "", "confirm": "1"},
        )
        self.assertRedirects(r, PAGE, fetch_redirect_response=False)
        c = Compilation.objects.get()
        self.assertEqual((c.state, c.number, c.situation), (State.APPROVED, 1, "Đã kiểm tra 3 xã."))
        self.assertContains(self.client.get(PAGE), "01/BC-VHTT")

    def test_approving_twice_keeps_the_first_number(self):
        self.post(self.minh, {"confirm": "1"})
        self.post(self.root, {"confirm": "1"})
        self.assertEqual(Compilation.objects.get().number, 1)

    def test_approving_early_without_the_box_is_refused_and_changes_nothing(self):
        self.client.cookies.load({"django_language": "en"})
        r = self.post(self.minh, {"situation": "Chưa xong.", "difficulties": "", "proposals": ""})
        self.assertEqual(r.status_code, 200)
        self.assertContains(r, 'id="error-summary"')
        self.assertContains(r, "autofocus")
        # The warning names how many units are missing and late, the text stays as typed.
        self.assertContains(r, "2 units have not reported and 0 reported late")
        self.assertContains(r, "Chưa xong.")
        self.assertContains(r, 'name="confirm"')
        c = Compilation.objects.get()
        self.assertEqual((c.state, c.number, c.situation), (State.DRAFT, None, ""))

    def test_the_page_asks_for_the_confirmation_in_vietnamese(self):
        r = self.post(self.minh, {"situation": "", "difficulties": "", "proposals": ""})
        self.assertContains(r, "còn 2 đơn vị chưa báo cáo")
        self.assertContains(r, "0 đơn vị báo cáo trễ hạn")
        page = self.client.get(PAGE)
        self.assertContains(page, "còn 2 đơn vị chưa báo cáo")
        self.assertContains(page, "Duyệt báo cáo không gửi báo cáo đi")

    def test_after_the_deadline_with_every_unit_reported_no_box_is_needed(self):
        self.report("870-VHTT", TODAY, 3, at=at(TODAY, 14))
        self.report("870-LKA", TODAY, 3, at=at(TODAY, 14))
        with time_machine.travel(at(TODAY, 16), tick=False):
            make_draft(self.campaign, TODAY, self.minh)
            r = self.post(self.minh)
            page = self.client.get(PAGE)
        self.assertRedirects(r, PAGE, fetch_redirect_response=False)
        self.assertEqual(Compilation.objects.get().state, State.APPROVED)
        self.assertNotContains(page, 'name="confirm"')

    def test_approving_sends_nothing(self):
        self.post(self.minh, {"confirm": "1"})
        self.assertEqual(Compilation.objects.get().state, State.APPROVED)
        self.assertEqual(mail.outbox, [])
