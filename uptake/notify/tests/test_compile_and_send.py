"""16:30: the draft compilation (#3) and a word to the coordinator; after approval, the sending."""

from __future__ import annotations

from datetime import timedelta
from unittest import mock

from django.core import mail
from django.test import override_settings

from uptake.campaigns.loader import load_campaign
from uptake.documents.actions import approve_compilation
from uptake.documents.models import Compilation, State
from uptake.notify.models import Job, JobRun, Kind, Notification
from uptake.notify.tests.helpers import TODAY, YESTERDAY, NotifyTestCase, district_data, vn


@override_settings(TIME_ZONE="UTC")
class CompileTestCase(NotifyTestCase):
    def setUp(self):
        super().setUp()
        self.use_district_campaign()
        self.settle(self.campaign)
        self.submit("870-TTT", user=self.lan)

    def test_the_draft_is_made_at_the_compile_time_not_before(self):
        self.at(16, 29, second=59)
        self.run_scheduler()
        self.assertFalse(Compilation.objects.exists())
        self.at(16, 30)
        self.run_scheduler()
        compilation = Compilation.objects.get()
        self.assertEqual((compilation.date, compilation.state), (TODAY, State.DRAFT))
        self.assertIsNone(compilation.made_by)
        self.assertEqual(compilation.made_at, vn(16, 30))
        run = self.run_of(Job.COMPILE)
        self.assertEqual(run.state, JobRun.State.DONE)
        self.assertEqual((run.result["compilation"], run.result["made"]), (compilation.pk, True))

    def test_the_coordinator_is_told_with_a_link(self):
        self.at(16, 30)
        self.run_scheduler()
        notice = Notification.objects.get(kind=Kind.DRAFT_READY)
        self.assertEqual(notice.user, self.minh)
        self.assertEqual((notice.params["reported"], notice.params["expected"]), (1, 4))
        self.assertTrue(notice.url.startswith("/"))
        self.assertIn(self.minh.email, [m.to[0] for m in mail.outbox])
        self.assertEqual(self.kinds_of(self.hoa), [])
        self.assertEqual(self.kinds_of(self.lan), [])

    def test_a_draft_made_earlier_by_hand_is_refreshed(self):
        from uptake.documents.actions import make_draft

        self.at(16, 0)
        made, _created = make_draft(self.campaign, TODAY, user=self.minh)
        self.at(16, 30)
        self.run_scheduler()
        compilation = Compilation.objects.get()
        self.assertEqual(compilation.pk, made.pk)
        self.assertEqual(compilation.refreshed_at, vn(16, 30))
        self.assertFalse(self.run_of(Job.COMPILE).result["made"])

    def test_an_approved_compilation_is_never_refreshed(self):
        from uptake.documents.actions import make_draft

        self.at(16, 0)
        made, _created = make_draft(self.campaign, TODAY, user=self.minh)
        approve_compilation(made, self.minh, confirm=True)
        self.at(16, 30)
        self.run_scheduler()
        compilation = Compilation.objects.get()
        self.assertEqual(compilation.refreshed_at, vn(16, 0))
        run = self.run_of(Job.COMPILE)
        # Approving is not sending: it stays approved until the coordinator sends it.
        self.assertEqual((run.state, run.result["state"]), (JobRun.State.DONE, "approved"))
        self.assertEqual(compilation.state, State.APPROVED)
        self.assertFalse(Notification.objects.filter(kind=Kind.DRAFT_READY).exists())
        self.assertFalse([m for m in mail.outbox if "ubnd@example.org" in m.to])


@override_settings(TIME_ZONE="UTC")
class CatchUpCompilationTestCase(NotifyTestCase):
    def setUp(self):
        super().setUp()
        self.use_district_campaign()
        self.settle(self.campaign, before=YESTERDAY)
        JobRun.objects.filter(day=TODAY - timedelta(days=2)).delete()

    def test_a_scheduler_started_at_seventeen_ten_makes_todays_and_yesterdays_compilations(self):
        self.at(17, 10)
        self.run_scheduler()
        self.assertEqual(
            sorted(Compilation.objects.values_list("date", flat=True)), [YESTERDAY, TODAY]
        )
        for day in (YESTERDAY, TODAY):
            run = self.run_of(Job.COMPILE, day)
            self.assertEqual((run.state, run.attempts), (JobRun.State.DONE, 1))
            self.assertEqual(run.due_at, vn(16, 30, day=day))
            self.assertEqual(run.started_at, vn(17, 10))
        self.assertEqual(
            self.run_of(Job.COMPILE, TODAY - timedelta(days=2)).state, JobRun.State.SKIPPED
        )
        self.assertEqual(Notification.objects.filter(kind=Kind.DRAFT_READY).count(), 2)


class SendTestCase(NotifyTestCase):
    """With ``auto_send: true`` in the campaign file, the scheduler sends an approved report at
    the campaign's compile_at at the earliest; see ManualSendingTestCase for the default."""

    def setUp(self):
        super().setUp()
        self.use_district_campaign()
        self.campaign, _stats = load_campaign(district_data(auto_send=True))
        self.settle(self.campaign, jobs=[Job.MORNING_REMINDER, Job.AFTERNOON_REMINDER])
        self.at(16, 30)
        self.run_scheduler()
        mail.outbox.clear()
        self.compilation = Compilation.objects.get(date=TODAY)

    def test_nothing_is_sent_before_approval(self):
        self.at(16, 45)
        self.run_scheduler()
        self.assertIsNone(self.run_of(Job.SEND))
        self.assertEqual(Compilation.objects.get().state, State.DRAFT)

    def test_an_approved_compilation_is_sent_once_to_its_recipients(self):
        self.at(16, 40)
        approve_compilation(self.compilation, self.minh, confirm=True)
        self.at(16, 41)
        self.run_scheduler()
        self.run_scheduler()
        compilation = Compilation.objects.get()
        self.assertEqual((compilation.state, compilation.sent_at), (State.SENT, vn(16, 41)))
        self.assertEqual(compilation.dispatches.count(), 1)
        documents = [m for m in mail.outbox if "ubnd@example.org" in m.to]
        self.assertEqual(len(documents), 1)
        self.assertEqual(documents[0].to, ["ubnd@example.org", "sotttt@example.org"])
        run = self.run_of(Job.SEND)
        self.assertEqual((run.state, run.due_at, run.result["sent"]), ("done", vn(16, 40), True))
        notice = Notification.objects.get(kind=Kind.SENT)
        self.assertEqual(notice.user, self.minh)
        self.assertEqual(notice.params["number"], compilation.reference)

    def test_a_compilation_sent_by_hand_is_not_sent_again(self):
        from uptake.documents.actions import send_compilation

        approve_compilation(self.compilation, self.minh, confirm=True)
        send_compilation(self.compilation, self.minh)
        self.at(16, 45)
        self.run_scheduler()
        self.assertIsNone(self.run_of(Job.SEND))
        self.assertEqual(Compilation.objects.get().dispatches.count(), 1)

    def test_a_failed_sending_is_retried(self):
        approve_compilation(self.compilation, self.minh, confirm=True)
        with mock.patch("uptake.documents.actions.EmailMessage.send", side_effect=OSError("down")):
            self.assertEqual(self.run_scheduler()["planned"], 1)
            self.assertEqual(self.run_scheduler()["planned"], 0)  # planned once, then retried
        run = self.run_of(Job.SEND)
        self.assertEqual((run.state, run.attempts), (JobRun.State.PENDING, 1))
        self.assertIn("down", run.last_error)
        self.move_to(run.next_attempt_at)
        self.run_scheduler()
        self.assertEqual(self.run_of(Job.SEND).state, JobRun.State.DONE)
        self.assertEqual(Compilation.objects.get().state, State.SENT)

    def test_a_compilation_without_addresses_is_recorded_not_retried(self):
        from uptake.documents.actions import make_draft

        data = district_data(auto_send=True)
        for recipient in data["document"]["recipients"]:
            recipient.pop("email", None)
        self.campaign, _stats = load_campaign(data)
        self.at(16, 50)
        make_draft(self.campaign, TODAY, user=self.minh)  # refreshed: the recipients as now
        approve_compilation(self.compilation, self.minh, confirm=True)
        self.run_scheduler()
        run = self.run_of(Job.SEND)
        self.assertEqual((run.state, run.result["sent"]), (JobRun.State.DONE, False))
        self.assertIn("e-mail", run.result["reason"])


class ManualSendingTestCase(NotifyTestCase):
    """Approving is not sending (#13): without ``auto_send`` the scheduler never sends, and
    with it, never before the campaign's compile_at."""

    def setUp(self):
        super().setUp()
        self.use_district_campaign()
        self.settle(self.campaign, jobs=[Job.MORNING_REMINDER, Job.AFTERNOON_REMINDER])

    def documents_sent(self) -> list:
        return [m for m in mail.outbox if "ubnd@example.org" in m.to]

    def test_an_early_approval_is_not_sent_by_the_scheduler(self):
        from uptake.documents.actions import make_draft

        self.at(14, 24)
        draft, _made = make_draft(self.campaign, TODAY, user=self.minh)
        approve_compilation(draft, self.minh, confirm=True)
        for minute in (24, 25, 59):
            self.at(14, minute, second=30)
            self.run_scheduler()
        self.at(16, 30)
        self.run_scheduler()
        self.at(23, 0)
        self.run_scheduler()
        compilation = Compilation.objects.get()
        self.assertEqual((compilation.state, compilation.sent_at), (State.APPROVED, None))
        self.assertEqual(self.documents_sent(), [])
        self.assertIsNone(self.run_of(Job.SEND))

    def test_with_auto_send_an_early_approval_waits_for_compile_at(self):
        from uptake.documents.actions import make_draft

        self.campaign, _stats = load_campaign(district_data(auto_send=True))
        self.at(14, 24)
        draft, _made = make_draft(self.campaign, TODAY, user=self.minh)
        approve_compilation(draft, self.minh, confirm=True)
        self.at(14, 25)
        self.run_scheduler()
        self.assertEqual(self.documents_sent(), [])
        self.assertEqual(self.run_of(Job.SEND).due_at, vn(16, 30))
        self.at(16, 29, second=59)
        self.run_scheduler()
        self.assertEqual(self.documents_sent(), [])
        self.at(16, 30)
        self.run_scheduler()
        self.assertEqual(len(self.documents_sent()), 1)
        compilation = Compilation.objects.get()
        self.assertEqual((compilation.state, compilation.sent_by), (State.SENT, None))

    def test_auto_send_turned_off_after_planning_sends_nothing(self):
        from uptake.documents.actions import make_draft

        self.campaign, _stats = load_campaign(district_data(auto_send=True))
        self.at(14, 24)
        draft, _made = make_draft(self.campaign, TODAY, user=self.minh)
        approve_compilation(draft, self.minh, confirm=True)
        self.run_scheduler()
        self.campaign, _stats = load_campaign(district_data())
        self.at(16, 30)
        self.run_scheduler()
        self.assertEqual(self.documents_sent(), [])
        self.assertEqual(self.run_of(Job.SEND).result["sent"], False)
