from __future__ import annotations

from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext

from uptake.campaigns.loader import load_campaign
from uptake.documents.tests.base import DocumentsTestCase
from uptake.test import PASSWORD, campaign_data, figures

URL = "/c/bluezone-hong-ngu/dashboard/"
PROVINCE = "/c/bluezone-2020/dashboard/"


class DashboardTestCase(DocumentsTestCase):
    def get(self, user, url=URL):
        self.client.login(username=user.username, password=PASSWORD)
        return self.client.get(url)

    def test_the_coordinator_sees_each_group_against_its_target(self):
        r = self.get(self.minh)
        self.assertEqual(r.status_code, 200)
        board = r.context["board"]
        staff, residents = board.cards
        self.assertEqual((staff.figures.installed, staff.figures.with_smartphone), (96, 106))
        self.assertEqual(residents.figures.percent, 45.1)
        self.assertEqual(board.days_left, 3)
        self.assertEqual(board.counts, {"expected": 4, "on_time": 2, "late": 0, "missing": 2})
        self.assertContains(r, "90,6%")

    def test_the_chart_has_the_target_lines_and_the_target_date(self):
        r = self.get(self.minh)
        chart = r.context["board"].chart
        self.assertIn("<svg", chart)
        self.assertIn("20/08", chart)  # the target date
        self.assertEqual(chart.count('stroke-dasharray="7,4"'), 2)  # a target line per group
        self.assertEqual(chart.count("<polyline"), 2)
        self.assertContains(r, "<polyline", count=4)  # and the phone's form of the chart (#17)

    def test_units_are_ranked_by_distance_to_target_with_their_projection(self):
        board = self.get(self.minh).context["board"]
        self.assertEqual([line.unit.code for line in board.ranked][:2], ["870-LKA", "870-NV"])
        lka = board.ranked[0]
        _staff, (_g, figures, projection) = lka.groups
        self.assertEqual(figures.percent, 30.0)
        self.assertEqual(projection.status, "at_risk")
        self.assertIn("870-LKA", [line.unit.code for line in board.at_risk])

    def test_the_method_of_the_projection_is_on_the_page(self):
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        self.assertContains(self.get(self.hoa), "least squares")

    def test_a_unit_of_the_district_has_its_own_dashboard(self):
        r = self.get(self.minh, URL + "?unit=870-TTT")
        board = r.context["board"]
        self.assertEqual(board.unit.code, "870-TTT")
        self.assertEqual(board.cards[1].figures.installed, 2950)
        self.assertContains(r, "Thị trấn Thường Thới Tiền")

    def test_a_unit_outside_the_users_units_is_not_found(self):
        self.assertEqual(self.get(self.minh, URL + "?unit=869-TH").status_code, 404)
        self.assertEqual(self.get(self.minh, URL + "?unit=nope").status_code, 404)

    def test_viewers_read_it_without_the_coordinators_links(self):
        r = self.get(self.hoa)
        self.assertEqual(r.status_code, 200)
        self.assertNotContains(r, "/refresh/")

    def test_reporters_and_other_districts_are_refused(self):
        self.assertEqual(self.get(self.lan).status_code, 403)
        self.assertEqual(self.get(self.tuan).status_code, 404)

    def test_it_refuses_post(self):
        self.client.login(username="minh", password=PASSWORD)
        self.assertEqual(self.client.post(URL).status_code, 405)

    def test_a_province_shows_a_row_per_district_with_drill_down(self):
        self.province, _stats = load_campaign(campaign_data())  # 870 back under the province
        self.submit("869-TH", campaign=self.province, user=self.root, figures=figures())
        self.submit("870-TTT", campaign=self.province, user=self.root, figures=figures((40, 20)))
        r = self.get(self.root, PROVINCE)
        areas = r.context["board"].areas
        self.assertEqual([a.unit.code for a in areas], ["869", "870"])
        self.assertEqual(areas[1].counts, {"expected": 4, "on_time": 1, "late": 0, "missing": 3})
        _g, staff, _p = areas[1].groups[0]
        self.assertEqual((staff.installed, staff.with_smartphone), (20, 40))
        self.assertContains(r, 'href="?unit=869"')
        self.assertContains(r, 'href="?unit=870"')
        drill = self.get(self.root, PROVINCE + "?unit=869")
        self.assertEqual([line.unit.code for line in drill.context["board"].ranked], ["869-TH"])

    def test_its_queries_do_not_grow_with_the_number_of_units(self):
        from uptake.documents.tests.test_make_draft import MakeDraftTestCase

        self.get(self.minh)
        with CaptureQueriesContext(connection) as few:
            self.client.get(URL)
        MakeDraftTestCase.add_units(self, 15)
        with CaptureQueriesContext(connection) as many:
            r = self.client.get(URL)
        self.assertContains(r, "Xã Thử 14")
        self.assertEqual(len(many), len(few))
