"""SMS through eSMS.vn: one short text per reporter, without diacritics unless the setting says,
against a local server that answers as eSMS's API documentation describes."""

from __future__ import annotations

import json

from django.test import SimpleTestCase, override_settings

from uptake.accounts.models import profile_of
from uptake.notify.channels.sms import Sms, fit, parts, strip_diacritics
from uptake.notify.models import Delivery, Job
from uptake.notify.outbox import send_due
from uptake.notify.tests.fakes import FakeEsms
from uptake.notify.tests.helpers import NotifyTestCase


@override_settings(SITE_URL="https://uptake.example.org")
class SmsTestCase(NotifyTestCase):
    def setUp(self):
        super().setUp()
        self.esms = FakeEsms()
        self.esms.__enter__()
        self.addCleanup(self.esms.__exit__, None, None, None)
        self.use(**self.esms.settings())
        profile = profile_of(self.lan)
        profile.phone = "0912345678"
        profile.save()
        self.settle(self.campaign, jobs=[Job.MORNING_REMINDER])
        self.at(14, 0)

    def use(self, **settings) -> None:
        overridden = override_settings(**settings)
        overridden.enable()
        self.addCleanup(overridden.disable)

    def sms_of(self, user) -> Delivery:
        return Delivery.objects.get(user=user, channel="sms")

    def test_a_reporter_with_a_phone_gets_one_sms_without_diacritics(self):
        counts = self.run_scheduler()
        self.assertEqual(counts["sms"], 1)
        delivery = self.sms_of(self.lan)
        self.assertEqual(delivery.state, Delivery.State.SENT)
        [request] = self.esms.requests
        self.assertEqual(request["path"], FakeEsms.PATH)
        self.assertTrue(request["headers"]["content-type"].startswith("application/json"))
        body = json.loads(request["raw"])
        self.assertEqual(
            {k: body[k] for k in ("Phone", "Brandname", "SmsType", "IsUnicode", "Sandbox")},
            {
                "Phone": "0912345678",
                "Brandname": "UPTAKE",
                "SmsType": "2",
                "IsUnicode": "0",
                "Sandbox": "0",
            },
        )
        self.assertEqual(body["RequestId"], str(delivery.pk))
        text = body["Content"]
        self.assertEqual(parts(text, unicode=False), 1)
        self.assertTrue(text.isascii(), text)
        self.assertIn("Thi tran Thuong Thoi Tien", text)
        self.assertIn("https://uptake.example.org/c/bluezone-2020/report/", text)
        self.assertEqual(delivery.reference, self.esms.seen[str(delivery.pk)])

    def test_with_unicode_on_the_text_keeps_its_diacritics(self):
        self.use(SMS_UNICODE=True)
        self.run_scheduler()
        body = json.loads(self.esms.requests[0]["raw"])
        self.assertEqual(body["IsUnicode"], "1")
        self.assertIn("Thị trấn Thường Thới Tiền", body["Content"])

    def test_a_repeat_after_a_lost_answer_is_not_a_second_sms(self):
        # The first answer is lost (the server errs after accepting): the retry carries the
        # same RequestId, eSMS answers 124 (seen before), and the delivery is sent.
        self.esms.seen["placeholder"] = "x"
        self.run_scheduler()
        delivery = self.sms_of(self.lan)
        Delivery.objects.filter(pk=delivery.pk).update(
            state=Delivery.State.SENDING, next_attempt_at=delivery.sent_at
        )
        send_due("after-a-crash")
        delivery.refresh_from_db()
        self.assertEqual(delivery.state, Delivery.State.SENT)
        self.assertEqual(len(self.esms.sent), 1)
        self.assertEqual(len(self.esms.requests), 2)
        self.assertEqual(delivery.tries.last().status_code, 124)

    def test_wrong_keys_are_a_dead_letter_without_the_keys_in_it(self):
        self.use(ESMS_SECRET_KEY="not-the-right-secret-key")
        self.run_scheduler()
        delivery = self.sms_of(self.lan)
        self.assertEqual((delivery.state, delivery.last_status), (Delivery.State.FAILED, 101))
        self.assertIn("API key or secret key is wrong", delivery.last_error)
        for text in (delivery.last_error, delivery.tries.get().response):
            self.assertNotIn("not-the-right-secret-key", text)
            self.assertNotIn(FakeEsms.API_KEY, text)

    def test_an_unknown_error_or_an_unavailable_server_is_tried_again(self):
        self.esms.script = [(200, {"CodeResult": "99", "ErrorMessage": "Loi"}), (503, {})]
        self.run_scheduler()
        delivery = self.sms_of(self.lan)
        self.assertEqual((delivery.state, delivery.last_status), (Delivery.State.PENDING, 99))
        self.move_to(delivery.next_attempt_at)
        send_due("t")
        delivery.refresh_from_db()
        self.assertEqual((delivery.state, delivery.last_status), (Delivery.State.PENDING, 503))
        self.move_to(delivery.next_attempt_at)
        send_due("t")
        delivery.refresh_from_db()
        self.assertEqual((delivery.state, delivery.attempts), (Delivery.State.SENT, 3))
        self.assertEqual(len(self.esms.sent), 1)

    def test_gives_up_after_the_last_try(self):
        self.esms.script = [(500, {})] * Sms.max_attempts
        for _try in range(Sms.max_attempts):
            self.run_scheduler()
            self.move_to(self.sms_of(self.lan).next_attempt_at)
        delivery = self.sms_of(self.lan)
        self.assertEqual((delivery.state, delivery.attempts), (Delivery.State.FAILED, 5))


class SmsTextTestCase(SimpleTestCase):
    def test_vietnamese_loses_its_marks_and_d_becomes_d(self):
        self.assertEqual(
            strip_diacritics("Xã Long Khánh A, Đồng Tháp – đủ"), "Xa Long Khanh A, Dong Thap - du"
        )

    def test_parts_count_the_gsm_and_unicode_lengths(self):
        self.assertEqual(parts("a" * 160, unicode=False), 1)
        self.assertEqual(parts("a" * 161, unicode=False), 2)
        self.assertEqual(parts("[" * 80, unicode=False), 1)  # two septets each
        self.assertEqual(parts("[" * 81, unicode=False), 2)
        self.assertEqual(parts("ạ" * 70, unicode=True), 1)
        self.assertEqual(parts("ạ" * 71, unicode=True), 2)

    def test_the_first_form_that_fits_one_sms_is_chosen(self):
        long_body = "Xã " * 80
        self.assertEqual(fit([long_body, "Ngắn gọn"], unicode=False, max_parts=3), "Ngan gon")
        self.assertEqual(fit(["Đủ ngắn", "x"], unicode=False, max_parts=3), "Du ngan")

    def test_a_text_too_long_for_the_parts_allowed_is_cut(self):
        text = fit(["a" * 1000], unicode=False, max_parts=2)
        self.assertEqual(len(text), 306)
        self.assertTrue(text.endswith("..."))
        self.assertEqual(parts(text, unicode=False), 2)
