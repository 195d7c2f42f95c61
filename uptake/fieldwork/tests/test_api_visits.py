from __future__ import annotations

import json

from django.test import Client

from uptake.fieldwork.models import Visit
from uptake.fieldwork.tests.base import FieldworkTestCase

URL = "/api/v1/visits"


class PostVisitTestCase(FieldworkTestCase):
    def post(self, payload: dict, user=None, **headers):
        if user is not None:
            headers.update(self.bearer(user))
        return self.client.post(
            URL, json.dumps(payload), content_type="application/json", **headers
        )

    def test_the_same_visit_sent_three_times_is_stored_once(self):
        payload = self.payload()
        headers = self.bearer(self.mai)
        statuses = [self.post(payload, **headers).status_code for _ in range(3)]
        self.assertEqual(statuses, [201, 200, 200])
        self.assertEqual(Visit.objects.count(), 1)

    def test_a_repeat_returns_the_stored_visit(self):
        payload = self.payload()
        first = self.post(payload, self.mai).json()
        again = self.post({**payload, "household": "Số 40", "smartphones": 9}, self.mai)
        self.assertEqual(again.status_code, 200)
        self.assertEqual(again.json(), first)
        self.assertEqual(first["household"], "Số 12, tổ 3")
        self.assertEqual(first["team_name"], "Tổ 1")
        self.assertEqual(first["visited_at"], "2020-08-17T09:30:00+07:00")
        self.assertEqual(first["date"], "2020-08-17")
        self.assertEqual(first["recorded_by"], "mai")

    def test_it_needs_a_token_or_a_session(self):
        response = self.post(self.payload())
        self.assertEqual(response.status_code, 401)
        self.assertEqual(response.json()["errors"][0]["field"], "authorization")

    def test_the_page_sends_with_its_session_and_csrf_token(self):
        client = Client(enforce_csrf_checks=True)
        client.force_login(self.mai)
        page = client.get(f"/c/{self.campaign.slug}/visits/")
        token = page.cookies["csrftoken"].value
        body = json.dumps(self.payload())
        refused = client.post(URL, body, content_type="application/json")
        self.assertEqual(refused.status_code, 403)
        self.assertEqual(refused.json()["errors"][0]["field"], "csrf")
        sent = client.post(URL, body, content_type="application/json", HTTP_X_CSRFTOKEN=token)
        self.assertEqual(sent.status_code, 201)
        self.assertEqual(Visit.objects.get().via, "web")

    def test_a_member_cannot_add_visits_outside_its_hamlets(self):
        response = self.post(self.payload(hamlet="870-TTT-K2"), self.mai)
        self.assertEqual(response.status_code, 403)
        self.assertEqual(response.json()["errors"][0]["field"], "hamlet")
        self.assertFalse(Visit.objects.exists())

    def test_tuan_cannot_add_visits_in_another_district(self):
        self.assertEqual(self.post(self.payload(), self.tuan).status_code, 403)

    def test_unknown_campaign_and_hamlet_are_404(self):
        self.assertEqual(self.post(self.payload(campaign="nope"), self.mai).status_code, 404)
        response = self.post(self.payload(hamlet="870-TTT"), self.mai)
        self.assertEqual(response.status_code, 404)
        self.assertEqual(response.json()["errors"][0]["field"], "hamlet")

    def test_invalid_figures_are_422_with_the_offending_field(self):
        response = self.post(self.payload(smartphones=2, already_had=1, installed_now=2), self.mai)
        self.assertEqual(response.status_code, 422)
        self.assertEqual(response.json()["errors"][0]["field"], "installed_now")
        self.assertFalse(Visit.objects.exists())

    def test_a_malformed_body_is_422_in_the_same_format(self):
        response = self.post(self.payload(id="not-a-uuid", smartphones="many"), self.mai)
        self.assertEqual(response.status_code, 422)
        fields = {e["field"] for e in response.json()["errors"]}
        self.assertEqual(fields, {"id", "smartphones"})

    def test_a_time_without_offset_is_read_in_the_campaigns_zone(self):
        response = self.post(self.payload(visited_at="2020-08-17T09:30:00"), self.mai)
        self.assertEqual(response.json()["visited_at"], "2020-08-17T09:30:00+07:00")


class ListVisitsTestCase(FieldworkTestCase):
    def setUp(self):
        super().setUp()
        self.record()
        self.record(user=self.lan, hamlet=self.k2)
        self.record(user=self.tuan, hamlet=self.tan_hoa)

    def get(self, user, **params):
        return self.client.get(URL, params, **self.bearer(user))

    def test_it_lists_a_hamlets_visits_of_a_day(self):
        response = self.get(self.mai, hamlet="870-TTT-K1", date="2020-08-17")
        self.assertEqual(response.status_code, 200)
        self.assertEqual([v["hamlet"] for v in response.json()], ["870-TTT-K1"])
        self.assertEqual(self.get(self.mai, hamlet="870-TTT-K1", date="2020-08-16").json(), [])

    def test_a_member_cannot_see_visits_outside_its_hamlets(self):
        response = self.get(self.mai, hamlet="870-TTT-K2", date="2020-08-17")
        self.assertEqual(response.status_code, 403)

    def test_tuan_sees_nothing_of_hong_ngu(self):
        for code in ("870-TTT-K1", "870-TTT-K2", "870-LKA-A1"):
            self.assertEqual(self.get(self.tuan, hamlet=code, date="2020-08-17").status_code, 403)
        self.assertEqual(len(self.get(self.tuan, hamlet="869-TH-A1", date="2020-08-17").json()), 1)

    def test_readers_above_see_every_hamlet_of_their_units(self):
        for user in (self.lan, self.minh, self.hoa, self.root):
            response = self.get(user, hamlet="870-TTT-K2", date="2020-08-17")
            self.assertEqual(len(response.json()), 1, user.username)

    def test_it_answers_404_for_an_unknown_hamlet_and_422_without_a_date(self):
        self.assertEqual(self.get(self.minh, hamlet="X", date="2020-08-17").status_code, 404)
        response = self.get(self.minh, hamlet="870-TTT-K1")
        self.assertEqual(response.status_code, 422)
        self.assertEqual(response.json()["errors"][0]["field"], "date")
