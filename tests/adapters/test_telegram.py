"""The Telegram adapter on the real python-telegram-bot code, against an in-memory (or 127.0.0.1) Bot API."""

from __future__ import annotations

import asyncio
import logging
import time

import pytest
from telegram import Update
from telegram.error import InvalidToken
from telegram.ext import Application

from adapters.telegram.bot import DAILY_JOB, api_urls, build_application, run_telegram
from adapters.telegram.send import FloodRetry, split_html
from bot.app import bootstrap
from bot.commands import parse_daily_settings
from bot.config import Settings
from bot.knowledge.base import Knowledge
from bot.refs import ClassRef, UserRef
from tests.adapters.telegram_fake import BOT_USER, TOKEN, FakeBotAPI, FakeRequest, html_problems, serve_http, user

GROUP = -1001234
ANA = user(11, "Ana", "Brown")
BEN = user(12, "Ben")
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

    def question(self, chat_id: int) -> dict:
        """The bot's latest message there: the question to answer."""
        return self.api.last_message(chat_id)


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
async def tg(service, caplog):
    api = FakeBotAPI()
    api.members[(GROUP, ADMIN["id"])] = "administrator"
    harness = await start(service, api)
    yield harness
    await harness.app.shutdown()
    assert harness.errors == []
    assert errors_logged(caplog) == []


def errors_logged(caplog) -> list[str]:
    records = caplog.get_records("setup") + caplog.get_records("call") + caplog.get_records("teardown")
    return [r.getMessage() for r in records if r.levelno >= logging.ERROR]


async def answer_all(tg: Harness, chat_id: int, sender: dict, status_text: str) -> tuple[str, set[str]]:
    """Answer every daily question right, by button or by typed reply as each comes; returns the last reply."""
    ways: set[str] = set()
    text = status_text
    for _ in range(20):
        if "[quiz " not in text.rsplit("\n", 1)[-1]:
            return text, ways
        message = tg.question(chat_id)
        ref = message["text"].rsplit("[quiz ", 1)[1].rstrip("]")
        q = await tg.service.question_for(ref)
        if q.options:
            button = next(b for row in message["reply_markup"]["inline_keyboard"] for b in row)
            data = button["callback_data"].rsplit("|", 1)[0] + f"|{q.options.index(q.answer)}"
            popup, texts = await tg.tap(sender, message, data)
            assert popup.get("text", "").startswith("Right!") and not popup.get("show_alert")
            text = "\n".join(texts)
            ways.add("button")
        else:
            text = await tg.send(chat_id, sender, q.answer, reply_to=message)
            ways.add("typed")
        assert "Right!" in text and "From the notes" in text
    raise AssertionError("the quiz did not end")


# --- the menu and every command ------------------------------------------------------------------------


async def test_commands_are_registered_for_the_menu(tg):
    calls = tg.api.calls_to("setMyCommands")
    by_scope = {(c.params.get("scope") or {}).get("type", "default"): c.params for c in calls}
    students = [c["command"] for c in by_scope["default"]["commands"]]
    assert students == ["start", "help", "ask", "quiz", "daily", "score", "leaderboard", "topics", "forgetme", "hideme"]
    teachers = [c["command"] for c in by_scope["all_chat_administrators"]["commands"]]
    assert teachers == students + ["report", "export", "dailysettings", "seasonnew"]
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
    assert filename.endswith(".csv") and b"section,name,topic" in content
    settings = await tg.send(teacher, TEACHER, "/dailysettings time 7:15 timezone Europe/London count 3")
    assert "3 questions at 07:15 (Europe/London)" in settings
    assert "Use: /dailysettings" in await tg.send(teacher, TEACHER, "/dailysettings sometime")
    assert "Season archived" in await tg.send(teacher, TEACHER, "/seasonnew")


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
    assert "Daily quiz, question 1/5" in await tg.send(GROUP, ANA, "/daily")
    assert "Not quite" in await tg.send(GROUP, ANA, "zzzz", reply_to=tg.question(GROUP))  # a typed answer
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
    assert "Season archived" in await tg.send(GROUP, ADMIN, "/seasonnew")
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
    assert "Daily quiz, question 1/5" in first
    last, ways = await answer_all(tg, ana, ANA, first)
    assert ways == {"button", "typed"}
    assert "That's today's quiz done. Streak: 1 day." in last
    edited = tg.api.calls_to("editMessageText")
    assert edited and all("You answered:" in c.params["text"] and c.ok for c in edited)  # buttons taken away
    assert "You've done today's quiz" in await tg.send(ana, ANA, "/daily")
    assert "5/5 right (100%), streak 1" in await tg.send(ana, ANA, "/score")


async def test_a_whole_daily_quiz_in_a_group_for_two_students(tg):
    first = await tg.send(GROUP, ANA, "/daily")
    last, ways = await answer_all(tg, GROUP, ANA, first)
    assert ways == {"button", "typed"} and "That's today's quiz done" in last
    assert '<a href="tg://user?id=11">Ana B.</a> answered' in "\n".join(tg.api.texts(GROUP))
    assert tg.api.calls_to("editMessageText") == []  # in a group the question stays open for the others
    last, _ = await answer_all(tg, GROUP, BEN, await tg.send(GROUP, BEN, "/daily"))
    assert "That's today's quiz done" in last
    board = await tg.send(GROUP, BEN, "/leaderboard today")
    assert "Ana B. - 5 pts" in board and "Ben - 5 pts" in board


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


async def test_questions_survive_a_restart_of_the_bot(tg, service):
    ana = ANA["id"]
    await tg.send(ana, ANA, "/daily")
    typed = tg.question(ana)  # question 1 is typed
    restarted = await start(service, tg.api)  # a new process: nothing in memory
    try:
        ref = typed["text"].rsplit("[quiz ", 1)[1].rstrip("]")
        q = await service.question_for(ref)
        reply = await restarted.send(ana, ANA, q.answer, reply_to=typed)
        assert "Right!" in reply and "Daily quiz, question 2/5" in reply
        buttons = restarted.question(ana)
        restarted_again = await start(service, tg.api)
        try:
            data = buttons["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
            popup, texts = await restarted_again.tap(ANA, buttons, data)
            assert texts and "question 3/5" in texts[-1]
            assert "You answered:" in buttons["text"]  # edited: the question line is no longer the last
            again = await restarted_again.send(ana, ANA, "True", reply_to=buttons)
            assert "already answered that one: it counted once" in again
        finally:
            await restarted_again.app.shutdown()
    finally:
        await restarted.app.shutdown()
    assert restarted.errors == [] and restarted_again.errors == []


async def test_stale_and_foreign_buttons_are_answered(tg):
    ana = ANA["id"]
    await tg.send(ana, ANA, "/start")
    message = tg.question(ana)
    popup, texts = await tg.tap(ANA, message, "a|d:999:0|1")
    assert popup["show_alert"] and "no longer open" in popup["text"] and texts == []
    popup, _ = await tg.tap(ANA, message, "something-old")
    assert "no longer works" in popup["text"]
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
    tg = await start(service, FakeBotAPI())
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
        await service.answer(cls, student, status.next.ref, "zzzz")
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


async def test_the_daily_quiz_is_posted_once_in_the_group_at_its_time(tg, service, clock):
    assert "at 09:30" in await tg.send(GROUP, ADMIN, "/dailysettings time 09:30")  # it is 09:00 UTC
    await tg.send(ANA["id"], ANA, "/daily")  # a private chat is a class too, but is not sent unasked posts
    job = tg.app.job_queue.get_jobs_by_name(DAILY_JOB)[0]
    before = len(tg.api.sent(GROUP))
    await job.run(tg.app)
    assert len(tg.api.sent(GROUP)) == before  # not yet

    clock.advance(minutes=31)
    await job.run(tg.app)
    posts = tg.api.sent(GROUP)[before:]
    assert len(posts) == 1
    assert "Today's quiz is here" in posts[0].params["text"] and "Daily quiz, question 1/5" in posts[0].params["text"]
    assert "reply_parameters" not in posts[0].params  # nobody to quote
    private_texts = tg.api.texts(ANA["id"])

    await job.run(tg.app)  # the next run, and another process on the same database: nothing more
    other = await start(service, tg.api)
    try:
        await other.app.job_queue.get_jobs_by_name(DAILY_JOB)[0].run(other.app)
    finally:
        await other.app.shutdown()
    assert len(tg.api.sent(GROUP)) == before + 1 and tg.api.texts(ANA["id"]) == private_texts

    # students answer the posted question in the group
    post = tg.question(GROUP)
    ref = post["text"].rsplit("[quiz ", 1)[1].rstrip("]")
    q = await service.question_for(ref)
    assert "Right!" in await tg.send(GROUP, BEN, q.answer, reply_to=post)  # question 1 of this group is typed

    clock.advance(days=1)  # tomorrow, at 09:30 again
    await job.run(tg.app)
    assert len(tg.api.sent(GROUP)) == before + 3


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
    assert len(tg.api.sent(GROUP)) == len(tg.api.sent(other_group)) == 1  # only the /daily replies
    await job.run(tg.app)
    assert "Today's quiz is here" in tg.api.texts(bad_gateway)[-1]  # retried at the next tick
    assert len(tg.api.sent(kicked)) == 1  # removed from the group: not retried every 30 seconds
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert any("retrying at the next tick" in w for w in warnings)
    assert any("not retried today" in w for w in warnings)


# --- the whole polling path ------------------------------------------------------------------------------


async def test_run_telegram_polls_a_local_bot_api_and_stops_cleanly(service, caplog):
    api = FakeBotAPI()
    runner, port = await serve_http(api)
    settings = Settings(telegram_token=TOKEN, telegram_api_base_url=f"http://127.0.0.1:{port}/")
    task = asyncio.create_task(run_telegram(service, settings))
    try:
        api.queue(api.message_update(ANA["id"], ANA, "/start"))
        api.queue(api.message_update(ANA["id"], ANA, "kruschev army cuts"))
        for _ in range(200):
            if len(api.texts(ANA["id"])) >= 2:
                break
            await asyncio.sleep(0.05)
        await tg_quiz_over_http(api)
    finally:
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        api.close()
        await runner.cleanup()
    texts = api.texts(ANA["id"])
    assert "revision notes" in texts[0] and "Red Army" in texts[1]
    assert api.calls_to("deleteWebhook") and len(api.calls_to("setMyCommands")) == 2
    offsets = [int(c.params.get("offset") or 0) for c in api.calls_to("getUpdates")]
    assert max(offsets) == api.last_update_id + 1  # all were confirmed, so a restart does not see them again
    assert errors_logged(caplog) == []


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


async def test_a_wrong_token_stops_run_telegram_with_a_clear_log_line(service, caplog):
    api = FakeBotAPI()
    runner, port = await serve_http(api)
    settings = Settings(telegram_token="123:WRONG", telegram_api_base_url=f"http://127.0.0.1:{port}")
    try:
        with pytest.raises(InvalidToken):
            await asyncio.wait_for(run_telegram(service, settings), 10)
    finally:
        api.close()
        await runner.cleanup()
    assert "Telegram refused TELEGRAM_TOKEN" in caplog.text


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
