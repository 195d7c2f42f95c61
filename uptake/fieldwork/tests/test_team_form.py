from __future__ import annotations

from django.contrib.auth import get_user_model

from uptake.accounts.models import Role
from uptake.audit.models import AuditEntry
from uptake.fieldwork.models import Team
from uptake.fieldwork.tests.base import FieldworkTestCase

NEW = "/c/bluezone-2020/fieldwork/870-TTT/teams/new/"


class TeamFormTestCase(FieldworkTestCase):
    def edit_url(self, team: Team) -> str:
        return f"/c/bluezone-2020/fieldwork/teams/{team.pk}/edit/"

    def form(self, **changes) -> dict:
        data = {
            "name": "Tổ 2 · Hội Phụ nữ",
            "organisations": ["hoi_lhpn", "mttq"],
            "hamlets": [self.k2.pk],
            "members": [self.mai.pk],
            "new_members": "",
        }
        data.update(changes)
        return data

    def test_the_towns_reporter_creates_a_team(self):
        self.client.force_login(self.lan)
        response = self.client.post(NEW, self.form())
        self.assertRedirects(response, "/c/bluezone-2020/fieldwork/870-TTT/")
        team = Team.objects.get(name="Tổ 2 · Hội Phụ nữ")
        self.assertEqual(team.commune, self.town)
        self.assertEqual(team.organisations, ["mttq", "hoi_lhpn"])
        self.assertEqual(list(team.hamlets.all()), [self.k2])
        self.assertEqual(list(team.members.all()), [self.mai])
        entry = AuditEntry.objects.get(action="team.create")
        self.assertEqual(entry.actor, self.lan)
        self.assertEqual(entry.after["hamlets"], ["870-TTT-K2"])

    def test_the_coordinator_edits_a_team(self):
        self.client.force_login(self.minh)
        response = self.client.post(
            self.edit_url(self.team), self.form(name="Tổ 1", hamlets=[self.k1.pk, self.k2.pk])
        )
        self.assertEqual(response.status_code, 302)
        self.assertEqual(self.team.hamlets.count(), 2)
        entry = AuditEntry.objects.get(action="team.update")
        self.assertEqual(entry.before["hamlets"], ["870-TTT-K1"])

    def test_the_form_shows_the_current_team(self):
        self.client.force_login(self.lan)
        response = self.client.get(self.edit_url(self.team))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.context["form"].initial["name"], "Tổ 1")
        self.assertContains(response, "Khóm Thượng")
        self.assertNotContains(response, "Ấp Long Thạnh A")

    def test_new_members_get_a_login_shown_once_and_see_only_the_teams_hamlets(self):
        self.client.force_login(self.lan)
        response = self.client.post(NEW, self.form(new_members="thu.tran, Trần Thị Thu\n\n"))
        self.assertEqual(response.status_code, 200)
        thu = get_user_model().objects.get(username="870-ttt.thu.tran")
        self.assertEqual(thu.get_full_name(), "Trần Thị Thu")
        self.assertEqual(thu.profile.role, Role.VIEWER)
        self.assertFalse(thu.profile.units.exists())
        password = dict((m.username, p) for m, p in response.context["new"])["870-ttt.thu.tran"]
        self.assertTrue(thu.check_password(password))
        self.assertContains(response, password)
        self.assertIn(thu, Team.objects.get(name="Tổ 2 · Hội Phụ nữ").members.all())

    def test_it_refuses_a_taken_name_or_login(self):
        self.client.force_login(self.lan)
        response = self.client.post(NEW, self.form(name="Tổ 1"))
        self.assertIn("name", response.context["form"].errors)
        self.make_user("870-ttt.thu", "viewer", "870-TTT")
        self.client.cookies.load({"django_language": "en"})
        response = self.client.post(NEW, self.form(new_members="Thu"))
        self.assertIn(
            "870-ttt.thu is already taken: tick the person in the list above.",
            response.context["form"].errors["new_members"],
        )
        response = self.client.post(NEW, self.form(new_members="chi lan"))
        self.assertIn("new_members", response.context["form"].errors)
        self.assertEqual(Team.objects.count(), 1)

    def test_it_says_nothing_of_the_logins_of_other_units(self):
        """#15: "padmin đã được sử dụng" answered for any user name anywhere, in any case."""
        self.client.cookies.load({"django_language": "en"})
        self.client.force_login(self.lan)
        self.make_user("padmin", "admin")
        response = self.client.post(NEW, self.form(new_members="PAdmin\ntuan"))
        self.assertEqual(response.status_code, 200)
        logins = sorted(m.username for m, _p in response.context["new"])
        self.assertEqual(logins, ["870-ttt.padmin", "870-ttt.tuan"])
        self.assertTrue(get_user_model().objects.filter(username="padmin").exists())
        # A login of the commune's form made for someone outside it (by an admin): refused
        # without saying whose it is.
        self.make_user("870-ttt.hai", "reporter", "869-TH")
        response = self.client.post(NEW, self.form(name="Tổ 3", new_members="hai"))
        errors = response.context["form"].errors["new_members"]
        self.assertEqual(errors, ["hai cannot be used: choose another name."])
        self.assertNotContains(response, "870-ttt.hai")
        self.assertNotContains(response, "869-TH")

    def test_it_offers_only_the_communes_hamlets(self):
        self.client.force_login(self.lan)
        response = self.client.post(NEW, self.form(hamlets=[self.a1.pk]))
        self.assertIn("hamlets", response.context["form"].errors)

    def test_members_viewers_and_other_districts_cannot_manage_teams(self):
        for user in (self.mai, self.hoa, self.tuan):
            self.client.force_login(user)
            self.assertEqual(self.client.get(NEW).status_code, 403, user.username)
            self.assertEqual(self.client.post(NEW, self.form()).status_code, 403)
            self.assertEqual(
                self.client.post(self.edit_url(self.team), self.form()).status_code, 403
            )
        self.assertEqual(Team.objects.count(), 1)

    def test_the_towns_reporter_cannot_manage_another_communes_teams(self):
        self.client.force_login(self.lan)
        self.assertEqual(
            self.client.get("/c/bluezone-2020/fieldwork/870-LKA/teams/new/").status_code, 403
        )

    def test_it_needs_a_login_and_refuses_other_methods(self):
        self.assertEqual(self.client.get(NEW).status_code, 302)
        self.client.force_login(self.lan)
        self.assertEqual(self.client.delete(NEW).status_code, 405)
