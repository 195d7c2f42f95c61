"""The data-quality page: flags by unit, date, rule and severity, filtered, in scope."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from uptake.quality.actions import refresh_stale_flags
from uptake.quality.models import Flag
from uptake.quality.tests.helpers import english, quality_case, some_flags
from uptake.test import BaseTestCase

URL = "/c/bluezone-2020/quality/"


@quality_case
class FlagsPageTest(BaseTestCase):
    def setUp(self):
        super().setUp()
        some_flags(self)
        english(self.client)

    def get(self, user, query=""):
        self.client.force_login(user)
        return self.client.get(URL + query)

    def shown(self, response) -> set[tuple[str, str]]:
        return {(f.unit.code, f.rule) for f in response.context["page"].object_list}

    def test_anonymous_users_go_to_the_login_page(self):
        response = self.client.get(URL)
        self.assertRedirects(response, f"/login/?next={URL}", fetch_redirect_response=False)

    def test_the_coordinator_sees_the_districts_flags_with_their_evidence(self):
        response = self.get(self.minh)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(
            self.shown(response),
            {("870-TTT", "stale"), ("870-LKA", "decrease")},
        )
        self.assertContains(response, "The same figures (2,950 of 5,200")
        self.assertContains(response, "/quality/flags/")  # dismiss links

    def test_a_viewer_reads_them_without_dismiss_buttons(self):
        response = self.get(self.hoa)
        self.assertEqual(len(self.shown(response)), 2)
        self.assertNotContains(response, "/dismiss/")
        self.assertNotContains(response, "Check again now")

    def test_a_reporter_sees_only_the_flags_of_their_unit(self):
        self.assertEqual(self.shown(self.get(self.lan)), {("870-TTT", "stale")})

    def test_a_reporter_of_another_district_sees_nothing_of_870(self):
        shown = self.shown(self.get(self.tuan))
        self.assertEqual({code for code, _rule in shown}, {"869-TH"})

    def test_an_admin_sees_every_flag(self):
        self.assertEqual(len(self.shown(self.get(self.root))), 3)

    def test_it_filters_by_rule_severity_unit_and_date(self):
        self.assertEqual(
            self.shown(self.get(self.minh, "?rule=decrease")), {("870-LKA", "decrease")}
        )
        self.assertEqual(
            self.shown(self.get(self.minh, "?severity=medium")), {("870-TTT", "stale")}
        )
        self.assertEqual(
            self.shown(self.get(self.minh, "?q=long+khanh")), {("870-LKA", "decrease")}
        )
        self.assertEqual(self.shown(self.get(self.minh, "?date_from=2020-08-17")), set())

    def test_dismissed_flags_are_shown_on_request(self):
        Flag.objects.filter(rule="stale").update(
            dismiss_reason="ok", dismissed_at="2020-08-17T03:00Z"
        )
        self.assertEqual(self.shown(self.get(self.minh)), {("870-LKA", "decrease")})
        self.assertEqual(
            self.shown(self.get(self.minh, "?status=dismissed")), {("870-TTT", "stale")}
        )
        self.assertEqual(len(self.shown(self.get(self.minh, "?status=all"))), 2)

    def test_a_bad_filter_shows_everything_with_the_error(self):
        response = self.get(self.minh, "?date_from=2020-08-17&date_to=2020-08-14")
        self.assertContains(response, "The end comes before the start.")

    def test_its_queries_do_not_grow_with_the_number_of_flags(self):
        self.client.force_login(self.root)
        self.client.get(URL)
        with CaptureQueriesContext(connection) as few:
            self.client.get(URL)
        for day in (17,):
            from datetime import date

            self.submit("870-TTT", day=date(2020, 8, day))
        refresh_stale_flags()  # the scheduler's pass (a GET writes nothing, #19)
        with CaptureQueriesContext(connection) as more:
            self.client.get(URL)
        self.assertEqual(Flag.objects.count(), 4)
        self.assertEqual(len(more), len(few))

    def test_it_is_a_404_for_an_unknown_campaign(self):
        self.client.force_login(self.minh)
        self.assertEqual(self.client.get("/c/nope/quality/").status_code, 404)

    def test_it_refuses_post(self):
        self.client.force_login(self.minh)
        self.assertEqual(self.client.post(URL).status_code, 405)
