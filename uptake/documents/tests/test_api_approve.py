from __future__ import annotations

from uptake.documents.actions import make_draft
from uptake.documents.tests.base import DocumentsTestCase
from uptake.test import TODAY

URL = "/api/v1/campaigns/bluezone-hong-ngu/compilations/2020-08-17/approve"


class ApproveEndpointTestCase(DocumentsTestCase):
    def test_the_coordinator_approves_the_draft(self):
        make_draft(self.campaign, TODAY, self.minh)
        r = self.client.post(URL, **self.bearer(self.minh))
        self.assertEqual(r.status_code, 200)
        self.assertEqual((r.json()["state"], r.json()["reference"]), ("approved", "01/BC-VHTT"))
        again = self.client.post(URL, **self.bearer(self.minh))
        self.assertEqual(again.status_code, 409)
        self.assertIn("01/BC-VHTT", again.json()["errors"][0]["message"])

    def test_a_day_without_a_draft_is_not_found(self):
        self.assertEqual(self.client.post(URL, **self.bearer(self.minh)).status_code, 404)

    def test_permissions(self):
        make_draft(self.campaign, TODAY, self.minh)
        self.assertEqual(self.client.post(URL).status_code, 401)
        for user in (self.hoa, self.lan, self.tuan):
            self.assertEqual(self.client.post(URL, **self.bearer(user)).status_code, 403)
        self.assertEqual(self.client.get(URL, **self.bearer(self.minh)).status_code, 405)
