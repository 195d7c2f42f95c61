"""save_staff_member() and delete_staff_member(): a roster kept by hand, audited."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied

from uptake.audit.models import AuditEntry
from uptake.quality.models import StaffMember
from uptake.quality.roster import RosterInvalid, delete_staff_member, save_staff_member
from uptake.quality.tests.helpers import quality_case
from uptake.test import BaseTestCase


@quality_case
class SaveStaffMemberTest(BaseTestCase):
    def setUp(self):
        super().setUp()
        self.ttt = self.unit("870-TTT")

    def save(self, user=None, member=None, **values):
        values = {
            "name": "Nguyễn Văn An",
            "position": "Chủ tịch",
            "has_smartphone": True,
            "installed": False,
            "installed_on": None,
        } | values
        return save_staff_member(
            self.campaign, self.ttt, user=user or self.lan, member=member, **values
        )

    def test_the_reporter_adds_people_at_the_end_of_the_roster(self):
        first, second = self.save(), self.save(name="Trần Thị Bình")
        self.assertEqual((first.row, second.row), (1, 2))
        self.assertEqual(AuditEntry.objects.filter(action="roster.add").count(), 2)

    def test_a_change_is_audited_with_before_and_after(self):
        member = self.save()
        self.save(member=member, installed=True, installed_on=date(2020, 8, 16))
        entry = AuditEntry.objects.get(action="roster.update")
        self.assertEqual(
            (entry.before["installed"], entry.after["installed_on"]), (False, "2020-08-16")
        )

    def test_installed_needs_a_smartphone(self):
        with self.assertRaises(RosterInvalid):
            self.save(has_smartphone=False, installed=True)

    def test_a_name_is_required(self):
        with self.assertRaises(RosterInvalid):
            self.save(name="  ")

    def test_viewers_and_other_districts_may_not(self):
        for user in (self.hoa, self.tuan):
            with self.subTest(user=user.username), self.assertRaises(PermissionDenied):
                self.save(user=user)

    def test_a_member_of_another_roster_cannot_be_changed_here(self):
        other = StaffMember.objects.create(
            campaign=self.campaign, unit=self.unit("870-LKA"), name="x"
        )
        with self.assertRaises(PermissionDenied):
            self.save(user=self.minh, member=other)

    def test_removing_is_audited(self):
        member = self.save()
        delete_staff_member(member, user=self.minh)
        self.assertFalse(StaffMember.objects.exists())
        self.assertEqual(
            AuditEntry.objects.get(action="roster.remove").before["name"], "Nguyễn Văn An"
        )

    def test_a_viewer_cannot_remove(self):
        member = self.save()
        with self.assertRaises(PermissionDenied):
            delete_staff_member(member, user=self.hoa)
