"""dismiss_flag() and restore_flag(): a coordinator's judgement, kept in the audit."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied

from uptake.audit.models import AuditEntry
from uptake.quality.actions import QualityInvalid, check_quality, dismiss_flag, restore_flag
from uptake.quality.models import Flag
from uptake.quality.tests.helpers import quality_case
from uptake.test import NOW, BaseTestCase


@quality_case
class DismissFlagTest(BaseTestCase):
    def setUp(self):
        super().setUp()
        for day in (14, 15, 16):
            self.submit("870-TTT", day=date(2020, 8, day))
        check_quality(self.campaign)
        self.flag = Flag.objects.get()

    def test_a_coordinator_dismisses_with_a_reason_kept_in_the_audit(self):
        dismiss_flag(self.flag, user=self.minh, reason="  Đã gọi điện xác minh  ")
        self.flag.refresh_from_db()
        self.assertEqual(self.flag.dismissed_at, NOW)
        self.assertEqual(self.flag.dismissed_by, self.minh)
        self.assertEqual(self.flag.dismiss_reason, "Đã gọi điện xác minh")
        entry = AuditEntry.objects.get(action="flag.dismiss")
        self.assertEqual(
            (entry.actor, entry.object_type, entry.object_id),
            (self.minh, "flag", str(self.flag.pk)),
        )
        self.assertEqual(entry.before["dismissed"], False)
        self.assertEqual(entry.after["reason"], "Đã gọi điện xác minh")
        self.assertEqual(entry.after["unit"], "870-TTT")

    def test_an_admin_dismisses_too(self):
        dismiss_flag(self.flag, user=self.root, reason="ok")
        self.assertTrue(Flag.objects.get().dismissed)

    def test_a_reason_is_required(self):
        with self.assertRaises(QualityInvalid) as caught:
            dismiss_flag(self.flag, user=self.minh, reason="   ")
        self.assertEqual(caught.exception.errors[0].field, "reason")
        self.assertFalse(AuditEntry.objects.filter(action="flag.dismiss").exists())

    def test_a_flag_is_dismissed_once(self):
        dismiss_flag(self.flag, user=self.minh, reason="ok")
        with self.assertRaises(QualityInvalid):
            dismiss_flag(self.flag, user=self.minh, reason="again")

    def test_reporters_viewers_and_other_districts_may_not(self):
        for user in (self.lan, self.hoa, self.tuan):
            with self.subTest(user=user.username), self.assertRaises(PermissionDenied):
                dismiss_flag(self.flag, user=user, reason="ok")
        self.assertFalse(Flag.objects.get().dismissed)

    def test_restoring_opens_it_again_and_is_audited(self):
        dismiss_flag(self.flag, user=self.minh, reason="nhầm")
        restore_flag(self.flag, user=self.minh)
        self.flag.refresh_from_db()
        self.assertFalse(self.flag.dismissed)
        self.assertEqual(self.flag.dismiss_reason, "")
        entry = AuditEntry.objects.get(action="flag.restore")
        self.assertEqual(entry.before["reason"], "nhầm")

    def test_an_open_flag_cannot_be_restored(self):
        with self.assertRaises(QualityInvalid):
            restore_flag(self.flag, user=self.minh)

    def test_a_viewer_cannot_restore(self):
        dismiss_flag(self.flag, user=self.minh, reason="ok")
        with self.assertRaises(PermissionDenied):
            restore_flag(self.flag, user=self.hoa)
