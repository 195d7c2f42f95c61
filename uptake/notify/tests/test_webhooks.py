"""Webhooks: signed JSON POSTs to a real local HTTP server, retried with backoff, logged."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from django.test import override_settings
from django.utils import timezone

from uptake.campaigns.loader import load_campaign
from uptake.notify.channels.webhook import Webhook
from uptake.notify.models import Delivery, Job
from uptake.notify.tests.helpers import NotifyTestCase
from uptake.test import campaign_data


def webhooks():
    return Delivery.objects.filter(channel="webhook")


SECRET = "zalo-bridge-secret-0123456789"


class Receiver:
    """An HTTP server on 127.0.0.1 that answers each POST with the next status of ``answers``
    and checks its signature the way a receiver would."""

    def __init__(self, answers: list[int], secret: str = SECRET):
        self.answers, self.secret, self.requests = list(answers), secret, []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                expected = (
                    "sha256=" + hmac.new(receiver.secret.encode(), body, hashlib.sha256).hexdigest()
                )
                receiver.requests.append(
                    {
                        "raw": body,
                        "path": self.path,
                        "headers": dict(self.headers),
                        "body": json.loads(body),
                        "signed": hmac.compare_digest(
                            expected, self.headers.get("X-Uptake-Signature", "")
                        ),
                    }
                )
                status = receiver.answers.pop(0) if receiver.answers else 200
                if status in (301, 302, 307):
                    self.send_response(status)
                    self.send_header("Location", "http://127.0.0.1:9/elsewhere")
                    self.end_headers()
                    return
                reply = b'{"ok": true}' if status < 300 else b"upstream unavailable"
                self.send_response(status)
                self.send_header("Content-Length", str(len(reply)))
                self.end_headers()
                self.wfile.write(reply)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/uptake-hook"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


# The receiver listens on 127.0.0.1: a private address, allowed for these tests only (#15).
@override_settings(WEBHOOK_ALLOW_PRIVATE=True)
class WebhookTestCase(NotifyTestCase):
    def setUp(self):
        super().setUp()
        self.settle(self.campaign, jobs=[Job.MORNING_REMINDER])
        self.at(14, 0)

    def hook(self, receiver: Receiver, **extra) -> None:
        hooks = [{"url": receiver.url, "secret": SECRET, **extra}]
        self.campaign, _stats = load_campaign(campaign_data(webhooks=hooks))

    def test_the_event_is_posted_signed_and_retried_after_a_500(self):
        with Receiver([500, 200]) as receiver:
            self.hook(receiver)
            self.run_scheduler()
            delivery = webhooks().get()
            self.assertEqual((delivery.state, delivery.attempts), (Delivery.State.PENDING, 1))
            self.assertEqual(delivery.last_status, 500)
            self.assertEqual(delivery.next_attempt_at, timezone.now() + timedelta(seconds=30))
            self.at(14, 0, second=29)
            self.run_scheduler()
            self.assertEqual(len(receiver.requests), 1)
            self.at(14, 0, second=30)
            self.run_scheduler()

        delivery.refresh_from_db()
        self.assertEqual((delivery.state, delivery.attempts), (Delivery.State.SENT, 2))
        self.assertEqual((delivery.last_status, delivery.last_error), (200, ""))
        first, second = delivery.tries.all()
        self.assertEqual((first.number, first.status_code), (1, 500))
        self.assertEqual(first.error, "HTTP 500 Internal Server Error")
        # Only the status and its reason are kept, never the receiver's body (netguard, #15).
        self.assertEqual(first.response, "")
        self.assertEqual((second.number, second.status_code, second.error), (2, 200, ""))
        self.assertGreaterEqual(second.duration_ms, 0)

        self.assertEqual(len(receiver.requests), 2)
        for request in receiver.requests:
            self.assertTrue(request["signed"], "the HMAC-SHA256 of the body matches")
            headers, body = request["headers"], request["body"]
            self.assertEqual(request["path"], "/uptake-hook")
            self.assertEqual(headers["Content-Type"], "application/json; charset=utf-8")
            self.assertEqual(headers["X-Uptake-Event"], "afternoon_reminder")
            self.assertEqual(headers["X-Uptake-Delivery"], str(delivery.pk))
            self.assertEqual(headers["X-Uptake-Timestamp"], str(body["timestamp"]))
            self.assertEqual(body["delivery"], delivery.pk)
            self.assertEqual(body["event"], "afternoon_reminder")
            self.assertEqual((body["campaign"], body["date"]), ("bluezone-2020", "2020-08-17"))
            self.assertEqual(body["title"], "Chưa báo cáo: hạn nộp là 15:00 hôm nay")
            self.assertIn("Thị trấn Thường Thới Tiền", body["text"])
            codes = [unit["code"] for unit in body["data"]["units"]]
            # The summary's order (#17): under each parent, offices, then communes and towns.
            self.assertEqual(codes, ["869-TH", "870-VHTT", "870-NV", "870-TTT", "870-LKA"])
        first_at, second_at = (int(r["headers"]["X-Uptake-Timestamp"]) for r in receiver.requests)
        self.assertEqual(second_at - first_at, 30)

    def test_a_receiver_with_another_secret_sees_a_wrong_signature(self):
        with Receiver([200], secret="someone-elses-secret-value") as receiver:
            self.hook(receiver)
            self.run_scheduler()
        self.assertFalse(receiver.requests[0]["signed"])

    def test_a_webhook_gets_only_the_events_it_chose(self):
        with Receiver([]) as receiver:
            self.hook(receiver, events=["overdue", "compile"])
            self.run_scheduler()
            self.assertEqual(receiver.requests, [])
            self.at(15, 0)
            self.run_scheduler()
        self.assertEqual([r["body"]["event"] for r in receiver.requests], ["overdue"])
        data = receiver.requests[0]["body"]["data"]
        self.assertEqual(len(data["units"]), 5)

    def test_an_unreachable_receiver_is_logged_and_retried_until_it_gives_up(self):
        with Receiver([]) as receiver:
            url = receiver.url
        self.campaign, _stats = load_campaign(
            campaign_data(
                webhooks=[{"url": url, "secret": SECRET, "events": ["afternoon_reminder"]}]
            )
        )
        for _attempt in range(Webhook.max_attempts):
            self.run_scheduler()
            delivery = webhooks().get()
            self.move_to(delivery.next_attempt_at)
        delivery.refresh_from_db()
        self.assertEqual((delivery.state, delivery.attempts), (Delivery.State.FAILED, 8))
        self.assertEqual(delivery.tries.count(), 8)
        self.assertEqual(delivery.tries.first().error, "connection refused")
        self.assertIsNone(delivery.tries.first().status_code)
        waits = [
            (b.at - a.at).total_seconds()
            for a, b in zip(delivery.tries.all(), list(delivery.tries.all())[1:], strict=False)
        ]
        self.assertEqual(waits, [30, 60, 120, 240, 480, 960, 1920])

    def test_a_redirect_is_not_followed(self):
        with Receiver([302, 200]) as receiver:
            self.hook(receiver)
            self.run_scheduler()
        delivery = webhooks().get()
        self.assertEqual((delivery.state, delivery.last_status), (Delivery.State.PENDING, 302))
        self.assertEqual(len(receiver.requests), 1)

    def test_a_webhook_removed_from_the_campaign_file_is_not_posted_to(self):
        with Receiver([500]) as receiver:
            self.hook(receiver)
            self.run_scheduler()
            load_campaign(campaign_data())
            self.move_to(webhooks().get().next_attempt_at)
            self.run_scheduler()
        delivery = webhooks().get()
        self.assertEqual(delivery.state, Delivery.State.FAILED)
        self.assertIn("no longer in the campaign file", delivery.last_error)
        self.assertEqual(len(receiver.requests), 1)

    def test_a_job_run_again_queues_no_second_delivery(self):
        from uptake.notify.jobs import run_job

        with Receiver([]) as receiver:
            self.hook(receiver)
            self.run_scheduler()
            run = self.run_of(Job.AFTERNOON_REMINDER)
            run_job(run)
            self.run_scheduler()
        self.assertEqual(webhooks().count(), 1)
        self.assertEqual(len(receiver.requests), 1)
