"""The per-user rate limit on questions and quiz commands."""

import pytest

from adapters.console.bot import ConsoleBot
from bot.ratelimit import RateLimited, RateLimiter
from bot.refs import ClassRef, UserRef


class Tick:
    def __init__(self):
        self.t = 1000.0

    def __call__(self):
        return self.t


def test_sliding_window_per_user():
    tick = Tick()
    limiter = RateLimiter(3, window=60, clock=tick)
    for _ in range(3):
        limiter.check("a")
    with pytest.raises(RateLimited) as err:
        limiter.check("a")
    assert 1 <= err.value.retry_after <= 60
    limiter.check("b")  # others are not affected
    tick.t += 61
    limiter.check("a")
    RateLimiter(0).check("a")  # 0 switches it off


async def test_the_console_tells_a_flooding_student_to_slow_down(service):
    service.limiter = RateLimiter(5, window=60)
    bot = ConsoleBot(service, UserRef("console", "spam", "Spam"), ClassRef("console", "7b"))
    replies = [await bot.handle("yalta conference") for _ in range(5)]
    assert all("Yalta" in r for r in replies)
    assert "Slow down" in await bot.handle("yalta conference")
    assert "Slow down" in await bot.handle("/quiz")
    other = ConsoleBot(service, UserRef("console", "calm", "Calm"), ClassRef("console", "7b"))
    assert "Yalta" in await other.handle("yalta conference")
