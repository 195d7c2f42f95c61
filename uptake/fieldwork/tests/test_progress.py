from __future__ import annotations

from datetime import date

from uptake.fieldwork.progress import by_day, commune_progress, visit_totals
from uptake.fieldwork.tests.base import FieldworkTestCase
from uptake.test import NOW

EMPTY = {"smartphones": 0, "already_had": 0, "installed_now": 0}


class ProgressTestCase(FieldworkTestCase):
    def setUp(self):
        super().setUp()
        at = NOW.replace(hour=8)
        # Khóm An Thịnh, 17/08: one installed (3 phones, 1 had, 2 installed), one refused,
        # one nobody home, revisited later and installed; one nobody home still due.
        self.record(household="Số 1", smartphones=3, already_had=1, installed_now=2, at=at)
        self.record(
            household="Số 2",
            outcome="refused",
            smartphones=1,
            already_had=0,
            installed_now=0,
            at=at,
        )
        empty = self.record(household="Số 3", outcome="nobody_home", at=at, **EMPTY)
        self.record(household="Số 4", outcome="nobody_home", at=at, **EMPTY)
        self.record(
            revisit_of=empty.pk,
            household="",
            smartphones=2,
            already_had=0,
            installed_now=1,
            at=NOW.replace(hour=9, minute=50),
        )
        # 16/08: one household already had it.
        self.record(
            household="Số 5",
            outcome="already_had",
            smartphones=2,
            already_had=2,
            installed_now=0,
            at=NOW.replace(day=16, hour=15),
        )
        # Khóm Thượng, by the town's reporter, no team.
        self.record(
            user=self.lan, hamlet=self.k2, household="Số 9", outcome="no_smartphone", at=at, **EMPTY
        )

    def test_hamlet_figures_count_households_phones_installs_and_revisits_due(self):
        progress = commune_progress(self.campaign, self.town, [self.k1, self.k2], []).hamlets
        k1, k2 = (row.figures for row in progress.rows)
        self.assertEqual((k1.visits, k1.households, k1.registered), (6, 5, 620))
        self.assertEqual((k1.smartphones, k1.already_had, k1.installed_now), (8, 3, 3))
        self.assertEqual(k1.revisits_due, 1)
        self.assertEqual(k1.visited_percent, 0.8)  # 5 of 620
        self.assertEqual(k1.app_percent, 75.0)  # 6 of 8 phones
        self.assertEqual((k2.households, k2.smartphones, k2.revisits_due), (1, 0, 0))
        self.assertEqual(progress.total.households, 6)
        self.assertEqual(progress.total.registered, 1100)

    def test_a_hamlet_without_visits_has_zeros(self):
        row = commune_progress(self.campaign, self.unit("870-LKA"), [self.a1], []).hamlets.rows[0]
        self.assertEqual((row.figures.households, row.figures.revisits_due), (0, 0))
        self.assertEqual(row.figures.registered, 540)

    def test_figures_by_day_for_a_hamlet_and_a_team(self):
        days = by_day(self.campaign, hamlet=self.k1)
        self.assertEqual([row.key for row in days.rows], [date(2020, 8, 17), date(2020, 8, 16)])
        self.assertEqual(days.rows[0].figures.installed_now, 3)
        self.assertEqual(days.rows[1].figures.already_had, 2)
        team_days = by_day(self.campaign, team=self.team)
        self.assertEqual(team_days.total.visits, 6)  # the reporter's visit is not the team's

    def test_team_figures_and_the_communes_days(self):
        figures = commune_progress(self.campaign, self.town, [self.k1, self.k2], [self.team])
        team = figures.teams.rows[0].figures
        self.assertEqual((team.visits, team.installed_now, team.reached), (6, 3, 4))
        days = figures.days
        self.assertEqual([row.key for row in days.rows], [date(2020, 8, 17), date(2020, 8, 16)])
        self.assertEqual([row.figures.visits for row in days.rows], [6, 1])
        self.assertEqual(days.total.households, 6)

    def test_visit_totals_give_the_daily_reports_starting_point(self):
        totals = visit_totals(self.campaign, self.town, date(2020, 8, 17))
        self.assertEqual(totals["residents"], {"with_smartphone": 8, "installed": 6})
        # Somebody was home at Số 1, Số 2, the revisit of Số 3 and Số 9 on 17/08.
        self.assertEqual(totals["activities"], {"households_visited": 4})
        before = visit_totals(self.campaign, self.town, date(2020, 8, 16))
        self.assertEqual(before["residents"], {"with_smartphone": 2, "installed": 2})
        self.assertEqual(before["activities"], {"households_visited": 1})
        self.assertIsNone(visit_totals(self.campaign, self.town, date(2020, 8, 15)))
        self.assertIsNone(visit_totals(self.campaign, self.unit("870-LKA"), date(2020, 8, 17)))

    def test_each_figure_is_one_query(self):
        with self.assertNumQueries(1):
            commune_progress(self.campaign, self.town, [self.k1, self.k2], [self.team])
        with self.assertNumQueries(1):
            by_day(self.campaign, commune=self.town)
        with self.assertNumQueries(1):
            visit_totals(self.campaign, self.town, date(2020, 8, 17))
