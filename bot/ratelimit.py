"""A per-user rate limit for questions and quiz commands, so one student cannot flood a class chat."""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable


class RateLimited(Exception):
    """Too many requests: try again in `retry_after` seconds."""

    def __init__(self, retry_after: float):
        super().__init__(f"rate limited for {retry_after:.0f}s")
        self.retry_after = retry_after


class RateLimiter:
    """At most `limit` requests per `window` seconds per key (a sliding window); limit <= 0 turns it off."""

    def __init__(self, limit: int, window: float = 60.0, clock: Callable[[], float] = time.monotonic):
        self.limit = limit
        self.window = window
        self.clock = clock
        self._hits: dict[str, deque[float]] = {}

    def check(self, key: str) -> None:
        """Count one request; raise RateLimited when over the limit (the refused request is not counted)."""
        if self.limit <= 0:
            return
        now = self.clock()
        hits = self._hits.setdefault(key, deque())
        while hits and hits[0] <= now - self.window:
            hits.popleft()
        if len(hits) >= self.limit:
            raise RateLimited(max(1.0, hits[0] + self.window - now))
        hits.append(now)
        if len(self._hits) > 10_000:  # forget idle users now and then, so memory stays bounded
            self._hits = {k: v for k, v in self._hits.items() if v and v[-1] > now - self.window}
