"""Webhooks speak Standard Webhooks: a receiver verifies them with the standard's own library
(``standardwebhooks``), whether the secret is written ``whsec_…`` or plain."""

from __future__ import annotations

import base64

from django.test import override_settings
from standardwebhooks.webhooks import Webhook as Verifier
from standardwebhooks.webhooks import WebhookVerificationError

from uptake.campaigns.loader import load_campaign
from uptake.notify.models import Delivery, Job
from uptake.notify.tests.helpers import NotifyTestCase
from uptake.notify.tests.test_webhooks import Receiver
from uptake.test import campaign_data

PLAIN = "zalo-bridge-secret-0123456789"
WHSEC = "whsec_" + base64.b64encode(b"\x01\x02 the office's webhook key \xff").decode()


@override_settings(WEBHOOK_ALLOW_PRIVATE=True)
class StandardWebhooksTestCase(NotifyTestCase):
    def setUp(self):
        super().setUp()
        self.settle(self.campaign, jobs=[Job.MORNING_REMINDER])
        self.at(14, 0)

    def post_with(self, secret: str) -> dict:
        with Receiver([200], secret=secret) as receiver:
            hooks = [{"url": receiver.url, "secret": secret}]
            self.campaign, _stats = load_campaign(campaign_data(webhooks=hooks))
            self.run_scheduler()
        [request] = receiver.requests
        return request

    def test_a_whsec_secret_verifies_with_the_standard_library(self):
        request = self.post_with(WHSEC)
        delivery = Delivery.objects.get(channel="webhook")
        headers = {k.lower(): v for k, v in request["headers"].items()}
        self.assertEqual(headers["webhook-id"], str(delivery.pk))
        self.assertEqual(headers["webhook-timestamp"], str(request["body"]["timestamp"]))
        self.assertTrue(headers["webhook-signature"].startswith("v1,"))
        payload = Verifier(WHSEC).verify(request["raw"], headers)
        self.assertEqual(payload["event"], "afternoon_reminder")
        with self.assertRaises(WebhookVerificationError):
            Verifier("whsec_" + base64.b64encode(b"another key").decode()).verify(
                request["raw"], headers
            )

    def test_a_plain_secret_verifies_as_its_bytes_and_the_old_headers_stay(self):
        request = self.post_with(PLAIN)
        as_whsec = "whsec_" + base64.b64encode(PLAIN.encode()).decode()
        self.assertEqual(
            Verifier(as_whsec).verify(request["raw"], request["headers"])["kind"],
            "afternoon_reminder",
        )
        self.assertTrue(request["signed"])  # the deprecated X-Uptake-Signature still matches
        self.assertEqual(request["headers"]["X-Uptake-Event"], "afternoon_reminder")

    def test_a_tampered_body_does_not_verify(self):
        request = self.post_with(WHSEC)
        tampered = request["raw"].replace(b"afternoon_reminder", b"morning_reminder")
        with self.assertRaises(WebhookVerificationError):
            Verifier(WHSEC).verify(tampered, request["headers"])

    def test_a_whsec_secret_that_is_not_base64_is_a_dead_letter_with_the_reason(self):
        with Receiver([200]) as receiver:
            hooks = [{"url": receiver.url, "secret": "whsec_not*base64*at*all*!"}]
            self.campaign, _stats = load_campaign(campaign_data(webhooks=hooks))
            self.run_scheduler()
        delivery = Delivery.objects.get(channel="webhook")
        self.assertEqual(delivery.state, Delivery.State.FAILED)
        self.assertIn("not valid base64", delivery.last_error)
        self.assertEqual(receiver.requests, [])
