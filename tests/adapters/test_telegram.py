"""The Telegram adapter on the real python-telegram-bot code, against an in-memory (or 127.0.0.1) Bot API."""

from __future__ import annotations

import asyncio
import logging
import os
import sys
import time
from datetime import UTC, datetime, timedelta

import pytest
from telegram import Update
from telegram.error import BadRequest
from telegram.ext import Application

from adapters.errors import TokenRefused
from adapters.telegram.bot import DAILY_JOB, api_urls, build_application, run_telegram
from adapters.telegram.render import clip, quiz_poll
from adapters.telegram.send import FloodRetry, split_html
from bot.app import bootstrap
from bot.commands import parse_daily_settings
from bot.config import Settings
from bot.knowledge.base import Knowledge
from bot.quiz.model import Question
from bot.quiz.values import QuizPrompt
from bot.refs import ClassRef, UserRef
from tests.adapters.telegram_fake import (
    BOT_USER,
    TOKEN,
    FakeBotAPI,
    FakeRequest,
    PollClosed,
    html_problems,
    serve_http,
    user,
)
from tests.conftest import ROOT

GROUP = -1001234
ANA = user(11, "Ana", "Brown")
BEN = user(12, "Ben")
CAT = user(13, "Cat")
ADMIN = user(21, "Mrs", "Khan")  # an administrator of GROUP
TEACHER = user(31, "Mr", "Ortiz")  # in TELEGRAM_TEACHER_IDS
AT_BOT = f"@{BOT_USER['username']}"


class Harness:
    """Feeds updates to the Application the way the Updater would, and reads what the fake Bot API got."""

    def __init__(self, api: FakeBotAPI, app: Application, service):
        self.api = api
        self.app = app
        self.service = service
        self.errors: list[BaseException] = []

    async def feed(self, update: dict) -> list[str]:
        before = len(self.api.calls)
        await self.app.process_update(Update.de_json(update, self.app.bot))
        return [c.params["text"] for c in self.api.calls[before:] if c.method == "sendMessage" and c.ok]

    async def send(self, chat_id: int, sender: dict, text: str, reply_to: dict | None = None) -> str:
        """What the bot answered, all messages joined."""
        return "\n".join(await self.feed(self.api.message_update(chat_id, sender, text, reply_to)))

    async def tap(self, sender: dict, message: dict, data: str) -> tuple[dict, list[str]]:
        """Tap a button: (the answerCallbackQuery parameters, the messages that followed)."""
        update = self.api.tap_update(sender, message, data)
        texts = await self.feed(update)
        answers = [c for c in self.api.calls_to("answerCallbackQuery") if c.ok]
        mine = [c.params for c in answers if c.params["callback_query_id"] == update["callback_query"]["id"]]
        assert len(mine) == 1, "every tap is answered exactly once"
        return mine[0], texts

    async def vote(self, sender: dict, message: dict, *option_ids: int) -> list[str]:
        """Vote in the quiz poll of `message` (no option: retract the vote); the messages that followed."""
        return await self.feed(self.api.poll_answer_update(sender, message["poll"]["id"], list(option_ids)))

    def question(self, chat_id: int) -> dict:
        """The bot's latest message there: the question to answer."""
        return self.api.last_message(chat_id)

    async def ref_of(self, message: dict) -> str | None:
        """The question a message or poll of the bot puts, as the service remembers it (None: not a question)."""
        key = (
            f"poll:{message['poll']['id']}"
            if "poll" in message
            else f"msg:{message['chat']['id']}:{message['message_id']}"
        )
        found = await self.service.recall_ref("telegram", key)
        return found[0] if found else None

    async def answer_right(self, sender: dict, message: dict) -> tuple[str, list[str]]:
        """Answer the question of `message` right, as a student would: ("poll" | "button" | "typed", replies)."""
        ref = await self.ref_of(message)
        assert ref is not None, "not a question"
        q = await self.service.question_for(ref)
        if "poll" in message:
            return "poll", await self.vote(sender, message, q.options.index(q.answer))
        if q.options:
            button = next(b for row in message["reply_markup"]["inline_keyboard"] for b in row)
            data = button["callback_data"].rsplit("|", 1)[0] + f"|{q.options.index(q.answer)}"
            popup, texts = await self.tap(sender, message, data)
            assert popup.get("text", "").startswith("Right!") and not popup.get("show_alert")
            return "button", texts
        chat_id = message["chat"]["id"]
        return "typed", await self.feed(self.api.message_update(chat_id, sender, q.answer, reply_to=message))


def make_app(service, api: FakeBotAPI, **settings) -> Application:
    config = Settings(telegram_token=TOKEN, telegram_teacher_ids=frozenset({str(TEACHER["id"])}), **settings)
    return build_application(service, config, request=FakeRequest(api), get_updates_request=FakeRequest(api))


async def start(service, api: FakeBotAPI) -> Harness:
    app = make_app(service, api)
    harness = Harness(api, app, service)

    async def collect(update: object, context) -> None:
        harness.errors.append(context.error)

    app.add_error_handler(collect)
    await app.initialize()  # getMe: the username that /cmd@bot needs
    await app.post_init(app)  # only run_polling would call it
    return harness


@pytest.fixture
async def tg(service, clock, caplog):
    api = FakeBotAPI(clock)
    api.members[(GROUP, ADMIN["id"])] = "administrator"
    harness = await start(service, api)
    yield harness
    await harness.app.shutdown()
    assert harness.errors == []
    assert errors_logged(caplog) == []


def errors_logged(caplog) -> list[str]:
    records = caplog.get_records("setup") + caplog.get_records("call") + caplog.get_records("teardown")
    return [r.getMessage() for r in records if r.levelno >= logging.ERROR]


async def answer_all(tg: Harness, chat_id: int, sender: dict) -> tuple[str, set[str]]:
    """In a private chat, answer every daily question right as each follows the last; returns the last reply."""
    ways: set[str] = set()
    text = ""
    for _ in range(20):
        message = tg.question(chat_id)
        if await tg.ref_of(message) is None:  # the last result: no question follows
            return text, ways
        way, texts = await tg.answer_right(sender, message)
        text = "\n".join(texts)
        ways.add(way)
        assert "Right!" in text and "From the notes" in text and "[quiz" not in text
    raise AssertionError("the quiz did not end")


# --- the menu and every command ------------------------------------------------------------------------


async def test_commands_are_registered_for_the_menu(tg):
    calls = tg.api.calls_to("setMyCommands")
    by_scope = {(c.params.get("scope") or {}).get("type", "default"): c.params for c in calls}
    students = [c["command"] for c in by_scope["default"]["commands"]]
    assert students == ["start", "help", "ask", "quiz", "daily", "score", "leaderboard", "topics", "forgetme", "hideme"]
    teachers = [c["command"] for c in by_scope["all_chat_administrators"]["commands"]]
    assert teachers == students + ["report", "export", "dailysettings", "seasonnew", "questions", "notes"]
    assert by_scope["chat"]["scope"]["chat_id"] == TEACHER["id"]
    assert [c["command"] for c in by_scope["chat"]["commands"]] == teachers
    assert all(3 <= len(c["description"]) <= 256 for p in by_scope.values() for c in p["commands"])


async def test_every_command_in_a_private_chat(tg):
    ana = ANA["id"]
    assert "revision notes" in await tg.send(ana, ANA, "/start")
    help_text = await tg.send(ana, ANA, "/help")
    assert "/ask QUESTION - Ask a question" in help_text and "/report" not in help_text
    assert "Red Army" in await tg.send(ana, ANA, "/ask kruschev army cuts")
    assert "Poland" in await tg.send(ana, ANA, "what did churchill think about poland")  # plain text: a question
    assert "not in the notes" in await tg.send(ana, ANA, "who invented the telephone?")
    topics = await tg.send(ana, ANA, "/topics")
    assert "Topics in the notes" in topics and "Cuts in the Red Army" in topics
    assert "<b>Practice</b> (The Yalta Conference" in await tg.send(ana, ANA, "/quiz yalta")
    assert "No questions on 'photosynthesis'" in await tg.send(ana, ANA, "/quiz photosynthesis")
    assert "Daily quiz, question 1/5" in await tg.send(ana, ANA, "/daily")
    assert "Not quite" in await tg.send(ana, ANA, "/answer zzzz")  # /answer: the question just put
    assert "0/1 right" in await tg.send(ana, ANA, "/score")
    assert "This week" in await tg.send(ana, ANA, "/leaderboard")
    assert "Season 1" in await tg.send(ana, ANA, "/leaderboard season")
    assert "Which leaderboard?" in await tg.send(ana, ANA, "/leaderboard yesterday")
    assert "hidden" in await tg.send(ana, ANA, "/hideme")
    assert "on the leaderboards again" in await tg.send(ana, ANA, "/hideme")
    assert "/forgetme yes" in await tg.send(ana, ANA, "/forgetme")
    assert "deleted" in await tg.send(ana, ANA, "/forgetme yes")
    assert "no question waiting" in await tg.send(ana, ANA, "/answer Yalta")
    assert "/report is for teachers" in await tg.send(ana, ANA, "/report")
    assert "don't know /frobnicate" in await tg.send(ana, ANA, "/frobnicate")

    # a configured teacher, in their private chat
    teacher = TEACHER["id"]
    teacher_help = await tg.send(teacher, TEACHER, "/help")
    assert "/report - Class report" in teacher_help and "<i>(teachers)</i>" in teacher_help
    assert "Class report (season 1)" in await tg.send(teacher, TEACHER, "/report")
    await tg.send(teacher, TEACHER, "/export")
    document = tg.api.calls_to("sendDocument")[-1]
    assert document.ok and int(document.params["chat_id"]) == teacher
    filename, content = next(iter(document.files.values()))[:2]
    assert filename.endswith(".csv") and b'"section","name","topic"' in content
    settings = await tg.send(teacher, TEACHER, "/dailysettings time 7:15 timezone Europe/London count 3")
    assert "3 questions at 07:15 (Europe/London)" in settings
    assert "Use: /dailysettings" in await tg.send(teacher, TEACHER, "/dailysettings sometime")
    assert "nothing to archive" in await tg.send(teacher, TEACHER, "/seasonnew")  # nobody answered here


async def test_every_command_in_a_group(tg):
    assert "revision notes" in await tg.send(GROUP, ANA, f"/start{AT_BOT}")
    assert "/ask QUESTION or reply" in await tg.send(GROUP, ANA, "/help")
    asked = tg.api.sent(GROUP)[-1]
    assert asked.params["reply_parameters"]["message_id"] > 0  # a group reply quotes the student
    assert "Red Army" in await tg.send(GROUP, ANA, f"/ask{AT_BOT} kruschev army cuts")
    assert await tg.send(GROUP, ANA, "/ask@some_other_bot kruschev") == ""  # someone else's command
    assert await tg.send(GROUP, ANA, "/frobnicate") == ""  # maybe another bot's
    assert "don't know /frobnicate" in await tg.send(GROUP, ANA, f"/frobnicate{AT_BOT}")
    assert await tg.send(GROUP, ANA, "what did churchill think about poland") == ""  # chatter is not for us
    await tg.send(GROUP, BEN, "/topics")
    topics = tg.question(GROUP)  # a reply to a message of the bot that is not a question: a question
    assert "Poland" in await tg.send(GROUP, BEN, "what did churchill think about poland", reply_to=topics)
    assert "Practice" in await tg.send(GROUP, BEN, "/quiz potsdam")
    said = await tg.send(GROUP, ANA, "/daily")
    first = tg.question(GROUP)
    if "poll" in first:  # a choice: a quiz poll, answered wrong by voting; the group hears nothing
        assert said == "" and first["poll"]["question"].startswith("1/5.")
        q = await tg.service.question_for(await tg.ref_of(first))
        assert await tg.vote(ANA, first, (q.options.index(q.answer) + 1) % len(q.options)) == []
    else:  # a typed answer
        assert "Daily quiz, question 1/5" in said
        assert "Not quite" in await tg.send(GROUP, ANA, "zzzz", reply_to=first)
    assert "Ana B." in await tg.send(GROUP, ANA, "/leaderboard today")
    assert "0/1 right" in await tg.send(GROUP, ANA, "/score")
    assert "hidden" in await tg.send(GROUP, ANA, "/hideme")
    assert "/forgetme yes" in await tg.send(GROUP, BEN, "/forgetme")

    # the administrator is the teacher; reports name students, so they go to her private chat
    admin = ADMIN["id"]
    assert "/report - Class report" in await tg.send(GROUP, ADMIN, "/help")
    assert "sent it to you in a private chat" in await tg.send(GROUP, ADMIN, f"/report{AT_BOT}")
    private = "\n".join(tg.api.texts(admin))
    assert "Class 7B &lt;History &amp; Politics&gt;" in private and "Ana B.: 0/1 (0%)" in private
    await tg.send(GROUP, ADMIN, "/export")
    document = tg.api.calls_to("sendDocument")[-1]
    assert document.ok and int(document.params["chat_id"]) == admin
    tg.api.unreachable.add(admin)  # she never pressed Start in a private chat
    assert "press Start" in await tg.send(GROUP, ADMIN, "/report")
    assert "Class report (season" not in "\n".join(tg.api.texts(GROUP))
    assert "2 questions at 10:00" in await tg.send(GROUP, ADMIN, "/dailysettings time 10:00 count 2")
    assert "nothing to archive" in await tg.send(GROUP, ADMIN, "/seasonnew")
    # an anonymous administrator writes as the group itself
    anonymous = tg.api.message_update(
        GROUP, user(1087968824, "Group"), "/dailysettings off", sender_chat=tg.api.chat(GROUP)
    )
    assert "Daily quiz: off" in "\n".join(await tg.feed(anonymous))


async def test_a_teacher_command_is_refused_to_a_student(tg, service):
    assert "/dailysettings is for teachers" in await tg.send(GROUP, ANA, "/dailysettings off")
    assert "/report is for teachers" in await tg.send(GROUP, ANA, "/report")
    assert "/export is for teachers" in await tg.send(GROUP, ANA, "/export")
    asked = tg.api.calls_to("getChatMember")
    assert asked and all((int(c.params["chat_id"]), int(c.params["user_id"])) == (GROUP, ANA["id"]) for c in asked)
    assert tg.api.calls_to("sendDocument") == [] and tg.api.texts(ANA["id"]) == []
    assert (await service.daily_settings(ClassRef("telegram", str(GROUP)), False)).enabled


# --- quizzes -------------------------------------------------------------------------------------------


async def test_a_whole_daily_quiz_in_a_private_chat_by_buttons_and_typed_replies(tg):
    ana = ANA["id"]
    first = await tg.send(ana, ANA, "/daily")
    assert "Daily quiz, question 1/5" in first and "[quiz" not in first
    last, ways = await answer_all(tg, ana, ANA)
    assert ways == {"button", "typed"} and tg.api.calls_to("sendPoll") == []  # private chats: buttons, no polls
    assert "That's today's quiz done: 5/5 right. Streak: 1 day." in last
    edited = tg.api.calls_to("editMessageText")
    assert edited and all("You answered:" in c.params["text"] and c.ok for c in edited)  # buttons taken away
    assert not any("Tap your answer" in c.params["text"] for c in edited)  # and the hint with them
    assert "You've done today's quiz" in await tg.send(ana, ANA, "/daily")
    assert "5/5 right (100%), streak 1" in await tg.send(ana, ANA, "/score")


async def test_a_whole_daily_quiz_in_a_group_for_two_students(tg):
    """/daily in a group puts the student's next question: a quiz poll when it is a choice, else a message."""
    for student in (ANA, BEN):
        ways: list[str] = []
        for _ in range(10):
            before = len(tg.api.sent(GROUP))
            reply = await tg.send(GROUP, student, "/daily")
            if "You've done today's quiz (2026-11-24): 5/5 right" in reply:
                break
            way, texts = await tg.answer_right(student, tg.question(GROUP))
            ways.append(way)
            if way == "poll":  # Telegram shows the voter right or wrong and the explanation: the group hears
                # nothing, but for the one that finishes the quiz
                assert texts == [] or (len(texts) == 1 and "has done today's quiz" in texts[0])
            else:
                joined = "\n".join(texts)
                assert "Right!" in joined and ("Next for you: question" in joined or "today's quiz done" in joined)
                assert len(tg.api.sent(GROUP)) == before + 2  # the question and its result: no next question
        assert set(ways) == {"poll", "typed"} and len(ways) == 5
    polls = tg.api.polls_sent(GROUP)
    assert polls and all(p.params["reply_parameters"]["message_id"] > 0 for p in polls)  # each quotes its /daily
    board = await tg.send(GROUP, BEN, "/leaderboard today")
    assert "Ana B. - 5 points" in board and "Ben - 5 points" in board


async def test_a_double_tap_scores_once_and_other_students_questions_are_theirs(tg, service):
    ana = ANA["id"]
    await tg.send(ana, ANA, "/daily")
    await tg.send(ana, ANA, "zzzz", reply_to=tg.question(ana))  # question 1 is typed; question 2 has buttons
    message = tg.question(ana)
    data = message["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
    first, texts = await tg.tap(ANA, message, data)
    assert len(texts) == 1 and not first.get("show_alert")
    again, texts = await tg.tap(ANA, message, data)
    assert texts == [] and again["show_alert"] and "already answered" in again["text"]
    card = await service.score(ClassRef("telegram", str(ana)), UserRef("telegram", str(ana)))
    assert card.answered == 2

    await tg.send(GROUP, ANA, "/quiz yalta")  # a practice question is Ana's own
    practice = tg.question(GROUP)
    if "reply_markup" in practice:
        popup, texts = await tg.tap(BEN, practice, practice["reply_markup"]["inline_keyboard"][0][0]["callback_data"])
        assert popup["show_alert"] and "asked to someone else" in popup["text"] and texts == []
    else:
        assert "asked to someone else" in await tg.send(GROUP, BEN, "Yalta", reply_to=practice)


async def restart(tg: Harness, db_url: str, clock, knowledge: Knowledge) -> Harness:
    """Another process on the same database and Bot API: a new service and Application, nothing in memory."""
    service = await bootstrap(Settings(database_url=db_url), clock=clock, knowledge=knowledge)
    return await start(service, tg.api)


async def stop(harness: Harness) -> None:
    await harness.app.shutdown()
    await harness.service.close()
    assert harness.errors == []


async def test_questions_survive_a_restart_of_the_bot(tg, db_url, clock, knowledge):
    ana = ANA["id"]
    await tg.send(ana, ANA, "/daily")
    typed = tg.question(ana)  # question 1 is typed: asked with ForceReply, its question kept in the database
    asked = tg.api.sent(ana)[-1].params
    assert asked["reply_markup"]["force_reply"] is True
    assert "[quiz" not in asked["text"] and "[quiz" not in typed["text"]
    q = await tg.service.question_for(await tg.ref_of(typed))
    restarted = await restart(tg, db_url, clock, knowledge)
    try:
        reply = await restarted.send(ana, ANA, q.answer, reply_to=typed)
        assert "Right!" in reply and "Daily quiz, question 2/5" in reply
        buttons = restarted.question(ana)
        restarted_again = await restart(tg, db_url, clock, knowledge)
        try:
            data = buttons["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
            popup, texts = await restarted_again.tap(ANA, buttons, data)
            assert texts and "question 3/5" in texts[-1]
            assert "You answered:" in buttons["text"]
            again = await restarted_again.send(ana, ANA, "True", reply_to=buttons)  # a typed reply to it
            assert "already answered that one: it counted once" in again
            # a question sent by the version before, which carried its question in a last line, still counts
            ref = await restarted_again.ref_of(restarted_again.question(ana))
            old = tg.api.bot_message(ana, f"Daily quiz, question 3/5\nReply to this message.\n[quiz {ref}]")
            q = await restarted_again.service.question_for(ref)
            assert "Right!" in await restarted_again.send(ana, ANA, q.answer, reply_to=old)
        finally:
            await stop(restarted_again)
    finally:
        await stop(restarted)
    card = await tg.service.score(ClassRef("telegram", str(ana)), UserRef("telegram", str(ana)))
    assert card.answered == 3


async def post_daily(tg: Harness) -> list[dict]:
    """Run the daily job for GROUP (due at 08:00; it is 09:00): the post's messages and polls, oldest first."""
    await tg.send(GROUP, TEACHER, "/dailysettings")  # the group becomes a class
    before = len(bot_posts(tg.api, GROUP))
    await tg.app.job_queue.get_jobs_by_name(DAILY_JOB)[0].run(tg.app)
    return bot_posts(tg.api, GROUP)[before:]


async def test_a_daily_choice_question_in_a_group_is_a_non_anonymous_quiz_poll(tg, service):
    post = await post_daily(tg)
    polled = [m for m in post if "poll" in m]
    assert polled and len(tg.api.polls_sent(GROUP)) == len(polled)
    for message, call in zip(polled, tg.api.polls_sent(GROUP)):
        q = await service.question_for(await tg.ref_of(message))
        number = post.index(message)
        params = call.params
        assert params["type"] == "quiz" and params["is_anonymous"] is False
        assert params["correct_option_ids"] == [q.options.index(q.answer)]
        assert params["question"] == f"{number}/5. {q.prompt}"
        assert [o["text"] for o in params["options"]] == list(q.options)
        # plain text: the application's default parse mode (HTML) must not reach the poll
        assert (
            "parse_mode" not in params
            and "question_parse_mode" not in params
            and "explanation_parse_mode" not in params
        )
        assert all("text_parse_mode" not in o for o in params["options"])
        explanation = params["explanation"]
        assert len(explanation) <= 200 and q.explanation.startswith(explanation.removesuffix("…"))
        assert "allows_revoting" not in params  # a quiz allows no second vote


async def test_two_students_voting_on_the_same_daily_poll_are_each_scored_once(tg, service):
    poll = next(m for m in await post_daily(tg) if "poll" in m)
    q = await service.question_for(await tg.ref_of(poll))
    right = q.options.index(q.answer)
    wrong = (right + 1) % len(q.options)
    before = len(tg.api.calls)
    assert await tg.vote(ANA, poll, right) == []
    assert await tg.vote(BEN, poll, wrong) == []
    assert await tg.vote(ANA, poll, wrong) == []  # a second vote event for Ana: nothing is scored
    assert await tg.vote(BEN, poll) == []  # a retracted vote is ignored
    assert await tg.feed(tg.api.poll_answer_update(ANA, "12345", [0])) == []  # somebody else's poll
    # The group heard nothing; who teaches it (kept off its boards) was asked of Telegram once, not per vote.
    assert [c.method for c in tg.api.calls[before:]] == ["getChatAdministrators"]
    cls = ClassRef("telegram", str(GROUP))
    ana = await service.score(cls, UserRef("telegram", str(ANA["id"])))
    ben = await service.score(cls, UserRef("telegram", str(BEN["id"])))
    assert (ana.answered, ana.correct) == (1, 1) and ana.points_today > 0
    assert (ben.answered, ben.correct, ben.points_today) == (1, 0, 0)
    report = await service.report(cls, True)
    row = next(r for r in report.questions if r.prompt == q.prompt)
    assert (row.answered, row.first_try_correct) == (2, 1)
    assert [(given.lower(), n) for given, n in row.wrong_answers] == [(q.options[wrong].lower(), 1)]


async def test_a_poll_answer_after_a_restart_is_still_scored(tg, db_url, clock, knowledge):
    poll = next(m for m in await post_daily(tg) if "poll" in m)
    restarted = await restart(tg, db_url, clock, knowledge)  # nothing in memory, a new connection to the database
    try:
        q = await restarted.service.question_for(await restarted.ref_of(poll))
        assert await restarted.vote(BEN, poll, q.options.index(q.answer)) == []
        card = await restarted.service.score(ClassRef("telegram", str(GROUP)), UserRef("telegram", str(BEN["id"])))
        assert (card.answered, card.correct) == (1, 1)
    finally:
        await stop(restarted)


# --- quiz polls close with the class's day ---------------------------------------------------------------


async def right_option(tg: Harness, poll: dict) -> int:
    q = await tg.service.question_for(await tg.ref_of(poll))
    return q.options.index(q.answer)


async def test_daily_polls_close_at_the_end_of_the_classs_day(tg, service, clock):
    """A class's day ends at midnight in its time zone: Telegram closes the day's quiz polls then (close_date),
    and a vote cast just before midnight but handled after scores nothing; the voter is told so privately."""
    set_zone = await tg.send(GROUP, ADMIN, "/dailysettings timezone Asia/Kolkata")  # 14:30 there: tomorrow
    assert "first post is tomorrow" in set_zone
    clock.advance(hours=18)  # 2026-11-25, 08:30 in Kolkata: the post is due
    polls = [m for m in await post_daily(tg) if "poll" in m]
    midnight = datetime(2026, 11, 25, 18, 30, tzinfo=UTC)  # 2026-11-26 00:00 in Kolkata
    assert polls and all(c.params["close_date"] == midnight.timestamp() for c in tg.api.polls_sent(GROUP))
    assert all(m["poll"]["close_date"] == midnight.timestamp() for m in polls)
    poll, right = polls[0], await right_option(tg, polls[0])
    assert await tg.vote(ANA, poll, right) == []  # during the class's day: scored

    clock.now = midnight - timedelta(seconds=1)
    late = tg.api.poll_answer_update(BEN, poll["poll"]["id"], [right])  # cast at 23:59:59 ...
    clock.now = midnight + timedelta(seconds=1)
    in_group = len(tg.api.sent(GROUP))
    await tg.feed(late)  # ... handled at 00:00:01: scored nothing, and nothing said in the group
    assert len(tg.api.sent(GROUP)) == in_group
    with pytest.raises(PollClosed):  # Telegram closed the poll at midnight: it takes no more votes
        tg.api.poll_answer_update(CAT, poll["poll"]["id"], [right])
    assert tg.api.calls_to("stopPoll") == []  # nothing to stop: it closed by itself
    cls = ClassRef("telegram", str(GROUP))
    ben = await service.score(cls, UserRef("telegram", str(BEN["id"])))
    assert (ben.answered, ben.points, ben.points_today) == (0, 0, 0)
    board = await tg.send(GROUP, BEN, "/leaderboard week")
    assert "Ana B. - 1 point" in board and "Ben" not in board
    told = tg.api.texts(BEN["id"])
    assert len(told) == 1 and "does not count" in told[0] and "Right" not in told[0]


async def test_a_late_vote_in_a_poll_still_open_closes_it(tg, service, clock):
    """The class moved to a time zone whose day ended before its polls' close date: the first late vote scores
    nothing and stops the poll (stopPoll), so Telegram takes no more votes in it."""
    poll = next(m for m in await post_daily(tg) if "poll" in m)  # a class in UTC: closes at midnight UTC
    clock.advance(hours=1)
    await tg.send(GROUP, ADMIN, "/dailysettings timezone Asia/Tokyo")  # 19:00 in Tokyo
    clock.advance(hours=5, minutes=30)  # 00:30 in Tokyo: the class's day is over, the poll still open
    right = await right_option(tg, poll)
    in_group = len(tg.api.sent(GROUP))
    await tg.vote(BEN, poll, right)
    assert len(tg.api.sent(GROUP)) == in_group
    stopped = tg.api.calls_to("stopPoll")
    assert [(int(c.params["chat_id"]), int(c.params["message_id"]), c.ok) for c in stopped] == [
        (GROUP, poll["message_id"], True)
    ]
    with pytest.raises(PollClosed):
        tg.api.poll_answer_update(CAT, poll["poll"]["id"], [right])
    ben = await service.score(ClassRef("telegram", str(GROUP)), UserRef("telegram", str(BEN["id"])))
    assert ben.answered == 0
    assert any("does not count" in t for t in tg.api.texts(BEN["id"]))
    # The fake refuses what Telegram refuses: a poll stopped twice, a message that is not there.
    with pytest.raises(BadRequest, match="Poll has already been closed"):
        await tg.app.bot.stop_poll(GROUP, poll["message_id"])
    with pytest.raises(BadRequest, match="Message with poll to stop not found"):
        await tg.app.bot.stop_poll(GROUP, 999_999)


async def test_a_late_vote_after_a_restart_scores_nothing_and_fails_nothing(tg, db_url, clock, knowledge):
    """A poll this process did not send (before a restart, or by an earlier version that set no close date):
    it cannot be stopped without its message, and a late vote in it scores nothing, quietly."""
    poll = next(m for m in await post_daily(tg) if "poll" in m)
    tg.api.polls[poll["poll"]["id"]].pop("close_date", None)  # as an earlier version sent it: open for ever
    clock.advance(days=1)
    restarted = await restart(tg, db_url, clock, knowledge)
    try:
        told = await restarted.vote(BEN, poll, await right_option(restarted, poll))
        assert len(told) == 1 and told == tg.api.texts(BEN["id"])  # to Ben, privately: nothing in the group
        card = await restarted.service.score(ClassRef("telegram", str(GROUP)), UserRef("telegram", str(BEN["id"])))
        assert card.answered == 0
    finally:
        await stop(restarted)
    assert tg.api.calls_to("stopPoll") == []
    assert any("does not count" in t for t in tg.api.texts(BEN["id"]))


async def test_teachers_trying_the_daily_quiz_in_the_group_are_not_its_students(tg, service):
    """The group's administrator answers the post (replies, and a poll vote that finishes her quiz) and a configured
    teacher takes it with /daily: neither is on the leaderboard, a student in the report, or announced."""
    post = await post_daily(tg)
    questions = [m for m in post if await tg.ref_of(m)]
    polls = [m for m in questions if "poll" in m]
    typed = [m for m in questions if "poll" not in m]
    for student in (ADMIN, ANA):
        for message in typed + polls:
            await tg.answer_right(student, message)
    for _ in range(10):
        if "You've done today's quiz" in await tg.send(GROUP, TEACHER, "/daily"):
            break
        await tg.answer_right(TEACHER, tg.question(GROUP))
    group = "\n".join(tg.api.texts(GROUP))
    assert "Ana B. has done today's quiz" in group and "Mrs K. has done" not in group and "Mr O. has done" not in group
    for period in ("today", "week", "season"):
        board = await tg.send(GROUP, BEN, f"/leaderboard {period}")
        assert "Ana B. - 5 points" in board and "Mrs K." not in board and "Mr O." not in board
    assert "5/5 right" in await tg.send(GROUP, ADMIN, "/score")  # her own tries still count for her
    await tg.send(GROUP, ADMIN, "/report")
    report = tg.api.texts(ADMIN["id"])[-1]
    students = report.split("Students (weakest first):\n", 1)[1].split("\nQuestions", 1)[0]
    assert students.strip().startswith("Ana B.: 5/5") and students.count("\n") == 0
    assert all(" first try (1) " in line for line in report.splitlines() if " first try (" in line)


LONG_PROMPT = (  # 320 characters: more than a poll question may have
    "In February 1945 Churchill, Roosevelt and Stalin met in a palace by the Black Sea to decide what would happen "
    "to Europe after the war, to Germany, to Poland and its borders, to the new United Nations and to the war against "
    "Japan, which the Soviet Union promised to join three months after Germany surrendered. Where did they meet?"
)
LONG_QUESTIONS = f"""Q: {LONG_PROMPT}
A: Yalta
Wrong: Potsdam; Tehran; Geneva
Topic: Yalta

Q: What did the Soviet Union promise at Yalta about the war in the Pacific?
A: To declare war on Japan within three months of the end of the war in Europe, once Germany had surrendered for good
Wrong: Nothing at all; To stay neutral
Topic: Yalta

Q: Who led Britain at the start of the Potsdam Conference?
A: Churchill
Wrong: Attlee; Eden
Topic: Potsdam
Explain: Churchill led Britain at the start of the Potsdam Conference; Attlee took over after the election.
"""


async def test_a_question_too_long_for_a_poll_keeps_its_buttons(tmp_path, db_url, clock, caplog):
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "questions.txt").write_text(LONG_QUESTIONS, encoding="utf-8")
    service = await bootstrap(Settings(database_url=db_url), clock=clock, knowledge=Knowledge.load(tmp_path / "notes"))
    await service.bank_built()
    assert len(service.bank.questions) == 3
    tg = await start(service, FakeBotAPI(clock))
    try:
        post = await post_daily(tg)
        assert len(post) == 4  # the announcement and the three questions
        by_prompt = {(await service.question_for(await tg.ref_of(m))).prompt: m for m in post[1:]}
        assert "poll" in by_prompt["Who led Britain at the start of the Potsdam Conference?"]
        too_long = [m for prompt, m in by_prompt.items() if "Potsdam" not in prompt]  # a 320-character question,
        assert len(too_long) == 2 and all("poll" not in m and m["reply_markup"] for m in too_long)  # an option of 115
        assert len(tg.api.polls_sent(GROUP)) == 1
        way, texts = await tg.answer_right(ANA, too_long[0])  # a tap in the group: the group hears it was taken,
        assert way == "button"  # not which option, and the mark goes to Ana's private chat
        group_line = texts[-1]
        assert '<a href="tg://user?id=11">Ana B.</a>: answer taken' in group_line and "Next for you" in group_line
        assert "Right!" not in group_line and any("Right!" in x for x in texts[:-1])
        assert tg.api.calls_to("editMessageText") == []  # in a group the question stays open for the others
        assert all(call.ok for call in tg.api.calls), "Telegram refused something"
    finally:
        await tg.app.shutdown()
        await service.close()
    assert tg.errors == [] and errors_logged(caplog) == []


async def test_stale_and_foreign_buttons_are_answered(tg):
    ana = ANA["id"]
    await tg.send(ana, ANA, "/start")
    message = tg.question(ana)
    popup, texts = await tg.tap(ANA, message, "a|d:999:0|1")
    assert popup["show_alert"] and "no longer open" in popup["text"] and texts == []
    popup, _ = await tg.tap(ANA, message, "something-old")
    assert "no longer works" in popup["text"]
    for forged in ("a|d:1:-1|0", "a|d:1:99999999999|0"):  # hand-made callbacks for today's quiz (id 1)
        popup, texts = await tg.tap(ANA, message, forged)
        assert popup["show_alert"] and "no longer works" in popup["text"] and texts == []
    await tg.send(GROUP, ANA, "/forgetme")
    confirm = tg.question(GROUP)
    data = confirm["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
    popup, _ = await tg.tap(BEN, confirm, data)
    assert "for the student who asked" in popup["text"]
    popup, _ = await tg.tap(ANA, confirm, data)
    assert popup["text"] == "Deleted." and "deleted" in tg.api.messages[(GROUP, confirm["message_id"])]["text"]


# --- safety: HTML, long messages, flood control, errors ----------------------------------------------

HTML_NOTES = """Web pages

The <b> tag makes text bold & the <i> tag makes it italic.
Tim Berners-Lee invented the World Wide Web at CERN in 1989 & wrote the first browser.
"""
HTML_QUESTIONS = """Q: Which tag makes text <b>bold</b> & strong?
A: <b>
Wrong: <i>; <u> & <s>; &amp;
Topic: Markup & tags
Explain: The <b> tag makes text bold & the <i> tag makes it italic.
"""


async def test_markup_and_ampersands_from_notes_and_students_are_escaped(tmp_path, db_url, clock, caplog):
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "web.txt").write_text(HTML_NOTES, encoding="utf-8")
    (tmp_path / "notes" / "questions.txt").write_text(HTML_QUESTIONS, encoding="utf-8")
    knowledge = Knowledge.load(tmp_path / "notes")
    service = await bootstrap(Settings(database_url=db_url), clock=clock, knowledge=knowledge)
    tg = await start(service, FakeBotAPI(clock))
    try:
        ana = ANA["id"]
        await tg.send(ana, ANA, "/quiz markup")
        asked = tg.api.sent(ana)[-1]
        assert asked.ok and asked.params["parse_mode"] == "HTML"
        text = asked.params["text"]
        assert "Which tag makes text &lt;b&gt;bold&lt;/b&gt; &amp; strong?" in text
        assert "(Markup &amp; tags)" in text and "&amp;amp" in text and "<b>bold" not in text
        labels = [b["text"] for row in asked.params["reply_markup"]["inline_keyboard"] for b in row]
        assert "b) <b>" in labels or "a) <b>" in labels  # button labels are plain text: not escaped
        message = tg.question(ana)
        right = next(b for row in message["reply_markup"]["inline_keyboard"] for b in row if b["text"].endswith("<b>"))
        _, texts = await tg.tap(ANA, message, right["callback_data"])
        assert "From the notes (questions.txt): The &lt;b&gt; tag makes text bold &amp; the &lt;i&gt; tag" in texts[0]
        answer = await tg.send(ana, ANA, "/ask which tag makes text bold")
        assert "The &lt;b&gt; tag makes text bold &amp; the &lt;i&gt; tag makes it italic." in answer
        # in a group the question is a quiz poll: plain text throughout, so nothing is escaped (or parsed)
        polls = [m["poll"] for m in await post_daily(tg) if "poll" in m and "bold" in m["poll"]["question"]]
        assert len(polls) == 1, "Telegram refused the poll"
        poll = polls[0]
        assert poll["question"].endswith("Which tag makes text <b>bold</b> & strong?")
        assert sorted(o["text"] for o in poll["options"]) == [
            "&amp",
            "<b>",
            "<i>",
            "<u> & <s>",
        ]  # ";" separates options
        assert poll["explanation"] == "The <b> tag makes text bold & the <i> tag makes it italic."
        assert all(call.ok for call in tg.api.calls), "Telegram refused a message"
        assert tg.errors == []
    finally:
        await tg.app.shutdown()
        await service.close()
    assert errors_logged(caplog) == []


async def test_a_long_report_is_split_into_messages_telegram_accepts(tg, service):
    cls = ClassRef("telegram", str(GROUP))
    for n in range(120):  # 120 students with long names (and markup in them) answer one question each
        student = UserRef("telegram", str(1000 + n), f"Student {n:03d} <Maximilian> & Bartholomew-Fitzgerald")
        status = await service.daily(cls, student)
        q = status.next.question
        wrong = next(o for o in q.options if o != q.answer) if q.options else "zzzz"
        await service.answer(cls, student, status.next.ref, wrong)
    await tg.send(GROUP, ADMIN, "/report")
    parts = tg.api.texts(ADMIN["id"])
    assert sum(len(p) for p in parts) > 10_000 and len(parts) >= 3
    assert all(len(p) <= 4096 and html_problems(p) == [] for p in parts)
    joined = "\n".join(parts)
    assert all(f"Student {n:03d} &lt;Maximilian&gt; &amp; Bartholomew" in joined for n in range(120))


def test_split_html_keeps_lines_tags_and_entities_whole():
    lines = [f"<b>{n}.</b> fact &amp; more &lt;text&gt; {'x' * (n % 90)}" for n in range(400)]
    text = "\n".join(lines)
    parts = split_html(text)
    assert len(parts) > 3 and all(len(p) <= 4096 and html_problems(p) == [] for p in parts)
    assert "\n".join(parts) == text
    one_line = "word &amp; " * 1500  # a 10,000-character line: cut between words, never inside &amp;
    parts = split_html(one_line)
    assert len(parts) >= 3 and all(len(p) <= 4096 and html_problems(p) == [] for p in parts)
    assert "".join(parts).replace(" ", "") == one_line.replace(" ", "")
    emoji = "🙂" * 3000  # two UTF-16 units each, as Telegram counts
    assert all(len(p.encode("utf-16-le")) // 2 <= 4096 for p in split_html(emoji))


async def test_a_flood_limit_is_waited_out_and_the_bot_keeps_going(tg):
    ana = ANA["id"]
    tg.api.fail_next("sendMessage", 429, "Too Many Requests: retry after 1", retry_after=1)
    started = time.monotonic()
    reply = await tg.send(ana, ANA, "/ask kruschev army cuts")
    assert time.monotonic() - started >= 1.0
    assert "Red Army" in reply
    assert [c.ok for c in tg.api.calls_to("sendMessage")] == [False, True]
    assert "Topics in the notes" in await tg.send(ana, ANA, "/topics")


async def test_flood_retry_gives_up_after_two_retries_or_a_long_wait():
    from telegram.error import RetryAfter

    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        waits.append(seconds)

    async def flooded() -> bool:
        raise RetryAfter(3)

    limiter = FloodRetry(sleep=sleep)
    with pytest.raises(RetryAfter):
        await limiter.process_request(flooded, (), {}, "sendMessage", {}, None)
    assert waits == [3.0, 3.0]
    waits.clear()
    with pytest.raises(RetryAfter):
        await FloodRetry(max_wait=2, sleep=sleep).process_request(flooded, (), {}, "sendMessage", {}, None)
    assert waits == []


async def test_a_student_asking_too_often_is_told_to_slow_down(tg):
    replies = [await tg.send(GROUP, ANA, "/ask yalta") for _ in range(21)]  # the limit is 20 a minute
    assert "Slow down a little: try again in" in replies[-1] and "Slow down" not in replies[-2]
    assert "Red Army" in await tg.send(GROUP, BEN, "/ask kruschev army cuts")  # the others are not held up


async def test_an_error_gets_a_short_reply_and_a_log_line(tg, service, monkeypatch, caplog):
    async def broken(*args, **kwargs):
        raise RuntimeError("database on fire")

    monkeypatch.setattr(service, "score", broken)
    monkeypatch.setattr(service, "question_for", broken)
    assert "Sorry, something went wrong" in await tg.send(ANA["id"], ANA, "/score")
    popup, _ = await tg.tap(ANA, tg.question(ANA["id"]), "a|p:1|0")
    assert popup["show_alert"] and "Sorry, something went wrong" in popup["text"]
    assert [type(e) for e in tg.errors] == [RuntimeError, RuntimeError]
    assert len([r for r in caplog.records if r.levelno >= logging.ERROR and "update failed" in r.getMessage()]) == 2
    tg.errors.clear()  # expected here: the fixture fails on any other
    caplog.clear()


# --- the scheduled daily post ----------------------------------------------------------------------------


def bot_posts(api: FakeBotAPI, chat_id: int) -> list[dict]:
    """The bot's messages there, polls included, oldest first."""
    return [m for (c, _), m in api.messages.items() if c == chat_id and m["from"]["id"] == BOT_USER["id"]]


async def test_the_daily_quiz_is_posted_once_in_the_group_at_its_time(tg, service, clock):
    assert "at 09:30" in await tg.send(GROUP, ADMIN, "/dailysettings time 09:30")  # it is 09:00 UTC
    await tg.send(ANA["id"], ANA, "/daily")  # a private chat is a class too, but is not sent unasked posts
    job = tg.app.job_queue.get_jobs_by_name(DAILY_JOB)[0]
    before = len(bot_posts(tg.api, GROUP))
    await job.run(tg.app)
    assert len(bot_posts(tg.api, GROUP)) == before  # not yet

    clock.advance(minutes=31)
    await job.run(tg.app)
    post = bot_posts(tg.api, GROUP)[before:]
    assert len(post) == 6  # the announcement, then the five questions of the day
    assert "Today's quiz is here" in post[0]["text"] and "5 questions below" in post[0]["text"]
    questions = post[1:]
    for number, message in enumerate(questions, 1):
        if "poll" in message:  # a choice question: a quiz poll the whole class answers
            assert message["poll"]["question"].startswith(f"{number}/5. ")
            assert message["poll"]["type"] == "quiz" and not message["poll"]["is_anonymous"]
        else:
            assert f"Daily quiz, question {number}/5" in message["text"] and "[quiz" not in message["text"]
    kinds = {"poll" if "poll" in m else "typed" for m in questions}
    assert kinds == {"poll", "typed"}
    sent = [c for c in tg.api.calls if c.ok and c.method in ("sendMessage", "sendPoll")][-6:]
    assert all("reply_parameters" not in c.params for c in sent)  # nobody to quote
    assert all("force_reply" not in (c.params.get("reply_markup") or {}) for c in sent)  # nobody's input is taken
    private_texts = tg.api.texts(ANA["id"])

    await job.run(tg.app)  # the next run, and another process on the same database: nothing more
    other = await start(service, tg.api)
    try:
        await other.app.job_queue.get_jobs_by_name(DAILY_JOB)[0].run(other.app)
    finally:
        await other.app.shutdown()
    assert len(bot_posts(tg.api, GROUP)) == before + 6 and tg.api.texts(ANA["id"]) == private_texts

    # The class answers in the post. Ana keeps the poll for last: her vote finishes the quiz, and the group gets
    # one quiet line (no marks); Ben ends with a typed answer, whose reply says so; Cat is hidden: no line.
    polls = [m for m in questions if "poll" in m]
    typed = [m for m in questions if "poll" not in m]
    await tg.send(GROUP, CAT, "/hideme")
    for student, order in ((ANA, typed + polls), (BEN, polls + typed), (CAT, typed + polls)):
        for n, message in enumerate(order):
            way, texts = await tg.answer_right(student, message)
            last = n == len(order) - 1
            if way == "typed":
                joined = "\n".join(texts)
                assert "Right!" in joined and "Daily quiz, question" not in joined  # the next is not re-posted
                assert ("That's today's quiz done" if last else "Next for you: question") in joined
            elif last and student is ANA:
                assert texts == ["Ana B. has done today's quiz. Streak: 1 day."]
                assert tg.api.sent(GROUP)[-1].params["disable_notification"] is True
            else:
                assert texts == []
    board = await tg.send(GROUP, BEN, "/leaderboard today")
    assert "Ana B. - 5 points" in board and "Ben - 5 points" in board

    clock.advance(days=1)  # tomorrow, at 09:30 again
    await job.run(tg.app)
    assert sum("Today's quiz is here" in t for t in tg.api.texts(GROUP)) == 2


async def test_a_daily_post_telegram_failed_is_retried_and_one_it_refused_is_not(tg, service, clock, caplog):
    other_group = -1005678
    await tg.send(GROUP, ANA, "/daily")  # both groups are classes, due at 08:00 (it is 09:00)
    await tg.send(other_group, ANA, "/daily")
    job = tg.app.job_queue.get_jobs_by_name(DAILY_JOB)[0]
    tg.api.fail_next("sendMessage", 502, "Bad Gateway")  # the first post
    tg.api.fail_next("sendMessage", 403, "Forbidden: bot was kicked from the supergroup chat")  # the second
    await job.run(tg.app)
    failed = [int(c.params["chat_id"]) for c in tg.api.calls_to("sendMessage") if not c.ok]
    assert sorted(failed) == sorted([GROUP, other_group])
    bad_gateway, kicked = failed

    def replies(chat: int) -> int:  # messages and quiz polls that went out there
        return len(tg.api.sent(chat)) + len(tg.api.polls_sent(chat))

    assert replies(GROUP) == replies(other_group) == 1  # only the /daily replies
    tg.api.fail_next("sendPoll", 502, "Bad Gateway")  # a question of the retried post: the rest still go out
    await job.run(tg.app)
    assert sum("Today's quiz is here" in t for t in tg.api.texts(bad_gateway)) == 1  # retried at the next tick
    post = bot_posts(tg.api, bad_gateway)
    intro = next(n for n, m in enumerate(post) if "Today's quiz is here" in m.get("text", ""))
    assert len(post[intro + 1 :]) == 4  # four of the five questions: the first poll failed, the others went out
    assert replies(kicked) == 1  # removed from the group: not retried every 30 seconds
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert any("retrying at the next tick" in w for w in warnings)
    assert any("switched off until a teacher turns it on" in w for w in warnings)
    assert any(f"of the daily quiz of telegram:{bad_gateway} not posted: Bad Gateway" in w for w in warnings)


# --- the whole polling path ------------------------------------------------------------------------------


async def test_run_telegram_polls_a_local_bot_api_and_stops_cleanly(service, clock, caplog):
    api = FakeBotAPI(clock)
    runner, port = await serve_http(api)
    settings = Settings(telegram_token=TOKEN, telegram_api_base_url=f"http://127.0.0.1:{port}/")
    group = ClassRef("telegram", str(GROUP))
    await service.daily_settings(group, True)  # a class whose daily quiz is due: posted a second after start
    api.fail_next("getUpdates", 502, "Bad Gateway")  # Telegram's front end fails for a moment: one warning
    task = asyncio.create_task(run_telegram(service, settings))
    try:
        api.queue(api.message_update(ANA["id"], ANA, "/start"))
        api.queue(api.message_update(ANA["id"], ANA, "kruschev army cuts"))
        for _ in range(200):
            if len(api.texts(ANA["id"])) >= 2:
                break
            await asyncio.sleep(0.05)
        await tg_quiz_over_http(api)
        # the daily post's quiz poll, and a vote in it: a poll_answer update, which the bot must ask for
        for _ in range(200):
            if api.polls_sent(GROUP):
                break
            await asyncio.sleep(0.05)
        poll = next(m for (c, _), m in api.messages.items() if c == GROUP and "poll" in m)["poll"]
        api.queue(api.poll_answer_update(BEN, poll["id"], list(poll["correct_option_ids"])))
        ben = UserRef("telegram", str(BEN["id"]))
        for _ in range(200):
            if (await service.score(group, ben)).answered:
                break
            await asyncio.sleep(0.05)
        assert (await service.score(group, ben)).correct == 1
    finally:
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        api.close()
        await runner.cleanup()
    texts = api.texts(ANA["id"])
    assert "revision notes" in texts[0] and "Red Army" in texts[1]
    assert api.calls_to("deleteWebhook") and len(api.calls_to("setMyCommands")) == 2
    assert all("poll_answer" in c.params["allowed_updates"] for c in api.calls_to("getUpdates"))
    offsets = [int(c.params.get("offset") or 0) for c in api.calls_to("getUpdates")]
    assert max(offsets) == api.last_update_id + 1  # all were confirmed, so a restart does not see them again
    assert errors_logged(caplog) == []
    polling = [r for r in caplog.records if "getUpdates failed" in r.getMessage()]
    assert len(polling) == 1 and polling[0].levelno == logging.WARNING and polling[0].exc_info is None


async def tg_quiz_over_http(api: FakeBotAPI) -> None:
    """A quiz question and its answer through HTTP: form-encoded keyboards, callback data, answerCallbackQuery."""
    api.queue(api.message_update(ANA["id"], ANA, "/quiz yalta"))
    for _ in range(200):
        if len(api.texts(ANA["id"])) >= 3:
            break
        await asyncio.sleep(0.05)
    question = api.last_message(ANA["id"])
    if "reply_markup" in question:
        api.queue(api.tap_update(ANA, question, question["reply_markup"]["inline_keyboard"][0][0]["callback_data"]))
    else:
        api.queue(api.message_update(ANA["id"], ANA, "Yalta", reply_to=question))
    for _ in range(200):
        if len(api.texts(ANA["id"])) >= 4:
            break
        await asyncio.sleep(0.05)
    assert len(api.texts(ANA["id"])) >= 4


async def test_a_wrong_token_stops_revisionbot_run_with_one_line_and_exit_code_2(tmp_path):
    api = FakeBotAPI()
    runner, port = await serve_http(api)
    env = {
        **os.environ,
        "TELEGRAM_TOKEN": "123:WRONG",
        "TELEGRAM_API_BASE_URL": f"http://127.0.0.1:{port}",
        "REVISIONBOT_DATABASE_URL": f"sqlite:///{tmp_path / 'bot.sqlite3'}",
        "REVISIONBOT_PARAPHRASE": "off",
    }
    env.pop("DISCORD_TOKEN", None)
    try:
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "adapters.cli", "run", env=env, cwd=ROOT,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        )  # fmt: skip
        out, err = await asyncio.wait_for(proc.communicate(), 60)
    finally:
        api.close()
        await runner.cleanup()
    assert proc.returncode == 2
    said = (out + err).decode()
    assert "revisionbot: Telegram refused TELEGRAM_TOKEN: copy it again from @BotFather" in said
    assert "Traceback" not in said and "WRONG" not in said
    assert err.decode().strip().count("\n") == 0  # one line


async def test_run_telegram_says_a_refused_token_in_words(service):
    api = FakeBotAPI()
    runner, port = await serve_http(api)
    settings = Settings(telegram_token="123:WRONG", telegram_api_base_url=f"http://127.0.0.1:{port}")
    try:
        with pytest.raises(TokenRefused, match="Telegram refused TELEGRAM_TOKEN") as refused:
            await asyncio.wait_for(run_telegram(service, settings), 10)
    finally:
        api.close()
        await runner.cleanup()
    assert "WRONG" not in str(refused.value)


# --- small pieces -----------------------------------------------------------------------------------------


def test_api_base_url_accepts_a_server_root_or_its_bot_path():
    assert api_urls("http://localhost:8081") == ("http://localhost:8081/bot", "http://localhost:8081/file/bot")
    assert api_urls("http://localhost:8081/bot/") == ("http://localhost:8081/bot", "http://localhost:8081/file/bot")


def test_daily_settings_arguments():
    assert parse_daily_settings("time 7:15 timezone Europe/London count 3 off") == {
        "time": "7:15",
        "timezone": "Europe/London",
        "count": "3",
        "enabled": False,
    }
    assert parse_daily_settings("") == {}
    assert parse_daily_settings("time") is None and parse_daily_settings("sometime") is None


def test_what_fits_in_a_quiz_poll():
    def prompt(text: str, options: tuple[str, ...], explanation: str = "") -> QuizPrompt:
        q = Question("q-1", "choice", text, options[0], options=options, explanation=explanation)
        return QuizPrompt("d:1:0", q, "daily", 1, 5)

    poll = quiz_poll(prompt("x" * 295, ("Yes", "No"), "word " * 100))
    assert poll is not None and poll.question == "1/5. " + "x" * 295 and poll.correct == 0
    assert len(poll.explanation) <= 200 and poll.explanation.endswith("word…")
    assert quiz_poll(prompt("x" * 300, ("Yes", "No"))).question == "x" * 300  # the number gives way
    assert quiz_poll(prompt("x" * 301, ("Yes", "No"))) is None
    assert quiz_poll(prompt("Which?", ("y" * 100, "No"))) is not None
    assert quiz_poll(prompt("Which?", ("y" * 101, "No"))) is None
    assert quiz_poll(prompt("Which?", ("Yes",))) is None
    assert quiz_poll(prompt("Which?", tuple(f"option {n}" for n in range(13)))) is None
    assert quiz_poll(prompt("Which?", ("🙂" * 50, "No"))) is not None  # 100 UTF-16 units, as Telegram counts
    assert quiz_poll(prompt("Which?", ("🙂" * 51, "No"))) is None
    assert clip("short") == "short" and len(clip("🙂" * 150).encode("utf-16-le")) // 2 <= 200


async def test_the_teacher_lists_questions_privately_and_hides_one_in_the_group(tg):
    admin = ADMIN["id"]
    await tg.send(GROUP, ANA, "/topics")  # the group is a class
    assert "sent it to you in a private chat" in await tg.send(GROUP, ADMIN, "/questions")
    private = "\n".join(tg.api.texts(admin))
    assert "questions:" in private and "-&gt;" in private  # the answers go to her alone
    qid = next(q.id for q in tg.service.bank.questions if not q.authored)
    assert "no longer asked" in await tg.send(GROUP, ADMIN, f"/questions hide {qid}")
    assert "Back in the quizzes" in await tg.send(GROUP, ADMIN, f"/questions unhide {qid}")
    assert "only your own" in await tg.send(GROUP, ADMIN, "/questions generated off")
    assert "for teachers" in (await tg.send(GROUP, ANA, "/questions")).lower()


async def test_in_a_private_chat_the_next_message_answers_the_question_just_put(tg):
    """A plain message after a typed question is its answer, as on the console; a real question to the notes,
    or a thank-you, is not marked and the quiz question stays open."""
    ana = ANA["id"]
    await tg.send(ana, ANA, "/daily")
    typed = tg.question(ana)
    q = await tg.service.question_for(await tg.ref_of(typed))
    assert q.typed
    still_open = await tg.send(ana, ANA, "what was agreed at the yalta conference?")
    assert "still open" in still_open and "Not quite" not in still_open
    thanks = await tg.send(ana, ANA, "thanks")
    assert "Not quite" not in thanks and "Right" not in thanks
    reply = await tg.send(ana, ANA, q.answer)  # no reply to the question's message: just the answer
    assert "Right!" in reply and "Daily quiz, question 2/5" in reply
    card = await tg.service.score(ClassRef("telegram", str(ana)), UserRef("telegram", str(ana)))
    assert card.answered == 1


async def test_a_question_waiting_for_answer_survives_a_restart(tg, db_url, clock, knowledge):
    """A question put with /daily in a group waits in the database: /answer finds it after a restart."""
    await tg.send(GROUP, ANA, "/daily")
    q = await tg.service.question_for(await tg.ref_of(tg.question(GROUP)))
    restarted = await restart(tg, db_url, clock, knowledge)
    try:
        given = q.answer if q.typed else "a"
        reply = await restarted.send(GROUP, ANA, f"/answer {given}")
        assert "no question waiting" not in reply
        assert "Right!" in reply or "Not quite" in reply or "answered" in reply
        again = await restarted.send(GROUP, ANA, f"/answer {given}")
        assert "no question waiting" in again  # answered: the slot is free again
    finally:
        await stop(restarted)


async def test_a_mention_of_the_bot_in_a_group_is_a_question(tg):
    """Telegram delivers mentions in privacy mode: "@bot what was agreed at Yalta?" gets its answer."""
    reply = await tg.send(GROUP, ANA, f"{AT_BOT} what did churchill think about poland?")
    assert "Poland" in reply
    assert "Poland" in await tg.send(GROUP, ANA, f"what did churchill think about poland, {AT_BOT}?")
    assert await tg.send(GROUP, ANA, "@someone_else what did churchill think about poland?") == ""
    assert await tg.send(GROUP, ANA, "what did churchill think about poland?") == ""  # not to us: silence


async def test_a_group_that_forbids_polls_gets_its_questions_with_buttons(tg, service):
    """Many school groups turn off "Send polls": the daily post and /daily keep every question, with buttons."""
    tg.api.no_polls.add(GROUP)
    post = await post_daily(tg)
    questions = [m for m in post if await tg.ref_of(m) is not None]
    assert len(questions) == 5 and not any("poll" in m for m in questions)
    choice = [m for m in questions if m.get("reply_markup", {}).get("inline_keyboard")]
    assert choice  # the multiple-choice ones came with their buttons
    for message in choice:
        way, texts = await tg.answer_right(BEN, message)
        assert way == "button"
    reply = await tg.send(GROUP, CAT, "/daily")
    assert "went wrong" not in reply and "Daily quiz, question 1/5" in reply
    assert len([c for c in tg.api.calls_to("sendPoll") if not c.ok]) == 1  # refused once, not tried again


async def test_a_group_upgraded_to_a_supergroup_keeps_its_class(tg, service, clock):
    """Telegram gives the upgraded group a new id: settings, answers and the daily post follow it."""
    post = await post_daily(tg)  # the group is a class with a quiz posted today
    questions = [m for m in post if await tg.ref_of(m) is not None]
    await tg.answer_right(ANA, questions[0])
    await tg.send(GROUP, TEACHER, "/dailysettings count 3")
    new = GROUP - 5_000_000
    for update in tg.api.migrate(GROUP, new, TEACHER):
        await tg.feed(update)
    board = await tg.send(new, ANA, "/leaderboard today")
    assert "Ana" in board  # the answers moved with the class
    assert "3 questions at 08:00" in await tg.send(new, TEACHER, "/dailysettings")
    # a message of the old group handled after the upgrade ends in no error; the next day's post goes to the new id
    await tg.send(GROUP, BEN, "/help")
    clock.advance(days=1)
    before = len(bot_posts(tg.api, new))
    await tg.app.job_queue.get_jobs_by_name(DAILY_JOB)[0].run(tg.app)
    assert len(bot_posts(tg.api, new)) > before


async def test_a_daily_post_refused_because_the_group_moved_goes_to_its_new_id(tg, service, clock):
    await post_daily(tg)
    new = GROUP - 7_000_000
    tg.api.migrated[GROUP] = new  # the upgrade's service messages were missed: only the refusal tells
    clock.advance(days=1)
    await tg.app.job_queue.get_jobs_by_name(DAILY_JOB)[0].run(tg.app)
    assert bot_posts(tg.api, new)  # posted in the supergroup
    assert await service.move_class(ClassRef("telegram", str(GROUP)), ClassRef("telegram", str(new))) is False


async def test_removed_from_a_group_the_bot_stops_posting_and_greets_when_added(tg, service, clock):
    await post_daily(tg)
    await tg.feed(tg.api.membership_update(GROUP, ADMIN, "member", "left"))
    assert not (await service.daily_settings(ClassRef("telegram", str(GROUP)), True)).enabled
    clock.advance(days=1)
    before = len(tg.api.calls)
    await tg.app.job_queue.get_jobs_by_name(DAILY_JOB)[0].run(tg.app)
    assert not [c for c in tg.api.calls[before:] if str(c.params.get("chat_id")) == str(GROUP)]
    greeting = await tg.feed(tg.api.membership_update(GROUP, ADMIN, "left", "member"))
    assert len(greeting) == 1 and "/dailysettings" in greeting[0] and "/daily" in greeting[0]
    assert await tg.feed(tg.api.membership_update(ANA["id"], ANA, "member", "kicked")) == []  # a private block


async def test_a_post_refused_because_the_bot_was_removed_switches_the_daily_quiz_off(tg, service, clock):
    await post_daily(tg)
    clock.advance(days=1)
    tg.api.fail_next("sendMessage", 403, "Forbidden: bot was kicked from the supergroup chat")
    await tg.app.job_queue.get_jobs_by_name(DAILY_JOB)[0].run(tg.app)
    assert not (await service.daily_settings(ClassRef("telegram", str(GROUP)), True)).enabled


async def test_an_anonymous_administrator_gets_the_report_through_a_link(tg, service):
    """An admin posting as the group cannot be messaged (Telegram hides who it is): a link opens a private chat
    in which the bot checks they administer the group, then sends the report or the CSV."""
    await tg.send(GROUP, ANA, "/daily")  # the group is a class with a student
    as_group = tg.api.message_update(GROUP, user(1087968824, "Group"), "/report", sender_chat=tg.api.chat(GROUP))
    before = len(tg.api.calls)
    reply = "\n".join(await tg.feed(as_group))
    assert "posting as the group" in reply and "press Start" not in reply
    assert not [c for c in tg.api.calls[before:] if c.params.get("chat_id") in (1087968824, "1087968824")]
    sent = tg.api.sent(GROUP)[-1].params
    link = sent["reply_markup"]["inline_keyboard"][0][0]["url"]
    payload = link.split("?start=")[1]
    assert payload == f"report{GROUP}"
    admin = ADMIN["id"]
    assert "Class report (season 1)" in await tg.send(admin, ADMIN, f"/start {payload}")
    await tg.send(admin, ADMIN, f"/start export{GROUP}")
    document = tg.api.calls_to("sendDocument")[-1]
    assert document.ok and int(document.params["chat_id"]) == admin
    # a student who finds the link gets nothing
    refused = await tg.send(BEN["id"], BEN, f"/start {payload}")
    assert "for its teachers" in refused and "Class report" not in refused


async def test_marks_in_a_group_are_private(tg, service):
    """A typed answer in the group: the result (and the right answer) goes to the student privately; a student
    who never started the bot is told how to see marks, and nothing of the mark is posted in the group."""
    post = await post_daily(tg)
    typed = []
    for m in post:
        ref = await tg.ref_of(m)
        if ref and (await service.question_for(ref)).typed:
            typed.append(m)
    assert typed
    before = len(tg.api.sent(GROUP))
    await tg.send(GROUP, ANA, "zzzz", reply_to=typed[0])
    group_says = [c.params["text"] for c in tg.api.sent(GROUP)[before:]]
    assert len(group_says) == 1 and "answer taken" in group_says[0]
    assert "Not quite" not in group_says[0] and "The answer is" not in group_says[0]
    assert "Not quite" in tg.api.sent(ANA["id"])[-1].params["text"]
    tg.api.unreachable.add(BEN["id"])
    reply = await tg.send(GROUP, BEN, "zzzz", reply_to=typed[0])
    assert "Start a private chat" in reply and "Not quite" not in reply


async def test_an_archived_season_in_a_group_and_the_day_of_a_new_one(tg):
    """/leaderboard season 1 after /seasonnew yes shows the archived board; an unknown number lists the seasons;
    today's board and /score say alike that the day's earlier answers are in season 1."""
    await tg.send(GROUP, ANA, "/daily")
    await tg.answer_right(ANA, tg.question(GROUP))
    assert "Season archived" in await tg.send(GROUP, ADMIN, "/seasonnew yes")
    old = await tg.send(GROUP, BEN, "/leaderboard season 1")
    assert old.startswith("Season 1 (2026-11-24, archived):") and "1. Ana B. - 1 point (1/1)" in old
    missing = await tg.send(GROUP, BEN, "/leaderboard season 4")
    assert missing.startswith("There is no season 4") and "Season 1: 2026-11-24, 1 student" in missing
    assert "Season 2: no answers yet" in await tg.send(GROUP, BEN, f"/leaderboard{AT_BOT} season")
    assert "Which leaderboard?" in await tg.send(GROUP, BEN, "/leaderboard season -1")
    today = await tg.send(GROUP, ANA, "/leaderboard today")
    assert today.startswith("Today, since season 2 began: no answers.") and "count in season 1" in today
    score = await tg.send(GROUP, ANA, "/score")
    assert "(0 today)" in score and "your points from earlier today (1) count in season 1" in score


async def test_a_configured_teacher_gets_the_teacher_menu_when_they_press_start(service, clock):
    api = FakeBotAPI(clock)
    api.unreachable.add(TEACHER["id"])  # has never pressed Start: Telegram refuses a menu for their chat

    def chat_menus() -> list:
        return [c for c in api.calls_to("setMyCommands") if (c.params.get("scope") or {}).get("type") == "chat"]

    harness = await start(service, api)
    try:
        assert len(chat_menus()) == 1  # tried at start-up, refused
        api.unreachable.discard(TEACHER["id"])
        assert "revision notes" in await harness.send(TEACHER["id"], TEACHER, "/start")
        assert len(chat_menus()) == 2
        assert [c["command"] for c in chat_menus()[-1].params["commands"]][-1] == "notes"
    finally:
        await harness.app.shutdown()
    assert harness.errors == []
