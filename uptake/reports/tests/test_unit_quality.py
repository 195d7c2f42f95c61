"""A unit's page shows its open data-quality flags (#5) and leads to its quality page."""

from __future__ import annotations

from datetime import date

from django.test import override_settings

from uptake.quality.actions import dismiss_flag, refresh_stale_flags
from uptake.quality.models import Flag
from uptake.test import BaseTestCase, figures

URL = "/c/bluezone-2020/units/870-LKA/"


@override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
class UnitQualityTest(BaseTestCase):
    def setUp(self):
        super().setUp()
        # Long Khánh A lowers its residents' installs on the 16th, with a note: ``decrease``.
        self.submit("870-LKA", day=date(2020, 8, 15), figures=figures(residents=(4000, 1200)))
        self.submit(
            "870-LKA",
            day=date(2020, 8, 16),
            figures=figures(residents=(4000, 1100)),
            note="Đếm trùng 100 người",
        )
        refresh_stale_flags()  # the scheduler's pass: the page only reads the flags (#19)
        self.client.cookies["django_language"] = "en"

    def get(self, user, url=URL):
        self.client.force_login(user)
        return self.client.get(url)

    def test_it_shows_the_units_open_flags(self):
        response = self.get(self.hoa)  # a leader who only reads
        self.assertContains(response, 'id="h-quality"')
        self.assertContains(response, "1 open flag")
        self.assertContains(response, "Decrease")
        self.assertContains(response, "Installed fell from 1,200 to 1,100")
        self.assertContains(response, 'href="#d-2020-08-16"')
        (flag,) = response.context["flags"]
        self.assertEqual(
            (flag.unit.code, flag.rule, flag.group), ("870-LKA", "decrease", "residents")
        )

    def test_it_links_to_the_units_quality_page_which_opens_for_the_same_people(self):
        for user in (self.hoa, self.minh, self.root):
            with self.subTest(user=user.username):
                response = self.get(user)
                self.assertContains(response, 'href="/c/bluezone-2020/units/870-LKA/quality/"')
                self.assertEqual(self.client.get(URL + "quality/").status_code, 200)

    def test_a_dismissed_flag_is_not_shown(self):
        self.get(self.minh)
        dismiss_flag(Flag.objects.get(), user=self.minh, reason="Đã xác minh.")
        response = self.client.get(URL)
        self.assertContains(response, "0 open flags")
        self.assertContains(response, "No open flag")

    def test_another_units_flags_are_not_shown(self):
        response = self.get(self.lan, "/c/bluezone-2020/units/870-TTT/")
        self.assertEqual(response.context["flags"], [])

    def test_outside_the_users_units_the_page_and_its_flags_are_not_found(self):
        self.assertEqual(self.get(self.tuan).status_code, 404)
        self.assertEqual(self.get(self.lan).status_code, 404)
