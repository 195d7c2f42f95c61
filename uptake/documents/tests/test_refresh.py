from __future__ import annotations

from django.conf import settings

from uptake.documents.actions import approve_compilation, make_draft
from uptake.documents.models import Compilation
from uptake.documents.tests.base import PAGE, DocumentsTestCase, PostPageMixin
from uptake.test import TODAY


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
        approve_compilation(make_draft(self.campaign, TODAY, self.minh)[0], self.minh, confirm=True)
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        r = self.post(self.minh)
        self.assertRedirects(r, PAGE, fetch_redirect_response=False)
        page = self.client.get(PAGE)
        self.assertContains(page, "no longer changes")
