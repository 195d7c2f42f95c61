"""17:00 (or the campaign's choice): leaders get the day's results for the units they oversee."""

from __future__ import annotations

from django.utils import translation

from uptake.notify.models import Job, Kind, Notification
from uptake.notify.tests.helpers import NotifyTestCase
from uptake.test import figures


class LeadersSummaryTestCase(NotifyTestCase):
    def setUp(self):
        super().setUp()
        self.settle(self.campaign, jobs=[j for j in Job if j != Job.LEADERS_SUMMARY])
        self.at(9, 0)
        self.submit("870-TTT", user=self.lan, figures=figures((40, 40), (5000, 3000)))
        self.at(16, 0)
        self.submit("870-LKA", user=self.binh, figures=figures((30, 20), (4000, 1000)))
        self.at(17, 0)

    def test_a_leader_gets_the_figures_of_the_units_under_them(self):
        self.run_scheduler()
        summary = Notification.objects.get(user=self.hoa)
        self.assertEqual(summary.kind, Kind.LEADERS_SUMMARY)
        self.assertEqual(
            summary.params["counts"], {"expected": 4, "on_time": 1, "late": 1, "missing": 2}
        )
        staff, residents = summary.params["groups"]
        self.assertEqual((staff["installed"], staff["with_smartphone"]), (60, 70))
        self.assertEqual((staff["percent"], staff["met"]), (85.7, False))
        self.assertEqual((residents["percent"], residents["met"]), (44.4, False))
        with translation.override("en"):
            self.assertIn("2 of 4 units reported (1 late), 2 missing", summary.body)
            self.assertIn("44.4% installed, target 60%", summary.body)

    def test_the_summary_reads_vietnamese_numbers_in_vietnamese(self):
        self.run_scheduler()
        with translation.override("vi"):
            body = Notification.objects.get(user=self.hoa).body
        self.assertIn("85,7%", body)

    def test_only_leaders_get_it(self):
        self.run_scheduler()
        self.assertEqual(Notification.objects.get().user, self.hoa)
        self.assertEqual(self.run_of(Job.LEADERS_SUMMARY).result["notified"], 1)

    def test_a_leader_of_another_district_sees_only_theirs(self):
        other = self.make_user("lien", "viewer", "869")
        self.run_scheduler()
        counts = Notification.objects.get(user=other).params["counts"]
        self.assertEqual(counts, {"expected": 1, "on_time": 0, "late": 0, "missing": 1})

    def test_its_e_mail_carries_the_day_on_one_page(self):
        """#17: the picture a leader forwards comes with the summary: their top unit's day."""
        from django.core import mail

        self.run_scheduler()
        sent = [m for m in mail.outbox if self.hoa.email in m.to]
        self.assertEqual(len(sent), 1)
        (name, content, mimetype), *_ = sent[0].attachments
        self.assertEqual(mimetype, "image/png")
        self.assertTrue(content.startswith(b"\x89PNG"))
        self.assertIn("-870-", name)
        self.assertLessEqual(len(content), 300 * 1024)
