"""``manage.py purgevisits``: visit details are cleared VISIT_PURGE_DAYS after the campaign
ends; the counts stay. The scheduler does it once a day as well."""

from __future__ import annotations

import io
from datetime import date, datetime, timedelta

import time_machine
from django.core.management import CommandError, call_command
from django.test import override_settings

from uptake.audit.models import AuditEntry
from uptake.fieldwork.actions import purge_visit_details
from uptake.fieldwork.models import Visit
from uptake.fieldwork.progress import visit_totals
from uptake.fieldwork.tests.base import FieldworkTestCase
from uptake.notify.scheduler import Scheduler
from uptake.test import NOW, VN

END = date(2020, 8, 31)  # the test campaign's last day


def moment(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=VN)


@override_settings(VISIT_PURGE_DAYS=30)
class PurgeVisitsTestCase(FieldworkTestCase):
    def setUp(self):
        super().setUp()
        self.record(household="Số 12, tổ 3", note="Cài giúp 2 máy")
        self.record(
            household="Số 14", outcome="nobody_home", smartphones=0, already_had=0,
            installed_now=0,
        )  # fmt: skip
        self.record(household="Số 16", outcome="refused", smartphones=1, already_had=0,
                    installed_now=0, at=NOW.replace(hour=9, minute=45))  # fmt: skip
        self.totals = visit_totals(self.campaign, self.town, NOW.date())

    def at(self, when: datetime):
        self.clock.stop()
        self.clock = time_machine.travel(when, tick=False)
        self.clock.start()

    def purge(self, *args) -> str:
        out = io.StringIO()
        call_command("purgevisits", *args, stdout=out)
        return out.getvalue()

    def details(self) -> list[tuple[str, str]]:
        return list(Visit.objects.order_by("visited_at").values_list("household", "note"))

    def test_nothing_is_cleared_before_the_days_have_passed(self):
        self.at(moment(END + timedelta(days=30), hour=23))
        self.assertIn("0 visits' details cleared", self.purge())
        self.assertEqual(self.details()[0], ("Số 12, tổ 3", "Cài giúp 2 máy"))

    def test_the_details_go_and_the_counts_stay(self):
        self.at(moment(END + timedelta(days=31), hour=0))
        output = self.purge()
        self.assertIn("bluezone-2020: 3 visits' details cleared", output)
        self.assertEqual(self.details(), [("", "")] * 3)
        self.assertEqual(visit_totals(self.campaign, self.town, NOW.date()), self.totals)
        self.assertEqual(
            sorted(Visit.objects.values_list("outcome", flat=True)),
            ["installed", "nobody_home", "refused"],
        )
        entry = AuditEntry.objects.get(action="visits.purge")
        self.assertEqual((entry.object_id, entry.after["visits"]), ("bluezone-2020", 3))
        self.assertIsNone(entry.actor)
        # Again: nothing left to clear, no second audit entry.
        self.assertIn("0 visits' details cleared", self.purge())
        self.assertEqual(AuditEntry.objects.filter(action="visits.purge").count(), 1)

    def test_the_day_is_the_campaigns_own(self):
        # 31 days after the end, at 00:30 in Hồng Ngự: still the 30th day in UTC.
        self.at(moment(END + timedelta(days=31), hour=0).replace(minute=30))
        self.assertEqual(purge_visit_details()[0][1], 3)

    def test_a_dry_run_changes_nothing(self):
        self.at(moment(END + timedelta(days=40)))
        self.assertIn("3 visits' details would be cleared", self.purge("--dry-run"))
        self.assertEqual(self.details()[0], ("Số 12, tổ 3", "Cài giúp 2 máy"))

    def test_days_can_be_given_on_the_command_line(self):
        self.at(moment(END + timedelta(days=2)))
        self.assertIn("0 visits", self.purge())
        self.assertIn("3 visits' details cleared", self.purge("--days", "1"))
        with self.assertRaises(CommandError):
            self.purge("--days", "-1")

    def test_the_scheduler_clears_them_once_a_day(self):
        scheduler = Scheduler("test")
        self.at(moment(END + timedelta(days=31)))
        counts = scheduler.run_due()
        self.assertEqual(counts["visits_purged"], 3)
        self.assertEqual(self.details(), [("", "")] * 3)
        self.assertEqual(scheduler.run_due()["visits_purged"], 0)  # the same day: not again
