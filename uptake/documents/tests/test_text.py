from __future__ import annotations

from uptake.documents.actions import make_draft
from uptake.documents.models import Compilation
from uptake.documents.tests.base import DocumentsTestCase, PostPageMixin
from uptake.test import TODAY


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
