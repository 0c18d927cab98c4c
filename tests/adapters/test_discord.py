"""The Discord adapter on the real discord.py, against a fake Discord on 127.0.0.1: what a class sees."""

from __future__ import annotations

import asyncio
import csv
import io
import logging
from datetime import UTC, datetime
from typing import Any

import discord
import pytest

from adapters.discord.bot import RevisionBot
from bot.config import Settings
from bot.refs import ClassRef, UserRef
from tests.adapters.discord_fake import (
    APP_ID,
    BLOCKED_CHANNEL_ID,
    BOT_ID,
    BOT_ROLE_ID,
    CHANNEL_ID,
    DM_CHANNEL_ID,
    GUILD_ID,
    MANAGE_GUILD,
    OWNER_ID,
    TEACHER_ROLE_ID,
    FakeDiscord,
    Harness,
    Request,
    components,
    overwrite,
    user,
    wait_for,
)

TEACHER = user(800000000000000099, "Mr K")
BEN = user(800000000000000002, "Ben")
CLS = ClassRef("discord", str(GUILD_ID))


@pytest.fixture(autouse=True)
def no_error_logged(caplog):
    """discord.py logs what a command or a button raises instead of raising it: an ERROR fails the test."""
    caplog.set_level(logging.INFO)
    yield
    errors = [r for r in caplog.get_records("call") if r.levelno >= logging.ERROR]
    assert not errors, "\n".join(f"{r.name}: {r.getMessage()}" for r in errors)


async def start_bot(fake: FakeDiscord, service, **settings: Any) -> Harness:
    bot = RevisionBot(service, Settings(database_url="sqlite+aiosqlite://", **settings))
    await bot.login("fake-token")
    harness = Harness(fake, bot)
    harness.guild_create()
    return harness


@pytest.fixture
async def dc(fake, service):
    harness = await start_bot(fake, service)
    yield harness
    await harness.bot.close()
    assert_within_discord_limits(fake.requests)


def assert_within_discord_limits(requests: list[Request]) -> None:
    """The bot called only known routes, and every message it sent pings nobody and fits Discord's limits."""
    assert not [(r.method, r.path) for r in requests if r.unknown_route]
    for r in requests:
        msg = r.message
        if msg is None:
            continue
        mentions = msg.get("allowed_mentions") or {}
        assert mentions.get("parse") == [] and not mentions.get("replied_user"), (r.path, mentions)
        assert not mentions.get("users") and not mentions.get("roles")
        assert len(msg.get("content") or "") <= 2000
        for e in msg.get("embeds") or []:
            assert len(e.get("title") or "") <= 256 and len(e.get("description") or "") <= 4096
            assert len(e.get("fields") or []) <= 25
            assert all(len(f["name"]) <= 256 and len(f["value"]) <= 1024 for f in e.get("fields") or [])
            total = len(e.get("title") or "") + len(e.get("description") or "")
            total += sum(len(f["name"]) + len(f["value"]) for f in e.get("fields") or [])
            total += len((e.get("footer") or {}).get("text") or "")
            assert total <= 6000
        buttons = components(msg)
        assert len(buttons) <= 25 and all(len(b.get("label") or "") <= 80 for b in buttons)


def last_shown(requests: list[Request]) -> Request:
    shown = [r for r in requests if r.message is not None]
    assert shown, [(r.method, r.path) for r in requests]
    return shown[-1]


def reply_text(requests: list[Request]) -> str:
    return last_shown(requests).text()


def message_of(requests: list[Request]) -> dict[str, Any]:
    """The message (as Discord stored it) that the last shown request created or edited."""
    response = last_shown(requests).response
    assert response is not None
    return response


# --- the command schema ---------------------------------------------------------------------------


async def test_the_registered_commands_have_descriptions_options_and_teacher_permissions(dc):
    assert [(r.method, r.path) for r in dc.fake.requests[:3]] == [
        ("GET", "/users/@me"),
        ("GET", "/oauth2/applications/@me"),
        ("PUT", f"/applications/{APP_ID}/commands"),  # synced at login, in setup_hook
    ]
    intents = dc.bot.intents
    assert not (intents.message_content or intents.members or intents.presences)  # no privileged intent
    assert intents.guilds and intents.guild_messages and intents.dm_messages
    assert dc.bot.allowed_mentions.to_dict() == {"parse": []}
    commands = {c["name"]: c for c in dc.fake.commands}
    assert set(commands) == {
        "ask", "quiz", "daily", "score", "leaderboard", "topics", "help", "forgetme", "hideme",
        "report", "export", "daily-settings", "season-new", "questions", "notes",
    }  # fmt: skip
    assert all(0 < len(c["description"]) <= 100 for c in commands.values())
    assert commands["ask"]["description"] == "Ask a question about the notes"
    teacher = {"report", "export", "daily-settings", "season-new", "questions"}
    for name, c in commands.items():
        if name in teacher:
            assert str(c["default_member_permissions"]) == str(discord.Permissions(manage_guild=True).value)
            assert c["contexts"] == [0]  # servers only
        else:
            assert c["default_member_permissions"] is None
    count = next(o for o in commands["daily-settings"]["options"] if o["name"] == "count")
    assert (count["min_value"], count["max_value"]) == (1, 20)  # Discord refuses 0 or 500 itself
    ask = commands["ask"]["options"]
    assert [(o["name"], o["type"], o["required"]) for o in ask] == [("question", 3, True), ("private", 5, False)]
    quiz = commands["quiz"]["options"][0]
    assert quiz["name"] == "topic" and quiz["autocomplete"] and not quiz["required"]
    period = commands["leaderboard"]["options"][0]
    assert [c["value"] for c in period["choices"]] == ["today", "week", "season"]
    settings = {o["name"]: o for o in commands["daily-settings"]["options"]}
    assert set(settings) == {"channel", "time", "timezone", "count", "enabled", "teacher_role"}
    assert settings["channel"]["type"] == 7 and 0 in settings["channel"]["channel_types"]
    assert settings["teacher_role"]["type"] == 8 and settings["timezone"]["autocomplete"]
    assert [c["value"] for c in settings["enabled"]["choices"]] == ["on", "off"]


# --- questions ----------------------------------------------------------------------------------------


async def test_ask_answers_from_the_notes_for_the_whole_channel(dc, service):
    sent = await dc.command("ask", {"question": "kruschev army cuts"})
    assert [r.body["type"] for r in sent if r.path.endswith("/callback")] == [4]  # answered at once, in public
    reply = last_shown(sent)
    assert not reply.ephemeral
    embed = reply.message["embeds"][0]
    assert embed["title"] == "kruschev army cuts"
    assert embed["fields"][0]["name"].startswith("1. ") and "Red Army" in reply.text()
    assert "from cold-war-" in embed["fields"][0]["value"] and "confidence" in embed["fields"][0]["value"]

    sent = await dc.command("ask", {"question": "who invented the telephone?"})
    assert "That is not in the notes." in reply_text(sent)
    gaps = (await service.report(CLS, True)).gaps
    assert [g.text for g in gaps] == ["who invented the telephone"]  # the class's teacher will see it


async def test_a_mention_is_a_question_and_so_is_a_direct_message(dc):
    dc.mention(f"<@{dc.bot.user.id}> what did churchill think about poland")
    await wait_for(lambda: dc.fake.posts_to(CHANNEL_ID), what="a reply to the mention")
    reply = dc.fake.posts_to(CHANNEL_ID)[-1]
    assert "Poland" in reply.text() and reply.body["message_reference"]["message_id"]
    assert reply.body["allowed_mentions"] == {"parse": [], "replied_user": False}
    assert reply.body["embeds"][0]["title"] == "what did churchill think about poland"

    dc.mention("yalta conference", dm=True)
    await wait_for(lambda: dc.fake.posts_to(DM_CHANNEL_ID), what="a reply in the DM")
    assert "Yalta" in dc.fake.posts_to(DM_CHANNEL_ID)[-1].text()


async def test_everyone_in_a_question_pings_nobody(dc):
    sent = await dc.command("ask", {"question": "@everyone @here <@&123456789012345678> what was *yalta*?"})
    dc.mention(f"<@{dc.bot.user.id}> @everyone what was yalta?")
    await wait_for(lambda: dc.fake.posts_to(CHANNEL_ID), what="a reply to the mention")
    for reply in (last_shown(sent), dc.fake.posts_to(CHANNEL_ID)[-1]):
        message = reply.body.get("data", reply.body)  # an interaction's first response carries it in "data"
        assert message["allowed_mentions"]["parse"] == []
        text = reply.text()
        assert "@\u200beveryone" in text and "@everyone" not in text
    assert "@\u200bhere" in reply_text(sent) and "\\*yalta\\*" in last_shown(sent).raw_text()  # shown as typed


async def test_a_10000_character_question_gets_a_short_reply(dc):
    sent = await dc.command("ask", {"question": "yalta " * 1667})
    reply = last_shown(sent)
    assert "300 characters" in reply.text()
    assert len(reply.message["embeds"][0]["title"]) <= 256
    assert all(len(r.text()) <= 2000 for r in dc.fake.shown())


# --- quizzes ------------------------------------------------------------------------------------------


async def answer_prompt(
    dc, service, sent: list[Request], right: bool = True, who=None, dm: bool = False
) -> tuple[str, list[Request]]:
    """Answer the question the last reply put, as a student would: a button, or Answer and the form."""
    prompt = last_shown(sent)
    ids = prompt.custom_ids()
    ref = ids[0].split(":", 2)[2].rsplit(":", 1)[0] if ids[0].startswith("rb:a:") else ids[0][len("rb:t:") :]
    question = await service.question_for(ref)
    if ids[0].startswith("rb:t:"):
        opened = await dc.click(message_of(sent), ids[0], who=who, dm=dm)
        form = [r for r in opened if r.path.endswith("/callback")][-1]
        assert form.body["type"] == 9  # the answer form (a modal)
        given = question.answer if right else "zzzz"
        return "typed", await dc.submit(form.body["data"], given, message_of(sent), who=who, dm=dm)
    index = question.options.index(question.answer)
    if not right:
        index = next(i for i, o in enumerate(question.options) if o != question.answer)
    return "choice", await dc.click(message_of(sent), f"rb:a:{ref}:{index}", who=who, dm=dm)


async def test_a_whole_daily_quiz_by_buttons_and_the_answer_form(dc, service):
    sent = await dc.command("daily")
    first = last_shown(sent)
    assert first.ephemeral and first.message["embeds"][0]["title"].startswith("Daily quiz, question 1/5")
    kinds = []
    for n in range(2, 7):
        kind, sent = await answer_prompt(dc, service, sent)
        kinds.append(kind)
        closed = [r for r in sent if r.method == "PATCH"][-1].body["components"][0]["components"]
        assert all(b["disabled"] for b in closed)  # the answered question's buttons are greyed out
        if kind == "choice":
            assert [b["style"] for b in closed].count(3) == 1  # the right option in green
        reply = last_shown(sent)
        assert reply.ephemeral and "Right!" in reply.text() and "From the notes" in reply.text()
        if n <= 5:
            assert reply.message["embeds"][0]["title"].startswith(f"Daily quiz, question {n}/5")
    assert "That's today's quiz done: 5/5 right. Streak: 1 day." in reply.text()
    assert set(kinds) == {"typed", "choice"}, kinds

    assert "You've done today's quiz" in reply_text(await dc.command("daily"))
    board = last_shown(await dc.command("leaderboard", {"period": "today"}))
    assert board.ephemeral and "1. Ana - 5 points (5/5)" in board.text()
    assert "Ana: 5 points this season" in reply_text(await dc.command("score"))


def ref_of(custom_id: str) -> str:
    return custom_id.split(":", 2)[2].rsplit(":", 1)[0] if custom_id.startswith("rb:a:") else custom_id[len("rb:t:") :]


async def until_a_choice(dc, service, sent: list[Request]) -> list[Request]:
    """Answer typed daily questions wrongly until a multiple-choice one comes up."""
    while last_shown(sent).custom_ids()[0].startswith("rb:t:"):
        _, sent = await answer_prompt(dc, service, sent, right=False)
    return sent


async def test_a_double_click_scores_once(dc, service):
    sent = await until_a_choice(dc, service, await dc.command("daily"))
    prompt, ids = message_of(sent), last_shown(sent).custom_ids()
    question = await service.question_for(ref_of(ids[0]))
    right = ids[question.options.index(question.answer)]
    first = await dc.click(prompt, right)
    again = await dc.click(prompt, right)
    assert "Right!" in reply_text(first)
    assert "already answered" in reply_text(again) and "Right!" not in reply_text(again)
    assert not [r for r in again if "Daily quiz, question" in r.text()]  # the next question is not sent twice
    assert "Ana: 1 point this season" in reply_text(await dc.command("score"))
    assert "1. Ana - 1 point" in reply_text(await dc.command("leaderboard", {"period": "today"}))


async def test_pending_questions_still_work_after_a_restart(fake, service):
    dc = await start_bot(fake, service)
    pending = [await dc.command("daily")]
    kinds = set()
    while len(kinds) < 2:  # practice questions until there is a typed one and a multiple-choice one
        sent = await dc.command("quiz", {"topic": "yalta"})
        kind = "typed" if last_shown(sent).custom_ids()[0].startswith("rb:t:") else "choice"
        if kind not in kinds:
            kinds.add(kind)
            pending.append(sent)
    await dc.bot.close()

    again = await start_bot(fake, service)  # a new process: nothing in memory, the same database
    try:
        for sent in pending:
            _, marked = await answer_prompt(again, service, sent)
            assert "Right!" in reply_text(marked)
    finally:
        await again.bot.close()
    assert_within_discord_limits(fake.requests)


async def until_typed(dc, service, sent: list[Request]) -> list[Request]:
    """Answer multiple-choice daily questions rightly until a typed one comes up."""
    while not last_shown(sent).custom_ids()[0].startswith("rb:t:"):
        _, sent = await answer_prompt(dc, service, sent)
    return sent


async def open_form(dc, sent: list[Request]) -> dict[str, Any]:
    """Press Answer under the typed question the last reply put: the form Discord shows (a modal)."""
    opened = await dc.click(message_of(sent), last_shown(sent).custom_ids()[0])
    form = [r for r in opened if r.path.endswith("/callback")][-1]
    assert form.body["type"] == 9
    return form.body["data"]


async def points(service) -> int:
    return (await service.score(CLS, UserRef("discord", Harness.STUDENT["id"]))).points


async def test_a_form_left_open_across_a_restart_is_answered_and_scored_once(fake, service):
    dc = await start_bot(fake, service)
    sent = await until_typed(dc, service, await dc.command("daily"))
    question = await service.question_for(ref_of(last_shown(sent).custom_ids()[0]))
    first, second = await open_form(dc, sent), await open_form(dc, sent)  # e.g. on the phone and the laptop
    scored = await points(service)
    await dc.bot.close()

    again = await start_bot(fake, service)  # a new process: the open forms are in nobody's memory
    try:
        marked = await again.submit(first, question.answer, message_of(sent))
        assert [r.body["type"] for r in marked if r.path.endswith("/callback")] == [6]  # acknowledged at once
        assert "Right!" in reply_text(marked)
        assert "Daily quiz, question" in reply_text(marked)  # and the next question comes, as from a live form
        twice = await again.submit(second, question.answer, message_of(sent))
        assert "already answered" in reply_text(twice) and "Right!" not in reply_text(twice)
        assert await points(service) == scored + 1
    finally:
        await again.bot.close()
    assert_within_discord_limits(fake.requests)


async def test_a_form_from_an_earlier_day_is_answered_as_expired(fake, service, clock):
    dc = await start_bot(fake, service)
    sent = await until_typed(dc, service, await dc.command("daily"))
    question = await service.question_for(ref_of(last_shown(sent).custom_ids()[0]))
    form = await open_form(dc, sent)
    scored = await points(service)
    await dc.bot.close()

    clock.advance(days=1)
    again = await start_bot(fake, service)
    try:
        marked = await again.submit(form, question.answer, message_of(sent))
        assert "earlier day's quiz question" in reply_text(marked) and last_shown(marked).ephemeral
        assert await points(service) == scored
    finally:
        await again.bot.close()


# --- the daily post -----------------------------------------------------------------------------------


def channel_option(channel_id: int, name: str = "revision") -> dict[str, Any]:
    channel = {"id": str(channel_id), "name": name, "type": 0, "permissions": MANAGE_GUILD, "guild_id": str(GUILD_ID)}
    return {"channels": {str(channel_id): channel}}


def role_option(role_id: int, name: str = "Teachers") -> dict[str, Any]:
    role = {"id": str(role_id), "name": name, "color": 0, "hoist": False, "position": 1, "permissions": "0"}
    return {"roles": {str(role_id): {**role, "managed": False, "mentionable": False}}}


async def as_teacher(dc, name: str, options: dict[str, Any] | None = None, **kwargs: Any) -> list[Request]:
    return await dc.command(name, options, who=TEACHER, perms=MANAGE_GUILD, **kwargs)


async def test_the_daily_quiz_is_posted_once_at_the_set_time(dc, service, clock, fake):
    await as_teacher(dc, "daily-settings", {"time": "10:00", "timezone": "Europe/London"})
    clock.now = datetime(2026, 11, 24, 10, 1, tzinfo=UTC)  # London is on UTC in November
    assert await dc.bot.post_daily_quizzes() == 0  # no channel yet: nothing posted, nothing claimed

    clock.now = datetime(2026, 11, 24, 9, 59, tzinfo=UTC)
    sent = await as_teacher(dc, "daily-settings", {"channel": str(CHANNEL_ID)}, resolved=channel_option(CHANNEL_ID))
    assert f"Channel: <#{CHANNEL_ID}>" in reply_text(sent) and "at 10:00 (Europe/London)" in reply_text(sent)
    assert await dc.bot.post_daily_quizzes() == 0 and not fake.posts_to(CHANNEL_ID)

    clock.advance(minutes=2)
    assert await dc.bot.post_daily_quizzes() == 1
    [post] = fake.posts_to(CHANNEL_ID)
    assert post.custom_ids() == ["rb:daily"] and "Today's quiz (2026-11-24)" in post.text()
    assert "5 questions" in post.text() and post.body["allowed_mentions"] == {"parse": []}
    assert await dc.bot.post_daily_quizzes() == 0
    other = await start_bot(fake, service)  # a second process (or shard) on the same database
    try:
        assert await other.bot.post_daily_quizzes() == 0
    finally:
        await other.bot.close()
    assert len(fake.posts_to(CHANNEL_ID)) == 1

    started = await dc.click(post.response, "rb:daily", who=BEN)  # each student gets their own questions
    reply = last_shown(started)
    assert reply.ephemeral and reply.text().startswith("Daily quiz, question 1/5")


READ_ONLY = overwrite(GUILD_ID, deny=discord.Permissions(send_messages=True))  # @everyone may read, not write


def set_overwrites(dc, channel_id: int, *overwrites: dict[str, Any]) -> None:
    """A moderator edits a channel's permissions: Discord changes them and tells the bot over the gateway."""
    dc.fake.overwrites[channel_id] = list(overwrites)
    dc.channel_update(channel_id)


async def test_a_channel_the_bot_may_not_post_in_is_reported_to_the_teacher(dc, fake, caplog, clock):
    blocked = channel_option(BLOCKED_CHANNEL_ID, "announcements")
    set_overwrites(dc, BLOCKED_CHANNEL_ID)  # open when the teacher chooses it ...
    clock.now = datetime(2026, 11, 24, 8, 0, tzinfo=UTC)  # set before the day's time
    await as_teacher(dc, "daily-settings", {"channel": str(BLOCKED_CHANNEL_ID), "time": "08:30"}, resolved=blocked)
    set_overwrites(dc, BLOCKED_CHANNEL_ID, READ_ONLY)  # ... made read-only later
    clock.now = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
    assert await dc.bot.post_daily_quizzes() == 0  # 09:00 UTC: due, refused by Discord, no crash
    assert len(fake.posts_to(BLOCKED_CHANNEL_ID)) == 1
    logged = [r for r in caplog.records if r.levelno == logging.WARNING and "not posted" in r.getMessage()]
    assert logged and "Missing Permissions" in logged[0].getMessage()

    [opened] = [r for r in fake.requests if r.path == "/users/@me/channels"]
    assert opened.body == {"recipient_id": OWNER_ID}  # the server's owner hears of it at once
    [dm] = fake.posts_to(DM_CHANNEL_ID)
    assert "could not be posted" in dm.text() and f"<#{BLOCKED_CHANNEL_ID}>" in dm.text()
    assert "Class 7B \\*history\\*" in dm.raw_text()  # the server's name is not markdown either

    shown = reply_text(await as_teacher(dc, "daily-settings"))  # and teachers, where they can fix it
    assert "could not be posted" in shown and "Send Messages" in shown
    assert "could not be posted" not in reply_text(await as_teacher(dc, "daily-settings"))
    assert await dc.bot.post_daily_quizzes() == 0 and len(fake.posts_to(BLOCKED_CHANNEL_ID)) == 1


async def test_choosing_a_channel_the_bot_may_not_post_in_is_refused_and_changes_nothing(dc, service):
    async def choose(channel_id: int, name: str) -> Request:
        options = {"channel": str(channel_id), "time": "07:45", "count": 3}
        return last_shown(await as_teacher(dc, "daily-settings", options, resolved=channel_option(channel_id, name)))

    # announcements: @everyone may read, not write, and the bot's role has no exception there
    refused = await choose(BLOCKED_CHANNEL_ID, "announcements")
    assert refused.ephemeral and "\n" not in refused.text() and not refused.message.get("embeds")
    assert refused.text().startswith("Nothing changed:") and "Send Messages" in refused.text()
    assert f"<#{BLOCKED_CHANNEL_ID}>" in refused.text()
    for perm in ("View Channel", "Embed Links"):
        assert perm not in refused.text()  # only the one to grant is named
    settings = await service.daily_settings(CLS, False)
    assert (settings.channel, settings.time, settings.count) == ("", "08:00", 5)  # the time and count neither

    # the bot's own role may not embed links in the revision channel; then it may not even see it
    set_overwrites(dc, CHANNEL_ID, overwrite(BOT_ROLE_ID, deny=discord.Permissions(embed_links=True)))
    assert "Embed Links" in (no_embeds := await choose(CHANNEL_ID, "revision")).text()
    assert "Send Messages" not in no_embeds.text()
    set_overwrites(dc, CHANNEL_ID, overwrite(BOT_ID, deny=discord.Permissions(view_channel=True), member=True))
    unseen = (await choose(CHANNEL_ID, "revision")).text()
    assert "View Channel" in unseen and "Send Messages" not in unseen  # the one to grant: the rest follows
    assert (await service.daily_settings(CLS, False)).channel == ""

    # a role exception for the bot opens the read-only channel: accepted
    allowed = overwrite(BOT_ROLE_ID, allow=discord.Permissions(send_messages=True))
    set_overwrites(dc, BLOCKED_CHANNEL_ID, READ_ONLY, allowed)
    accepted = await choose(BLOCKED_CHANNEL_ID, "announcements")
    assert f"Channel: <#{BLOCKED_CHANNEL_ID}>" in accepted.text() and "3 questions at 07:45" in accepted.text()


# --- teachers -----------------------------------------------------------------------------------------


async def test_teacher_commands_are_refused_to_a_student(dc, service):
    for name, options in (("report", {}), ("export", {}), ("daily-settings", {"count": 3}), ("season-new", {})):
        sent = await dc.command(name, options)  # a member without Manage Server
        reply = last_shown(sent)
        assert reply.ephemeral and reply.text() == f"/{name} is for teachers."
        assert not any(r.files for r in sent)
    assert (await service.daily_settings(CLS, False)).count == 5
    assert "/report" not in reply_text(await dc.command("help"))
    assert "/report" in reply_text(await as_teacher(dc, "help"))


async def test_teacher_tools(dc, service):
    await answer_prompt(dc, service, await dc.command("daily"))
    report = last_shown(await as_teacher(dc, "report"))
    assert report.ephemeral and report.message["embeds"][0]["title"] == "Class report (season 1)"
    assert "Ana: 1/1" in report.text()

    export = [r for r in await as_teacher(dc, "export") if r.files][-1]
    name = f"revisionbot-report-{GUILD_ID}-{service.clock().date().isoformat()}.csv"  # which class, which day
    assert export.ephemeral and list(export.files) == [name]
    rows = list(csv.reader(io.StringIO(export.files[name].decode("utf-8-sig"))))
    assert rows[0][0] == "section" and any(r[0] == "student" for r in rows)

    assert "is for teachers" in reply_text(await dc.command("report", who=BEN, roles=[str(TEACHER_ROLE_ID)]))
    changes = {"time": "7:15", "timezone": "Europe/London", "count": 3, "enabled": "off"}
    changes["teacher_role"] = str(TEACHER_ROLE_ID)
    shown = reply_text(await as_teacher(dc, "daily-settings", changes, resolved=role_option(TEACHER_ROLE_ID)))
    assert "Daily quiz: off, 3 questions at 07:15 (Europe/London)" in shown
    assert f"Teacher role: <@&{TEACHER_ROLE_ID}>" in shown
    bad = reply_text(await as_teacher(dc, "daily-settings", {"time": "25:99", "timezone": "Mars/Base"}))
    assert "Not changed: time must look like 08:00" in bad and "unknown timezone" in bad

    # now a member of the teacher role is a teacher without Manage Server
    sent = await dc.command("report", who=BEN, roles=[str(TEACHER_ROLE_ID)])
    assert "Class report" in reply_text(sent)

    asked = last_shown(await as_teacher(dc, "season-new"))  # asked first, privately: nothing archived yet
    assert asked.ephemeral and "confirm:True" in asked.text() and "Season archived" not in asked.text()
    assert (await service.leaderboard(CLS, None, "season")).season == 1
    season = last_shown(await as_teacher(dc, "season-new", {"confirm": True}))
    assert not season.ephemeral and "Season archived" in season.text() and "Ana - 1 point" in season.text()
    assert (await service.leaderboard(CLS, None, "season")).season == 2


async def test_the_teacher_role_from_the_environment(fake, service):
    dc = await start_bot(fake, service, discord_teacher_role="teachers")
    try:
        assert "Class report" in reply_text(await dc.command("report", who=BEN, roles=[str(TEACHER_ROLE_ID)]))
        assert "is for teachers" in reply_text(await dc.command("report", who=BEN))
    finally:
        await dc.bot.close()


# --- the other commands -------------------------------------------------------------------------------


async def test_practice_topics_help_and_privacy_commands(dc, service):
    sent = await dc.command("quiz", {"topic": "yalta"})
    assert last_shown(sent).ephemeral and reply_text(sent).startswith("Practice (The Yalta Conference")
    _, marked = await answer_prompt(dc, service, sent, right=False)
    assert "Not quite" in reply_text(marked) and "From the notes" in reply_text(marked)
    assert not last_shown(marked).custom_ids()  # as in the console, a practice answer ends there
    assert "No questions on 'photosynthesis'" in reply_text(await dc.command("quiz", {"topic": "photosynthesis"}))

    choices = [r for r in await dc.autocomplete("quiz", "topic", "yal") if r.path.endswith("/callback")][-1]
    assert choices.body["type"] == 8
    names = [c["name"] for c in choices.body["data"]["choices"]]
    assert names and all("Yalta" in n for n in names)
    every = [r for r in await dc.autocomplete("quiz", "topic", "") if r.path.endswith("/callback")][-1]
    assert 0 < len(every.body["data"]["choices"]) <= 25
    assert all(len(c["name"]) <= 100 and len(c["value"]) <= 100 for c in every.body["data"]["choices"])
    zones = [r for r in await dc.autocomplete("daily-settings", "timezone", "london") if r.path.endswith("/callback")]
    assert [c["value"] for c in zones[-1].body["data"]["choices"]] == ["Europe/London"]

    topics = reply_text(await dc.command("topics"))
    assert "The Yalta Conference - February 1945" in topics and "Cuts in the Red Army" in topics
    help_text = reply_text(await dc.command("help"))
    assert "/ask" in help_text and "/daily" in help_text and "/answer" not in help_text

    assert "now hidden" in reply_text(await dc.command("hideme"))
    assert "leaderboards again" in reply_text(await dc.command("hideme"))
    await answer_prompt(dc, service, await dc.command("daily"))
    asked = await dc.command("forgetme")
    assert (
        last_shown(asked).custom_ids() == ["rb:forget"]
        and (await service.score(CLS, UserRef("discord", Harness.STUDENT["id"]))).answered
    )
    assert "deleted" in reply_text(await dc.click(message_of(asked), "rb:forget"))
    assert (await service.score(CLS, UserRef("discord", Harness.STUDENT["id"]))).answered == 0


async def test_a_direct_conversation_is_a_class_of_one(dc, service):
    sent = await dc.command("daily", dm=True)
    assert reply_text(sent).startswith("Daily quiz, question 1/5")
    _, marked = await answer_prompt(dc, service, sent, dm=True)
    assert "Right!" in reply_text(marked)
    me = ClassRef("discord", f"dm-{Harness.STUDENT['id']}")
    assert (await service.score(me, UserRef("discord", Harness.STUDENT["id"]))).answered == 1
    assert (await service.score(CLS, UserRef("discord", Harness.STUDENT["id"]))).answered == 0


# --- errors -------------------------------------------------------------------------------------------


async def test_errors_get_a_short_reply_and_a_log_line(dc, service, monkeypatch, caplog):
    sent = await dc.command("daily")

    async def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("database is on fire")

    monkeypatch.setattr(service, "score", broken)
    monkeypatch.setattr(service, "answer", broken)
    failed = last_shown(await dc.command("score"))
    assert failed.ephemeral and failed.text() == "Sorry, something went wrong with that. Try again, or /help."
    _, clicked = await answer_prompt(dc, service, sent)
    assert last_shown(clicked).ephemeral and "Sorry, something went wrong" in reply_text(clicked)
    errors = [r for r in caplog.get_records("call") if r.levelno >= logging.ERROR]
    assert len(errors) == 2 and all("database is on fire" in str(r.exc_info[1]) for r in errors)
    caplog.clear()  # expected: the autouse check must not fail on them


def test_long_texts_are_cut_to_discords_limits():
    from adapters.discord.render import make_embed, option_label, prompt_embed, text_embed
    from bot.quiz.model import Question
    from bot.quiz.values import QuizPrompt

    report = text_embed("Class report\n" + "\n".join(f"  Student {n}: " + "x" * 80 for n in range(500)))
    assert len(report.description) <= 4096 and report.description.endswith("more")
    assert len(make_embed("t" * 300, "d" * 5000, [("n" * 300, "v" * 2000)] * 30, "f" * 3000)) <= 6000
    many = Question("q", "choice", "Which?", "o1", options=tuple(f"o{n} " + "y" * 120 for n in range(40)))
    embed = prompt_embed(QuizPrompt("p:1", many, "practice"))
    assert len(embed) <= 6000 and len(embed.description) <= 4096
    assert len(option_label(3, "z" * 200)) == 80


async def test_a_student_flooding_ask_is_told_to_slow_down(dc, service):
    from bot.ratelimit import RateLimiter

    service.limiter = RateLimiter(2, window=60)
    for _ in range(2):
        assert "Yalta" in reply_text(await dc.command("ask", {"question": "yalta conference"}))
    refused = await dc.command("ask", {"question": "yalta conference"})
    assert "Slow down" in reply_text(refused) and last_shown(refused).ephemeral  # the asker's alone, not public
    assert [r.body["type"] for r in refused if r.path.endswith("/callback")] == [4]  # no public deferral first
    assert "Slow down" in reply_text(await dc.command("quiz", {}))


async def test_ask_privately(dc):
    reply = last_shown(await dc.command("ask", {"question": "kruschev army cuts", "private": True}))
    assert reply.ephemeral and "Red Army" in reply.text()


async def test_discord_failing_or_rate_limiting_the_daily_post_is_retried(dc, service, clock, fake):
    await as_teacher(dc, "daily-settings", {"time": "10:00", "timezone": "UTC"})
    await as_teacher(dc, "daily-settings", {"channel": str(CHANNEL_ID)}, resolved=channel_option(CHANNEL_ID))
    clock.now = datetime(2026, 11, 24, 10, 1, tzinfo=UTC)
    posts = rf"/channels/{CHANNEL_ID}/messages"
    # a 429 is waited out by discord.py itself: posted at once
    fake.failures.append((posts, 429, {"message": "You are being rate limited.", "retry_after": 0.05, "global": False}))
    assert await dc.bot.post_daily_quizzes() == 1
    # a day later Discord answers 503: the post is given back, and the next tick posts it
    clock.advance(days=1)
    fake.failures.append((posts, 503, {"message": "unavailable"}))
    assert await dc.bot.post_daily_quizzes() == 0
    assert await dc.bot.post_daily_quizzes() == 1
    delivered = [p for p in fake.posts_to(CHANNEL_ID) if p.response]
    assert len(delivered) == 2 and "2026-11-25" in delivered[-1].text()
    assert await dc.bot.post_daily_quizzes() == 0


async def test_a_second_shard_leaves_command_registration_to_the_first(fake, service):
    first = await start_bot(fake, service, discord_shard_id=0, discord_shard_count=2)
    second = await start_bot(fake, service, discord_shard_id=1, discord_shard_count=2)
    try:
        syncs = [r for r in fake.requests if r.method == "PUT" and r.path.endswith("/commands")]
        assert len(syncs) == 1
        assert (first.bot.shard_id, first.bot.shard_count, second.bot.shard_id) == (0, 2, 1)
    finally:
        await first.bot.close()
        await second.bot.close()


async def test_the_teacher_reviews_hides_and_switches_off_questions(dc, service):
    listed = last_shown(await as_teacher(dc, "questions"))
    assert listed.ephemeral and "questions:" in listed.text() and "yours" in listed.text()
    qid = next(q.id for q in service.bank.questions if not q.authored)
    hidden = last_shown(await as_teacher(dc, "questions", {"action": "hide", "value": qid}))
    assert hidden.ephemeral and "no longer asked" in hidden.text()
    assert (await service.class_questions(CLS, True, None)).hidden == 1
    off = last_shown(await as_teacher(dc, "questions", {"action": "generated off"}))
    assert "only your own questions" in off.text()
    assert "is for teachers" in reply_text(await dc.command("questions"))


async def test_a_large_classs_report_loses_nothing(dc, service):
    """Above about 60 students the report does not fit an embed: its start is shown and all of it attached."""
    for n in range(90):
        u = UserRef("discord", str(700_000 + n), f"Student number {n}")
        status = await service.daily(CLS, u)
        await service.answer(CLS, u, status.next.ref, status.next.question.answer)
    await service.ask("who invented the telephone?", CLS)  # a gap: the last section of the report
    await service.settled()
    sent = await as_teacher(dc, "report")
    [attached] = [r for r in sent if r.files]
    assert attached.ephemeral
    name, content = next(iter(attached.files.items()))[0], next(iter(attached.files.values()))
    assert name.endswith(".txt")
    text = content[1].decode("utf-8") if isinstance(content, tuple) else content.decode("utf-8")
    for section in ("Student number 89", "Questions (hardest first)", "Weakest topics", "Asked but not in the notes"):
        assert section in text


async def test_stopping_the_bot_lets_a_daily_post_tick_finish(fake, service, caplog):
    """Cancelling a tick inside a database call made SQLAlchemy log an ERROR on one stop in three: a stop now
    waits for the tick under way, and only cancels a schedule that is idle."""
    dc = await start_bot(fake, service)
    bot = dc.bot
    inside, finished = asyncio.Event(), []

    async def tick() -> None:  # what a tick in a database call looks like to close()
        bot._ticking = True
        inside.set()
        try:
            await asyncio.sleep(0.2)
            finished.append(True)
        finally:
            bot._ticking = False

    bot._scheduler = asyncio.create_task(tick())
    await inside.wait()
    await bot.close()
    assert finished == [True] and bot._scheduler.done() and not bot._scheduler.cancelled()
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]

    idle = await start_bot(fake, service)
    idle.bot._scheduler = asyncio.create_task(asyncio.sleep(3600))  # waiting for its next tick
    await idle.bot.close()
    assert idle.bot._scheduler.cancelled()  # an idle schedule is not waited for


async def test_an_earlier_season_by_the_leaderboards_season_option(dc, service):
    options = {o["name"]: o for o in next(c for c in dc.fake.commands if c["name"] == "leaderboard")["options"]}
    season = options["season"]
    assert (season["type"], season["required"], season["min_value"]) == (4, False, 1)
    await answer_prompt(dc, service, await dc.command("daily"))
    assert "Season archived" in reply_text(await as_teacher(dc, "season-new", {"confirm": True}))

    old = last_shown(await dc.command("leaderboard", {"season": 1}))
    assert old.ephemeral and old.message["embeds"][0]["title"] == "Season 1 (2026-11-24, archived):"
    assert "1. Ana - 1 point (1/1)" in old.text() and "Season 2: since 2026-11-24 (current)" in old.text()
    current = last_shown(await dc.command("leaderboard", {"period": "season"}))  # the default season: the current
    assert current.message["embeds"][0]["title"] == "Season 2: no answers yet. /daily to start!"
    missing = last_shown(await dc.command("leaderboard", {"period": "today", "season": 7}))
    assert missing.message["embeds"][0]["title"] == "There is no season 7 in this class."
    assert "Season 1: 2026-11-24, 1 student" in missing.text()
    today = last_shown(await dc.command("leaderboard", {"period": "today"})).text()
    score = reply_text(await dc.command("score"))
    assert "since season 2 began" in today and "count in season 1" in today and "count in season 1" in score


async def test_a_wrong_token_is_said_in_one_line_without_the_token(fake, service):
    from adapters.discord.bot import run_discord
    from adapters.errors import TokenRefused

    with pytest.raises(TokenRefused, match="Discord refused DISCORD_TOKEN") as refused:
        await asyncio.wait_for(run_discord(service, Settings(discord_token="wrong-token")), 10)
    assert "wrong-token" not in str(refused.value)
