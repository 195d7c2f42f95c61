from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from uptake.fieldwork.models import Team
from uptake.fieldwork.tests.base import FieldworkTestCase
from uptake.units.models import Unit

URL = "/c/bluezone-2020/fieldwork/870-TTT/"
EMPTY = {"smartphones": 0, "already_had": 0, "installed_now": 0}


class CommunePageTestCase(FieldworkTestCase):
    def setUp(self):
        super().setUp()
        self.record(household="Số 1", smartphones=3, already_had=1, installed_now=2)
        self.record(household="Số 2", outcome="nobody_home", **EMPTY)
        self.record(
            user=self.lan,
            hamlet=self.k2,
            household="Số 5",
            outcome="already_had",
            smartphones=2,
            already_had=2,
            installed_now=0,
        )

    def test_it_shows_each_hamlets_progress_against_its_households(self):
        self.client.force_login(self.lan)
        response = self.client.get(URL)
        self.assertEqual(response.status_code, 200)
        k1, k2 = response.context["hamlets"].rows
        self.assertEqual(
            (k1.label, k1.figures.households, k1.figures.registered), ("Khóm An Thịnh", 2, 620)
        )
        self.assertEqual((k1.figures.installed_now, k1.figures.revisits_due), (2, 1))
        self.assertEqual((k2.figures.households, k2.figures.already_had), (1, 2))
        self.assertEqual(response.context["hamlets"].total.households, 3)
        self.assertContains(response, "Khóm An Thịnh")
        self.assertContains(response, "2 / 620")
        self.assertEqual([r.label for r in response.context["teams"].rows], ["Tổ 1"])
        self.assertEqual(len(response.context["days"].rows), 1)

    def test_a_member_sees_only_the_hamlets_and_team_of_their_own(self):
        other = Team.objects.create(campaign=self.campaign, commune=self.town, name="Tổ 2")
        other.hamlets.add(self.k2)
        self.client.force_login(self.mai)
        response = self.client.get(URL)
        self.assertEqual([r.key for r in response.context["hamlets"].rows], ["870-TTT-K1"])
        self.assertEqual([r.label for r in response.context["teams"].rows], ["Tổ 1"])
        self.assertEqual(response.context["days"].total.visits, 2)
        self.assertNotContains(response, "Khóm Thượng")
        self.assertNotContains(response, "New team")

    def test_readers_above_see_it_and_only_managers_get_the_team_buttons(self):
        for user, manages in ((self.minh, True), (self.hoa, False), (self.root, True)):
            self.client.force_login(user)
            response = self.client.get(URL)
            self.assertEqual(response.status_code, 200)
            self.assertEqual(response.context["can_manage"], manages, user.username)

    def test_tuan_and_members_of_other_communes_see_nothing(self):
        self.client.force_login(self.tuan)
        self.assertEqual(self.client.get(URL).status_code, 403)
        self.client.force_login(self.mai)
        self.assertEqual(self.client.get("/c/bluezone-2020/fieldwork/870-LKA/").status_code, 403)

    def test_unknown_communes_and_units_that_are_not_communes_are_404(self):
        self.client.force_login(self.minh)
        for code in ("870-XYZ", "870-VHTT", "870-TTT-K1"):
            self.assertEqual(
                self.client.get(f"/c/bluezone-2020/fieldwork/{code}/").status_code, 404
            )

    def test_it_needs_a_login_and_refuses_post(self):
        self.assertEqual(self.client.get(URL).status_code, 302)
        self.client.force_login(self.lan)
        self.assertEqual(self.client.post(URL).status_code, 405)

    def test_its_queries_do_not_grow_with_hamlets_teams_and_visits(self):
        self.client.force_login(self.lan)
        with CaptureQueriesContext(connection) as before:
            self.client.get(URL)
        for n in range(3, 8):
            hamlet = Unit.objects.create(
                code=f"870-TTT-K{n}",
                name=f"Khóm {n}",
                kind="hamlet",
                parent=self.town,
                households=400,
            )
            team = Team.objects.create(campaign=self.campaign, commune=self.town, name=f"Tổ {n}")
            team.hamlets.add(hamlet)
            self.record(user=self.lan, hamlet=hamlet, household=f"Số {n}")
        with self.assertNumQueries(len(before)):
            response = self.client.get(URL)
        self.assertEqual(len(response.context["hamlets"].rows), 7)


class HomeTestCase(FieldworkTestCase):
    def test_one_commune_goes_straight_to_its_page(self):
        self.client.force_login(self.mai)
        self.assertRedirects(self.client.get("/c/bluezone-2020/fieldwork/"), URL)

    def test_a_coordinator_chooses_among_the_communes(self):
        self.client.force_login(self.minh)
        response = self.client.get("/c/bluezone-2020/fieldwork/")
        self.assertEqual([c.code for c in response.context["communes"]], ["870-LKA", "870-TTT"])
        self.client.force_login(self.tuan)
        response = self.client.get("/c/bluezone-2020/fieldwork/")
        self.assertRedirects(response, "/c/bluezone-2020/fieldwork/869-TH/")
