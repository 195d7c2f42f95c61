"""A total (the district, a province's district) projected from its units' own projections."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.test import SimpleTestCase

from uptake.documents.progress import Progress
from uptake.documents.projection import AT_RISK, MET, ON_TRACK, project, project_total
from uptake.documents.snapshot import build_snapshot
from uptake.documents.tests.base import DocumentsTestCase
from uptake.test import PASSWORD, TODAY

DAY = date(2020, 8, 17)
TARGET_DATE = date(2020, 8, 20)


def days(ws: int, *installed: int | None):
    return [(ws, n) if n is not None else None for n in installed]


class ProjectTotalTest(SimpleTestCase):
    def test_it_sums_each_units_projected_installed_over_their_smartphones(self):
        fast = days(9000, 4230, 4500, 4770, 5040)  # 47, 50, 53, 56%: 3 points a day → 65%
        flat = days(1000, 400, 400, 400, 400)  # 40% and not moving
        p = project_total([fast, flat], DAY, TARGET_DATE, 60)
        self.assertEqual(p.current, 54.4)  # (5040 + 400) / 10000
        self.assertEqual(p.expected, 62.5)  # (9000 × 65% + 1000 × 40%) / 10000
        self.assertEqual((p.units, p.units_at_risk), (2, 1))

    def test_a_total_is_not_on_track_while_one_of_its_units_is_at_risk(self):
        fast = days(9000, 4230, 4500, 4770, 5040)
        flat = days(1000, 400, 400, 400, 400)
        self.assertEqual(project_total([fast, flat], DAY, TARGET_DATE, 60).status, AT_RISK)
        faster = days(1000, 400, 450, 500, 550)  # 55% + 3 × 5 → 70%
        self.assertEqual(project_total([fast, faster], DAY, TARGET_DATE, 60).status, ON_TRACK)

    def test_the_old_line_through_the_total_called_it_on_track(self):
        # What the dashboard said before: the same units, the line fitted to the total's percent.
        totals = [46.3, 49.0, 51.7, 54.4]
        self.assertEqual(project(totals, DAY, TARGET_DATE, 60).status, ON_TRACK)

    def test_units_starting_to_report_do_not_bend_the_total_down(self):
        # The district's staff: one office at 90% from the first day, a second at 50% reporting
        # from the third day on. The total's percent falls (90 → 70) with no install undone.
        office = days(100, 90, 90, 90, 90)
        late = days(100, None, None, 50, 50)
        totals = [90.0, 90.0, 70.0, 70.0]
        self.assertLess(project(totals, DAY, TARGET_DATE, 100).expected, 70.0)  # the old fall
        p = project_total([office, late], DAY, TARGET_DATE, 100)
        self.assertEqual((p.current, p.expected), (70.0, 70.0))

    def test_a_unit_that_has_not_reported_counts_as_at_risk_and_adds_no_figures(self):
        done = days(100, 100, 100, 100, 100)
        silent = days(50, None, None, None, None)
        p = project_total([done, silent], DAY, TARGET_DATE, 100)
        self.assertEqual((p.current, p.expected, p.units_at_risk), (100.0, 100.0, 1))
        self.assertEqual(p.status, MET)  # what the total has reached, said as it is

    def test_nothing_reported_yet_is_at_risk_with_nothing_expected(self):
        p = project_total([days(10, None, None)], DAY, TARGET_DATE, 100)
        self.assertEqual((p.current, p.expected, p.status), (None, None, AT_RISK))

    def test_its_dict_adds_the_units_to_the_fields_it_had(self):
        d = project_total([days(100, 40, 50)], DAY, TARGET_DATE, 60).as_dict()
        self.assertEqual(
            set(d),
            {"current", "expected", "slope", "target_percent", "status", "units", "units_at_risk"},
        )


class TotalProjectionPagesTest(DocumentsTestCase):
    """The district of the documents' tests on 17/08: 870-LKA's residents (30%, 7.5 points a
    day) are at risk, 870-TTT's on track; the staff of 870-LKA and 870-VHTT are at risk."""

    def test_the_progress_of_a_total_projects_from_its_units(self):
        progress = Progress.build(self.campaign, TODAY)
        residents = project(progress.percents()["residents"], TODAY, TARGET_DATE, 60)
        self.assertEqual((residents.units, residents.units_at_risk), (2, 1))
        self.assertEqual(residents.status, AT_RISK)
        lka = next(up for up in progress.units if up.unit.code == "870-LKA")
        ttt = next(up for up in progress.units if up.unit.code == "870-TTT")
        lka_expected, ttt_expected = (
            project(up.percents("residents"), TODAY, TARGET_DATE, 60).expected for up in (lka, ttt)
        )
        self.assertEqual(
            residents.expected, round((4000 * lka_expected + 5200 * ttt_expected) / 9200, 1)
        )

    def test_the_compiled_reports_data_carries_the_units_at_risk(self):
        snapshot = build_snapshot(self.campaign, TODAY)
        residents = snapshot["projection"]["residents"]
        self.assertEqual(residents["status"], AT_RISK)
        self.assertEqual((residents["units"], residents["units_at_risk"]), (2, 1))
        self.assertIn("expected", residents)

    def test_the_dashboard_shows_how_many_units_are_at_risk(self):
        self.client.login(username="minh", password=PASSWORD)
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        r = self.client.get("/c/bluezone-hong-ngu/dashboard/")
        _staff, residents = r.context["board"].cards
        self.assertEqual(residents.projection.units_at_risk, 1)
        self.assertContains(r, "1 of its 2 units at risk.")
        self.assertNotContains(r, "bench/")

    def test_the_list_of_units_at_risk_has_no_stray_semicolon(self):
        # 870-NV's staff at risk (12 of 16, one more phone found, no one more installed): an
        # office, without residents, whose only group at risk is not the campaign's last.
        self.submit(
            "870-NV", figures={"staff": {"with_smartphone": 16, "installed": 12}}, note="sửa"
        )
        self.client.login(username="minh", password=PASSWORD)
        r = self.client.get("/c/bluezone-hong-ngu/dashboard/")
        html = r.content.decode()
        section = html[html.index('id="h-risk"') : html.index('id="h-ranked"')]
        items = [" ".join(i.split("</li>")[0].split()) for i in section.split("<li>")[1:]]
        self.assertTrue(any("870-NV" in text for text in items), items)
        for text in items:
            self.assertFalse(text.endswith(";"), text)
