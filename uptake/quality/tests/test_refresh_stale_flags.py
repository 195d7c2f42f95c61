"""refresh_stale_flags(): the scheduler keeps the flags fresh, since reads no longer do (#19)."""

from __future__ import annotations

from datetime import date, datetime
from unittest import mock

from uptake.notify.scheduler import FLAGS_EVERY, Scheduler
from uptake.quality.actions import refresh_stale_flags
from uptake.quality.models import Flag
from uptake.quality.tests.helpers import quality_case, some_flags
from uptake.test import VN, BaseTestCase


@quality_case
class RefreshStaleFlagsTest(BaseTestCase):
    def setUp(self):
        super().setUp()
        some_flags(self)

    def new_report(self):
        self.submit("870-TTT", day=date(2020, 8, 17))

    def test_it_checks_only_the_groups_whose_reports_changed(self):
        self.assertEqual(refresh_stale_flags(), {})
        self.new_report()
        (result,) = refresh_stale_flags().values()
        self.assertEqual((result.groups, result.units), (1, 4))  # Hồng Ngự's four units
        self.assertTrue(Flag.objects.filter(unit__code="870-TTT", date=date(2020, 8, 17)).exists())
        self.assertEqual(refresh_stale_flags(), {})

    def test_it_leaves_campaigns_ended_more_than_a_week_ago(self):
        self.new_report()
        self.assertEqual(refresh_stale_flags(datetime(2020, 9, 8, 10, tzinfo=VN)), {})
        self.assertEqual(
            list(refresh_stale_flags(datetime(2020, 9, 7, 10, tzinfo=VN))), ["bluezone-2020"]
        )

    def test_the_scheduler_does_it_at_most_once_a_minute(self):
        scheduler = Scheduler("test")
        scheduler.run_due()  # catches up yesterday's compilation (which checks its level)
        self.new_report()
        self.assertEqual(scheduler.run_due()["flag_groups_checked"], 0)  # within the minute
        self.assertFalse(Flag.objects.filter(date=date(2020, 8, 17), rule="stale").exists())
        later = scheduler.flags_at + FLAGS_EVERY
        with mock.patch("uptake.notify.scheduler.time.monotonic", return_value=later):
            self.assertEqual(scheduler.run_due()["flag_groups_checked"], 1)
        self.assertTrue(Flag.objects.filter(date=date(2020, 8, 17), rule="stale").exists())
