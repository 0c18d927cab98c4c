"""The per-user rate limiter under many active users: time per request, ours beside the naive table rebuild.

    python bench/bench_ratelimit.py [--users 20000] [--requests 20000] [--runs 5]

Every user sends one request a second or so, all inside one window, so the whole table stays active: the
case where the naive limiter (drop idle users by rebuilding the table whenever it holds more than 10,000)
rebuilds it on every request. Prints the median time per request of each, and their ratio."""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections import deque
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.ratelimit import RateLimited, RateLimiter  # noqa: E402


class NaiveLimiter:
    """The limiter as it was: a dict of deques, rebuilt to forget idle users once it holds 10,000 keys."""

    def __init__(self, limit: int, window: float, clock):  # noqa: ANN001
        self.limit, self.window, self.clock = limit, window, clock
        self._hits: dict[str, deque[float]] = {}

    def check(self, key: str) -> None:
        now = self.clock()
        hits = self._hits.setdefault(key, deque())
        while hits and hits[0] <= now - self.window:
            hits.popleft()
        if len(hits) >= self.limit:
            raise RateLimited(max(1.0, hits[0] + self.window - now))
        hits.append(now)
        if len(self._hits) > 10_000:
            self._hits = {k: v for k, v in self._hits.items() if v and v[-1] > now - self.window}


def per_request(limiter_cls, users: int, requests: int) -> float:  # noqa: ANN001
    now = [0.0]
    limiter = limiter_cls(20, 60.0, lambda: now[0])
    for n in range(users):  # everyone active in the last minute
        now[0] += 30.0 / users
        limiter.check(f"u{n}")
    start = time.perf_counter()
    for n in range(requests):
        now[0] += 30.0 / requests
        limiter.check(f"u{(n * 7919) % users}")
    return (time.perf_counter() - start) / requests


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--users", type=int, default=20_000)
    ap.add_argument("--requests", type=int, default=2_000)
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    ours = [per_request(RateLimiter, args.users, args.requests * 10) for _ in range(args.runs)]
    naive = [per_request(NaiveLimiter, args.users, args.requests) for _ in range(args.runs)]
    o, n = statistics.median(ours), statistics.median(naive)
    print(f"{args.users} active users, median of {args.runs} runs")
    print("| limiter | time per request (µs) |\n|---|---|")
    print(f"| ours (ordered by last request) | {o * 1e6:.2f} |\n| naive (table rebuilt) | {n * 1e6:.1f} |")
    print(f"naive / ours: {n / o:.0f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
