"""15:00: the units still missing get an overdue notice; coordinators get who is where."""

from __future__ import annotations

from django.utils import translation

from uptake.notify.models import Job, Kind, Notification
from uptake.notify.tests.helpers import NotifyTestCase


class OverdueTestCase(NotifyTestCase):
    def setUp(self):
        super().setUp()
        self.settle(self.campaign, jobs=[Job.MORNING_REMINDER, Job.AFTERNOON_REMINDER])
        self.at(9, 0)
        self.submit("870-VHTT")
        self.submit("870-NV")

    def test_only_the_missing_units_get_an_overdue_notice(self):
        self.submit("870-TTT", user=self.lan)
        self.at(15, 0)
        self.run_scheduler()
        self.assertEqual(self.kinds_of(self.lan), [])
        self.assertEqual(self.kinds_of(self.binh), [Kind.OVERDUE])
        self.assertEqual(self.kinds_of(self.tuan), [Kind.OVERDUE])

    def test_the_coordinator_gets_the_missing_the_late_and_those_on_time_so_far(self):
        self.at(15, 10)
        self.submit("870-TTT", user=self.lan)  # late
        self.at(15, 20)  # the scheduler was late too
        self.run_scheduler()
        notice = Notification.objects.get(user=self.minh)
        self.assertEqual(notice.kind, Kind.STATUS_LIST)
        self.assertEqual(notice.params["scope"], "Huyện Hồng Ngự")
        self.assertEqual(notice.params["missing"], {"names": ["Xã Long Khánh A"], "count": 1})
        self.assertEqual(
            notice.params["late"], {"names": ["Thị trấn Thường Thới Tiền"], "count": 1}
        )
        self.assertEqual(notice.params["on_time"]["count"], 2)
        self.assertEqual(notice.url, "/c/bluezone-2020/status/?date=2020-08-17")
        with translation.override("en"):
            self.assertEqual(notice.title, "17/08/2020 at 15:00: 1 missing, 1 late, 2 on time")
            self.assertIn("Missing (1): Xã Long Khánh A", notice.body)

    def test_the_coordinators_list_holds_only_the_units_under_them(self):
        self.at(15, 0)
        self.run_scheduler()
        names = Notification.objects.get(user=self.minh).params["missing"]["names"]
        self.assertNotIn("Xã Tân Hộ Cơ", names)  # 869, another district
        self.assertEqual(names, ["Xã Long Khánh A", "Thị trấn Thường Thới Tiền"])  # by code

    def test_viewers_and_admins_get_no_overdue_notice(self):
        self.at(15, 0)
        self.run_scheduler()
        self.assertEqual(self.kinds_of(self.hoa), [])
        self.assertEqual(self.kinds_of(self.root), [])

    def test_the_run_records_the_counts(self):
        self.at(15, 0)
        self.run_scheduler()
        result = self.run_of(Job.OVERDUE).result
        self.assertEqual(
            {k: result[k] for k in ("expected", "on_time", "late", "missing")},
            {"expected": 5, "on_time": 2, "late": 0, "missing": 3},
        )
        self.assertEqual((result["reporters"], result["coordinators"]), (3, 1))
