"""roster_figures(): the staff figures a unit's roster gives for the daily form."""

from __future__ import annotations

from datetime import date

from django.db import connection
from django.test.utils import CaptureQueriesContext

from uptake.quality.models import StaffMember
from uptake.quality.roster import roster_figures
from uptake.quality.tests.helpers import quality_case
from uptake.test import BaseTestCase


@quality_case
class RosterFiguresTest(BaseTestCase):
    def setUp(self):
        super().setUp()
        self.ttt = self.unit("870-TTT")

    def add(self, has_smartphone=True, installed=False, installed_on=None):
        StaffMember.objects.create(
            campaign=self.campaign,
            unit=self.ttt,
            name="x",
            has_smartphone=has_smartphone,
            installed=installed,
            installed_on=installed_on,
        )

    def test_a_unit_without_a_roster_gets_none(self):
        self.assertIsNone(roster_figures(self.campaign, self.ttt, date(2020, 8, 17)))

    def test_it_counts_smartphones_and_installs_by_the_day(self):
        self.add(installed=True, installed_on=date(2020, 8, 14))
        self.add(installed=True, installed_on=date(2020, 8, 16))
        self.add(installed=True)  # no date: counted from any day
        self.add()
        self.add(has_smartphone=False)
        self.assertEqual(
            roster_figures(self.campaign, self.ttt, date(2020, 8, 15)),
            {"members": 5, "with_smartphone": 4, "installed": 2},
        )
        self.assertEqual(roster_figures(self.campaign, self.ttt, date(2020, 8, 17))["installed"], 3)

    def test_it_is_one_query(self):
        self.add()
        with CaptureQueriesContext(connection) as queries:
            roster_figures(self.campaign, self.ttt, date(2020, 8, 17))
        self.assertEqual(len(queries), 1)
