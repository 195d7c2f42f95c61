from __future__ import annotations

from uptake.fieldwork.models import Team
from uptake.fieldwork.tests.base import FieldworkTestCase


class TeamPageTestCase(FieldworkTestCase):
    def url(self, team: Team) -> str:
        return f"/c/bluezone-2020/fieldwork/teams/{team.pk}/"

    def test_members_and_readers_of_the_commune_see_the_teams_days(self):
        self.record()
        self.record(user=self.lan, hamlet=self.k2)  # not the team's
        for user in (self.mai, self.lan, self.minh, self.hoa):
            self.client.force_login(user)
            response = self.client.get(self.url(self.team))
            self.assertEqual(response.status_code, 200, user.username)
            self.assertEqual(response.context["days"].total.visits, 1)
        self.assertContains(response, "Đoàn Thanh niên")
        self.assertContains(response, "Khóm An Thịnh")

    def test_others_cannot_see_it(self):
        other = Team.objects.create(campaign=self.campaign, commune=self.town, name="Tổ 2")
        self.client.force_login(self.mai)
        self.assertEqual(self.client.get(self.url(other)).status_code, 403)
        self.client.force_login(self.tuan)
        self.assertEqual(self.client.get(self.url(self.team)).status_code, 403)
        self.assertEqual(self.client.get("/c/bluezone-2020/fieldwork/teams/999/").status_code, 404)
