"""Discord: a teacher (Manage Server, or the teacher role) may try /daily and /quiz but is not one of the students."""

from __future__ import annotations

import logging

import discord
import pytest

from adapters.discord.bot import RevisionBot
from bot.config import Settings
from tests.adapters.discord_fake import MANAGE_GUILD, FakeDiscord, Harness, user
from tests.adapters.test_discord import answer_prompt, last_shown, reply_text

TEACHER = user(800000000000000099, "Mr K")


@pytest.fixture
async def dc(monkeypatch, service, caplog):
    caplog.set_level(logging.INFO)
    fake = FakeDiscord()
    monkeypatch.setattr(discord.http.Route, "BASE", await fake.start())
    bot = RevisionBot(service, Settings(database_url="sqlite+aiosqlite://"))
    await bot.login("fake-token")
    harness = Harness(fake, bot)
    harness.guild_create()
    yield harness
    await bot.close()
    await fake.stop()
    assert not [r.getMessage() for r in caplog.get_records("call") if r.levelno >= logging.ERROR]


async def take_the_daily_quiz(dc, service, **who) -> str:  # noqa: ANN001
    """/daily, then every question as it comes (buttons and the answer form); the last reply."""
    sent = await dc.command("daily", **who)
    for _ in range(5):
        _, sent = await answer_prompt(dc, service, sent, who=who.get("who"))
    return reply_text(sent)


async def test_a_teacher_taking_the_daily_quiz_and_practising_is_no_student_of_the_class(dc, service):
    teacher = {"who": TEACHER, "perms": MANAGE_GUILD}
    assert "That's today's quiz done: 5/5 right" in await take_the_daily_quiz(dc, service, **teacher)
    assert "That's today's quiz done: 5/5 right" in await take_the_daily_quiz(dc, service)  # Ana, a student
    practice = await dc.command("quiz", {"topic": "yalta"}, **teacher)
    _, marked = await answer_prompt(dc, service, practice, who=TEACHER)
    assert "Right!" in reply_text(marked)

    for period in ("today", "week", "season"):
        board = last_shown(await dc.command("leaderboard", {"period": period}, **teacher)).text()
        assert "1. Ana - 5 points" in board and "Mr K" not in board
    assert "Mr K: 5 points this season" in reply_text(await dc.command("score", **teacher))  # their own tries
    report = last_shown(await dc.command("report", **teacher)).text()
    students = report.split("Students (weakest first):", 1)[1].split("Questions", 1)[0]
    assert "Ana: 5/5" in students and "Mr K" not in report
    assert all(" first try (1) " in line for line in report.splitlines() if " first try (" in line)
