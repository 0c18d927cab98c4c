"""A per-user rate limit for questions and quiz commands, so one student cannot flood a class chat."""

from __future__ import annotations

import time
from collections import OrderedDict, deque
from collections.abc import Callable


class RateLimited(Exception):
    """Too many requests: try again in `retry_after` seconds."""

    def __init__(self, retry_after: float):
        super().__init__(f"rate limited for {retry_after:.0f}s")
        self.retry_after = retry_after

    @property
    def advice(self) -> str:
        """What to tell the student, on every platform."""
        seconds = max(1, round(self.retry_after))
        return f"Slow down a little: try again in {seconds} second{'' if seconds == 1 else 's'}."


class RateLimiter:
    """At most `limit` requests per `window` seconds per key (a sliding window); limit <= 0 turns it off.

    Constant time per request whatever the number of users: keys are kept in order of their last request, so
    idle ones are dropped from the front (at most two a call), and at most `max_keys` are kept at all."""

    def __init__(
        self, limit: int, window: float = 60.0, clock: Callable[[], float] = time.monotonic, max_keys: int = 200_000
    ):
        self.limit = limit
        self.window = window
        self.clock = clock
        self.max_keys = max_keys
        self._hits: OrderedDict[str, deque[float]] = OrderedDict()

    def check(self, key: str) -> None:
        """Count one request; raise RateLimited when over the limit (the refused request is not counted)."""
        if self.limit <= 0:
            return
        now = self.clock()
        hits = self._hits.get(key)
        if hits is None:
            hits = self._hits[key] = deque()
        else:
            self._hits.move_to_end(key)
        while hits and hits[0] <= now - self.window:
            hits.popleft()
        if len(hits) >= self.limit:
            raise RateLimited(max(1.0, hits[0] + self.window - now))
        hits.append(now)
        self._forget_idle(now)

    def _forget_idle(self, now: float) -> None:
        for _ in range(2):  # amortised: each key is added once and dropped once
            oldest_key, oldest = next(iter(self._hits.items()))
            if len(self._hits) > self.max_keys or (oldest and oldest[-1] <= now - self.window):
                del self._hits[oldest_key]
            else:
                return
