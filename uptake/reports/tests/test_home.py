"""The home page: the user's campaigns, or straight to the one running today."""

from __future__ import annotations

from datetime import date, datetime

import time_machine
from django.test import override_settings

from uptake.campaigns.loader import load_campaign
from uptake.test import VN, BaseTestCase, campaign_data

# Passwords are hashed for every persona of every test: the slow default hasher is not needed.
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def second_campaign() -> dict:
    """The same district later on, without the other district's commune."""
    data = campaign_data(
        slug="pc-covid-2020",
        app="PC-Covid",
        title="Cài đặt ứng dụng PC-Covid",
        start=date(2020, 8, 16),
        target_date=date(2020, 8, 25),
        end=date(2020, 8, 25),
    )
    other_district = data["units"][0]["units"][1]
    other_district["units"][0].pop("reports")
    return data


@override_settings(PASSWORD_HASHERS=FAST_HASHERS)
class HomePageTest(BaseTestCase):
    def test_it_sends_anonymous_users_to_the_login_page(self):
        response = self.client.get("/")
        self.assertRedirects(response, "/login/?next=/", fetch_redirect_response=False)

    def test_a_reporter_goes_to_the_report_page_of_the_one_running_campaign(self):
        self.client.force_login(self.lan)
        response = self.client.get("/")
        self.assertRedirects(response, "/c/bluezone-2020/report/", fetch_redirect_response=False)

    def test_coordinators_and_viewers_go_to_its_status_page(self):
        for user in (self.minh, self.hoa, self.root):
            self.client.force_login(user)
            response = self.client.get("/")
            self.assertRedirects(
                response, "/c/bluezone-2020/status/", fetch_redirect_response=False
            )

    def test_it_lists_the_users_campaigns_newest_first_when_several_run(self):
        load_campaign(second_campaign())
        self.client.force_login(self.lan)
        response = self.client.get("/")
        self.assertEqual(response.status_code, 200)
        slugs = [c.slug for c in response.context["campaigns"]]
        self.assertEqual(slugs, ["pc-covid-2020", "bluezone-2020"])
        self.assertContains(response, "/c/pc-covid-2020/report/")
        self.assertContains(response, "từ 16/08/2020 đến 25/08/2020")

    def test_it_lists_only_the_campaigns_the_user_takes_part_in(self):
        load_campaign(second_campaign())
        self.client.force_login(self.tuan)
        response = self.client.get("/")
        self.assertRedirects(response, "/c/bluezone-2020/report/", fetch_redirect_response=False)

    def test_an_admin_sees_every_campaign(self):
        load_campaign(second_campaign())
        self.client.force_login(self.root)
        response = self.client.get("/")
        self.assertEqual(len(response.context["campaigns"]), 2)

    def test_it_lists_campaigns_that_are_over(self):
        with time_machine.travel(datetime(2020, 9, 5, 9, 0, tzinfo=VN), tick=False):
            self.client.force_login(self.lan)
            response = self.client.get("/")
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Cài đặt, sử dụng ứng dụng Bluezone")

    def test_a_user_without_campaigns_is_told_so(self):
        self.client.force_login(self.make_user("mai", "viewer"))
        response = self.client.get("/")
        self.assertContains(response, "Bạn chưa tham gia chiến dịch nào.")

    def test_it_refuses_other_methods(self):
        self.client.force_login(self.lan)
        self.assertEqual(self.client.post("/").status_code, 405)
