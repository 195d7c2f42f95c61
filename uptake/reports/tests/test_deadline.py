"""The 15:00 deadline is Hồng Ngự's 15:00, whatever time zone the server runs in."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import time_machine
from django.test import override_settings

from uptake.campaigns.models import Status
from uptake.test import VN, BaseTestCase, figures

UTC = ZoneInfo("UTC")


@override_settings(TIME_ZONE="UTC")
class DeadlineTestCase(BaseTestCase):
    def submit_at(self, moment: datetime, **kwargs):
        with time_machine.travel(moment, tick=False):
            return self.submit("870-TTT", user=self.lan, **kwargs)

    def test_the_deadline_is_in_the_campaigns_time_zone(self):
        deadline = self.campaign.deadline(date(2020, 8, 17))
        self.assertEqual(deadline, datetime(2020, 8, 17, 8, 0, tzinfo=UTC))
        self.assertEqual(deadline.utcoffset().total_seconds(), 7 * 3600)
        self.assertEqual(self.campaign.report_due, time(15, 0))

    def test_one_second_before_the_deadline_is_on_time(self):
        report = self.submit_at(datetime(2020, 8, 17, 7, 59, 59, tzinfo=UTC))
        self.assertEqual(report.status, Status.ON_TIME)
        report.refresh_from_db()
        self.assertEqual(report.status, Status.ON_TIME)
        self.assertEqual(report.first_submitted_at, datetime(2020, 8, 17, 14, 59, 59, tzinfo=VN))

    def test_exactly_at_the_deadline_is_on_time(self):
        report = self.submit_at(datetime(2020, 8, 17, 8, 0, 0, tzinfo=UTC))
        self.assertEqual(report.status, Status.ON_TIME)

    def test_one_microsecond_after_the_deadline_is_late(self):
        report = self.submit_at(datetime(2020, 8, 17, 8, 0, 0, 1, tzinfo=UTC))
        self.assertEqual(report.status, Status.LATE)

    def test_one_second_after_the_deadline_is_late(self):
        report = self.submit_at(datetime(2020, 8, 17, 8, 0, 1, tzinfo=UTC))
        self.assertEqual(report.status, Status.LATE)
        report.refresh_from_db()
        self.assertEqual(report.status, Status.LATE)

    def test_a_report_just_after_midnight_is_on_time_for_the_new_day(self):
        # 17:00:01 UTC on the 17th is 00:00:01 on the 18th in Hồng Ngự.
        with time_machine.travel(datetime(2020, 8, 17, 17, 0, 1, tzinfo=UTC), tick=False):
            report = self.submit("870-TTT", day=date(2020, 8, 18), user=self.lan)
        self.assertEqual(report.status, Status.ON_TIME)

    def test_the_status_for_an_earlier_day_uses_that_days_deadline(self):
        # 07:59:59 UTC on the 17th is before the 17th's deadline, long after the 16th's.
        with time_machine.travel(datetime(2020, 8, 17, 7, 59, 59, tzinfo=UTC), tick=False):
            report = self.submit("870-TTT", day=date(2020, 8, 16), user=self.lan)
        self.assertEqual(report.status, Status.LATE)

    def test_figures_received_before_the_deadline_and_entered_after_are_on_time(self):
        # Entered 08:10 UTC (15:10 in Hồng Ngự): within 15 minutes of receipt, no note needed.
        with time_machine.travel(datetime(2020, 8, 17, 8, 10, tzinfo=UTC), tick=False):
            on_time = self.submit(
                "870-LKA",
                user=self.minh,
                on_behalf=True,
                source="Zalo",
                received_at=datetime(2020, 8, 17, 7, 59, 59, tzinfo=UTC),
            )
            late = self.submit(
                "870-VHTT",
                user=self.minh,
                on_behalf=True,
                source="điện thoại",
                figures=figures(residents=None),
                received_at=datetime(2020, 8, 17, 8, 0, 1, tzinfo=UTC),
            )
        self.assertEqual(on_time.status, Status.ON_TIME)
        self.assertEqual(late.status, Status.LATE)

    def test_the_api_reports_the_status_at_the_edge(self):
        headers = self.bearer(self.lan)
        body = {
            "campaign": "bluezone-2020",
            "unit": "870-TTT",
            "date": "2020-08-17",
            "figures": figures(),
        }
        with time_machine.travel(datetime(2020, 8, 17, 8, 0, 1, tzinfo=UTC), tick=False):
            response = self.client.post(
                "/api/v1/reports", body, content_type="application/json", **headers
            )
        self.assertEqual(response.status_code, 201)
        self.assertEqual(response.json()["status"], "late")
        self.assertEqual(response.json()["submitted_at"], "2020-08-17T15:00:01+07:00")


class DeadlineInLocalTimeTestCase(BaseTestCase):
    """The same edge when the server runs in the campaign's own zone."""

    def test_14_59_59_is_on_time_and_15_00_01_late(self):
        with time_machine.travel(datetime(2020, 8, 17, 14, 59, 59, tzinfo=VN), tick=False):
            on_time = self.submit("870-TTT", user=self.lan)
        with time_machine.travel(datetime(2020, 8, 17, 15, 0, 1, tzinfo=VN), tick=False):
            late = self.submit("870-LKA", user=self.minh)
        self.assertEqual(on_time.status, Status.ON_TIME)
        self.assertEqual(late.status, Status.LATE)
