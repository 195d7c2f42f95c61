"""GET /api/v1/notifications: the user's own, newest first; 401 without a token."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from uptake.notify.models import Kind, Notification
from uptake.notify.tests.helpers import TODAY, NotifyTestCase

URL = "/api/v1/notifications"


class NotificationsApiTestCase(NotifyTestCase):
    def setUp(self):
        super().setUp()
        now = timezone.now()
        params = {
            "campaign": self.campaign.title,
            "slug": self.campaign.slug,
            "date": TODAY.isoformat(),
            "due": "15:00",
            "units": {"names": ["Thị trấn Thường Thới Tiền"], "count": 1},
        }
        self.old = Notification.objects.create(
            user=self.lan,
            kind=Kind.MORNING_REMINDER,
            campaign=self.campaign,
            day=TODAY,
            params=params,
            url="/c/bluezone-2020/report/",
            created_at=now - timedelta(hours=6),
            read_at=now,
        )
        self.new = Notification.objects.create(
            user=self.lan,
            kind=Kind.AFTERNOON_REMINDER,
            campaign=self.campaign,
            day=TODAY,
            params=params,
            url="/c/bluezone-2020/report/",
            created_at=now,
        )
        self.theirs = Notification.objects.create(
            user=self.binh, kind=Kind.MORNING_REMINDER, params=params, created_at=now
        )

    def test_it_lists_the_users_own_newest_first(self):
        response = self.client.get(URL, **self.bearer(self.lan))
        self.assertEqual(response.status_code, 200)
        body = response.json()
        self.assertEqual([n["id"] for n in body], [self.new.pk, self.old.pk])
        first = body[0]
        self.assertEqual(first["kind"], "afternoon_reminder")
        self.assertEqual(first["title"], "Chưa báo cáo: hạn nộp là 15:00 hôm nay")
        self.assertEqual((first["campaign"], first["date"]), ("bluezone-2020", "2020-08-17"))
        self.assertEqual((first["read"], body[1]["read"]), (False, True))
        self.assertEqual(first["url"], "/c/bluezone-2020/report/")

    def test_unread_only(self):
        response = self.client.get(URL + "?unread=true", **self.bearer(self.lan))
        self.assertEqual([n["id"] for n in response.json()], [self.new.pk])

    def test_nobody_sees_anyone_elses(self):
        for user in (self.minh, self.root, self.tuan):
            response = self.client.get(URL, **self.bearer(user))
            self.assertEqual(response.json(), [], user.username)

    def test_it_needs_a_token(self):
        response = self.client.get(URL)
        self.assertEqual(response.status_code, 401)
        self.assertEqual(response.json()["errors"][0]["field"], "authorization")
        response = self.client.get(URL, HTTP_AUTHORIZATION="Bearer upt_not-a-token")
        self.assertEqual(response.status_code, 401)

    def test_marking_one_read(self):
        response = self.client.post(f"{URL}/{self.new.pk}/read", **self.bearer(self.lan))
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.json()["read"])
        response = self.client.post(f"{URL}/{self.theirs.pk}/read", **self.bearer(self.lan))
        self.assertEqual(response.status_code, 404)
        self.theirs.refresh_from_db()
        self.assertIsNone(self.theirs.read_at)
