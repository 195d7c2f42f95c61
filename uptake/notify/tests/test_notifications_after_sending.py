"""The notifications page, and where its "Mở" links lead, after a day of every job (#13): the
compiled report sent automatically answered 500 to the coordinator who opened its link."""

from __future__ import annotations

from django.core import mail
from django.test import override_settings

from uptake.campaigns.loader import load_campaign
from uptake.documents.actions import approve_compilation
from uptake.documents.models import Compilation, State
from uptake.notify.models import Kind, Notification
from uptake.notify.tests.helpers import TODAY, NotifyTestCase, district_data


@override_settings(TIME_ZONE="UTC")
class AfterAutomaticSendingTestCase(NotifyTestCase):
    def setUp(self):
        super().setUp()
        self.use_district_campaign()
        self.campaign, _stats = load_campaign(district_data(auto_send=True))
        self.settle(self.campaign)
        self.viewer = self.make_user("lanhdao", "viewer", "870")
        for hour, minute in ((8, 0), (14, 0), (15, 0), (16, 30)):
            self.at(hour, minute)
            if hour == 15:
                self.submit("870-TTT", user=self.lan)
            self.run_scheduler()
        self.at(16, 40)
        approve_compilation(Compilation.objects.get(date=TODAY), self.minh, confirm=True)
        self.at(16, 41)
        self.run_scheduler()
        self.at(17, 0)
        self.run_scheduler()
        compilation = Compilation.objects.get(date=TODAY)
        self.assertEqual((compilation.state, compilation.sent_by), (State.SENT, None))

    def test_every_role_opens_the_notifications_page_and_its_links(self):
        kinds = set(Notification.objects.values_list("kind", flat=True))
        self.assertTrue({Kind.DRAFT_READY, Kind.SENT, Kind.LEADERS_SUMMARY} <= kinds, kinds)
        for user in (self.minh, self.viewer, self.hoa, self.lan, self.binh, self.tuan, self.root):
            with self.subTest(user=user.username):
                self.login(user)
                page = self.client.get("/notifications/")
                self.assertEqual(page.status_code, 200)
                for notification in Notification.objects.filter(user=user):
                    opened = self.client.post(
                        f"/notifications/{notification.pk}/read/", {"open": "1"}, follow=True
                    )
                    self.assertEqual(opened.status_code, 200, notification.kind)

    def test_the_sent_notice_opens_the_page_that_says_it_was_sent_automatically(self):
        notice = Notification.objects.get(user=self.minh, kind=Kind.SENT)
        self.login(self.minh)
        opened = self.client.post(f"/notifications/{notice.pk}/read/", {"open": "1"}, follow=True)
        self.assertContains(opened, "gửi tự động")
        self.assertTrue([m for m in mail.outbox if "ubnd@example.org" in m.to])
