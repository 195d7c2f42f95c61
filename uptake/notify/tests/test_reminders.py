"""08:00 and 14:00: reminders go to the reporters of the units concerned, and only to them."""

from __future__ import annotations

from django.core import mail
from django.utils import translation

from uptake.campaigns.loader import load_campaign
from uptake.notify.models import Job, JobRun, Kind, Notification
from uptake.notify.tests.helpers import TODAY, NotifyTestCase
from uptake.test import campaign_data


class MorningReminderTestCase(NotifyTestCase):
    def setUp(self):
        super().setUp()
        self.settle(self.campaign)
        self.at(8, 0)

    def test_every_units_reporters_get_todays_reminder(self):
        self.run_scheduler()
        for user in (self.lan, self.binh, self.tuan):
            self.assertEqual(self.kinds_of(user), [Kind.MORNING_REMINDER], user.username)
        for user in (self.minh, self.hoa, self.root):
            self.assertEqual(self.kinds_of(user), [], user.username)
        run = self.run_of(Job.MORNING_REMINDER)
        self.assertEqual(run.result["missing"], 5)
        self.assertEqual(run.result["notified"], 3)

    def test_the_reminder_names_the_reporters_units_and_the_deadline(self):
        self.run_scheduler()
        reminder = Notification.objects.get(user=self.lan)
        self.assertEqual(reminder.day, TODAY)
        self.assertEqual(
            reminder.params["units"], {"names": ["Thị trấn Thường Thới Tiền"], "count": 1}
        )
        self.assertEqual(reminder.url, "/c/bluezone-2020/report/")
        with translation.override("en"):
            self.assertEqual(reminder.title, "Today's report is due at 15:00")
            self.assertIn("Thị trấn Thường Thới Tiền", reminder.body)
            self.assertIn("17/08/2020", reminder.body)

    def test_a_reporter_of_several_units_gets_one_reminder_naming_them_all(self):
        both = self.make_user("thu", "reporter", "870-TTT", "870-LKA")
        self.run_scheduler()
        reminder = Notification.objects.get(user=both)
        self.assertEqual(reminder.params["units"]["count"], 2)

    def test_a_reporter_of_the_district_is_reminded_of_every_unit_under_it(self):
        district = self.make_user("son", "reporter", "870")
        self.run_scheduler()
        self.assertEqual(Notification.objects.get(user=district).params["units"]["count"], 4)

    def test_an_inactive_user_gets_nothing(self):
        self.lan.is_active = False
        self.lan.save()
        self.run_scheduler()
        self.assertEqual(self.kinds_of(self.lan), [])

    def test_a_unit_that_left_the_campaign_is_not_reminded(self):
        data = campaign_data()
        district = data["units"][0]["units"][0]
        district["units"] = [u for u in district["units"] if u["code"] != "870-LKA"]
        self.at(7, 0, day=TODAY.replace(day=16))
        load_campaign(data)  # 870-LKA is expected up to the 16th, not after
        self.at(8, 0)
        self.run_scheduler()
        self.assertEqual(self.kinds_of(self.binh), [])
        self.assertEqual(self.kinds_of(self.lan), [Kind.MORNING_REMINDER])


class AfternoonReminderTestCase(NotifyTestCase):
    def setUp(self):
        super().setUp()
        self.settle(self.campaign, jobs=[Job.MORNING_REMINDER])

    def test_no_reminder_to_a_unit_that_has_reported(self):
        self.at(11, 0)
        self.submit("870-TTT", user=self.lan)
        self.at(14, 0)
        self.run_scheduler()
        self.assertEqual(self.kinds_of(self.lan), [])
        self.assertEqual(self.kinds_of(self.binh), [Kind.AFTERNOON_REMINDER])
        self.assertEqual([m.to for m in mail.outbox], [[self.binh.email], [self.tuan.email]])
        run = self.run_of(Job.AFTERNOON_REMINDER)
        self.assertEqual((run.state, run.result["missing"]), (JobRun.State.DONE, 4))

    def test_a_report_entered_on_behalf_counts_as_reported(self):
        self.at(13, 0)
        self.submit("870-LKA", user=self.minh, on_behalf=True, source="Zalo")
        self.at(14, 0)
        self.run_scheduler()
        self.assertEqual(self.kinds_of(self.binh), [])

    def test_a_reporter_is_reminded_only_of_the_units_still_missing(self):
        both = self.make_user("thu", "reporter", "870-TTT", "870-LKA")
        self.submit("870-TTT", user=self.lan)
        self.at(14, 0)
        self.run_scheduler()
        reminder = Notification.objects.get(user=both)
        self.assertEqual(reminder.params["units"], {"names": ["Xã Long Khánh A"], "count": 1})

    def test_nobody_is_reminded_when_every_unit_has_reported(self):
        for code in ("870-VHTT", "870-NV", "870-TTT", "870-LKA", "869-TH"):
            self.submit(code, user=self.root)
        self.at(14, 0)
        self.run_scheduler()
        self.assertFalse(Notification.objects.exists())
        self.assertEqual(self.run_of(Job.AFTERNOON_REMINDER).result["notified"], 0)
