"""A person's mobile number (validated, stored as 0912345678, shown masked) and the "send me a
test" button of each channel."""

from __future__ import annotations

from django.core import mail
from django.core.exceptions import ValidationError
from django.test import SimpleTestCase, override_settings

from uptake.accounts.models import Profile, mask_phone, normalise_phone, profile_of
from uptake.notify.models import Delivery, Kind, Notification
from uptake.notify.tests.fakes import FakeEsms
from uptake.notify.tests.helpers import NotifyTestCase
from uptake.test import PASSWORD

PHONE_URL = "/notifications/phone/"


class PhoneNumberTestCase(SimpleTestCase):
    def test_the_ways_people_write_a_number_are_read(self):
        for written in (
            "0912345678",
            "0912 345 678",
            "0912.345.678",
            "091-234-5678",
            "+84 912 345 678",
            "84912345678",
        ):
            self.assertEqual(normalise_phone(written), "0912345678", written)
        for prefix in ("032", "039", "052", "055", "059", "070", "079", "081", "089", "099"):
            self.assertEqual(normalise_phone(prefix + "1234567"), prefix + "1234567")

    def test_what_is_not_a_vietnamese_mobile_number_is_refused(self):
        for bad in (
            "091234567",  # nine digits
            "09123456789",  # eleven
            "01691234567",  # an old 11-digit number, renumbered in 2018
            "0241234567",  # Hà Nội's landline
            "0951234567",  # no network
            "+1 415 555 0100",
            "091234567a",
        ):
            with self.assertRaises(ValidationError, msg=bad):
                normalise_phone(bad)

    def test_a_number_is_shown_masked(self):
        self.assertEqual(mask_phone("0912345678"), "091••••678")


class PhoneViewTestCase(NotifyTestCase):
    def setUp(self):
        super().setUp()
        self.client.login(username="lan", password=PASSWORD)

    def test_a_person_sets_their_number(self):
        response = self.client.post(PHONE_URL, {"phone": "+84 912 345 678"})
        self.assertRedirects(response, "/notifications/preferences/")
        self.assertEqual(Profile.objects.get(user=self.lan).phone, "0912345678")
        page = self.client.get("/account/")
        self.assertContains(page, "091••••678")
        self.assertNotContains(page, "0912345678")

    def test_a_wrong_number_is_refused_with_the_reason_on_top(self):
        response = self.client.post(PHONE_URL, {"phone": "0241234567"})
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, 'id="error-summary"')
        self.assertContains(response, "0912 345 678")
        self.assertEqual(Profile.objects.get(user=self.lan).phone, "")

    def test_an_empty_number_without_remove_is_refused(self):
        response = self.client.post(PHONE_URL, {"phone": ""})
        self.assertContains(response, 'id="error-summary"')

    def test_a_person_removes_their_number(self):
        self.client.post(PHONE_URL, {"phone": "0912345678"})
        self.client.post(PHONE_URL, {"phone": "", "remove": "1"})
        self.assertEqual(Profile.objects.get(user=self.lan).phone, "")

    def test_get_is_refused_and_visitors_log_in(self):
        self.assertEqual(self.client.get(PHONE_URL).status_code, 405)
        self.client.logout()
        response = self.client.post(PHONE_URL, {"phone": "0912345678"})
        self.assertEqual(response.status_code, 302)
        self.assertIn("/login/", response["Location"])

    def test_the_admin_stores_a_number_normalised(self):
        profile = profile_of(self.binh)
        profile.phone = "+84 387 654 321"
        profile.full_clean(exclude=["user", "units"])
        self.assertEqual(profile.phone, "0387654321")
        profile.phone = "12345"
        with self.assertRaises(ValidationError):
            profile.full_clean(exclude=["user", "units"])


class TestMessageTestCase(NotifyTestCase):
    def setUp(self):
        super().setUp()
        self.client.login(username="lan", password=PASSWORD)

    def test_a_test_by_email_is_sent_by_the_next_scheduler_pass(self):
        response = self.client.post("/notifications/test/email/", {"next": "/account/"})
        self.assertRedirects(response, "/account/", fetch_redirect_response=False)
        delivery = Delivery.objects.get(user=self.lan, kind=Kind.TEST)
        self.assertEqual((delivery.channel, delivery.address), ("email", "lan@example.org"))
        self.run_scheduler()
        delivery.refresh_from_db()
        self.assertEqual(delivery.state, Delivery.State.SENT)
        [message] = mail.outbox
        self.assertEqual(message.to, ["lan@example.org"])
        self.assertIn("thử", message.subject.lower())
        self.assertTrue(Notification.objects.filter(user=self.lan, kind=Kind.TEST).exists())
        page = self.client.get("/account/")
        self.assertContains(page, "channel-tests")

    def test_a_second_test_within_a_minute_is_refused(self):
        self.client.post("/notifications/test/email/")
        response = self.client.post("/notifications/test/email/", follow=True)
        self.assertEqual(Delivery.objects.filter(kind=Kind.TEST).count(), 1)
        self.assertContains(response, "1 phút")

    def test_a_channel_that_is_off_cannot_be_tested(self):
        response = self.client.post("/notifications/test/sms/", follow=True)
        self.assertFalse(Delivery.objects.filter(kind=Kind.TEST).exists())
        self.assertEqual(response.status_code, 200)

    def test_an_sms_test_needs_a_phone_number_then_goes_out(self):
        with FakeEsms() as esms, override_settings(**esms.settings()):
            self.client.post("/notifications/test/sms/")
            self.assertFalse(Delivery.objects.filter(kind=Kind.TEST).exists())
            self.client.post(PHONE_URL, {"phone": "0912345678"})
            self.client.post("/notifications/test/sms/")
            self.run_scheduler()
        delivery = Delivery.objects.get(kind=Kind.TEST)
        self.assertEqual((delivery.channel, delivery.state), ("sms", Delivery.State.SENT))
        self.assertEqual(len(esms.sent), 1)
        self.assertEqual(esms.sent[0]["Phone"], "0912345678")

    def test_get_is_refused(self):
        self.assertEqual(self.client.get("/notifications/test/email/").status_code, 405)
