"""Webhooks go to public https:// addresses only (#15): checked when the campaign file is
loaded, and again when sending, after the name is resolved; WEBHOOK_ALLOW_PRIVATE opens it."""

from __future__ import annotations

import http.server
import threading
from unittest import mock

from django.test import SimpleTestCase, override_settings

from uptake.campaigns.loader import CampaignFileError, load_campaign
from uptake.lib import netguard
from uptake.lib.netguard import UnsafeAddress, check_url, public_ip
from uptake.test import BaseTestCase, campaign_data

HOOK = {"secret": "s" * 20, "events": ["compile"]}
REFUSED = [
    "http://169.254.169.254/latest/meta-data/",
    "https://169.254.169.254/latest/meta-data/",
    "https://127.0.0.1:8000/hook",
    "https://[::1]/hook",
    "https://[::ffff:127.0.0.1]/hook",
    "https://10.0.0.5/hook",
    "https://192.168.1.1/hook",
    "https://100.100.100.200/latest/meta-data/",  # a cloud's metadata (shared address space)
    "https://2130706433/hook",  # 127.0.0.1 written as one number
    "https://0x7f.1/hook",
    "https://localhost/hook",
    "https://metadata.google.internal/computeMetadata/v1/",
    "https://router.lan/hook",
    "https://intranet/hook",
    "https://user:pass@example.org/hook",
    "http://example.org/hook",
    "ftp://example.org/hook",
    "https:///hook",
]


def resolving_to(*addresses):
    infos = [(2, 1, 6, "", (a, 443)) for a in addresses]
    return mock.patch("uptake.lib.netguard.socket.getaddrinfo", return_value=infos)


class CheckUrlTest(SimpleTestCase):
    def test_private_loopback_link_local_and_metadata_addresses_are_refused(self):
        for url in REFUSED:
            with self.subTest(url=url), self.assertRaises(UnsafeAddress):
                check_url(url, resolve=False)

    def test_a_public_https_address_is_accepted(self):
        self.assertEqual(check_url("https://hooks.example.org/x?y=1", resolve=False), [])
        self.assertEqual(check_url("https://93.184.216.34/x", resolve=False), ["93.184.216.34"])

    def test_a_name_that_resolves_to_a_private_address_is_refused_at_sending(self):
        with resolving_to("93.184.216.34", "10.1.2.3"), self.assertRaises(UnsafeAddress) as e:
            check_url("https://hooks.example.org/x")
        self.assertIn("10.1.2.3", str(e.exception))
        with resolving_to("93.184.216.34"):
            self.assertEqual(check_url("https://hooks.example.org/x"), ["93.184.216.34"])

    def test_public_ip(self):
        for address in ("93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946"):
            self.assertTrue(public_ip(address), address)
        for address in (
            "169.254.169.254",
            "fd00:ec2::254",
            "::ffff:10.0.0.1",
            "0.0.0.0",
            "224.0.0.1",
            "fe80::1",
            "2002:7f00:1::1",
            "not an address",
        ):
            self.assertFalse(public_ip(address), address)

    @override_settings(WEBHOOK_ALLOW_PRIVATE=True)
    def test_the_setting_opens_plain_http_and_private_addresses(self):
        self.assertEqual(check_url("http://127.0.0.1:8000/hook", resolve=False), [])
        with self.assertRaises(UnsafeAddress):
            check_url("ftp://127.0.0.1/hook", resolve=False)


class _Listener(http.server.BaseHTTPRequestHandler):
    hits = 0

    def do_POST(self):
        type(self).hits += 1
        self.send_response(302 if self.path == "/redirect" else 200)
        self.send_header("Location", "http://169.254.169.254/")
        self.end_headers()
        self.wfile.write(b"secret reply body " * 100)

    def log_message(self, *args):
        pass


class PostTest(SimpleTestCase):
    def setUp(self):
        self.server = http.server.HTTPServer(("127.0.0.1", 0), _Listener)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.addCleanup(self.server.server_close)
        self.addCleanup(self.server.shutdown)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        _Listener.hits = 0

    def test_a_listener_on_the_loopback_gets_nothing(self):
        reply = netguard.post(self.url + "/hook", b"{}", {}, timeout=2)
        self.assertEqual(_Listener.hits, 0)
        self.assertIsNone(reply.status)
        self.assertTrue(reply.reason.startswith("refused: "))
        self.assertFalse(reply.ok)

    @override_settings(WEBHOOK_ALLOW_PRIVATE=True)
    def test_with_the_setting_it_posts_and_keeps_a_status_not_the_body(self):
        reply = netguard.post(self.url + "/hook", b"{}", {"Content-Type": "application/json"})
        self.assertEqual((reply.status, reply.reason, reply.ok), (200, "HTTP 200 OK", True))
        self.assertNotIn("secret", reply.reason)
        redirect = netguard.post(self.url + "/redirect", b"{}", {})
        self.assertEqual(redirect.status, 302)
        self.assertFalse(redirect.ok)
        self.assertIn("redirect not followed", redirect.reason)
        self.assertEqual(_Listener.hits, 2)

    def test_it_connects_to_the_address_it_checked(self):
        """A name checked as public and resolved again to 127.0.0.1 (DNS rebinding) is not
        followed: the connection goes to the address that was checked."""
        with (
            resolving_to("93.184.216.34"),
            mock.patch(
                "uptake.lib.netguard.socket.create_connection", side_effect=TimeoutError
            ) as connect,
        ):
            reply = netguard.post("https://hooks.example.org/x", b"{}", {}, timeout=1)
        self.assertEqual(connect.call_args.args[0], ("93.184.216.34", 443))
        self.assertEqual(reply, netguard.Reply(None, "no answer within 1 seconds"))


class CampaignFileWebhookTestCase(BaseTestCase):
    def test_the_campaign_file_refuses_a_webhook_to_the_metadata_service(self):
        for url in ("http://169.254.169.254/latest/meta-data/", "https://127.0.0.1/x"):
            with self.subTest(url=url), self.assertRaises(CampaignFileError) as refused:
                load_campaign(campaign_data(webhooks=[{**HOOK, "url": url}]))
            self.assertIn("webhooks[0].url", str(refused.exception))

    def test_the_campaign_file_takes_a_public_https_webhook(self):
        campaign, _stats = load_campaign(
            campaign_data(webhooks=[{**HOOK, "url": "https://hooks.example.org/uptake"}])
        )
        self.assertEqual(campaign.slug, "bluezone-2020")
