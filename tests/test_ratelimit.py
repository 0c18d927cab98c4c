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


def test_idle_users_are_forgotten_a_few_at_a_time_and_memory_is_bounded():
    tick = Tick()
    limiter = RateLimiter(3, window=60, clock=tick, max_keys=1000)
    for n in range(5000):  # a flood of distinct users
        limiter.check(f"u{n}")
    assert len(limiter._hits) == 1000  # the least recently seen are dropped first
    limiter.check("u4999")  # a recent one is kept, with its count
    limiter.check("u4999")
    with pytest.raises(RateLimited):
        limiter.check("u4999")
    tick.t += 61
    for n in range(400):  # each request drops up to two idle users: no pass over the whole table
        limiter.check(f"new{n}")
    assert len(limiter._hits) == 1000 + 400 - 800


@pytest.mark.parametrize("command", ["/score", "/leaderboard", "/topics", "/help", "/hideme"])
async def test_every_student_command_is_limited(service, command):
    service.limiter = RateLimiter(3, window=60)
    bot = ConsoleBot(service, UserRef("console", "spam", "Spam"), ClassRef("console", "7b"))
    replies = [await bot.handle(command) for _ in range(4)]
    assert all("Slow down" not in r for r in replies[:3]) and "Slow down" in replies[3]


async def test_answers_are_limited_apart_from_commands(service):
    service.limiter = RateLimiter(2, window=60)
    user = UserRef("console", "fast", "Fast")
    status = await service.daily(ClassRef("console", "7b"), user)
    for _ in range(2):
        await service.answer(ClassRef("console", "7b"), user, status.next.ref, "x")
    with pytest.raises(RateLimited):
        await service.answer(ClassRef("console", "7b"), user, status.next.ref, "x")
