"""/notifications/: the user's own list, unread counts in every page's header, marking read."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from uptake.notify.models import Kind, Notification
from uptake.notify.tests.helpers import TODAY, NotifyTestCase
from uptake.test import PASSWORD


class NotificationsViewTestCase(NotifyTestCase):
    def setUp(self):
        super().setUp()
        self.older = self.notify(self.lan, Kind.OVERDUE, read=True, ago=timedelta(days=1))
        self.mine = self.notify(self.lan, Kind.MORNING_REMINDER)
        self.theirs = self.notify(self.binh, Kind.MORNING_REMINDER)

    def notify(self, user, kind: str, read=False, ago=timedelta(0)) -> Notification:
        params = {
            "campaign": self.campaign.title,
            "slug": self.campaign.slug,
            "date": TODAY.isoformat(),
            "due": "15:00",
            "units": {"names": ["Thị trấn Thường Thới Tiền"], "count": 1},
        }
        return Notification.objects.create(
            user=user,
            kind=kind,
            campaign=self.campaign,
            day=TODAY,
            params=params,
            url="/c/bluezone-2020/report/",
            read_at=timezone.now() if read else None,
            created_at=timezone.now() - ago,
        )

    def login(self, user) -> None:
        self.client.login(username=user.username, password=PASSWORD)

    def test_it_lists_the_users_own_notifications_newest_first(self):
        self.login(self.lan)
        response = self.client.get("/notifications/")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(list(response.context["page"].object_list), [self.mine, self.older])
        self.assertContains(response, "Nhắc báo cáo: hạn nộp hôm nay là 15:00")
        self.assertContains(response, "Quá hạn báo cáo")
        self.assertNotContains(response, f'action="/notifications/{self.theirs.pk}/read/"')

    def test_the_list_is_in_english_for_a_user_who_chose_it(self):
        self.login(self.lan)
        self.client.cookies["django_language"] = "en"
        response = self.client.get("/notifications/")
        self.assertContains(response, "Today&#x27;s report is due at 15:00")

    def test_its_queries_do_not_grow_with_the_number_of_notifications(self):
        self.login(self.lan)
        self.client.get("/notifications/")
        # Session, user, profile (does the user need a second factor?), two counts, the page.
        with self.assertNumQueries(6) as few:
            self.client.get("/notifications/")
        for _n in range(30):
            self.notify(self.lan, Kind.AFTERNOON_REMINDER)
        with self.assertNumQueries(len(few.captured_queries)):
            self.client.get("/notifications/")

    def test_every_page_shows_the_unread_count_in_its_header(self):
        self.login(self.lan)
        response = self.client.get(reverse("home"), follow=True)
        self.assertContains(response, 'class="bell has-unread"')
        self.assertContains(response, '<span class="count">1</span>', html=False)
        self.notify(self.lan, Kind.AFTERNOON_REMINDER)
        response = self.client.get("/notifications/preferences/")
        self.assertContains(response, '<span class="count">2</span>', html=False)

    def test_no_count_when_everything_is_read(self):
        self.login(self.binh)
        self.client.post(reverse("notifications-read-all"))
        response = self.client.get(reverse("home"), follow=True)
        self.assertContains(response, 'class="bell"')
        self.assertNotContains(response, 'class="count"')

    def test_opening_a_notification_marks_it_read_and_follows_its_link(self):
        self.login(self.lan)
        response = self.client.post(f"/notifications/{self.mine.pk}/read/", {"open": "1"})
        self.assertRedirects(response, "/c/bluezone-2020/report/", fetch_redirect_response=False)
        self.mine.refresh_from_db()
        self.assertIsNotNone(self.mine.read_at)

    def test_marking_one_read_comes_back_to_the_list(self):
        self.login(self.lan)
        response = self.client.post(f"/notifications/{self.mine.pk}/read/")
        self.assertRedirects(response, "/notifications/", fetch_redirect_response=False)
        self.assertFalse(Notification.objects.filter(user=self.lan, read_at__isnull=True).exists())

    def test_marking_all_read_leaves_other_users_alone(self):
        self.login(self.lan)
        self.client.post(reverse("notifications-read-all"))
        self.assertFalse(Notification.objects.filter(user=self.lan, read_at__isnull=True).exists())
        self.theirs.refresh_from_db()
        self.assertIsNone(self.theirs.read_at)

    def test_someone_elses_notification_does_not_exist_for_you(self):
        self.login(self.lan)
        response = self.client.post(f"/notifications/{self.theirs.pk}/read/")
        self.assertEqual(response.status_code, 404)
        self.theirs.refresh_from_db()
        self.assertIsNone(self.theirs.read_at)

    def test_marking_read_needs_a_post(self):
        self.login(self.lan)
        self.assertEqual(self.client.get(f"/notifications/{self.mine.pk}/read/").status_code, 405)
        self.assertEqual(self.client.get(reverse("notifications-read-all")).status_code, 405)
        self.assertEqual(self.client.post("/notifications/").status_code, 405)

    def test_a_visitor_is_sent_to_the_login_page(self):
        for url in ("/notifications/", f"/notifications/{self.mine.pk}/read/"):
            response = self.client.get(url)
            self.assertEqual(response.status_code, 302)
            self.assertIn("/login/", response["Location"])
