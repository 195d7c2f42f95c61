from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied

from uptake.fieldwork.actions import VisitInvalid
from uptake.fieldwork.models import Visit
from uptake.fieldwork.tests.base import FieldworkTestCase
from uptake.test import NOW, VN


class RecordVisitTestCase(FieldworkTestCase):
    def assertInvalid(self, field: str, **changes):
        with self.assertRaises(VisitInvalid) as caught:
            self.record(**changes)
        self.assertIn(field, [e.field for e in caught.exception.errors])
        self.assertFalse(Visit.objects.exists())

    def test_it_stores_a_visit_with_its_day_commune_and_team(self):
        visit = self.record()
        self.assertEqual(visit.commune, self.town)
        self.assertEqual(visit.team, self.team)
        self.assertEqual(visit.day, NOW.date())
        self.assertEqual(visit.recorded_by, self.mai)
        self.assertEqual(visit.received_at, NOW)

    def test_the_same_visit_sent_three_times_is_stored_once(self):
        visit_id = uuid.uuid4()
        first = self.record(visit_id=visit_id)
        for _ in range(2):
            again = self.record(visit_id=visit_id, household="Số 99")
            self.assertEqual(again.pk, first.pk)
            self.assertEqual(again.household, "Số 12, tổ 3")
        self.assertEqual(Visit.objects.count(), 1)

    def test_it_rejects_installed_above_smartphones_minus_already_had(self):
        self.assertInvalid("installed_now", smartphones=3, already_had=2, installed_now=2)

    def test_it_rejects_already_had_above_smartphones(self):
        self.assertInvalid("already_had", smartphones=1, already_had=2, installed_now=0)

    def test_it_rejects_negative_and_broken_numbers(self):
        self.assertInvalid("smartphones", smartphones=-1)
        self.assertInvalid("smartphones", smartphones="2.5")
        self.assertInvalid("smartphones", smartphones=500)

    def test_it_rejects_an_outcome_that_contradicts_the_figures(self):
        self.assertInvalid("installed_now", outcome="installed", installed_now=0)
        self.assertInvalid("already_had", outcome="already_had", already_had=0, installed_now=0)
        self.assertInvalid("installed_now", outcome="already_had", already_had=1, installed_now=1)
        self.assertInvalid("installed_now", outcome="refused")
        self.assertInvalid("smartphones", outcome="no_smartphone")
        self.assertInvalid("smartphones", outcome="nobody_home")
        self.assertInvalid("outcome", outcome="maybe")

    def test_it_accepts_each_outcome_with_consistent_figures(self):
        cases = [
            ("installed", 3, 1, 2),
            ("already_had", 2, 2, 0),
            ("refused", 2, 1, 0),
            ("no_smartphone", 0, 0, 0),
            ("nobody_home", 0, 0, 0),
        ]
        for outcome, phones, had, now in cases:
            self.record(outcome=outcome, smartphones=phones, already_had=had, installed_now=now)
        self.assertEqual(Visit.objects.count(), len(cases))

    def test_it_refuses_phone_numbers_and_email_addresses(self):
        self.assertInvalid("household", household="Chị Lan 0912 345 678")
        self.assertInvalid("household", household="+84.912.345.678")
        self.assertInvalid("household", household="lan@example.org")
        self.assertInvalid("note", note="gọi lại 0277-3851-234")

    def test_it_accepts_house_numbers_and_short_addresses(self):
        for label in ("Số 12/3, tổ 5", "123-125 Nguyễn Huệ", "Hẻm 30/4, nhà 7"):
            self.record(household=label)
        self.assertEqual(Visit.objects.count(), 3)

    def test_it_needs_a_household_label(self):
        self.assertInvalid("household", household="  ")

    def test_it_refuses_a_visit_in_the_future(self):
        self.assertInvalid("visited_at", at=NOW + timedelta(hours=1))

    def test_it_allows_a_phone_clock_a_little_ahead(self):
        self.record(at=NOW + timedelta(minutes=3))

    def test_it_refuses_a_visit_outside_the_campaign_days(self):
        self.assertInvalid("visited_at", at=datetime(2020, 8, 13, 16, 0, tzinfo=VN))

    def test_it_refuses_a_visit_without_a_time_zone(self):
        self.assertInvalid("visited_at", at=datetime(2020, 8, 17, 9, 0))

    def test_a_member_cannot_record_outside_the_hamlets_of_their_teams(self):
        with self.assertRaises(PermissionDenied):
            self.record(hamlet=self.k2)
        with self.assertRaises(PermissionDenied):
            self.record(user=self.tuan)
        with self.assertRaises(PermissionDenied):
            self.record(user=self.hoa)
        self.assertFalse(Visit.objects.exists())

    def test_the_communes_reporter_and_the_coordinator_record_in_every_hamlet_of_it(self):
        self.assertIsNone(self.record(user=self.lan, hamlet=self.k2).team)
        self.record(user=self.minh, hamlet=self.a1)
        with self.assertRaises(PermissionDenied):
            self.record(user=self.lan, hamlet=self.a1)

    def test_it_refuses_a_unit_that_is_not_a_hamlet(self):
        with self.assertRaises(VisitInvalid):
            self.record(user=self.lan, hamlet=self.town)

    def test_it_refuses_a_team_that_does_not_cover_the_hamlet(self):
        self.assertInvalid("team", user=self.lan, hamlet=self.k2, team=self.team)

    def test_a_revisit_links_to_the_first_visit_and_takes_its_household(self):
        first = self.record(outcome="nobody_home", smartphones=0, already_had=0, installed_now=0)
        second = self.record(
            revisit_of=first.pk,
            household="",
            outcome="nobody_home",
            smartphones=0,
            already_had=0,
            installed_now=0,
            at=NOW.replace(hour=9, minute=45),
        )
        third = self.record(revisit_of=second.pk, household="", at=NOW.replace(hour=9, minute=50))
        self.assertEqual(second.revisit_of, first)
        self.assertEqual(third.revisit_of, first)
        self.assertEqual(third.household, first.household)

    def test_it_refuses_a_revisit_once_somebody_was_found(self):
        first = self.record(outcome="nobody_home", smartphones=0, already_had=0, installed_now=0)
        self.record(revisit_of=first.pk, at=NOW.replace(hour=9, minute=45))
        self.assertRaises(
            VisitInvalid, self.record, revisit_of=first.pk, at=NOW.replace(hour=9, minute=50)
        )

    def test_it_refuses_a_revisit_before_the_last_visit(self):
        first = self.record(outcome="nobody_home", smartphones=0, already_had=0, installed_now=0)
        self.assertRaises(
            VisitInvalid, self.record, revisit_of=first.pk, at=NOW.replace(hour=9, minute=0)
        )

    def test_it_refuses_a_revisit_of_a_visit_in_another_hamlet(self):
        first = self.record(
            user=self.lan,
            hamlet=self.k2,
            outcome="nobody_home",
            smartphones=0,
            already_had=0,
            installed_now=0,
        )
        self.assertRaises(VisitInvalid, self.record, revisit_of=first.pk)

    def test_someone_else_cannot_read_a_visit_by_resending_its_id(self):
        visit = self.record(user=self.lan, hamlet=self.k2)
        with self.assertRaises(VisitInvalid) as caught:
            self.record(visit_id=visit.pk)
        self.assertEqual(caught.exception.errors[0].field, "id")
