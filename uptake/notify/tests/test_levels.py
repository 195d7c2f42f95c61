"""The scheduler and coordinating levels (#14): every level is compiled at its own time, each
exactly once a day; its own coordinators are told; an approved level is sent automatically only
when its own ``auto_send`` says so."""

from __future__ import annotations

from django.test import override_settings

from uptake.campaigns.loader import load_campaign
from uptake.campaigns.tests.test_levels import province_data
from uptake.documents.actions import approve_compilation
from uptake.documents.models import Compilation
from uptake.notify.models import Job, JobRun, Kind, Notification
from uptake.notify.tests.helpers import TODAY, NotifyTestCase


@override_settings(TIME_ZONE="UTC")
class LevelsSchedulerTestCase(NotifyTestCase):
    def setUp(self):
        super().setUp()
        data = province_data(compile_at="17:30")  # the province after its districts
        tan_hong = data["units"][0]["units"][2]
        tan_hong["compile_at"] = "16:00"  # Tân Hồng, early
        tan_hong["recipients"] = [{"name": "UBND huyện Tân Hồng", "email": "ubnd869@example.org"}]
        self.campaign, _ = load_campaign(data)
        self.so = self.make_user("so", "coordinator", "87")
        self.an = self.make_user("an", "coordinator", "869")
        self.settle(self.campaign)
        self.submit("870-TTT", user=self.lan)

    def compiled(self) -> list[str]:
        return sorted(Compilation.objects.values_list("unit__code", flat=True))

    def test_each_level_is_compiled_at_its_own_time_and_once(self):
        self.at(15, 59)
        self.run_scheduler()
        self.assertEqual(self.compiled(), [])
        self.at(16, 0)
        self.run_scheduler()
        self.assertEqual(self.compiled(), ["869"])
        self.at(16, 30)
        self.run_scheduler()
        self.assertEqual(self.compiled(), ["869", "870"])
        self.at(17, 30)
        self.run_scheduler()
        self.run_scheduler("another scheduler")
        self.assertEqual(self.compiled(), ["869", "87", "870"])
        runs = JobRun.objects.filter(campaign=self.campaign, job=Job.COMPILE, day=TODAY)
        self.assertEqual(sorted(runs.values_list("level", flat=True)), ["869", "87", "870"])
        self.assertTrue(all(r.state == JobRun.State.DONE for r in runs))

    def test_each_levels_own_coordinators_are_told(self):
        self.at(17, 30)
        self.run_scheduler()
        told = {
            n.user.username: n.url
            for n in Notification.objects.filter(kind=Kind.DRAFT_READY).select_related("user")
        }
        self.assertEqual(set(told), {"minh", "an", "so"})
        self.assertIn("?unit=870", told["minh"])
        self.assertIn("?unit=869", told["an"])
        self.assertNotIn("?unit=", told["so"])

    def test_only_a_level_with_auto_send_is_sent_by_the_scheduler(self):
        self.at(17, 30)
        self.run_scheduler()
        for code, user in (("869", self.an), ("870", self.minh)):
            approve_compilation(Compilation.objects.get(unit__code=code), user, confirm=True)
        self.at(17, 31)
        self.run_scheduler()
        sent = dict(Compilation.objects.values_list("unit__code", "state"))
        self.assertEqual((sent["869"], sent["870"]), ("sent", "approved"))
        self.assertTrue(
            JobRun.objects.filter(job=Job.SEND, level="869", state=JobRun.State.DONE).exists()
        )
        self.assertFalse(JobRun.objects.filter(job=Job.SEND, level="870").exists())
