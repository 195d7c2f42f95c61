"""Dismissing a flag with a reason, and opening it again, from the pages."""

from __future__ import annotations

from uptake.audit.models import AuditEntry
from uptake.quality.models import Flag
from uptake.quality.tests.helpers import english, quality_case, some_flags
from uptake.test import BaseTestCase


@quality_case
class DismissViewTest(BaseTestCase):
    def setUp(self):
        super().setUp()
        some_flags(self)
        english(self.client)
        self.flag = Flag.objects.get(rule="stale")
        self.url = f"/c/bluezone-2020/quality/flags/{self.flag.pk}/dismiss/"

    def test_the_coordinator_sees_the_flag_and_the_reason_field(self):
        self.client.force_login(self.minh)
        response = self.client.get(self.url)
        self.assertContains(response, "Why can this flag be dismissed?")
        self.assertContains(response, "The same figures")

    def test_dismissing_returns_to_the_data_quality_page(self):
        self.client.force_login(self.minh)
        response = self.client.post(
            self.url, {"reason": "Đã xác minh", "next": "/c/bluezone-2020/quality/?rule=stale"}
        )
        self.assertRedirects(
            response, "/c/bluezone-2020/quality/?rule=stale", fetch_redirect_response=False
        )
        self.flag.refresh_from_db()
        self.assertEqual(self.flag.dismiss_reason, "Đã xác minh")
        self.assertTrue(AuditEntry.objects.filter(action="flag.dismiss").exists())

    def test_a_foreign_next_is_ignored(self):
        self.client.force_login(self.minh)
        response = self.client.post(self.url, {"reason": "ok", "next": "https://evil.example/"})
        self.assertRedirects(
            response, "/c/bluezone-2020/units/870-TTT/quality/", fetch_redirect_response=False
        )

    def test_a_reason_is_required(self):
        self.client.force_login(self.minh)
        response = self.client.post(self.url, {"reason": ""})
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "This field is required.")
        self.assertFalse(Flag.objects.get(pk=self.flag.pk).dismissed)

    def test_viewers_and_reporters_of_the_unit_get_a_403(self):
        for user in (self.hoa, self.lan):
            self.client.force_login(user)
            self.assertEqual(self.client.get(self.url).status_code, 403)
            self.assertEqual(self.client.post(self.url, {"reason": "x"}).status_code, 403)

    def test_another_district_gets_a_404(self):
        self.client.force_login(self.tuan)
        self.assertEqual(self.client.post(self.url, {"reason": "x"}).status_code, 404)

    def test_restoring_opens_it_again(self):
        self.client.force_login(self.minh)
        self.client.post(self.url, {"reason": "ok"})
        response = self.client.post(f"/c/bluezone-2020/quality/flags/{self.flag.pk}/restore/")
        self.assertEqual(response.status_code, 302)
        self.assertFalse(Flag.objects.get(pk=self.flag.pk).dismissed)

    def test_restoring_is_post_only_and_for_coordinators(self):
        restore = f"/c/bluezone-2020/quality/flags/{self.flag.pk}/restore/"
        self.client.force_login(self.minh)
        self.assertEqual(self.client.get(restore).status_code, 405)
        self.client.force_login(self.hoa)
        self.assertEqual(self.client.post(restore).status_code, 403)

    def test_dismiss_refuses_put(self):
        self.client.force_login(self.minh)
        self.assertEqual(self.client.put(self.url).status_code, 405)

    def test_anonymous_users_go_to_the_login_page(self):
        self.assertEqual(self.client.get(self.url).status_code, 302)
        restore = f"/c/bluezone-2020/quality/flags/{self.flag.pk}/restore/"
        self.assertEqual(self.client.post(restore).status_code, 302)
        self.assertFalse(Flag.objects.get(pk=self.flag.pk).dismissed)
