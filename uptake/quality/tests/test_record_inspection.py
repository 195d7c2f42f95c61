"""record_inspection() and update_inspection(): an inspection, its checks and its audit."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied

from uptake.audit.models import AuditEntry
from uptake.quality.actions import QualityInvalid, record_inspection, update_inspection, verdict
from uptake.quality.models import Inspection, Method
from uptake.quality.tests.helpers import quality_case
from uptake.test import BaseTestCase, figures


def fields(**changes) -> dict:
    values = {
        "date": date(2020, 8, 17),
        "inspector": "Nguyễn Văn Kiểm",
        "method": Method.CALLING,
        "group": "residents",
        "sample_size": 40,
        "with_app": 18,
        "findings": "Nhiều hộ chưa cài",
        "follow_up": "Nhắc xã rà soát lại",
    }
    values.update(changes)
    return values


@quality_case
class RecordInspectionTest(BaseTestCase):
    def setUp(self):
        super().setUp()
        self.ttt = self.unit("870-TTT")

    def record(self, user=None, unit=None, **changes):
        return record_inspection(
            self.campaign, unit or self.ttt, user=user or self.minh, **fields(**changes)
        )

    def test_a_coordinator_records_an_inspection_with_its_audit(self):
        inspection = self.record()
        self.assertEqual((inspection.with_app, inspection.sample_size), (18, 40))
        self.assertEqual(inspection.recorded_by, self.minh)
        entry = AuditEntry.objects.get(action="inspection.record")
        self.assertEqual(entry.after["unit"], "870-TTT")
        self.assertEqual(entry.after["with_app"], 18)

    def test_its_verdict_compares_the_interval_with_the_report(self):
        self.submit("870-TTT", day=date(2020, 8, 16), figures=figures(residents=(5200, 2950)))
        result = verdict(self.record())
        self.assertEqual(
            result.percents, {"rate": 45.0, "low": 30.7, "high": 60.2, "reported": 56.7}
        )
        self.assertFalse(result.gap)
        self.assertTrue(verdict(self.record(with_app=10)).gap)  # 14.1–39.6% against 56.7%

    def test_the_inspector_defaults_to_the_user(self):
        self.assertEqual(self.record(inspector="").inspector, "minh")

    def test_an_admin_records_too(self):
        self.assertEqual(self.record(user=self.root).recorded_by, self.root)

    def test_reporters_viewers_and_other_districts_may_not(self):
        for user in (self.lan, self.hoa, self.tuan):
            with self.subTest(user=user.username), self.assertRaises(PermissionDenied):
                self.record(user=user)
        self.assertFalse(Inspection.objects.exists())

    def test_it_refuses_more_with_the_app_than_checked(self):
        with self.assertRaises(QualityInvalid) as caught:
            self.record(with_app=41)
        self.assertEqual([e.field for e in caught.exception.errors], ["with_app"])

    def test_it_refuses_an_empty_sample(self):
        with self.assertRaises(QualityInvalid) as caught:
            self.record(sample_size=0, with_app=0)
        self.assertEqual(caught.exception.errors[0].field, "sample_size")

    def test_it_refuses_a_day_to_come_and_a_day_before_the_campaign(self):
        for day in (date(2020, 8, 18), date(2020, 8, 13)):
            with self.subTest(day=day), self.assertRaises(QualityInvalid) as caught:
                self.record(date=day)
            self.assertEqual(caught.exception.errors[0].field, "date")

    def test_it_refuses_a_group_the_unit_does_not_report(self):
        with self.assertRaises(QualityInvalid) as caught:
            self.record(unit=self.unit("870-NV"))
        self.assertEqual(caught.exception.errors[0].field, "group")

    def test_it_refuses_an_unknown_method(self):
        with self.assertRaises(QualityInvalid) as caught:
            self.record(method="guessing")
        self.assertEqual(caught.exception.errors[0].field, "method")

    def test_a_correction_is_audited_with_before_and_after(self):
        inspection = self.record()
        update_inspection(inspection, user=self.minh, **fields(with_app=20, follow_up="Đã nhắc"))
        inspection.refresh_from_db()
        self.assertEqual((inspection.with_app, inspection.version), (20, 2))
        entry = AuditEntry.objects.get(action="inspection.update")
        self.assertEqual((entry.before["with_app"], entry.after["with_app"]), (18, 20))

    def test_a_viewer_cannot_correct_one(self):
        inspection = self.record()
        with self.assertRaises(PermissionDenied):
            update_inspection(inspection, user=self.hoa, **fields(with_app=40))
