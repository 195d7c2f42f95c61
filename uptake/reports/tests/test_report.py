"""The reporter's page: today's form, the deadline, the result and the unit's history."""

from __future__ import annotations

from datetime import date, datetime

import time_machine
from django.test import override_settings

from uptake.reports.models import Report, Revision
from uptake.test import VN, BaseTestCase, figures

URL = "/c/bluezone-2020/report/"

# Passwords are hashed for every persona of every test: the slow default hasher is not needed.
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def form_data(code="870-TTT", staff=("41", "39"), residents=("5200", "2950"), **extra) -> dict:
    data = {
        "unit": code,
        f"{code}-staff__with_smartphone": staff[0],
        f"{code}-staff__installed": staff[1],
    }
    if residents is not None:
        data[f"{code}-residents__with_smartphone"] = residents[0]
        data[f"{code}-residents__installed"] = residents[1]
    data.update({f"{code}-{key}": value for key, value in extra.items()})
    return data


@override_settings(PASSWORD_HASHERS=FAST_HASHERS)
class ReportPageTest(BaseTestCase):
    def setUp(self):
        super().setUp()
        self.client.force_login(self.lan)

    def test_it_sends_anonymous_users_to_the_login_page(self):
        self.client.logout()
        response = self.client.get(URL)
        self.assertRedirects(response, f"/login/?next={URL}", fetch_redirect_response=False)

    def test_it_shows_todays_form_for_the_reporters_unit(self):
        response = self.client.get(URL)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Thị trấn Thường Thới Tiền")
        self.assertContains(response, 'name="870-TTT-staff__with_smartphone"')
        self.assertContains(response, 'name="870-TTT-residents__installed"')
        self.assertContains(response, 'inputmode="numeric"')
        # The unit's activities with their daily minimum, then the note.
        self.assertContains(response, "Phát thanh trên hệ thống loa")
        self.assertContains(response, "tối thiểu 2 mỗi ngày")
        self.assertContains(response, 'name="870-TTT-note"')

    def test_it_is_in_vietnamese_whatever_the_browser_asks_for(self):
        response = self.client.get(URL, HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
        self.assertContains(response, "Báo cáo hằng ngày")
        self.assertContains(response, "Có điện thoại thông minh")

    def test_it_prefills_the_form_with_the_latest_figures(self):
        self.submit(
            "870-TTT", day=date(2020, 8, 15), user=self.lan, figures=figures(staff=(44, 40))
        )
        response = self.client.get(URL)
        form = response.context["sections"][0].form
        self.assertEqual(form["staff__with_smartphone"].value(), 44)
        self.assertEqual(form["staff__installed"].value(), 40)
        self.assertEqual(form["residents__with_smartphone"].value(), 5200)

    def test_it_shows_the_time_left_to_the_deadline(self):
        response = self.client.get(URL)
        self.assertContains(response, "Còn <strong>5 giờ 0 phút</strong> đến hạn báo cáo hôm nay")

    def test_under_an_hour_left_it_says_only_the_minutes(self):
        with time_machine.travel(datetime(2020, 8, 17, 14, 21, tzinfo=VN), tick=False):
            response = self.client.get(URL)
            self.assertContains(response, "Còn <strong>39 phút</strong> đến hạn báo cáo hôm nay")
            self.assertNotContains(response, "0 giờ")
            self.client.cookies["django_language"] = "en"
            response = self.client.get(URL)
            self.assertContains(response, "<strong>39 min</strong> left until today's deadline")
            self.assertNotContains(response, "0 h")

    def test_it_says_a_report_after_the_deadline_is_late(self):
        with time_machine.travel(datetime(2020, 8, 17, 15, 30, tzinfo=VN), tick=False):
            response = self.client.get(URL)
        self.assertContains(response, "Đã quá hạn báo cáo hôm nay (15:00)")

    def test_it_saves_the_report_and_shows_it_on_time(self):
        response = self.client.post(URL, form_data(**{"activity__broadcasts": "2"}))
        self.assertRedirects(response, URL + "#u-870-TTT", fetch_redirect_response=False)
        report = Report.objects.get(unit__code="870-TTT", date=date(2020, 8, 17))
        self.assertEqual(report.status, "on_time")
        self.assertEqual(report.figures["residents"], {"with_smartphone": 5200, "installed": 2950})
        self.assertEqual(report.activities, {"broadcasts": 2})
        revision = report.revisions.get()
        self.assertEqual(
            (revision.submitted_by, revision.on_behalf, revision.via), (self.lan, False, "web")
        )

        page = self.client.get(URL)
        self.assertContains(page, "đã lưu báo cáo. Tình trạng: Đúng hạn.")
        self.assertContains(page, '<span class="badge on_time">Đúng hạn</span>', html=True)
        # Percent against the target, per group: 39/41 = 95,1% of 100%, 2950/5200 = 56,7% of 60%.
        self.assertContains(page, "95,1%")
        self.assertContains(page, "56,7%")

    def test_a_report_after_the_deadline_is_late(self):
        with time_machine.travel(datetime(2020, 8, 17, 15, 0, 1, tzinfo=VN), tick=False):
            self.client.post(URL, form_data())
            page = self.client.get(URL)
        self.assertEqual(Report.objects.get(unit__code="870-TTT").status, "late")
        self.assertContains(page, "Tình trạng: Trễ hạn.")

    def test_a_second_submission_is_a_new_revision(self):
        self.client.post(URL, form_data())
        self.client.post(URL, form_data(staff=("41", "40")))
        report = Report.objects.get(unit__code="870-TTT")
        self.assertEqual(report.revision, 2)
        self.assertEqual(report.figures["staff"]["installed"], 40)
        page = self.client.get(URL)
        self.assertContains(page, "Sửa số liệu hôm nay")
        self.assertContains(page, "Lần gửi gần nhất: lần thứ 2.")

    def test_it_accepts_figures_with_thousands_separators(self):
        self.client.post(URL, form_data(residents=("5.200", "2.950")))
        report = Report.objects.get(unit__code="870-TTT")
        self.assertEqual(report.figures["residents"], {"with_smartphone": 5200, "installed": 2950})

    def test_it_rejects_installed_above_smartphones(self):
        response = self.client.post(URL, form_data(staff=("41", "45")))
        self.assertEqual(response.status_code, 200)
        form = response.context["sections"][0].form
        self.assertEqual(
            form.errors["staff__installed"],
            ["Số đã cài đặt không được lớn hơn số có điện thoại thông minh."],
        )
        self.assertContains(response, 'aria-invalid="true"')
        # The figures typed are kept in the form.
        self.assertContains(response, 'value="45"')
        self.assertFalse(Report.objects.exists())

    def test_it_shows_every_error_next_to_its_field(self):
        data = form_data(staff=("", "abc"), **{"activity__broadcasts": "-1"})
        response = self.client.post(URL, data)
        errors = response.context["sections"][0].form.errors
        self.assertEqual(errors["staff__with_smartphone"], ["Phải nhập số liệu này."])
        self.assertEqual(errors["staff__installed"], ["Nhập số nguyên, từ 0 trở lên."])
        self.assertEqual(errors["activity__broadcasts"], ["Nhập số nguyên, từ 0 trở lên."])
        self.assertFalse(Report.objects.exists())
        self.assertFalse(Revision.objects.exists())

    def test_it_requires_a_note_for_a_lower_installed_figure(self):
        self.submit("870-TTT", day=date(2020, 8, 16), user=self.lan)
        response = self.client.post(URL, form_data(staff=("41", "30")))
        self.assertIn("staff__installed", response.context["sections"][0].form.errors)
        self.assertFalse(Report.objects.filter(date=date(2020, 8, 17)).exists())

        self.client.post(URL, form_data(staff=("41", "30"), note="Trùng 9 người, đã rà soát lại"))
        report = Report.objects.get(date=date(2020, 8, 17))
        self.assertEqual(report.note, "Trùng 9 người, đã rà soát lại")

    def test_a_correction_starts_with_an_empty_note(self):
        self.submit("870-TTT", day=date(2020, 8, 16), user=self.lan)
        self.submit("870-TTT", user=self.lan, note="Bắt buộc khi số liệu thấp hơn lần trước")
        response = self.client.get(URL)
        form = response.context["sections"][0].form
        self.assertIsNone(form["note"].value())
        self.assertNotContains(response, "Bắt buộc khi số liệu thấp hơn lần trước</textarea>")
        # The form sent as it opened, with a lower figure: refused, for want of a note.
        data = form_data(staff=("41", "30"), note=form["note"].value() or "")
        response = self.client.post(URL, data)
        self.assertIn("staff__installed", response.context["sections"][0].form.errors)
        self.assertEqual(Report.objects.get(date=date(2020, 8, 17)).revision, 1)

    def test_a_correction_keeps_the_activities_left_blank_and_takes_zero_as_zero(self):
        self.submit(
            "870-TTT", user=self.lan, activities={"broadcasts": 2, "leaflets": 500, "meetings": 1}
        )
        data = form_data(activity__broadcasts="3", activity__leaflets="0", activity__meetings="")
        response = self.client.post(URL, data)
        self.assertEqual(response.status_code, 302)
        report = Report.objects.get(date=date(2020, 8, 17))
        self.assertEqual(report.revision, 2)
        self.assertEqual(report.activities, {"broadcasts": 3, "leaflets": 0, "meetings": 1})

    def test_it_shows_the_units_history_with_the_daily_increase(self):
        with time_machine.travel(datetime(2020, 8, 14, 9, 0, tzinfo=VN), tick=False):
            self.submit(
                "870-TTT", day=date(2020, 8, 14), user=self.lan, figures=figures(staff=(41, 30))
            )
        with time_machine.travel(datetime(2020, 8, 16, 16, 0, tzinfo=VN), tick=False):
            self.submit(
                "870-TTT", day=date(2020, 8, 16), user=self.lan, figures=figures(staff=(41, 35))
            )
        self.submit("870-TTT", user=self.lan, figures=figures(staff=(41, 39)))
        self.submit("870-TTT", user=self.lan, figures=figures(staff=(41, 40)))

        response = self.client.get(URL)
        history = response.context["sections"][0].history
        self.assertEqual([d.date.day for d in history], [17, 16, 15, 14])
        self.assertEqual([d.status for d in history], ["on_time", "late", "missing", "on_time"])
        staff = [d.groups[0] for d in history]
        self.assertEqual([g.increase for g in staff], [5, 5, None, None])
        self.assertEqual(staff[0].figures.percent, 97.6)
        self.assertEqual(history[0].report.revision, 2)
        self.assertContains(response, "/c/bluezone-2020/units/870-TTT/#d-2020-08-17")

    def test_a_viewer_is_sent_to_the_status_page(self):
        self.client.force_login(self.hoa)
        response = self.client.get(URL)
        self.assertRedirects(response, "/c/bluezone-2020/status/", fetch_redirect_response=False)

    def test_a_coordinator_is_sent_to_the_status_page(self):
        self.client.force_login(self.minh)
        response = self.client.get(URL)
        self.assertRedirects(response, "/c/bluezone-2020/status/", fetch_redirect_response=False)

    def test_a_viewer_cannot_post(self):
        self.client.force_login(self.hoa)
        response = self.client.post(URL, form_data())
        self.assertEqual(response.status_code, 403)
        self.assertFalse(Report.objects.exists())

    def test_a_reporter_of_another_district_sees_and_submits_nothing_of_870(self):
        self.submit("870-TTT", user=self.lan)
        self.client.force_login(self.tuan)
        page = self.client.get(URL)
        self.assertContains(page, "Xã Tân Hộ Cơ")
        self.assertNotContains(page, "Thường Thới Tiền")
        self.assertNotContains(page, "870-TTT")

        response = self.client.post(URL, form_data(staff=("50", "50")))
        self.assertEqual(response.status_code, 404)
        self.assertEqual(Report.objects.get(unit__code="870-TTT").revision, 1)

    def test_it_refuses_other_methods(self):
        self.assertEqual(self.client.put(URL).status_code, 405)
        self.assertEqual(self.client.delete(URL).status_code, 405)

    def test_it_404s_for_an_unknown_campaign(self):
        self.assertEqual(self.client.get("/c/no-such-campaign/report/").status_code, 404)

    def test_there_is_no_form_after_the_campaigns_last_day(self):
        self.submit("870-TTT", user=self.lan)
        with time_machine.travel(datetime(2020, 9, 2, 9, 0, tzinfo=VN), tick=False):
            self.client.force_login(self.lan)
            page = self.client.get(URL)
            self.assertNotContains(page, 'name="870-TTT-staff__installed"')
            self.assertContains(page, "hôm nay không phải báo cáo")
            # The history stops at the last day (31/08).
            self.assertEqual(page.context["sections"][0].history[0].date, date(2020, 8, 31))
            response = self.client.post(URL, form_data())
        self.assertRedirects(response, URL, fetch_redirect_response=False)
        self.assertEqual(Report.objects.count(), 1)
