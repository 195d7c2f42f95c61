"""The door-to-door page offers "Record visits" only to those who may record (#17): a leader
who reads the district and belongs to no team does not see it."""

from __future__ import annotations

from uptake.fieldwork.tests.base import FieldworkTestCase

URL = "/c/bluezone-2020/fieldwork/"


class VisitLinkTest(FieldworkTestCase):
    def test_a_viewer_in_no_team_is_not_offered_the_visit_page(self):
        self.login(self.hoa)
        response = self.client.get(URL)
        self.assertEqual(response.status_code, 200)
        self.assertNotContains(response, "/c/bluezone-2020/visits/")

    def test_the_coordinator_is_offered_it(self):
        self.login(self.minh)
        self.assertContains(
            self.client.get(URL), 'class="button primary" href="/c/bluezone-2020/visits/"'
        )
