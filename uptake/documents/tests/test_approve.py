from __future__ import annotations

from uptake.documents.actions import make_draft
from uptake.documents.models import Compilation, State
from uptake.documents.tests.base import PAGE, DocumentsTestCase, PostPageMixin
from uptake.test import TODAY


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
