"""'Nhắc đơn vị chưa báo cáo' on the status page (#17): a coordinator sends today's reminder now
to the reporters of the units not reported, through the scheduler's own reminder function; the
audit trail says who pressed; a unit is reminded at most once an hour, counting the scheduler's
own reminders, even when two coordinators press at the same moment."""

from __future__ import annotations

import time
from datetime import datetime, timedelta
from unittest import mock

import time_machine
from django.contrib.messages import get_messages
from django.test import override_settings

from uptake.audit.models import AuditEntry
from uptake.notify.jobs import recently_reminded, remind_now
from uptake.notify.models import Job, JobRun, Kind, Notification
from uptake.reports.summary import build_summary
from uptake.reports.tests.threads import ThreadedTestCase
from uptake.test import NOW, BaseTestCase

STATUS = "/c/bluezone-2020/status/"
REMIND = "/c/bluezone-2020/status/remind/"
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@override_settings(PASSWORD_HASHERS=FAST_HASHERS)
class StatusRemindTest(BaseTestCase):
    def setUp(self):
        super().setUp()
        # 870-TTT reported; 870-LKA, 870-NV and 870-VHTT have not.
        self.submit("870-TTT", user=self.lan)
        self.lka = self.make_user("lka", "reporter", "870-LKA")
        self.nv = self.make_user("nv", "reporter", "870-NV")
        self.client.force_login(self.minh)

    def reminded_users(self) -> set[str]:
        return set(
            Notification.objects.filter(kind=Kind.AFTERNOON_REMINDER).values_list(
                "user__username", flat=True
            )
        )

    def scheduled_reminder(self, day, minutes_ago: int = 20) -> JobRun:
        """The scheduler's afternoon reminder of ``day``, done ``minutes_ago`` minutes ago."""
        at = NOW - timedelta(minutes=minutes_ago)
        return JobRun.objects.create(
            campaign=self.campaign,
            job=Job.AFTERNOON_REMINDER,
            day=day,
            level="",
            due_at=at,
            next_attempt_at=at,
            state=JobRun.State.DONE,
            attempts=1,
            started_at=at,
            finished_at=at,
        )

    def texts(self, response) -> list[str]:
        """The messages waiting after ``response``, the latest last."""
        return [str(m) for m in get_messages(response.wsgi_request)]

    def test_a_coordinator_sees_the_button_on_todays_page(self):
        response = self.client.get(STATUS)
        self.assertContains(response, f'action="{REMIND}?root=870"')
        self.assertContains(response, "Nhắc đơn vị chưa báo cáo")

    def test_no_button_for_a_viewer_a_reporter_or_another_day(self):
        self.assertNotContains(self.client.get(STATUS + "?date=2020-08-16"), REMIND)
        for user in (self.hoa, self.lan):
            self.client.force_login(user)
            self.assertNotContains(self.client.get(STATUS), REMIND)

    def test_it_reminds_the_reporters_of_the_missing_units_now(self):
        response = self.client.post(REMIND + "?root=870")
        self.assertRedirects(response, STATUS + "?root=870", fetch_redirect_response=False)
        self.assertEqual(self.reminded_users(), {"lka", "nv"})  # not lan: 870-TTT reported
        self.assertIn("Đã gửi lời nhắc đến người báo cáo của 3 đơn vị", self.texts(response)[0])
        run = JobRun.objects.get(job=Job.AFTERNOON_REMINDER, level__startswith="manual ")
        self.assertEqual(run.state, JobRun.State.DONE)  # never claimed by the scheduler
        self.assertEqual(sorted(run.result["units"]), ["870-LKA", "870-NV", "870-VHTT"])

    def test_the_audit_trail_says_who_pressed(self):
        self.client.post(REMIND + "?root=870")
        entry = AuditEntry.objects.get(action="reminder.send")
        self.assertEqual(entry.actor, self.minh)
        self.assertEqual(sorted(entry.after["units"]), ["870-LKA", "870-NV", "870-VHTT"])
        self.assertEqual(entry.after["day"], "2020-08-17")

    def test_a_unit_is_reminded_at_most_once_an_hour(self):
        self.client.post(REMIND + "?root=870-LKA")
        with time_machine.travel(NOW + timedelta(minutes=30), tick=False):
            response = self.client.post(REMIND + "?root=870-LKA")
            self.assertIn("chưa đầy một giờ", self.texts(response)[-1])
            self.assertIn("Có thể nhắc lại từ 11:00.", self.texts(response)[-1])
            # The others of the district still go; 870-LKA is left out and said so.
            response = self.client.post(REMIND + "?root=870")
            text = self.texts(response)[-1]
            self.assertIn("của 2 đơn vị", text)
            self.assertIn("1 đơn vị đã được nhắc chưa đầy một giờ trước", text)
        self.assertEqual(Notification.objects.filter(user=self.lka).count(), 1)
        with time_machine.travel(NOW + timedelta(minutes=61), tick=False):
            self.client.post(REMIND + "?root=870-LKA")
        self.assertEqual(Notification.objects.filter(user=self.lka).count(), 2)

    def test_nobody_to_remind_when_every_unit_reported(self):
        response = self.client.post(REMIND + "?root=870-TTT")
        self.assertIn("không có ai để nhắc", self.texts(response)[0])
        self.assertFalse(JobRun.objects.exists())

    def test_only_coordinators_in_their_scope_and_by_post(self):
        self.assertEqual(self.client.get(REMIND).status_code, 405)
        self.client.force_login(self.hoa)
        self.assertEqual(self.client.post(REMIND).status_code, 403)
        self.client.force_login(self.lan)
        self.assertEqual(self.client.post(REMIND).status_code, 403)
        self.client.force_login(self.minh)
        self.assertEqual(self.client.post(REMIND + "?root=869-TH").status_code, 404)
        self.assertFalse(Notification.objects.exists())

    def test_nothing_to_remind_outside_the_campaigns_days(self):
        with time_machine.travel(datetime(2020, 9, 1, 9, 0, tzinfo=NOW.tzinfo), tick=False):
            self.client.force_login(self.minh)
            response = self.client.post(REMIND)
        self.assertIn("không có ai để nhắc", self.texts(response)[0])
        self.assertFalse(Notification.objects.exists())

    def test_the_schedulers_own_reminder_counts_too(self):
        # The 14:00-style reminder the scheduler sent 20 minutes ago told every unit then
        # missing: pressing now would tell them again within the hour.
        self.scheduled_reminder(NOW.date())
        response = self.client.post(REMIND + "?root=870")
        self.assertIn("chưa đầy một giờ", self.texts(response)[-1])
        self.assertIn("Có thể nhắc lại từ 10:40.", self.texts(response)[-1])
        self.assertFalse(Notification.objects.exists())
        with time_machine.travel(NOW + timedelta(minutes=41), tick=False):
            self.client.post(REMIND + "?root=870")
        self.assertEqual(self.reminded_users(), {"lka", "nv"})

    def test_a_scheduled_reminder_of_another_day_does_not_count(self):
        self.scheduled_reminder(NOW.date() - timedelta(days=1))
        self.client.post(REMIND + "?root=870")
        self.assertEqual(self.reminded_users(), {"lka", "nv"})


class TwoCoordinatorsPressAtOnceTest(ThreadedTestCase):
    def test_each_unit_is_reminded_once(self):
        self.make_user("lka", "reporter", "870-LKA")
        self.make_user("nv", "reporter", "870-NV")
        hai = self.make_user("hai", "coordinator", "870")
        day = self.campaign.today()

        def press(user):
            def work():
                rows = build_summary(self.campaign, day, self.unit("870")).rows
                return remind_now(self.campaign, day, rows, user)

            return work

        def slowly(*args):
            # Between reading who was reminded and reminding: where a second press slipped in.
            found = recently_reminded(*args)
            time.sleep(0.3)
            return found

        # Nobody has reported: the four units of 870, whose reporters are lan, lka and nv.
        with mock.patch("uptake.notify.jobs.recently_reminded", side_effect=slowly):
            first, second = self.together(press(self.minh), press(hai))
        self.assertEqual(sorted([len(first.reminded), len(second.reminded)]), [0, 4])
        self.assertEqual(sorted([len(first.too_soon), len(second.too_soon)]), [0, 4])
        self.assertEqual(Notification.objects.filter(kind=Kind.AFTERNOON_REMINDER).count(), 3)
        self.assertEqual(JobRun.objects.count(), 1)
