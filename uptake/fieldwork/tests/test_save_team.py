from __future__ import annotations

from django.core.exceptions import PermissionDenied

from uptake.fieldwork.actions import create_member, save_team
from uptake.fieldwork.models import Team
from uptake.fieldwork.tests.base import FieldworkTestCase


class SaveTeamTestCase(FieldworkTestCase):
    def save(self, user, commune=None, hamlets=None, team=None):
        return save_team(
            campaign=self.campaign,
            commune=commune or self.town,
            user=user,
            name="Tổ 3",
            organisations=["khac", "doan_tn", "unknown"],
            members=[self.mai],
            hamlets=hamlets if hamlets is not None else [self.k2],
            team=team,
        )

    def test_it_keeps_known_organisations_in_the_lists_order(self):
        self.assertEqual(self.save(self.lan).organisations, ["doan_tn", "khac"])

    def test_only_the_communes_reporter_a_coordinator_above_or_an_admin_manage_teams(self):
        for user in (self.lan, self.minh, self.root):
            Team.objects.filter(name="Tổ 3").delete()
            self.save(user)
        for user in (self.mai, self.hoa, self.tuan):
            self.assertRaises(PermissionDenied, self.save, user)

    def test_a_team_covers_hamlets_of_its_own_commune_only(self):
        self.assertRaises(PermissionDenied, self.save, self.minh, hamlets=[self.a1])

    def test_a_team_stays_in_its_commune(self):
        self.assertRaises(
            PermissionDenied, self.save, self.minh, commune=self.unit("870-LKA"), team=self.team
        )

    def test_only_managers_create_member_logins(self):
        member, password = create_member(commune=self.town, user=self.lan, username="thu")
        self.assertTrue(member.check_password(password))
        self.assertRaises(
            PermissionDenied, create_member, commune=self.town, user=self.mai, username="x"
        )
