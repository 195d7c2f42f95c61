from __future__ import annotations

from uptake.fieldwork.tests.base import FieldworkTestCase
from uptake.test import NOW

URL = "/c/bluezone-2020/fieldwork/hamlets/{code}/"


class HamletPageTestCase(FieldworkTestCase):
    def test_it_shows_the_hamlets_figures_by_day(self):
        self.record(at=NOW.replace(day=16, hour=15))
        self.record(household="Số 20")
        self.client.force_login(self.mai)
        response = self.client.get(URL.format(code="870-TTT-K1"))
        self.assertEqual(response.status_code, 200)
        days = response.context["days"]
        self.assertEqual([row.figures.visits for row in days.rows], [1, 1])
        self.assertEqual(days.total.registered, 620)
        self.assertContains(response, "17/08/2020")
        self.assertContains(response, "Tổ 1")

    def test_a_member_cannot_open_another_hamlet(self):
        self.client.force_login(self.mai)
        self.assertEqual(self.client.get(URL.format(code="870-TTT-K2")).status_code, 403)
        self.client.force_login(self.tuan)
        self.assertEqual(self.client.get(URL.format(code="870-TTT-K1")).status_code, 403)

    def test_a_unit_that_is_not_a_hamlet_is_404(self):
        self.client.force_login(self.minh)
        self.assertEqual(self.client.get(URL.format(code="870-TTT")).status_code, 404)
