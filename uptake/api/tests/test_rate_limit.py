"""Per-token rate limits: API_RATE_LIMIT requests a minute with one token, then 429 with
Retry-After, in the API's error format; another token, or the next minute, is not affected."""

from __future__ import annotations

import uuid
from datetime import timedelta

import time_machine
from django.core.cache import cache
from django.test import override_settings
from django.utils import timezone

from uptake.api import ratelimit
from uptake.test import BaseTestCase

URL = "/api/v1/units"


@override_settings(API_RATE_LIMIT=3)
class RateLimitTest(BaseTestCase):
    def setUp(self):
        super().setUp()
        self.headers = self.bearer(self.lan)

    def get(self, headers=None):
        return self.client.get(URL, **(headers or self.headers))

    def test_it_answers_429_past_the_limit(self):
        for _ in range(3):
            self.assertEqual(self.get().status_code, 200)
        response = self.get()
        self.assertEqual(response.status_code, 429)
        self.assertEqual(response["Retry-After"], "60")  # the clock stands at 10:00:00
        error = response.json()["errors"][0]
        self.assertEqual(error["field"], "authorization")
        self.assertIn("at most 3 a minute", error["message"])

    def test_retry_after_counts_down_to_the_next_minute(self):
        with time_machine.travel(timezone.now() + timedelta(seconds=45), tick=False):
            for _ in range(3):
                self.get()
            self.assertEqual(self.get()["Retry-After"], "15")

    def test_the_next_minute_starts_afresh(self):
        for _ in range(4):
            self.get()
        with time_machine.travel(timezone.now() + timedelta(minutes=1), tick=False):
            self.assertEqual(self.get().status_code, 200)

    def test_each_token_has_its_own_count(self):
        for _ in range(4):
            self.get()
        self.assertEqual(self.get(self.bearer(self.lan)).status_code, 200)

    def test_an_unknown_token_is_401_not_429(self):
        for _ in range(5):
            response = self.get({"HTTP_AUTHORIZATION": "Bearer upt_nope"})
        self.assertEqual(response.status_code, 401)

    @override_settings(API_RATE_LIMIT=0)
    def test_zero_means_no_limit(self):
        for _ in range(10):
            self.assertEqual(self.get().status_code, 200)

    def test_the_counter_is_one_per_request_even_when_it_expired_meanwhile(self):
        key = uuid.uuid4().hex
        self.assertEqual(ratelimit.count(key), 1)
        self.assertEqual(ratelimit.count(key), 2)
        cache.delete(f"api-rate:{key}:{int(timezone.now().timestamp()) // 60}")
        self.assertEqual(ratelimit.count(key), 1)
