"""The unit page: every revision of every report, who, when, how, and what changed."""

from __future__ import annotations

from datetime import date, datetime

import time_machine
from django.test import override_settings

from uptake.test import VN, BaseTestCase, figures

URL = "/c/bluezone-2020/units/870-TTT/"

# Passwords are hashed for every persona of every test: the slow default hasher is not needed.
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@override_settings(PASSWORD_HASHERS=FAST_HASHERS)
class UnitPageTest(BaseTestCase):
    def setUp(self):
        super().setUp()
        with time_machine.travel(datetime(2020, 8, 16, 9, 5, tzinfo=VN), tick=False):
            self.submit(
                "870-TTT", day=date(2020, 8, 16), user=self.lan, figures=figures(staff=(41, 35))
            )
        self.submit("870-TTT", user=self.lan, activities={"broadcasts": 2})
        with time_machine.travel(datetime(2020, 8, 17, 11, 30, tzinfo=VN), tick=False):
            self.submit(
                "870-TTT",
                user=self.minh,
                figures=figures(staff=(42, 41)),
                activities={"broadcasts": 3},
                note="Bổ sung 1 cán bộ mới",
                on_behalf=True,
                source="zalo: nhóm Zalo thị trấn",
                received_at=datetime(2020, 8, 17, 11, 0, tzinfo=VN),
            )
        self.client.force_login(self.lan)

    def test_it_sends_anonymous_users_to_the_login_page(self):
        self.client.logout()
        response = self.client.get(URL)
        self.assertRedirects(response, f"/login/?next={URL}", fetch_redirect_response=False)

    def test_it_lists_every_revision_of_every_day(self):
        response = self.client.get(URL)
        self.assertEqual(response.status_code, 200)
        days = dict((d.date, revisions) for d, revisions in response.context["days"])
        self.assertEqual([rv.revision.number for rv in days[date(2020, 8, 17)]], [2, 1])
        self.assertEqual([rv.revision.number for rv in days[date(2020, 8, 16)]], [1])
        self.assertEqual(days[date(2020, 8, 15)], [])
        self.assertContains(response, "Lần gửi thứ 2")
        self.assertContains(response, "09:05 16/08/2020")
        self.assertContains(response, "Bổ sung 1 cán bộ mới")
        self.assertContains(response, "qua trang web")

    def test_it_shows_who_entered_on_behalf_with_the_source_and_the_time_received(self):
        response = self.client.get(URL)
        self.assertContains(response, "nhập thay: Zalo: nhóm Zalo thị trấn")
        self.assertContains(response, "nhận lúc 11:00 17/08/2020")
        self.assertContains(response, "minh")

    def test_it_shows_when_figures_taken_by_phone_were_received_and_entered_by_whom(self):
        with time_machine.travel(datetime(2020, 8, 17, 17, 10, tzinfo=VN), tick=False):
            self.submit(
                "870-TTT",
                user=self.minh,
                figures=figures(staff=(42, 42)),
                note="Xã gọi lúc 15:30 khi đang họp",
                on_behalf=True,
                source="phone",
                received_at=datetime(2020, 8, 17, 15, 30, tzinfo=VN),
            )
        response = self.client.get(URL)
        days = dict((d.date, revisions) for d, revisions in response.context["days"])
        arrival = days[date(2020, 8, 17)][0].arrival
        self.assertEqual(arrival.received_at, datetime(2020, 8, 17, 15, 30, tzinfo=VN))
        self.assertEqual(arrival.entered_at, datetime(2020, 8, 17, 17, 10, tzinfo=VN))
        self.assertEqual(arrival.entered_by, "minh")
        self.assertContains(response, "nhập thay: Điện thoại")
        self.assertContains(response, "nhận lúc 15:30 17/08/2020")
        self.assertContains(response, "nhập lúc 17:10 17/08/2020, người nhập: minh")
        self.assertContains(response, "(sau 1 giờ 40 phút)")
        # The setUp's revision: received at 11:00, entered at 11:30.
        self.assertContains(response, "nhận lúc 11:00 17/08/2020")
        self.assertContains(response, "nhập lúc 11:30 17/08/2020, người nhập: minh")
        self.assertContains(response, "(sau 30 phút)")
        self.client.cookies["django_language"] = "en"
        response = self.client.get(URL)
        self.assertContains(response, "received at 15:30 17/08/2020")
        self.assertContains(response, "entered at 17:10 17/08/2020 by minh")
        self.assertContains(response, "(1 h 40 min later)")

    def test_it_shows_what_changed_from_the_previous_revision(self):
        response = self.client.get(URL)
        days = dict((d.date, revisions) for d, revisions in response.context["days"])
        changes = [(c.label, c.before, c.after) for c in days[date(2020, 8, 17)][0].changes]
        staff = "Cán bộ, công chức, viên chức, người lao động"
        self.assertEqual(
            changes,
            [
                (f"{staff}: Có điện thoại thông minh", 41, 42),
                (f"{staff}: Đã cài đặt", 39, 41),
                ("Phát thanh trên hệ thống loa", 2, 3),
                ("Ghi chú", "", "Bổ sung 1 cán bộ mới"),
            ],
        )
        self.assertContains(response, "Thay đổi so với lần gửi trước")
        self.assertContains(response, "<del>39</del> → <ins>41</ins> (+2)")
        self.assertContains(response, "<del>—</del> → <ins>Bổ sung 1 cán bộ mới</ins>")

    def test_a_viewer_reads_it_without_the_entry_link(self):
        self.client.force_login(self.hoa)
        response = self.client.get(URL)
        self.assertContains(response, "Lần gửi thứ 2")
        self.assertNotContains(response, "/enter/")

    def test_a_coordinator_gets_the_entry_link(self):
        self.client.force_login(self.minh)
        self.assertContains(self.client.get(URL), "/c/bluezone-2020/units/870-TTT/enter/")

    def test_it_is_404_outside_the_users_units(self):
        self.client.force_login(self.tuan)
        response = self.client.get(URL)
        self.assertEqual(response.status_code, 404)
        self.assertNotContains(response, "Thường Thới Tiền", status_code=404)
        self.client.force_login(self.lan)
        self.assertEqual(self.client.get("/c/bluezone-2020/units/870-LKA/").status_code, 404)

    def test_it_is_404_for_unknown_units_and_units_that_do_not_report(self):
        self.assertEqual(self.client.get("/c/bluezone-2020/units/nope/").status_code, 404)
        self.client.force_login(self.minh)
        self.assertEqual(self.client.get("/c/bluezone-2020/units/870/").status_code, 404)
        self.assertEqual(self.client.get("/c/nope/units/870-TTT/").status_code, 404)

    def test_it_refuses_other_methods(self):
        self.assertEqual(self.client.post(URL).status_code, 405)
