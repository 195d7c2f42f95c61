"""Per-token rate limits of the API: API_RATE_LIMIT requests a minute, then 429.

A fixed window counter in Django's cache (in memory by default, Redis with REDIS_URL so that
every worker shares it): ``cache.add`` opens the minute's counter, ``cache.incr`` counts
atomically, so that two requests at the same instant are both counted.
"""

from __future__ import annotations

import math
import time

from django.conf import settings
from django.core.cache import cache

WINDOW = 60  # seconds


class RateLimited(Exception):
    def __init__(self, limit: int, retry_after: int):
        super().__init__(f"more than {limit} requests a minute")
        self.limit, self.retry_after = limit, retry_after


def count(key: str, limit: int | None = None, window: int = WINDOW) -> int:
    """Count one request for ``key`` (a token's hash) in the current window; the count."""
    now = time.time()
    slot = int(now // window)
    name = f"api-rate:{key}:{slot}"
    cache.add(name, 0, timeout=window + 5)
    try:
        return cache.incr(name)
    except ValueError:  # the counter expired between add and incr: this request opens it
        cache.add(name, 1, timeout=window + 5)
        return 1


def check(key: str) -> None:
    """Raise RateLimited when ``key`` has made more than API_RATE_LIMIT requests this minute
    (0: no limit)."""
    limit = settings.API_RATE_LIMIT
    if limit <= 0:
        return
    if count(key) > limit:
        now = time.time()
        retry_after = max(1, math.ceil((int(now // WINDOW) + 1) * WINDOW - now))
        raise RateLimited(limit, retry_after)
