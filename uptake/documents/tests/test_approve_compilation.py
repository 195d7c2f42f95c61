from __future__ import annotations

import threading
from datetime import date, datetime, timedelta

import time_machine
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test import TransactionTestCase, override_settings

from uptake.campaigns.loader import load_campaign
from uptake.documents.actions import CompilationLocked, approve_compilation, make_draft, write_text
from uptake.documents.models import Compilation, Counter, State
from uptake.documents.tests.base import START, DocumentsTestCase, district_data
from uptake.notify.tests.helpers import SqliteFileMixin
from uptake.test import NOW, TODAY, VN, BaseTestCase


class ApproveCompilationTestCase(DocumentsTestCase):
    def draft(self, day: date = TODAY) -> Compilation:
        return make_draft(self.campaign, day, self.minh)[0]

    def test_it_numbers_dates_and_locks_the_draft(self):
        approved = approve_compilation(self.draft(), self.minh, confirm=True)
        self.assertEqual(approved.state, State.APPROVED)
        self.assertEqual((approved.number, approved.year, approved.symbol), (1, 2020, "BC-VHTT"))
        self.assertEqual(approved.reference, "01/BC-VHTT")
        self.assertEqual(approved.approved_by, self.minh)
        self.assertEqual(approved.approved_at, NOW)

    def test_numbers_follow_each_other_without_gaps_or_repeats(self):
        numbers = [
            approve_compilation(
                self.draft(START + timedelta(days=n)), self.minh, confirm=True
            ).number
            for n in (2, 0, 1, 3)
        ]
        self.assertEqual(numbers, [1, 2, 3, 4])
        self.assertEqual(Counter.objects.get(office__code="870-VHTT", year=2020).last_number, 4)

    def test_a_new_year_starts_again_at_one(self):
        approve_compilation(self.draft(), self.minh, confirm=True)
        Counter.objects.filter(office__code="870-VHTT").update(last_number=41)
        with time_machine.travel(datetime(2021, 1, 1, 9, 0, tzinfo=VN), tick=False):
            self.campaign.end = date(2021, 1, 31)
            self.campaign.save()
            approved = approve_compilation(self.draft(START), self.minh, confirm=True)
        self.assertEqual((approved.number, approved.year), (1, 2021))

    def test_the_snapshot_does_not_change_after_approval(self):
        approved = approve_compilation(self.draft(), self.minh, confirm=True)
        frozen = approved.snapshot
        self.report("870-LKA", TODAY, 3)  # a unit reports after the approval
        with self.assertRaises(CompilationLocked):
            make_draft(self.campaign, TODAY, self.minh)
        with self.assertRaises(CompilationLocked):
            write_text(approved, self.minh, situation="Đã sửa")
        approved.refresh_from_db()
        self.assertEqual(approved.snapshot, frozen)
        self.assertEqual(approved.snapshot["reporting"]["missing"], 2)
        self.assertEqual(approved.situation, "")

    def test_approving_again_is_refused_with_the_number(self):
        compilation = self.draft()
        approve_compilation(compilation, self.minh, confirm=True)
        with self.assertRaises(CompilationLocked) as caught:
            approve_compilation(compilation, self.root, confirm=True)
        self.assertIn("01/BC-VHTT", caught.exception.message)
        self.assertEqual(Compilation.objects.get().number, 1)

    def test_only_coordinators_and_admins_approve(self):
        compilation = self.draft()
        for user in (self.hoa, self.lan, self.tuan):
            with self.subTest(user=user.username), self.assertRaises(PermissionDenied):
                approve_compilation(compilation, user, confirm=True)
        self.assertEqual(
            approve_compilation(compilation, self.root, confirm=True).approved_by, self.root
        )


@override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
class ConcurrentApprovalTestCase(SqliteFileMixin, TransactionTestCase):
    """Two coordinators approve at the same moment, each through its own connection."""

    make_user = BaseTestCase.make_user

    def setUp(self):
        super().setUp()
        clock = time_machine.travel(NOW, tick=False)
        clock.start()
        self.addCleanup(clock.stop)
        self.campaign, _stats = load_campaign(district_data())
        self.minh = self.make_user("minh", "coordinator", "870")
        self.thu = self.make_user("thu", "coordinator", "870")

    def at_once(self, *calls) -> tuple[list, list]:
        start = threading.Barrier(len(calls))
        results, errors = [None] * len(calls), []

        def work(i, call):
            try:
                start.wait()
                results[i] = call()
            except Exception as exc:  # checked by the test, in its own thread
                errors.append(exc)
            finally:
                connection.close()

        threads = [threading.Thread(target=work, args=(i, c)) for i, c in enumerate(calls)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        return results, errors

    def test_two_approvals_at_once_get_consecutive_numbers(self):
        days = [START + timedelta(days=n) for n in range(4)]
        drafts = [make_draft(self.campaign, day, self.minh)[0] for day in days]
        users = [self.minh, self.thu] * 2
        results, errors = self.at_once(
            *[
                lambda c=c, u=u: approve_compilation(c, u, confirm=True)
                for c, u in zip(drafts, users, strict=True)
            ]
        )
        self.assertEqual(errors, [])
        self.assertEqual(sorted(c.number for c in results), [1, 2, 3, 4])
        numbers = sorted(Compilation.objects.values_list("number", flat=True))
        self.assertEqual(numbers, [1, 2, 3, 4])
        self.assertEqual(Counter.objects.get().last_number, 4)

    def test_two_approvals_of_one_draft_number_it_once(self):
        draft = make_draft(self.campaign, TODAY, self.minh)[0]
        results, errors = self.at_once(
            lambda: approve_compilation(draft, self.minh, confirm=True),
            lambda: approve_compilation(draft, self.thu, confirm=True),
        )
        self.assertEqual(len(errors), 1)
        self.assertIsInstance(errors[0], CompilationLocked)
        self.assertEqual(Compilation.objects.get().number, 1)
        self.assertEqual(Counter.objects.get().last_number, 1)

    def test_two_campaigns_of_one_office_share_its_register(self):
        """#14: one register of outgoing documents per office, year and symbol. Approvals in two
        campaigns of the same office at the same moment get consecutive numbers from it."""
        other, _stats = load_campaign(district_data(slug="pc-covid-hong-ngu"))
        days = [START + timedelta(days=n) for n in range(3)]
        drafts = [make_draft(c, day, self.minh)[0] for day in days for c in (self.campaign, other)]
        results, errors = self.at_once(
            *[lambda c=c: approve_compilation(c, self.minh, confirm=True) for c in drafts]
        )
        self.assertEqual(errors, [])
        self.assertEqual(sorted(c.number for c in results), [1, 2, 3, 4, 5, 6])
        self.assertEqual(Counter.objects.get().last_number, 6)
        self.assertEqual(Compilation.objects.filter(campaign=other).count(), 3)
