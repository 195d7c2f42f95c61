"""Entry on behalf: a coordinator enters the figures a unit sent by phone, Zalo, paper, e-mail."""

from __future__ import annotations

from datetime import date, datetime

import time_machine
from django.test import override_settings

from uptake.reports.models import Report, Revision
from uptake.test import VN, BaseTestCase, figures

URL = "/c/bluezone-2020/units/870-TTT/enter/"

# Passwords are hashed for every persona of every test: the slow default hasher is not needed.
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def entry(**changes) -> dict:
    data = {
        "date": "2020-08-17",
        "staff__with_smartphone": "41",
        "staff__installed": "39",
        "residents__with_smartphone": "5.200",
        "residents__installed": "2.950",
        "activity__broadcasts": "2",
        "source": "phone",
        "source_detail": "",
        "received_at": "",
        "note": "",
    }
    data.update(changes)
    return data


@override_settings(PASSWORD_HASHERS=FAST_HASHERS)
class EnterOnBehalfTest(BaseTestCase):
    def setUp(self):
        super().setUp()
        self.client.force_login(self.minh)

    def test_it_sends_anonymous_users_to_the_login_page(self):
        self.client.logout()
        response = self.client.get(URL)
        self.assertRedirects(response, f"/login/?next={URL}", fetch_redirect_response=False)

    def test_it_shows_the_form_prefilled_with_the_units_latest_figures(self):
        self.submit(
            "870-TTT", day=date(2020, 8, 16), user=self.lan, figures=figures(staff=(40, 33))
        )
        response = self.client.get(URL)
        self.assertEqual(response.status_code, 200)
        form = response.context["form"]
        self.assertEqual(form["date"].value(), date(2020, 8, 17))
        self.assertEqual(form["staff__installed"].value(), 33)
        self.assertContains(response, "Điện thoại")
        self.assertContains(response, "Văn bản giấy")
        # dd/mm/yyyy whatever the browser's language (#17), not the browser's date pickers.
        self.assertContains(response, 'name="date" value="17/08/2020"')
        self.assertContains(response, 'placeholder="hh:mm dd/mm/yyyy"')
        self.assertNotContains(response, 'type="datetime-local"')

    def test_it_records_the_report_as_entered_on_behalf_with_its_source(self):
        response = self.client.post(URL, entry(source="zalo", source_detail="nhóm Zalo thị trấn"))
        self.assertRedirects(
            response,
            "/c/bluezone-2020/status/?date=2020-08-17#u-870-TTT",
            fetch_redirect_response=False,
        )
        report = Report.objects.get(unit__code="870-TTT")
        self.assertEqual(report.figures["residents"], {"with_smartphone": 5200, "installed": 2950})
        self.assertEqual(report.activities, {"broadcasts": 2})
        revision = report.revisions.get()
        self.assertTrue(revision.on_behalf)
        self.assertEqual(revision.source, "zalo: nhóm Zalo thị trấn")
        self.assertEqual(revision.submitted_by, self.minh)
        page = self.client.get("/c/bluezone-2020/status/")
        self.assertContains(page, "Thị trấn Thường Thới Tiền, ngày 17/08/2020: đã lưu báo cáo.")

    def test_the_time_received_decides_on_time_or_late(self):
        with time_machine.travel(datetime(2020, 8, 17, 16, 10, tzinfo=VN), tick=False):
            self.client.post(
                URL, entry(received_at="2020-08-17T14:40", note="Xã gọi lúc 14:40, đang họp")
            )
        report = Report.objects.get(unit__code="870-TTT")
        self.assertEqual(report.status, "on_time")
        self.assertEqual(report.first_submitted_at, datetime(2020, 8, 17, 14, 40, tzinfo=VN))
        self.assertEqual(
            report.revisions.get().received_at, datetime(2020, 8, 17, 14, 40, tzinfo=VN)
        )

    def test_without_a_time_received_an_entry_after_the_deadline_is_late(self):
        with time_machine.travel(datetime(2020, 8, 17, 16, 10, tzinfo=VN), tick=False):
            self.client.post(URL, entry())
        self.assertEqual(Report.objects.get(unit__code="870-TTT").status, "late")

    def test_it_refuses_a_time_received_in_the_future(self):
        response = self.client.post(URL, entry(received_at="2020-08-17T11:00"))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(
            response.context["form"].errors["received_at"], ["Thời điểm này chưa đến."]
        )
        self.assertFalse(Report.objects.exists())

    def test_it_needs_details_when_the_source_is_other(self):
        response = self.client.post(URL, entry(source="other"))
        self.assertIn("source_detail", response.context["form"].errors)
        self.assertFalse(Report.objects.exists())
        self.client.post(URL, entry(source="other", source_detail="Báo trực tiếp tại cuộc họp"))
        self.assertEqual(Revision.objects.get().source, "Báo trực tiếp tại cuộc họp")

    def test_it_shows_validation_errors_next_to_their_fields_and_saves_nothing(self):
        response = self.client.post(URL, entry(staff__installed="45", activity__broadcasts="x"))
        errors = response.context["form"].errors
        self.assertEqual(
            errors["staff__installed"],
            ["Số đã cài đặt không được lớn hơn số có điện thoại thông minh."],
        )
        self.assertIn("activity__broadcasts", errors)
        self.assertFalse(Report.objects.exists())

    def test_it_refuses_a_day_that_has_not_come_yet(self):
        response = self.client.post(URL, entry(date="2020-08-18"))
        self.assertEqual(
            response.context["form"].errors["date"], ["Không thể báo cáo cho ngày chưa đến."]
        )
        self.assertFalse(Report.objects.exists())

    def test_it_enters_an_earlier_day(self):
        self.client.post(
            URL,
            entry(date="2020-08-15", received_at="2020-08-15T10:00", note="Phiếu giấy gửi bù"),
        )
        report = Report.objects.get(unit__code="870-TTT")
        self.assertEqual((report.date, report.status), (date(2020, 8, 15), "on_time"))

    def test_a_second_entry_is_a_new_revision(self):
        self.submit("870-TTT", user=self.lan)
        response = self.client.get(URL)
        self.assertContains(response, "lần nhập này sẽ là một lần gửi mới")
        self.client.post(URL, entry(staff__installed="40"))
        report = Report.objects.get(unit__code="870-TTT")
        self.assertEqual(report.revision, 2)
        self.assertEqual([r.on_behalf for r in report.revisions.all()], [False, True])

    def test_a_second_entry_starts_with_an_empty_note(self):
        self.submit("870-TTT", user=self.lan, note="Ghi chú của lần gửi trước")
        response = self.client.get(URL)
        self.assertIsNone(response.context["form"]["note"].value())
        self.assertNotContains(response, "Ghi chú của lần gửi trước")

    def test_figures_received_long_before_they_are_entered_need_a_note(self):
        with time_machine.travel(datetime(2020, 8, 17, 17, 10, tzinfo=VN), tick=False):
            response = self.client.post(URL, entry(received_at="2020-08-17T15:30"))
            self.assertEqual(response.status_code, 200)
            (error,) = response.context["form"].errors["received_at"]
            self.assertIn("15:30 17/08/2020", error)
            self.assertIn("17:10 17/08/2020", error)
            self.assertIn("ghi chú", error)
            self.assertFalse(Report.objects.exists())
            response = self.client.post(
                URL, entry(received_at="2020-08-17T15:30", note="Xã gọi lúc 15:30, đang họp")
            )
        self.assertEqual(response.status_code, 302)
        revision = Revision.objects.get()
        self.assertEqual(revision.received_at, datetime(2020, 8, 17, 15, 30, tzinfo=VN))
        self.assertEqual(revision.submitted_at, datetime(2020, 8, 17, 17, 10, tzinfo=VN))

    def test_an_admin_may_enter_on_behalf(self):
        self.client.force_login(self.root)
        self.client.post(URL, entry())
        self.assertTrue(Revision.objects.get().on_behalf)

    def test_reporters_and_viewers_are_refused(self):
        for user in (self.lan, self.hoa, self.tuan):
            self.client.force_login(user)
            self.assertEqual(self.client.get(URL).status_code, 403)
            self.assertEqual(self.client.post(URL, entry()).status_code, 403)
        self.assertFalse(Report.objects.exists())

    def test_a_coordinator_of_another_district_gets_404(self):
        other = self.make_user("vu", "coordinator", "869")
        self.client.force_login(other)
        response = self.client.get(URL)
        self.assertEqual(response.status_code, 404)
        self.assertNotContains(response, "Thường Thới Tiền", status_code=404)
        self.assertEqual(self.client.post(URL, entry()).status_code, 404)
        self.assertFalse(Report.objects.exists())

    def test_it_refuses_other_methods(self):
        self.assertEqual(self.client.put(URL).status_code, 405)
