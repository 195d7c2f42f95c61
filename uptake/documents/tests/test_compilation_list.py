from __future__ import annotations

from datetime import timedelta

from uptake.documents.actions import approve_compilation, make_draft
from uptake.documents.tests.base import DocumentsTestCase
from uptake.test import PASSWORD, TODAY

URL = "/c/bluezone-hong-ngu/compilations/"


class CompilationListTestCase(DocumentsTestCase):
    def get(self, user):
        self.client.login(username=user.username, password=PASSWORD)
        return self.client.get(URL)

    def test_it_lists_the_reports_newest_first(self):
        approve_compilation(
            make_draft(self.campaign, TODAY - timedelta(1), self.minh)[0], self.minh, confirm=True
        )
        make_draft(self.campaign, TODAY, self.minh)
        r = self.get(self.hoa)
        content = r.content.decode()
        self.assertLess(content.index("17/08/2020"), content.index("16/08/2020"))
        self.assertContains(r, "01/BC-VHTT")

    def test_reporters_and_other_districts_are_refused(self):
        self.assertEqual(self.get(self.lan).status_code, 403)
        self.assertEqual(self.get(self.tuan).status_code, 404)

    def test_it_refuses_post(self):
        self.client.login(username="minh", password=PASSWORD)
        self.assertEqual(self.client.post(URL).status_code, 405)
