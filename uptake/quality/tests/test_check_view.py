"""Check again now: coordinators run every rule over their units."""

from __future__ import annotations

from datetime import date

from uptake.quality.models import Flag
from uptake.quality.tests.helpers import english, quality_case
from uptake.test import BaseTestCase

URL = "/c/bluezone-2020/quality/check/"


@quality_case
class CheckViewTest(BaseTestCase):
    def setUp(self):
        super().setUp()
        english(self.client)
        for day in (14, 15, 16):
            self.submit("870-TTT", day=date(2020, 8, day))

    def test_a_coordinator_checks_and_is_told_what_was_found(self):
        self.client.force_login(self.minh)
        response = self.client.post(URL, follow=True)
        self.assertRedirects(response, "/c/bluezone-2020/quality/")
        self.assertContains(response, "Checked: 1 flags, 1 new.")
        self.assertEqual(Flag.objects.count(), 1)

    def test_viewers_and_reporters_may_not(self):
        for user in (self.hoa, self.lan, self.tuan):
            self.client.force_login(user)
            self.assertEqual(self.client.post(URL).status_code, 403, user.username)

    def test_it_refuses_get(self):
        self.client.force_login(self.minh)
        self.assertEqual(self.client.get(URL).status_code, 405)

    def test_anonymous_users_go_to_the_login_page(self):
        self.assertEqual(self.client.post(URL).status_code, 302)
