"""submit_report: the one path by which figures enter uptake, and every rule of #2 and #9."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import time_machine
from django.core.exceptions import PermissionDenied
from django.test import override_settings
from django.utils import translation

from uptake.audit.models import AuditEntry
from uptake.campaigns.loader import load_campaign
from uptake.campaigns.models import Status
from uptake.reports.actions import (
    ReportInvalid,
    find_submission,
    recent_reports,
    submit_report,
)
from uptake.reports.models import Report, Revision
from uptake.test import NOW, TODAY, VN, BaseTestCase, campaign_data, figures

UTC = ZoneInfo("UTC")


class SubmitReportTestCase(BaseTestCase):
    def rows(self) -> tuple[int, int, int]:
        return Report.objects.count(), Revision.objects.count(), AuditEntry.objects.count()

    def assertRefused(self, fields: list[str], code: str = "870-TTT", **kwargs) -> ReportInvalid:
        """The submission is refused with exactly ``fields`` in error, and nothing is written."""
        before = self.rows()
        with self.assertRaises(ReportInvalid) as cm:
            self.submit(code, **kwargs)
        self.assertEqual([e.field for e in cm.exception.errors], fields)
        self.assertEqual(self.rows(), before)
        return cm.exception

    def assertDenied(self, code: str = "870-TTT", **kwargs) -> None:
        before = self.rows()
        with self.assertRaises(PermissionDenied):
            self.submit(code, **kwargs)
        self.assertEqual(self.rows(), before)

    def with_staff(self, **staff) -> dict:
        data = figures()
        data["staff"] = staff
        return data

    # The stored report

    def test_it_stores_a_first_revision_on_time(self):
        report = self.submit("870-TTT", user=self.lan, note="  ghi chú  ")

        report.refresh_from_db()
        self.assertEqual(report.unit.code, "870-TTT")
        self.assertEqual(report.date, TODAY)
        self.assertEqual(report.revision, 1)
        self.assertEqual(report.status, Status.ON_TIME)
        self.assertEqual(report.first_submitted_at, NOW)
        self.assertEqual(report.submitted_at, NOW)
        self.assertEqual(
            report.figures,
            {
                "staff": {"with_smartphone": 41, "installed": 39},
                "residents": {"with_smartphone": 5200, "installed": 2950},
            },
        )
        self.assertEqual(report.note, "ghi chú")
        revision = report.revisions.get()
        self.assertEqual(revision.number, 1)
        self.assertEqual(revision.submitted_by, self.lan)
        self.assertEqual(revision.submitted_at, NOW)
        self.assertEqual(revision.figures, report.figures)
        self.assertFalse(revision.on_behalf)
        self.assertEqual(revision.source, "")
        self.assertEqual(revision.via, "web")
        entry = AuditEntry.objects.get()
        self.assertEqual(entry.action, "report.submit")
        self.assertEqual(entry.actor, self.lan)
        self.assertEqual(entry.object_type, "report")
        self.assertEqual(entry.object_id, str(report.pk))
        self.assertIsNone(entry.before)
        self.assertEqual(entry.after["figures"], report.figures)
        self.assertEqual(entry.after["unit"], "870-TTT")
        self.assertEqual(entry.after["date"], "2020-08-17")
        self.assertEqual(entry.after["revision"], 1)

    def test_it_accepts_whole_numbers_written_as_text(self):
        report = self.submit(
            "870-TTT",
            user=self.lan,
            figures={
                "staff": {"with_smartphone": "41", "installed": " 39 "},
                "residents": {"with_smartphone": "5.200", "installed": "2 950"},
            },
        )
        self.assertEqual(report.figures["staff"], {"with_smartphone": 41, "installed": 39})
        self.assertEqual(report.figures["residents"], {"with_smartphone": 5200, "installed": 2950})

    def test_it_accepts_zero_and_installed_equal_to_smartphones(self):
        report = self.submit(
            "870-TTT", user=self.lan, figures=figures(staff=(0, 0), residents=(10, 10))
        )
        self.assertEqual(report.figures["staff"], {"with_smartphone": 0, "installed": 0})
        self.assertEqual(report.figures["residents"], {"with_smartphone": 10, "installed": 10})

    def test_an_office_reports_staff_only(self):
        report = self.submit("870-NV", user=self.minh, figures=figures(residents=None))
        self.assertEqual(list(report.figures), ["staff"])

    # Whole numbers ≥ 0

    def test_it_rejects_a_negative_number(self):
        self.assertRefused(
            ["figures.staff.installed"], figures=self.with_staff(with_smartphone=41, installed=-1)
        )

    def test_it_rejects_a_fraction(self):
        self.assertRefused(
            ["figures.staff.with_smartphone"],
            figures=self.with_staff(with_smartphone=40.5, installed=39),
        )
        self.assertRefused(
            ["figures.staff.with_smartphone"],
            figures=self.with_staff(with_smartphone=41.0, installed=39),
        )
        self.assertRefused(
            ["figures.staff.installed"],
            figures=self.with_staff(with_smartphone=41, installed="3,5"),
        )

    def test_it_rejects_a_boolean(self):
        self.assertRefused(
            ["figures.staff.with_smartphone", "figures.staff.installed"],
            figures=self.with_staff(with_smartphone=True, installed=False),
        )

    def test_it_rejects_text_that_is_not_a_whole_number(self):
        for junk in ("abc", "12abc", "1e3", "-5", "0x10", "٣"):
            with self.subTest(junk=junk):
                self.assertRefused(
                    ["figures.staff.installed"],
                    figures=self.with_staff(with_smartphone=41, installed=junk),
                )

    def test_it_rejects_a_list_or_a_mapping_as_a_figure(self):
        self.assertRefused(
            ["figures.staff.with_smartphone", "figures.staff.installed"],
            figures=self.with_staff(with_smartphone=[41], installed={"n": 39}),
        )

    def test_it_rejects_a_missing_figure(self):
        self.assertRefused(["figures.staff.installed"], figures=self.with_staff(with_smartphone=41))
        self.assertRefused(
            ["figures.staff.installed"], figures=self.with_staff(with_smartphone=41, installed="")
        )

    def test_it_rejects_an_unknown_figure(self):
        self.assertRefused(
            ["figures.staff.users"],
            figures=self.with_staff(with_smartphone=41, installed=39, users=12),
        )

    def test_it_rejects_a_number_too_large(self):
        self.assertRefused(
            ["figures.staff.with_smartphone"],
            figures=self.with_staff(with_smartphone=10**9 + 1, installed=39),
        )

    def test_it_rejects_installed_above_smartphones(self):
        error = self.assertRefused(
            ["figures.residents.installed"], figures=figures(residents=(5200, 5201))
        )
        self.assertTrue(error.errors[0].message)

    # Exactly the unit's groups

    def test_it_rejects_a_missing_group(self):
        self.assertRefused(["figures.residents"], figures=figures(residents=None))

    def test_it_rejects_an_extra_group(self):
        self.assertRefused(["figures.residents"], code="870-NV", figures=figures())

    def test_it_rejects_an_unknown_group(self):
        data = figures()
        data["pets"] = {"with_smartphone": 1, "installed": 1}
        self.assertRefused(["figures.pets"], figures=data)

    def test_it_rejects_figures_that_are_not_given_per_group(self):
        self.assertRefused(["figures"], figures=[41, 39])
        self.assertRefused(
            ["figures.staff"], figures={"staff": 39, "residents": figures()["residents"]}
        )

    def test_it_reports_every_offending_field_at_once(self):
        data = {
            "staff": {"with_smartphone": -1, "installed": "x"},
            "pets": {"with_smartphone": 1, "installed": 1},
        }
        self.assertRefused(
            [
                "date",
                "figures.pets",
                "figures.staff.with_smartphone",
                "figures.staff.installed",
                "figures.residents",
                "activities.juggling",
            ],
            day=date(2020, 8, 18),
            figures=data,
            activities={"juggling": 1},
        )

    # Dates

    def test_it_rejects_a_day_before_the_first_reporting_day(self):
        error = self.assertRefused(["date"], day=date(2020, 8, 13))
        self.assertIn("14/08/2020", error.errors[0].message)

    def test_it_accepts_the_first_reporting_day(self):
        report = self.submit("870-TTT", day=date(2020, 8, 14), user=self.lan)
        self.assertEqual(report.date, date(2020, 8, 14))

    def test_it_rejects_a_day_that_has_not_come_yet(self):
        self.assertRefused(["date"], day=date(2020, 8, 18))

    def test_it_rejects_a_day_after_the_last_reporting_day(self):
        with time_machine.travel(datetime(2020, 9, 2, 9, 0, tzinfo=VN), tick=False):
            error = self.assertRefused(["date"], day=date(2020, 9, 1))
            self.assertIn("31/08/2020", error.errors[0].message)
            report = self.submit("870-TTT", day=date(2020, 8, 31), user=self.lan)
        self.assertEqual(report.status, Status.LATE)

    @override_settings(TIME_ZONE="UTC")
    def test_today_is_the_campaigns_today_not_the_servers(self):
        # 17/08 18:00 UTC is already 01:00 on 18/08 in Hồng Ngự.
        with time_machine.travel(datetime(2020, 8, 17, 18, 0, tzinfo=UTC), tick=False):
            report = self.submit("870-TTT", day=date(2020, 8, 18), user=self.lan)
        self.assertEqual(report.date, date(2020, 8, 18))
        # 18/08 16:59 UTC is 23:59 on 18/08 in Hồng Ngự: the 19th has not come yet.
        with time_machine.travel(datetime(2020, 8, 18, 16, 59, tzinfo=UTC), tick=False):
            self.assertRefused(["date"], day=date(2020, 8, 19))

    # Units and users

    def test_it_refuses_a_unit_that_does_not_report_in_the_campaign(self):
        self.assertRefused(["unit"], code="870")

    def test_it_refuses_a_unit_outside_the_users_units(self):
        self.assertDenied("870-LKA", user=self.lan)
        self.assertDenied("870-TTT", user=self.tuan)

    def test_a_viewer_cannot_submit(self):
        self.assertDenied("870-TTT", user=self.hoa)

    def test_a_coordinator_and_an_admin_submit_under_their_units(self):
        self.assertEqual(self.submit("870-LKA", user=self.minh).revision, 1)
        self.assertEqual(self.submit("869-TH", user=self.root).revision, 1)
        self.assertDenied("869-TH", user=self.minh)

    def test_a_unit_retired_from_the_campaign_file_is_refused_from_the_next_day(self):
        self.submit("870-LKA", day=date(2020, 8, 16))
        data = campaign_data()
        data["units"][0]["units"][0]["units"].pop(3)  # 870-LKA leaves today
        load_campaign(data)

        # Still expected today, and its earlier days can still be corrected.
        self.assertEqual(self.submit("870-LKA").revision, 1)
        self.assertEqual(self.submit("870-LKA", day=date(2020, 8, 16)).revision, 2)
        with time_machine.travel(datetime(2020, 8, 18, 9, 0, tzinfo=VN), tick=False):
            self.assertRefused(["unit"], code="870-LKA", day=date(2020, 8, 18))

    def test_a_unit_added_to_a_running_campaign_reports_from_the_day_it_joined(self):
        data = campaign_data()
        data["units"][0]["units"][0]["units"].append(
            {
                "code": "870-LKB",
                "name": "Xã Long Khánh B",
                "kind": "commune",
                "reports": ["staff", "residents"],
            }
        )
        load_campaign(data)
        error = self.assertRefused(["date"], code="870-LKB", day=date(2020, 8, 16))
        self.assertIn("17/08/2020", error.errors[0].message)
        self.assertEqual(self.submit("870-LKB").status, Status.ON_TIME)

    # Corrections: lower than the latest earlier report

    def test_it_refuses_installed_lower_than_the_latest_earlier_report(self):
        self.submit(
            "870-TTT", day=date(2020, 8, 15), user=self.lan, figures=figures(staff=(41, 30))
        )
        self.submit(
            "870-TTT", day=date(2020, 8, 16), user=self.lan, figures=figures(staff=(41, 39))
        )
        error = self.assertRefused(["figures.staff.installed"], figures=figures(staff=(41, 35)))
        self.assertIn("39", error.errors[0].message)
        self.assertIn("16/08/2020", error.errors[0].message)

    def test_the_figure_in_the_message_is_grouped_by_thousands_in_the_users_language(self):
        self.submit(
            "870-TTT", day=date(2020, 8, 16), user=self.lan, figures=figures(residents=(5200, 2212))
        )
        with translation.override("vi"):
            error = self.assertRefused(
                ["figures.residents.installed"], figures=figures(residents=(5200, 2000))
            )
        self.assertIn("Thấp hơn số 2.212 đã báo cáo ngày 16/08/2020", error.errors[0].message)
        with translation.override("en"):
            error = self.assertRefused(
                ["figures.residents.installed"], figures=figures(residents=(5200, 2000))
            )
        self.assertIn("Lower than the 2,212 reported for 16/08/2020", error.errors[0].message)

    def test_it_compares_with_the_latest_report_even_days_ago(self):
        self.submit(
            "870-TTT", day=date(2020, 8, 14), user=self.lan, figures=figures(residents=(5200, 3000))
        )
        self.assertRefused(["figures.residents.installed"], figures=figures(residents=(5200, 2999)))

    def test_it_accepts_a_lower_installed_when_the_note_explains_it(self):
        self.submit(
            "870-TTT", day=date(2020, 8, 16), user=self.lan, figures=figures(staff=(41, 39))
        )
        report = self.submit(
            "870-TTT",
            user=self.lan,
            figures=figures(staff=(40, 37)),
            note="Hai người chuyển công tác",
        )
        self.assertEqual(report.figures["staff"], {"with_smartphone": 40, "installed": 37})
        self.assertEqual(report.note, "Hai người chuyển công tác")

    def test_a_blank_note_does_not_explain_a_correction(self):
        self.submit("870-TTT", day=date(2020, 8, 16), user=self.lan)
        self.assertRefused(["figures.staff.installed"], figures=figures(staff=(41, 38)), note="   ")

    def test_fewer_smartphones_alone_is_not_a_correction(self):
        self.submit(
            "870-TTT", day=date(2020, 8, 16), user=self.lan, figures=figures(staff=(45, 39))
        )
        report = self.submit("870-TTT", user=self.lan, figures=figures(staff=(41, 39)))
        self.assertEqual(report.figures["staff"]["with_smartphone"], 41)

    def test_a_revision_may_not_drop_below_the_earlier_day_without_its_own_note(self):
        self.submit(
            "870-TTT", day=date(2020, 8, 16), user=self.lan, figures=figures(staff=(41, 39))
        )
        self.submit("870-TTT", user=self.lan, figures=figures(staff=(41, 36)), note="Trùng 3 người")
        self.assertRefused(["figures.staff.installed"], figures=figures(staff=(41, 37)))

    def test_a_revision_may_fix_a_typo_of_the_same_day(self):
        self.submit(
            "870-TTT", day=date(2020, 8, 16), user=self.lan, figures=figures(staff=(41, 30))
        )
        self.submit("870-TTT", user=self.lan, figures=figures(staff=(410, 390)))
        report = self.submit("870-TTT", user=self.lan, figures=figures(staff=(41, 35)))
        self.assertEqual(report.revision, 2)
        self.assertEqual(report.figures["staff"]["installed"], 35)

    # A late report for a past day fits below the next later report (#13)

    def test_a_past_day_may_not_rise_above_a_later_days_report(self):
        self.submit("870-TTT", user=self.lan, figures=figures(residents=(5200, 2400)))
        error = self.assertRefused(
            ["figures.residents.installed"],
            day=date(2020, 8, 15),
            user=self.lan,
            figures=figures(residents=(5200, 3500)),
        )
        self.assertIn("17/08/2020", error.errors[0].message)
        self.assertIn("2", error.errors[0].message)
        with translation.override("vi"):
            error = self.assertRefused(
                ["figures.residents.installed"],
                day=date(2020, 8, 15),
                user=self.lan,
                figures=figures(residents=(5200, 3500)),
            )
        self.assertIn("2.400", error.errors[0].message)
        self.assertIn("17/08/2020", error.errors[0].message)

    def test_a_past_day_up_to_the_later_days_figure_is_accepted(self):
        self.submit("870-TTT", user=self.lan, figures=figures(residents=(5200, 2400)))
        report = self.submit(
            "870-TTT", day=date(2020, 8, 15), user=self.lan, figures=figures(residents=(5300, 2400))
        )
        self.assertEqual(report.figures["residents"]["installed"], 2400)

    def test_it_compares_with_the_next_later_report_only(self):
        self.submit(
            "870-TTT", day=date(2020, 8, 16), user=self.lan, figures=figures(staff=(41, 30))
        )
        self.submit("870-TTT", user=self.lan, figures=figures(staff=(41, 35)))
        self.assertRefused(
            ["figures.staff.installed"],
            day=date(2020, 8, 15),
            user=self.lan,
            figures=figures(staff=(41, 31)),
        )
        report = self.submit(
            "870-TTT", day=date(2020, 8, 15), user=self.lan, figures=figures(staff=(41, 30))
        )
        self.assertEqual(report.revision, 1)

    def test_a_revision_of_a_past_day_fits_below_the_later_day_too(self):
        self.submit(
            "870-TTT", day=date(2020, 8, 16), user=self.lan, figures=figures(staff=(41, 30))
        )
        self.submit("870-TTT", user=self.lan, figures=figures(staff=(41, 35)))
        error = self.assertRefused(
            ["figures.staff.installed"],
            day=date(2020, 8, 16),
            user=self.lan,
            figures=figures(staff=(41, 36)),
        )
        self.assertIn("17/08/2020", error.errors[0].message)

    def test_with_a_note_it_is_stored_and_the_later_day_is_flagged_as_a_decrease(self):
        from uptake.quality.actions import flags_for
        from uptake.quality.models import Rule

        self.submit("870-TTT", user=self.lan, figures=figures(residents=(5200, 2400)))
        report = self.submit(
            "870-TTT",
            day=date(2020, 8, 15),
            user=self.lan,
            figures=figures(residents=(5200, 3500)),
            note="Số của ấp 3 đã báo trùng, ngày 17 đã trừ ra",
        )
        self.assertEqual(report.figures["residents"]["installed"], 3500)
        self.assertEqual(report.note, "Số của ấp 3 đã báo trùng, ngày 17 đã trừ ra")
        (flag,) = [
            f
            for f in flags_for(self.campaign, root=self.unit("870-TTT"))
            if f.rule == Rule.DECREASE
        ]
        self.assertEqual((flag.date, flag.group), (TODAY, "residents"))
        self.assertEqual(flag.evidence["previous_date"], "2020-08-15")
        self.assertEqual(flag.evidence["fields"], {"installed": [3500, 2400]})

    def test_a_decrease_and_a_rise_above_the_later_day_are_both_said(self):
        self.submit(
            "870-TTT", day=date(2020, 8, 14), user=self.lan, figures=figures(staff=(41, 30))
        )
        self.submit(
            "870-TTT", day=date(2020, 8, 16), user=self.lan, figures=figures(staff=(41, 35))
        )
        error = self.assertRefused(
            ["figures.staff.installed", "figures.residents.installed"],
            day=date(2020, 8, 15),
            user=self.lan,
            figures=figures(staff=(41, 29), residents=(5200, 2951)),
        )
        self.assertIn("14/08/2020", error.errors[0].message)
        self.assertIn("16/08/2020", error.errors[1].message)

    # A revision keeps what it does not mention (#13)

    def test_a_revision_without_activities_keeps_the_earlier_ones(self):
        self.submit("870-TTT", user=self.lan, activities={"broadcasts": 2, "leaflets": 500})
        report = self.submit("870-TTT", user=self.lan, figures=figures(staff=(41, 40)))
        report.refresh_from_db()
        self.assertEqual(report.activities, {"broadcasts": 2, "leaflets": 500})
        self.assertEqual(report.figures["staff"]["installed"], 40)
        latest = report.revisions.get(number=2)
        self.assertEqual(latest.activities, {"broadcasts": 2, "leaflets": 500})
        self.assertEqual(
            AuditEntry.objects.order_by("pk").last().after["activities"], latest.activities
        )

    def test_a_revision_changes_the_activities_it_names_and_zero_is_zero(self):
        self.submit(
            "870-TTT", user=self.lan, activities={"broadcasts": 2, "leaflets": 500, "meetings": 1}
        )
        report = self.submit(
            "870-TTT", user=self.lan, activities={"broadcasts": 3, "leaflets": 0, "meetings": None}
        )
        report.refresh_from_db()
        self.assertEqual(report.activities, {"broadcasts": 3, "leaflets": 0, "meetings": 1})

    def test_a_revision_may_leave_out_a_group_which_keeps_its_figures(self):
        self.submit(
            "870-TTT", user=self.lan, figures=figures(staff=(41, 39), residents=(5200, 2950))
        )
        report = self.submit(
            "870-TTT", user=self.lan, figures={"staff": {"with_smartphone": 41, "installed": 40}}
        )
        report.refresh_from_db()
        expected = figures(staff=(41, 40), residents=(5200, 2950))
        self.assertEqual(report.figures, expected)
        self.assertEqual(report.revisions.get(number=2).figures, expected)
        report = self.submit("870-TTT", user=self.lan, figures={"staff": None, "residents": None})
        report.refresh_from_db()
        self.assertEqual((report.revision, report.figures), (3, expected))

    def test_a_group_left_out_is_still_checked_when_given_and_required_on_a_first_report(self):
        self.assertRefused(["figures.residents"], figures=figures(residents=None))
        self.submit("870-TTT", user=self.lan)
        self.assertRefused(
            ["figures.staff.installed"],
            figures={"staff": {"with_smartphone": 41, "installed": 42}},
        )
        self.assertRefused(["figures.staff.with_smartphone"], figures={"staff": {"installed": 39}})

    # Revisions and the audit trail

    def test_a_revision_keeps_every_earlier_revision(self):
        self.submit("870-TTT", user=self.lan, figures=figures(staff=(41, 39)))
        self.submit("870-TTT", user=self.lan, figures=figures(staff=(41, 40)), note="thêm 1")
        report = self.submit("870-TTT", user=self.minh, figures=figures(staff=(42, 41)))

        self.assertEqual(Report.objects.count(), 1)
        self.assertEqual(report.revision, 3)
        self.assertEqual(report.figures["staff"], {"with_smartphone": 42, "installed": 41})
        self.assertEqual(report.note, "")
        revisions = list(report.revisions.all())
        self.assertEqual([r.number for r in revisions], [1, 2, 3])
        self.assertEqual([r.figures["staff"]["installed"] for r in revisions], [39, 40, 41])
        self.assertEqual([r.note for r in revisions], ["", "thêm 1", ""])
        self.assertEqual([r.submitted_by for r in revisions], [self.lan, self.lan, self.minh])

    def test_a_revision_writes_an_audit_entry_with_before_and_after(self):
        self.submit(
            "870-TTT", user=self.lan, figures=figures(staff=(41, 39)), activities={"broadcasts": 1}
        )
        report = self.submit(
            "870-TTT", user=self.lan, figures=figures(staff=(41, 40)), activities={"broadcasts": 2}
        )

        entry = AuditEntry.objects.order_by("pk").last()
        self.assertEqual(AuditEntry.objects.count(), 2)
        self.assertEqual(entry.action, "report.revise")
        self.assertEqual(entry.actor, self.lan)
        self.assertEqual(entry.object_id, str(report.pk))
        self.assertEqual(entry.at, NOW)
        self.assertEqual(
            entry.before,
            {"figures": figures(staff=(41, 39)), "activities": {"broadcasts": 1}, "note": ""},
        )
        self.assertEqual(entry.after["revision"], 2)
        self.assertEqual(entry.after["figures"], figures(staff=(41, 40)))
        self.assertEqual(entry.after["activities"], {"broadcasts": 2})

    def test_the_status_comes_from_the_first_revision(self):
        with time_machine.travel(datetime(2020, 8, 17, 14, 0, tzinfo=VN), tick=False):
            self.submit("870-TTT", user=self.lan)
        with time_machine.travel(datetime(2020, 8, 17, 16, 0, tzinfo=VN), tick=False):
            report = self.submit("870-TTT", user=self.lan, figures=figures(staff=(41, 40)))
        self.assertEqual(report.status, Status.ON_TIME)
        self.assertEqual(report.first_submitted_at, datetime(2020, 8, 17, 14, 0, tzinfo=VN))
        self.assertEqual(report.submitted_at, datetime(2020, 8, 17, 16, 0, tzinfo=VN))

    def test_a_late_first_revision_stays_late(self):
        with time_machine.travel(datetime(2020, 8, 17, 15, 30, tzinfo=VN), tick=False):
            self.submit("870-TTT", user=self.lan)
        with time_machine.travel(datetime(2020, 8, 17, 16, 0, tzinfo=VN), tick=False):
            report = self.submit("870-TTT", user=self.lan, figures=figures(staff=(41, 40)))
        report.refresh_from_db()
        self.assertEqual(report.status, Status.LATE)
        self.assertEqual(report.revision, 2)

    def test_a_report_for_an_earlier_day_is_late(self):
        report = self.submit("870-TTT", day=date(2020, 8, 16), user=self.lan)
        self.assertEqual(report.status, Status.LATE)

    def test_an_importer_gives_the_moment_of_submission(self):
        at = datetime(2020, 8, 15, 14, 0, tzinfo=VN)
        report = self.submit("870-TTT", day=date(2020, 8, 15), user=self.lan, at=at)
        self.assertEqual(report.status, Status.ON_TIME)
        self.assertEqual(report.first_submitted_at, at)
        self.assertEqual(AuditEntry.objects.get().at, at)

    # On behalf of a unit that reported by phone or Zalo

    def test_a_coordinator_enters_figures_on_behalf_with_their_source(self):
        with time_machine.travel(datetime(2020, 8, 17, 16, 0, tzinfo=VN), tick=False):
            report = self.submit(
                "870-LKA",
                user=self.minh,
                on_behalf=True,
                source=" Zalo ",
                received_at=datetime(2020, 8, 17, 14, 30, tzinfo=VN),
                note="Tin nhắn Zalo 14:30, nhập sau cuộc họp",
            )
        # The unit's message arrived before 15:00: on time, though entered at 16:00.
        self.assertEqual(report.status, Status.ON_TIME)
        self.assertEqual(report.first_submitted_at, datetime(2020, 8, 17, 14, 30, tzinfo=VN))
        self.assertEqual(report.submitted_at, datetime(2020, 8, 17, 16, 0, tzinfo=VN))
        revision = report.revisions.get()
        self.assertTrue(revision.on_behalf)
        self.assertEqual(revision.source, "Zalo")
        self.assertEqual(revision.submitted_by, self.minh)
        self.assertEqual(revision.received_at, datetime(2020, 8, 17, 14, 30, tzinfo=VN))
        entry = AuditEntry.objects.get()
        self.assertTrue(entry.after["on_behalf"])
        self.assertEqual(entry.after["source"], "Zalo")

    def test_on_behalf_without_a_received_time_counts_from_entry(self):
        with time_machine.travel(datetime(2020, 8, 17, 16, 0, tzinfo=VN), tick=False):
            report = self.submit("870-LKA", user=self.minh, on_behalf=True, source="điện thoại")
        self.assertEqual(report.status, Status.LATE)

    def test_a_naive_received_time_is_read_in_the_campaigns_time_zone(self):
        with override_settings(TIME_ZONE="UTC"):
            report = self.submit(
                "870-LKA",
                user=self.minh,
                on_behalf=True,
                source="Zalo",
                received_at=datetime(2020, 8, 17, 9, 50),
            )
        self.assertEqual(report.first_submitted_at, datetime(2020, 8, 17, 9, 50, tzinfo=VN))

    def test_on_behalf_requires_a_source(self):
        self.assertRefused(["source"], code="870-LKA", user=self.minh, on_behalf=True)
        self.assertRefused(["source"], code="870-LKA", user=self.minh, on_behalf=True, source="  ")

    def test_a_received_time_in_the_future_is_refused(self):
        self.assertRefused(
            ["received_at"],
            code="870-LKA",
            user=self.minh,
            on_behalf=True,
            source="Zalo",
            received_at=datetime(2020, 8, 17, 10, 0, 1, tzinfo=VN),
        )

    def test_a_received_time_before_the_reported_day_is_refused(self):
        self.assertRefused(
            ["received_at"],
            code="870-LKA",
            user=self.minh,
            on_behalf=True,
            source="Zalo",
            received_at=datetime(2020, 8, 16, 23, 59, tzinfo=VN),
        )

    def test_a_received_time_up_to_15_minutes_before_the_entry_needs_no_note(self):
        report = self.submit(
            "870-LKA",
            user=self.minh,
            on_behalf=True,
            source="phone",
            received_at=datetime(2020, 8, 17, 9, 45, tzinfo=VN),
        )
        self.assertEqual(
            report.revisions.get().received_at, datetime(2020, 8, 17, 9, 45, tzinfo=VN)
        )

    def test_a_received_time_further_back_needs_a_note_saying_why(self):
        received = datetime(2020, 8, 17, 9, 44, 59, tzinfo=VN)
        error = self.assertRefused(
            ["received_at"],
            code="870-LKA",
            user=self.minh,
            on_behalf=True,
            source="phone",
            received_at=received,
        )
        self.assertIn("09:44 17/08/2020", error.errors[0].message)
        self.assertIn("10:00 17/08/2020", error.errors[0].message)
        self.assertRefused(
            ["received_at"],
            code="870-LKA",
            user=self.minh,
            on_behalf=True,
            source="phone",
            received_at=received,
            note="   ",
        )
        report = self.submit(
            "870-LKA",
            user=self.minh,
            on_behalf=True,
            source="phone",
            received_at=received,
            note="Xã gọi lúc 9 giờ 44, đang họp nên nhập sau",
        )
        self.assertEqual(report.revisions.get().note, "Xã gọi lúc 9 giờ 44, đang họp nên nhập sau")

    def test_an_importer_is_held_to_its_own_moment_of_entry(self):
        # Entered at 15:34 (the importer's moment), received at 15:20: within the 15 minutes.
        report = self.submit(
            "870-LKA",
            day=date(2020, 8, 16),
            user=self.minh,
            on_behalf=True,
            source="Zalo",
            received_at=datetime(2020, 8, 16, 15, 20, tzinfo=VN),
            at=datetime(2020, 8, 16, 15, 34, tzinfo=VN),
        )
        self.assertEqual(report.status, Status.LATE)

    def test_a_received_time_without_on_behalf_is_refused(self):
        self.assertRefused(
            ["received_at"], user=self.minh, received_at=datetime(2020, 8, 17, 9, 0, tzinfo=VN)
        )

    def test_a_reporter_cannot_enter_on_behalf(self):
        self.assertDenied("870-TTT", user=self.lan, on_behalf=True, source="Zalo")

    def test_a_viewer_cannot_enter_on_behalf(self):
        self.assertDenied("870-TTT", user=self.hoa, on_behalf=True, source="Zalo")

    def test_an_admin_enters_on_behalf(self):
        report = self.submit("869-TH", user=self.root, on_behalf=True, source="phone")
        self.assertTrue(report.revisions.get().on_behalf)

    def test_a_too_long_note_is_refused(self):
        self.assertRefused(["note"], note="x" * 2001)

    # Activities (#9)

    def test_it_stores_the_days_activity_counts(self):
        report = self.submit(
            "870-TTT",
            user=self.lan,
            activities={"broadcasts": 2, "leaflets": "1.500", "meetings": None},
        )
        self.assertEqual(report.activities, {"broadcasts": 2, "leaflets": 1500})
        self.assertEqual(report.revisions.get().activities, {"broadcasts": 2, "leaflets": 1500})

    def test_activities_are_optional(self):
        self.assertEqual(self.submit("870-TTT", user=self.lan).activities, {})

    def test_it_rejects_an_activity_count_that_is_not_a_whole_number(self):
        for junk in (-1, 1.5, True, "nhiều", [2]):
            with self.subTest(junk=junk):
                self.assertRefused(["activities.broadcasts"], activities={"broadcasts": junk})

    def test_it_rejects_an_activity_count_too_large(self):
        self.assertRefused(["activities.leaflets"], activities={"leaflets": 10**9 + 1})

    def test_it_rejects_an_activity_the_unit_does_not_report(self):
        self.assertRefused(["activities.broadcasts"], code="870-NV", activities={"broadcasts": 2})

    def test_it_rejects_an_unknown_activity(self):
        self.assertRefused(["activities.juggling"], activities={"broadcasts": 2, "juggling": 1})

    def test_it_rejects_activities_that_are_not_counts_per_activity(self):
        self.assertRefused(["activities"], activities=[2, 500])


class FindSubmissionTestCase(BaseTestCase):
    """find_submission: what a submission through the API reads, in one query (#7)."""

    def test_it_reads_the_participation_campaign_unit_and_latest_reports_at_once(self):
        older = self.submit("870-TTT", day=TODAY - timedelta(days=2), user=self.lan)
        previous = self.submit("870-TTT", day=TODAY - timedelta(days=1), user=self.lan)
        unit = self.unit("870-TTT")
        with self.assertNumQueries(1):
            read = find_submission("bluezone-2020", "870-TTT", TODAY)
            self.assertEqual(read.participation.campaign, self.campaign)
            self.assertEqual(read.participation.unit, unit)
            self.assertEqual(read.participation.unit.path, unit.path)
            self.assertEqual(read.participation.groups, ["staff", "residents"])
            self.assertIsNone(read.report)
            self.assertEqual(read.previous.pk, previous.pk)
        today = self.submit("870-TTT", user=self.lan)
        read = find_submission("bluezone-2020", "870-TTT", TODAY)
        self.assertEqual((read.report.pk, read.previous.pk), (today.pk, previous.pk))
        self.assertEqual(read.report.figures, today.figures)
        read = find_submission("bluezone-2020", "870-TTT", TODAY - timedelta(days=1))
        self.assertEqual((read.report.pk, read.previous.pk), (previous.pk, older.pk))
        self.assertEqual(read.later.pk, today.pk)

    def test_it_reads_the_next_later_report_in_the_same_query(self):
        first = self.submit("870-TTT", day=TODAY - timedelta(days=3), user=self.lan)
        later = self.submit("870-TTT", day=TODAY - timedelta(days=1), user=self.lan)
        self.submit("870-TTT", user=self.lan)
        with self.assertNumQueries(1):
            read = find_submission("bluezone-2020", "870-TTT", TODAY - timedelta(days=2))
            self.assertEqual(read.later.pk, later.pk)
            self.assertEqual(read.later.figures, later.figures)
        self.assertIsNone(read.report)
        self.assertEqual(read.previous.pk, first.pk)
        read = find_submission("bluezone-2020", "870-TTT", TODAY)
        self.assertIsNone(read.later)
        unit = self.unit("870-TTT")
        with self.assertNumQueries(1):
            recent = recent_reports(self.campaign, unit, TODAY - timedelta(days=3))
        self.assertEqual(
            (recent.report.pk, recent.previous, recent.later.pk), (first.pk, None, later.pk)
        )

    def test_a_unit_without_reports_has_none(self):
        read = find_submission("bluezone-2020", "870-TTT", TODAY)
        self.assertEqual((read.report, read.previous, read.later), (None, None, None))

    def test_nothing_is_found_for_an_unknown_campaign_or_unit(self):
        self.assertIsNone(find_submission("nope", "870-TTT", TODAY))
        self.assertIsNone(find_submission("bluezone-2020", "999", TODAY))

    def test_submit_report_uses_what_was_read_only_for_the_same_unit_and_day(self):
        read = find_submission("bluezone-2020", "870-TTT", TODAY)
        other = self.unit("870-NV")
        report = submit_report(
            campaign=self.campaign,
            unit=other,
            day=TODAY,
            figures={"staff": {"with_smartphone": 15, "installed": 13}},
            user=self.minh,
            read=read,
        )
        self.assertEqual(report.unit, other)
        self.assertEqual(report.figures, {"staff": {"with_smartphone": 15, "installed": 13}})
