"""The Django admin shows the job runs (when, which, result, errors) and can run one again."""

from __future__ import annotations

from uptake.notify import jobs
from uptake.notify.models import Delivery, Job, JobRun
from uptake.notify.tests.helpers import NotifyTestCase, vn
from uptake.test import PASSWORD

URL = "/admin/notify/jobrun/"


class JobRunAdminTestCase(NotifyTestCase):
    def setUp(self):
        super().setUp()
        self.settle(self.campaign)
        self.at(8, 0)
        self.client.login(username="root", password=PASSWORD)

    def test_admins_see_when_which_and_the_result(self):
        self.run_scheduler()
        response = self.client.get(URL + "?state__exact=done&job__exact=morning_reminder")
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Nhắc báo cáo buổi sáng")
        self.assertContains(response, "&quot;notified&quot;: 3")
        run = self.run_of(Job.MORNING_REMINDER)
        response = self.client.get(f"{URL}{run.pk}/change/")
        self.assertContains(response, "17/08/2020")
        self.assertContains(response, "&quot;notified&quot;: 3")
        self.assertNotContains(response, "deletelink")  # deleting a run would let it run again

    def test_admins_see_the_error_of_a_failed_run_and_run_it_again(self):
        def broken(run, ctx):
            raise RuntimeError("the SMTP relay refused us")

        jobs.JOBS[Job.MORNING_REMINDER], real = broken, jobs.JOBS[Job.MORNING_REMINDER]
        try:
            self.run_scheduler()
        finally:
            jobs.JOBS[Job.MORNING_REMINDER] = real
        run = self.run_of(Job.MORNING_REMINDER)
        JobRun.objects.filter(pk=run.pk).update(state=JobRun.State.FAILED)
        response = self.client.get(URL)
        self.assertContains(response, "RuntimeError: the SMTP relay refused us")
        response = self.client.post(
            URL, {"action": "retry_now", "_selected_action": [run.pk]}, follow=True
        )
        self.assertEqual(response.status_code, 200)
        run.refresh_from_db()
        self.assertEqual((run.state, run.attempts, run.next_attempt_at), ("pending", 0, vn(8, 0)))
        self.run_scheduler()
        self.assertEqual(self.run_of(Job.MORNING_REMINDER).state, JobRun.State.DONE)

    def test_nobody_else_sees_them(self):
        self.client.login(username="minh", password=PASSWORD)
        response = self.client.get(URL)
        self.assertEqual(response.status_code, 302)


class DeliveryAdminTestCase(NotifyTestCase):
    """Every channel's deliveries in one list; dead letters counted on top, with their reason,
    and sent again on request."""

    def setUp(self):
        super().setUp()
        self.settle(self.campaign)
        self.at(8, 0)
        self.run_scheduler()
        self.client.login(username="root", password=PASSWORD)

    def test_a_dead_letter_is_shown_with_its_reason_and_sent_again(self):
        dead = Delivery.objects.get(user=self.lan, channel="email")
        Delivery.objects.filter(pk=dead.pk).update(
            state=Delivery.State.FAILED, attempts=5, last_error="SMTPRecipientsRefused: lan"
        )
        response = self.client.get("/admin/notify/delivery/?dead=yes")
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "1 tin bỏ cuộc")
        self.assertContains(response, "SMTPRecipientsRefused: lan")
        self.assertEqual(list(response.context["cl"].result_list), [dead])
        response = self.client.get(f"/admin/notify/delivery/{dead.pk}/change/")
        self.assertNotContains(response, "deletelink")
        self.client.post(
            "/admin/notify/delivery/",
            {"action": "send_again", "_selected_action": [dead.pk]},
        )
        dead.refresh_from_db()
        self.assertEqual((dead.state, dead.attempts), (Delivery.State.PENDING, 0))
        self.run_scheduler()
        dead.refresh_from_db()
        self.assertEqual(dead.state, Delivery.State.SENT)

    def test_nobody_else_sees_them(self):
        self.client.login(username="minh", password=PASSWORD)
        self.assertEqual(self.client.get("/admin/notify/delivery/").status_code, 302)
