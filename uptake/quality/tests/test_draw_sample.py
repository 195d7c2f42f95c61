"""draw_sample(): a random sample of a unit's staff or visited households, from a seed."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from django.core.exceptions import PermissionDenied

from uptake.audit.models import AuditEntry
from uptake.quality.actions import QualityInvalid, draw_items, draw_sample
from uptake.quality.models import Sample, StaffMember
from uptake.quality.tests.helpers import quality_case
from uptake.test import VN, BaseTestCase


@quality_case
class DrawSampleTest(BaseTestCase):
    def setUp(self):
        super().setUp()
        self.ttt = self.unit("870-TTT")
        for i in range(30):
            StaffMember.objects.create(
                campaign=self.campaign,
                unit=self.ttt,
                name=f"Cán bộ {i:02d}",
                row=i + 1,
                has_smartphone=i % 10 != 0,  # three have no smartphone
            )

    def draw(self, user=None, **changes):
        values = {"source": "roster", "size": 10, "group": "staff", "seed": 12345}
        values.update(changes)
        return draw_sample(self.campaign, self.ttt, user=user or self.minh, **values)

    def test_it_draws_from_the_staff_with_a_smartphone(self):
        sample = self.draw()
        self.assertEqual((sample.size, sample.population, sample.seed), (10, 27, 12345))
        names = [item["label"] for item in sample.items]
        self.assertNotIn("Cán bộ 00", names)
        self.assertEqual(names, sorted(names))  # in roster order, for the checklist

    def test_the_same_seed_draws_the_same_sample(self):
        self.assertEqual(self.draw().items, self.draw().items)

    def test_another_seed_draws_another_sample(self):
        self.assertNotEqual(self.draw().items, self.draw(seed=54321).items)

    def test_a_seed_is_chosen_and_recorded_when_none_is_given(self):
        sample = self.draw(seed=None)
        again = self.draw(seed=sample.seed)
        self.assertEqual(sample.items, again.items)

    def test_the_draw_is_random_sample_over_the_population_order(self):
        population = [{"ref": str(i)} for i in range(100)]
        import random

        expected = sorted(random.Random(7).sample(range(100), 5))
        self.assertEqual([int(p["ref"]) for p in draw_items(population, 5, 7)], expected)

    def test_a_sample_larger_than_the_population_takes_everyone(self):
        self.assertEqual(self.draw(size=100).size, 27)

    def test_it_is_audited(self):
        sample = self.draw()
        entry = AuditEntry.objects.get(action="sample.draw")
        self.assertEqual((entry.object_id, entry.after["seed"]), (str(sample.pk), 12345))

    def test_reporters_and_viewers_may_not_draw(self):
        for user in (self.lan, self.hoa, self.tuan):
            with self.subTest(user=user.username), self.assertRaises(PermissionDenied):
                self.draw(user=user)
        self.assertFalse(Sample.objects.exists())

    def test_it_says_so_when_nobody_can_be_drawn(self):
        with self.assertRaises(QualityInvalid) as caught:
            draw_sample(
                self.campaign,
                self.unit("870-LKA"),
                user=self.minh,
                source="roster",
                size=5,
                group="staff",
            )
        self.assertEqual(caught.exception.errors[0].field, "source")

    def test_it_refuses_a_size_of_zero_and_a_group_the_unit_does_not_report(self):
        with self.assertRaises(QualityInvalid) as caught:
            draw_sample(
                self.campaign,
                self.unit("870-NV"),
                user=self.minh,
                source="roster",
                size=0,
                group="residents",
            )
        self.assertEqual({e.field for e in caught.exception.errors}, {"size", "group"})

    def test_it_draws_from_the_households_the_teams_visited(self):
        from uptake.quality import visits

        if not visits.available():
            self.skipTest("the fieldwork app is not installed")
        from uptake.fieldwork.models import Outcome, Visit

        hamlet = self.make_hamlet()
        for i in range(12):
            Visit.objects.create(
                id=uuid.UUID(int=i + 1),
                campaign=self.campaign,
                hamlet=hamlet,
                commune=self.ttt,
                household=f"Số {i + 1}",
                visited_at=datetime(2020, 8, 16, 8, i, tzinfo=VN),
                day=date(2020, 8, 16),
                smartphones=0 if i == 0 else 2,
                outcome=Outcome.NOBODY_HOME if i == 0 else Outcome.INSTALLED,
            )
        sample = self.draw(source="visits", group="residents", size=5)
        self.assertEqual((sample.size, sample.population), (5, 11))
        self.assertTrue(all(item["label"].startswith("Ấp 1 · Số ") for item in sample.items))
        self.assertEqual(sample.items, self.draw(source="visits", group="residents", size=5).items)

    def make_hamlet(self):
        from uptake.units.models import Unit

        return Unit.objects.create(
            code="870-TTT-A1", name="Ấp 1", kind=Unit.Kind.HAMLET, parent=self.ttt
        )

    def test_households_are_offered_only_where_visits_were_recorded(self):
        from uptake.quality.actions import sample_sources

        self.assertEqual(sample_sources(self.campaign, self.ttt), ["roster"])
        with self.assertRaises(QualityInvalid) as caught:
            self.draw(source="visits", group="residents")
        self.assertEqual(caught.exception.errors[0].field, "source")
