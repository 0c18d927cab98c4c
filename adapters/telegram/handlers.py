"""Telegram updates -> calls on the service -> HTML replies: commands, typed answers, button taps, poll votes."""

from __future__ import annotations

import logging
import re
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import wraps

from telegram import (
    Bot,
    CallbackQuery,
    ForceReply,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputFile,
    InputPollOption,
    Message,
    MessageEntity,
    Poll,
    ReplyParameters,
    Update,
    User,
)
from telegram.constants import ChatMemberStatus, ChatType, ParseMode
from telegram.error import BadRequest, ChatMigrated, Forbidden, RetryAfter, TelegramError
from telegram.ext import ContextTypes

from adapters.console.questions import questions_command
from adapters.console.season import season_command
from adapters.telegram import render
from adapters.telegram.menu import teacher_menu
from adapters.telegram.render import escape
from adapters.telegram.send import MAX_CHARS, send_html, tg_len
from bot.commands import (
    BY_NAME,
    DAILY_SETTINGS_USAGE,
    LEADERBOARD_USAGE,
    parse_daily_settings,
    parse_leaderboard,
    parse_questions,
)
from bot.config import Settings
from bot.quiz.daily import class_day, zone
from bot.quiz.export import report_file_name
from bot.quiz.values import AnswerResult, NotAllowed, QuizPrompt
from bot.ratelimit import RateLimited
from bot.refs import QUIZ_REF_PATTERN, ClassRef, UserRef
from bot.service import RevisionService

log = logging.getLogger(__name__)

PLATFORM = "telegram"
DAILY_CHECK_SECONDS = 30.0
TEACHER_STATUSES = {ChatMemberStatus.OWNER, ChatMemberStatus.ADMINISTRATOR}
REMEMBERED = 20_000  # question messages and polls kept in memory; older ones (and all after a restart): the database
# Telegram wants a poll's close date at least 5 s ahead: a poll sent in the last moments of its day stays open this
# long (a vote after midnight is an earlier day's, and scores nothing).
POLL_MIN_OPEN = timedelta(minutes=1)
# A group's administrators (its teachers) are asked of Telegram at most this often for the quiz calls, where they
# only keep a teacher off the class's boards; teacher commands ask afresh every time (Turn.is_teacher).
ADMINS_SECONDS = 300.0

SORRY = "Sorry, something went wrong with that. Try again, or /help."
FOR_TEACHERS = "That is for teachers."
CLOSED = "That question is no longer open. Try /daily or /quiz for a new one."
STALE = "That button no longer works. Try /daily or /quiz."
FORGET_WARNING = "This deletes your answers, scores and streaks for good. Type /forgetme yes, or tap the button."
FORGOTTEN = "Done: everything the bot stored about you is deleted."

# Callback data (at most 64 bytes): "a|<ref>|<option index>" answers a question (a ref is at most 24 bytes),
# "f|<user id>" confirms /forgetme. Both carry all they need, so buttons keep working after a restart.
ANSWER_DATA = re.compile(rf"^a\|(?P<ref>{QUIZ_REF_PATTERN})\|(?P<index>[0-9]{{1,2}})$")
FORGET_DATA = re.compile(r"^f\|(\d{1,20})$")
# Question messages sent by earlier versions ended with a line "[quiz d:12:3]"; replies to them still count.
_OLD_REF_LINE = re.compile(r"^\[quiz ([A-Za-z0-9:_-]{1,24})\]$", re.M)
_COMMAND = re.compile(r"^/([A-Za-z0-9_]+)(?:@([A-Za-z0-9_]+))?\s*(.*)$", re.S)


class Recent(OrderedDict):
    """A dict that forgets its oldest entries beyond `size`, so memory stays bounded."""

    def __init__(self, size: int = REMEMBERED):
        super().__init__()
        self.size = size

    def remember(self, key: Hashable, value: object) -> None:
        self[key] = value
        self.move_to_end(key)
        while len(self) > self.size:
            self.popitem(last=False)


def message_key(chat_id: int, message_id: int) -> str:
    """The key under which the service remembers which question a message of ours puts."""
    return f"msg:{chat_id}:{message_id}"


def pending_key(chat_id: int, user_id: int) -> str:
    """The slot of the question waiting for a student's next message in a chat (for /answer, and plain replies
    in a private chat); the student's id first, so that /forgetme clears all of theirs."""
    return f"pending:{user_id}:{chat_id}"


def poll_key(poll_id: str) -> str:
    return f"poll:{poll_id}"


def notes_key(user_id: int) -> str:
    """The slot of the group whose notes a teacher's private chat with the bot works on (adapters/telegram/notes.py)."""
    return f"notes:{user_id}"


@dataclass
class TelegramState:
    """What the adapter keeps between updates (in bot_data): a cache only. The service stores which question
    each message and poll puts (remember_ref), so answers after a restart, or to another process, still count."""

    settings: Settings
    daily_every: float = DAILY_CHECK_SECONDS
    questions: Recent = field(default_factory=Recent)  # (chat id, message id) -> the ref that message puts
    polls: Recent = field(default_factory=Recent)  # poll id -> (ref, ClassRef)
    pending: Recent = field(default_factory=Recent)  # (chat id, user id) -> the last ref put to them, for /answer
    open_polls: Recent = field(default_factory=Recent)  # poll id -> (chat id, message id, close time), to stop it
    admins: Recent = field(default_factory=Recent)  # group chat id -> (until, its administrators' user ids)
    no_polls: set[int] = field(default_factory=set)  # chats that refused a poll: their questions get buttons

    async def ref_of(self, service: RevisionService, message: Message) -> str | None:
        """The question a message of ours puts: from memory, else from the database, else (a message sent by
        an earlier version) from its "[quiz d:12:3]" line."""
        ref = self.questions.get((message.chat_id, message.message_id))
        if ref is not None:
            return ref
        found = await service.recall_ref(PLATFORM, message_key(message.chat_id, message.message_id))
        if found is not None:
            self.questions.remember((message.chat_id, message.message_id), found[0])
            return found[0]
        old = _OLD_REF_LINE.findall(message.text or "")
        return old[-1] if old else None  # the question came last, after the result of the one before

    async def poll(self, service: RevisionService, poll_id: str) -> tuple[str, ClassRef] | None:
        """The question (and class) a quiz poll of ours puts."""
        found = self.polls.get(poll_id)
        if found is None:
            found = await service.recall_ref(PLATFORM, poll_key(poll_id))
            if found is not None:
                self.polls.remember(poll_id, found)
        return found


async def teaches(bot: Bot, settings: Settings, group_id: int, user_id: int) -> bool:
    """Whether someone may act for a group's teachers from their private chat with the bot: a configured teacher,
    or the group's owner or an administrator of it (asked of Telegram each time)."""
    if str(user_id) in settings.telegram_teacher_ids:
        return True
    try:
        return (await bot.get_chat_member(group_id, user_id)).status in TEACHER_STATUSES
    except TelegramError as exc:  # the group is gone, or the bot is not in it
        log.info("could not check %s in %s: %s", user_id, group_id, exc)
        return False


async def is_staff(bot: Bot, state: TelegramState, chat_id: int, user_id: int) -> bool | None:
    """Whether someone teaches the class of a chat, for the quiz calls (a teacher may try the quizzes, and is kept
    off the class's boards): a configured teacher anywhere, or an administrator of the group. None when Telegram
    could not say (the core then changes nothing)."""
    if str(user_id) in state.settings.telegram_teacher_ids:
        return True
    if chat_id > 0:  # a private chat is a class of one student
        return False
    admins = await group_admins(bot, state, chat_id)
    return None if admins is None else user_id in admins


async def group_admins(bot: Bot, state: TelegramState, chat_id: int) -> frozenset[int] | None:
    """The group's owner and administrators: one getChatAdministrators every few minutes, not one call per vote."""
    known = state.admins.get(chat_id)
    if known is not None and known[0] > time.monotonic():
        return known[1]
    try:
        members = await bot.get_chat_administrators(chat_id)
    except TelegramError as exc:
        log.warning("could not list the administrators of %s: %s", chat_id, exc)
        return None
    admins = frozenset(member.user.id for member in members)
    state.admins.remember(chat_id, (time.monotonic() + ADMINS_SECONDS, admins))
    return admins


def user_ref(user: User) -> UserRef:
    name = user.first_name or user.username or str(user.id)
    if user.last_name:
        name += f" {user.last_name[0]}."
    return UserRef(PLATFORM, str(user.id), name[:64])


def class_ref(chat_id: int) -> ClassRef:
    return ClassRef(PLATFORM, str(chat_id))


def answer_markup(prompt: QuizPrompt, force_reply: bool = True) -> InlineKeyboardMarkup | ForceReply | None:
    """Buttons for options; for a typed question, a ForceReply so the student's answer is a reply to it."""
    q = prompt.question
    if not q.options:
        # selective: only the student who asked (the message quotes them, or mentions them) is put in reply mode
        return ForceReply(selective=True, input_field_placeholder="Your answer") if force_reply else None
    buttons = [
        InlineKeyboardButton(render.button_label(i, option), callback_data=f"a|{prompt.ref}|{i}")
        for i, option in enumerate(q.options)
    ]
    short = sum(len(b.text) for b in buttons) <= 32
    return InlineKeyboardMarkup([buttons] if short else [[b] for b in buttons])


def day_end(day: str, timezone: str) -> datetime:
    """When a class's day ends: midnight after `day` in the class's time zone. The core counts a daily answer on
    its quiz's day only (bot.quiz.daily.class_day), so that is when the day's quiz polls close."""
    following = date.fromisoformat(day) + timedelta(days=1)
    return datetime.combine(following, datetime.min.time(), tzinfo=zone(timezone))


async def quiz_day_end(service: RevisionService, cls: ClassRef, day: str | None) -> datetime:
    """When the class's daily quiz of `day` (today's, when None) stops counting."""
    timezone = (await service.daily_settings(cls, False)).timezone
    return day_end(day or class_day(service.clock(), timezone).isoformat(), timezone)


def as_poll(chat_id: int, prompt: QuizPrompt) -> render.QuizPoll | None:
    """A daily choice or true/false question in a group goes out as a quiz poll, when it fits one.

    Daily questions are the class's (the same for everyone), so the whole class answers one poll, each vote
    for its voter. A practice question is one student's: it keeps its buttons, whose pop-up can tell anyone
    else that it is not theirs. In a private chat the bot's own feedback (and the next question) follows a tap.
    """
    if chat_id > 0 or prompt.mode != "daily":
        return None
    return render.quiz_poll(prompt)


async def send_question(
    bot: Bot,
    service: RevisionService,
    state: TelegramState,
    cls: ClassRef,
    prompt: QuizPrompt,
    *,
    before: str = "",
    reply_to: int | None = None,
    force_reply: bool = True,
    day: str | None = None,
) -> Message:
    """Put a question in the chat of `cls`: a quiz poll, or a message with buttons or asking for a reply
    (after `before`, e.g. the result of the last answer); the service remembers which question it is.

    A quiz poll closes by itself when the class's day ends (`day`: the daily quiz's, today's when not given),
    even when the bot is not running then: a vote after that would score nothing."""
    chat_id = int(cls.chat_id)
    poll = as_poll(chat_id, prompt) if chat_id not in state.no_polls else None
    if poll is None:
        text = f"{before}\n\n{render.render_prompt(prompt)}" if before else render.render_prompt(prompt)
        parts = await send_html(bot, chat_id, text, reply_markup=answer_markup(prompt, force_reply), reply_to=reply_to)
        sent = parts[-1]  # the question is the last part; a reply to it is an answer
        state.questions.remember((chat_id, sent.message_id), prompt.ref)
        await service.remember_ref(PLATFORM, message_key(chat_id, sent.message_id), prompt.ref, cls)
        return sent
    if before:
        await send_html(bot, chat_id, before, reply_to=reply_to)
        reply_to = None
    closes = await quiz_day_end(service, cls, day)
    # Everything here is plain text: the application's default parse mode (HTML) must not reach the poll,
    # or a question about "<b>" would be refused, hence the explicit None parse modes.
    try:
        sent = await _send_poll(bot, chat_id, poll, reply_to, max(closes, service.clock() + POLL_MIN_OPEN))
    except BadRequest as exc:
        if "rights to send polls" not in str(exc).lower():
            raise
        # Many school groups turn "Send polls" off for members: the same question with buttons instead.
        log.info("chat %s does not allow polls: its quiz questions come with buttons", chat_id)
        state.no_polls.add(chat_id)
        return await send_question(
            bot, service, state, cls, prompt, reply_to=reply_to, force_reply=force_reply, day=day
        )
    if sent.poll is not None:
        state.polls.remember(sent.poll.id, (prompt.ref, cls))
        state.open_polls.remember(sent.poll.id, (chat_id, sent.message_id, closes))
        await service.remember_ref(PLATFORM, poll_key(sent.poll.id), prompt.ref, cls)
    return sent


async def _send_poll(
    bot: Bot, chat_id: int, poll: render.QuizPoll, reply_to: int | None, close_date: datetime
) -> Message:
    return await bot.send_poll(
        chat_id,
        poll.question,
        [InputPollOption(option, text_parse_mode=None) for option in poll.options],
        type=Poll.QUIZ,
        is_anonymous=False,  # votes arrive as poll answers naming the voter
        correct_option_ids=[poll.correct],  # Bot API 9.6's name for correct_option_id
        explanation=poll.explanation or None,
        explanation_parse_mode=None,
        question_parse_mode=None,
        close_date=close_date,  # Telegram closes it then, whether or not the bot is running
        reply_parameters=ReplyParameters(reply_to, allow_sending_without_reply=True) if reply_to else None,
    )


class Turn:
    """One update from a person: who speaks where, and how to answer them there."""

    def __init__(self, update: Update, context: ContextTypes.DEFAULT_TYPE):
        self.bot: Bot = context.bot
        self.service: RevisionService = context.bot_data["service"]
        self.state: TelegramState = context.bot_data["telegram"]
        self.message = update.effective_message
        chat = update.effective_chat
        self.chat_id: int = chat.id
        self.chat_title: str = chat.title or ""
        self.private = chat.type == ChatType.PRIVATE
        self.tg_user: User = update.effective_user
        self.user = user_ref(self.tg_user)
        self.cls = class_ref(chat.id)
        # In a group, replies quote the student's message so everyone sees whom they answer (not a button tap).
        self.quote = self.message.message_id if update.message and not self.private else None
        self._teacher: bool | None = None

    @property
    def as_the_group(self) -> bool:
        """An anonymous administrator: the message comes from the group itself."""
        sender_chat = self.message.sender_chat if self.message else None
        return sender_chat is not None and sender_chat.id == self.chat_id

    async def is_teacher(self) -> bool:
        """A configured teacher id anywhere; in a group, its owner and administrators (getChatMember)."""
        if self._teacher is None:
            self._teacher = await self._check_teacher()
        return self._teacher

    async def _check_teacher(self) -> bool:
        if str(self.tg_user.id) in self.state.settings.telegram_teacher_ids:
            return True
        if self.private:
            return False
        if self.as_the_group:
            return True  # an anonymous administrator writes as the group itself
        try:
            member = await self.bot.get_chat_member(self.chat_id, self.tg_user.id)
        except TelegramError as exc:
            log.warning("could not check whether %s is an admin of %s: %s", self.tg_user.id, self.chat_id, exc)
            return False
        return member.status in TEACHER_STATUSES

    async def staff(self) -> bool | None:
        """For the quiz calls: does this person teach the class here (see is_staff)?"""
        if self.as_the_group:
            return True
        return await is_staff(self.bot, self.state, self.chat_id, self.tg_user.id)

    async def reply(self, text: str, markup: object = None) -> list[Message]:
        return await send_html(self.bot, self.chat_id, text, reply_markup=markup, reply_to=self.quote)

    async def put(self, prompt: QuizPrompt, before: str = "", day: str | None = None) -> None:
        """Put a question to this student (after `before`, e.g. the result of the last one) and remember it,
        in the database too: after a restart, /answer and a plain reply still find it."""
        await send_question(
            self.bot, self.service, self.state, self.cls, prompt, before=before, reply_to=self.quote, day=day
        )
        self.state.pending.remember((self.chat_id, self.tg_user.id), prompt.ref)
        key = pending_key(self.chat_id, self.tg_user.id)
        await self.service.remember_ref(PLATFORM, key, prompt.ref, self.cls, replace=True)

    async def pending_ref(self) -> str | None:
        """The question waiting for this student's next message here, if any ("" is remembered for none)."""
        slot = (self.chat_id, self.tg_user.id)
        ref = self.state.pending.get(slot)
        if ref is None:
            found = await self.service.recall_ref(PLATFORM, pending_key(self.chat_id, self.tg_user.id))
            ref = found[0] if found else ""
            self.state.pending.remember(slot, ref)
        return ref or None

    async def answered(self, ref: str) -> None:
        if await self.pending_ref() == ref:
            self.state.pending.remember((self.chat_id, self.tg_user.id), "")
            await self.service.forget_ref(PLATFORM, pending_key(self.chat_id, self.tg_user.id))

    async def show_result(self, ref: str, result: AnswerResult, header: str = "") -> None:
        if result.problem not in ("empty", "question", "option"):
            await self.answered(ref)
        text = header + render.render_result(result)
        nxt = result.next if not result.problem else None
        if nxt is not None and self.private:
            await self.put(nxt, before=text)  # the daily quiz goes on, as in the console
            return
        if not self.private and (result.already or not result.problem):
            # A mark (and the right answer) in the group would help those still answering: it goes to the
            # student's private chat; the group hears only that the answer was taken.
            text = await self._marked_privately(text)
        if nxt is not None:  # a group has today's questions in its post: one copy each is enough
            await self.reply(f"{text}\n{render.render_next_hint(nxt)}")
        else:
            await self.reply(text)

    async def _marked_privately(self, result_text: str) -> str:
        """Send a group answer's result to the student privately; the neutral line for the group."""
        who = render.mention(self.tg_user.id, self.user.display_name)
        try:
            await send_html(self.bot, self.tg_user.id, f"<b>{escape(self.chat_title)}</b>\n{result_text}")
        except (Forbidden, BadRequest):  # never pressed Start: the mark stays unsaid rather than public
            return f"{who}: answer taken. Start a private chat with @{escape(self.bot.username)} to see your marks."
        return f"{who}: answer taken; your mark is in our private chat."


# --- commands --------------------------------------------------------------------------------------


_FOR_GROUP = re.compile(r"^(report|export)(-\d{1,20})$")


async def cmd_start(t: Turn, rest: str) -> None:
    found = _FOR_GROUP.match(rest.strip()) if t.private else None
    if found:  # the link an anonymous administrator was given in the group
        await _for_group(t, found.group(1), int(found.group(2)))
        return
    if t.private and str(t.tg_user.id) in t.state.settings.telegram_teacher_ids:
        await teacher_menu(t.bot, t.tg_user.id)  # Telegram refused it before they pressed Start
    intro = "Hi! I answer questions from your class's revision notes, and run a daily quiz."
    await t.reply(f"{intro}\n\n{render.render_help(t.service.help(await t.is_teacher(), user=t.user), t.private)}")


async def cmd_help(t: Turn, rest: str) -> None:
    await t.reply(render.render_help(t.service.help(await t.is_teacher(), user=t.user), t.private))


async def cmd_ask(t: Turn, rest: str) -> None:
    await t.reply(render.render_answer(await t.service.ask(rest, t.cls, user=t.user)))


async def cmd_topics(t: Turn, rest: str) -> None:
    await t.reply(render.render_topics(await t.service.topics(t.cls, user=t.user)))


async def cmd_quiz(t: Turn, rest: str) -> None:
    prompt = await t.service.practice(t.cls, t.user, rest or None, is_teacher=await t.staff())
    if prompt is not None:
        await t.put(prompt)
        return
    await t.reply(escape(await t.service.no_questions(t.cls, rest)))


async def cmd_daily(t: Turn, rest: str) -> None:
    status = await t.service.daily(t.cls, t.user, is_teacher=await t.staff())
    if status.enabled and status.next is not None and not status.finished:
        await t.put(status.next, day=status.day)
    else:
        await t.reply(render.render_daily(status))


async def cmd_answer(t: Turn, rest: str) -> None:
    replied = t.message.reply_to_message
    ref = await t.state.ref_of(t.service, replied) if replied is not None and _from_bot(replied, t.bot) else None
    ref = ref or await t.pending_ref()
    if not ref:
        await t.reply("There is no question waiting: /daily or /quiz first.")
        return
    await t.show_result(ref, await t.service.answer(t.cls, t.user, ref, rest, is_teacher=await t.staff()))


async def cmd_score(t: Turn, rest: str) -> None:
    await t.reply(render.render_score(await t.service.score(t.cls, t.user)))


async def cmd_leaderboard(t: Turn, rest: str) -> None:
    asked = parse_leaderboard(rest)
    if asked is None:
        await t.reply(escape(LEADERBOARD_USAGE))
        return
    period, season = asked
    await t.reply(render.render_leaderboard(await t.service.leaderboard(t.cls, t.user, period, season)))


async def cmd_hideme(t: Turn, rest: str) -> None:
    hidden = await t.service.hideme(t.user)
    await t.reply("You are now hidden from leaderboards." if hidden else "You are on the leaderboards again.")


async def cmd_forgetme(t: Turn, rest: str) -> None:
    if rest.strip().lower() == "yes":
        await forget(t)
        await t.reply(FORGOTTEN)
        return
    button = InlineKeyboardButton("Yes, delete everything about me", callback_data=f"f|{t.tg_user.id}")
    await t.reply(FORGET_WARNING, InlineKeyboardMarkup([[button]]))


async def forget(t: Turn) -> None:
    await t.service.forgetme(t.user)
    for key in [k for k in t.state.pending if k[1] == t.tg_user.id]:
        del t.state.pending[key]
    await t.service.forget_ref(PLATFORM, f"pending:{t.tg_user.id}:", prefix=True)
    await t.service.forget_ref(PLATFORM, notes_key(t.tg_user.id))  # the group a teacher's private chat works on


async def _for_group(t: Turn, command: str, group_id: int) -> None:
    """The group's report or CSV, in this private chat, for an administrator of the group (or a configured teacher)."""
    if not await teaches(t.bot, t.state.settings, group_id, t.tg_user.id):
        await t.reply(f"The {command} of that group is for its teachers (its administrators).")
        return
    group = class_ref(group_id)
    if command == "report":
        await t.reply(render.render_report(await t.service.report(group, True)))
    else:
        data = await t.service.export_csv(group, True)
        name = report_file_name(group_id, t.service.clock().date())
        await t.bot.send_document(t.chat_id, InputFile(data, filename=name), caption="The class report as CSV")


async def cmd_report(t: Turn, rest: str) -> None:
    report = render.render_report(await t.service.report(t.cls, await t.is_teacher()))
    await to_teacher(t, "report", text=report if t.private else f"<b>{escape(t.chat_title)}</b>\n{report}")


async def cmd_export(t: Turn, rest: str) -> None:
    data = await t.service.export_csv(t.cls, await t.is_teacher())
    document = InputFile(data, filename=report_file_name(t.chat_id, t.service.clock().date()))
    await to_teacher(t, "export", document=document)


async def to_teacher(t: Turn, command: str, text: str = "", document: InputFile | None = None) -> None:
    """Reports name students and their marks: asked for in a group, they go to the teacher's private chat."""
    if not t.private and t.as_the_group:
        # An administrator posting as the group: Telegram hides who they are, so there is nobody to message.
        # A link opens their private chat with the bot, which checks they administer the group, then sends it.
        link = f"https://t.me/{t.bot.username}?start={command}{t.chat_id}"
        button = InlineKeyboardMarkup([[InlineKeyboardButton(f"Get the {command} privately", url=link)]])
        await t.reply("You are posting as the group, so I can't tell who you are: open this link to get it.", button)
        return
    chat_id = t.chat_id if t.private else t.tg_user.id
    try:
        if document is not None:
            caption = "The class report as CSV" + ("" if t.private else f" for {escape(t.chat_title)}")
            await t.bot.send_document(chat_id, document, caption=caption, parse_mode=ParseMode.HTML)
        else:
            await send_html(t.bot, chat_id, text)
    except (Forbidden, BadRequest) as exc:
        if t.private:
            raise
        log.info("could not message teacher %s privately: %s", t.tg_user.id, exc)
        await t.reply(
            f"I can't message you privately yet: open a chat with @{escape(t.bot.username)}, press Start, "
            f"then send /{command} here again."
        )
        return
    if not t.private:
        await t.reply("I've sent it to you in a private chat (it names students).")


async def cmd_dailysettings(t: Turn, rest: str) -> None:
    changes = parse_daily_settings(rest)
    if changes is None:
        await t.reply(escape(DAILY_SETTINGS_USAGE))
        return
    settings = await t.service.daily_settings(t.cls, await t.is_teacher(), **changes)
    await t.reply(render.render_settings(settings))


async def cmd_seasonnew(t: Turn, rest: str) -> None:
    text, final = await season_command(t.service, t.cls, await t.is_teacher(), rest)
    await t.reply(escape(text) if final is None else f"{escape(text)}\n{render.render_leaderboard(final)}")


async def cmd_questions(t: Turn, rest: str) -> None:
    text = escape(await questions_command(t.service, t.cls, await t.is_teacher(), rest))
    if parse_questions(rest)[0] == "list":  # the list shows the answers: to the teacher's private chat
        await to_teacher(t, "questions", text=text if t.private else f"<b>{escape(t.chat_title)}</b>\n{text}")
    else:
        await t.reply(text)


COMMAND_HANDLERS: dict[str, Callable[[Turn, str], Awaitable[None]]] = {
    "start": cmd_start,
    "help": cmd_help,
    "ask": cmd_ask,
    "topics": cmd_topics,
    "quiz": cmd_quiz,
    "daily": cmd_daily,
    "answer": cmd_answer,
    "score": cmd_score,
    "leaderboard": cmd_leaderboard,
    "hideme": cmd_hideme,
    "forgetme": cmd_forgetme,
    "report": cmd_report,
    "export": cmd_export,
    "dailysettings": cmd_dailysettings,
    "seasonnew": cmd_seasonnew,
    "questions": cmd_questions,
}


async def politely(t: Turn, work: Awaitable[None]) -> None:
    """The core's refusals become short replies; anything else goes to the error handler."""
    try:
        await work
    except NotAllowed:
        await t.reply(FOR_TEACHERS)
    except RateLimited as exc:
        await t.reply(slow_down(exc))
    except ChatMigrated as exc:  # a message of a group handled after its upgrade to a supergroup
        await chat_moved(t.service, t.chat_id, exc.new_chat_id)


async def chat_moved(service: RevisionService, old: int, new: int) -> None:
    """The chat became a supergroup with a new id: the class follows; the reply to the old chat is dropped."""
    if await service.move_class(class_ref(old), class_ref(new)):
        log.info("class of chat %s moved to its supergroup %s", old, new)


def slow_down(exc: RateLimited) -> str:
    return exc.advice


def _from_bot(message: Message, bot: Bot) -> bool:
    return message.from_user is not None and message.from_user.id == bot.id


async def on_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    t = Turn(update, context)
    found = _COMMAND.match(t.message.text or "")
    if found is None:
        return
    name, rest = found.group(1).lower(), found.group(3).strip()
    spec = BY_NAME.get(name)
    if spec is not None and spec.teacher_only and not await t.is_teacher():
        await t.reply(f"/{spec.name} is for teachers.")
        return
    await politely(t, COMMAND_HANDLERS[name](t, rest))


async def on_unknown_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    t = Turn(update, context)
    found = _COMMAND.match(t.message.text or "")
    if found is None:
        return
    addressed = (found.group(2) or "").lower() == (context.bot.username or "").lower()
    if t.private or addressed:  # in a group, /cmd without @us may be meant for another bot
        await t.reply(f"I don't know /{escape(found.group(1)[:30])}. Type /help for the commands.")


async def on_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Private chat: a question. Group: only replies to us; a reply to one of our questions is an answer."""
    t = Turn(update, context)
    text = t.message.text or ""
    replied = t.message.reply_to_message
    to_us = replied is not None and _from_bot(replied, t.bot)
    ref = await t.state.ref_of(t.service, replied) if to_us else None
    if ref is not None:
        await politely(t, _answer_typed(t, ref, text))
    elif not t.private and not to_us and (asked := _addressed_to(t.message, t.bot)) is not None:
        # "@bot what was agreed at Yalta?": Telegram delivers mentions even in privacy mode; answer them.
        await politely(t, cmd_ask(t, asked))
    elif t.private and not to_us and (pending := await t.pending_ref()) is not None:
        # In a private chat the student's next message answers the question just put, as on the console;
        # a plain new question is answered from the notes and the quiz question stays open (bot/quiz/intent.py).
        await politely(t, _answer_pending(t, pending, text))
    elif t.private or to_us:
        await politely(t, cmd_ask(t, text))


def _addressed_to(message: Message, bot: Bot) -> str | None:
    """The question of a group message that mentions the bot, without the mention; None when it does not."""
    me = f"@{bot.username}".lower()
    mentions = [e for e, value in message.parse_entities([MessageEntity.MENTION]).items() if value.lower() == me]
    if not mentions:
        return None
    text = message.text or ""
    utf16 = text.encode("utf-16-le")
    for e in sorted(mentions, key=lambda e: -e.offset):  # cut from the end: offsets before stay valid
        utf16 = utf16[: e.offset * 2] + utf16[(e.offset + e.length) * 2 :]
    return utf16.decode("utf-16-le").strip(" ,:") or None


async def _answer_pending(t: Turn, ref: str, text: str) -> None:
    result = await t.service.answer(t.cls, t.user, ref, text, is_teacher=await t.staff())
    if result.already or result.problem in ("unknown", "expired", "not-yours"):
        await t.answered(ref)  # a question left from before (answered by a button, or yesterday's): not this
        await cmd_ask(t, text)
        return
    await t.show_result(ref, result)


async def _answer_typed(t: Turn, ref: str, given: str) -> None:
    await t.show_result(ref, await t.service.answer(t.cls, t.user, ref, given, is_teacher=await t.staff()))


# --- buttons ---------------------------------------------------------------------------------------


class QueryReply:
    """A button tap must be answered exactly once (the client shows a spinner until it is), even on errors."""

    def __init__(self, query: CallbackQuery):
        self.query = query
        self.done = False

    async def answer(self, text: str = "", alert: bool = False) -> None:
        if self.done:
            return
        self.done = True
        try:
            await self.query.answer(text[: render.MAX_ALERT] or None, show_alert=alert)
        except TelegramError as exc:  # e.g. a tap older than Telegram keeps queries open
            log.warning("could not answer a button tap: %s", exc)


def answers_query(
    handler: Callable[[Update, ContextTypes.DEFAULT_TYPE, QueryReply], Awaitable[None]],
) -> Callable[[Update, ContextTypes.DEFAULT_TYPE], Awaitable[None]]:
    @wraps(handler)
    async def wrapper(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        reply = QueryReply(update.callback_query)
        try:
            await handler(update, context, reply)
        except NotAllowed:
            await reply.answer(FOR_TEACHERS, alert=True)
        except RateLimited as exc:
            await reply.answer(slow_down(exc), alert=True)
        except Exception:
            await reply.answer(SORRY, alert=True)
            raise
        await reply.answer()

    return wrapper


@answers_query
async def on_answer_button(update: Update, context: ContextTypes.DEFAULT_TYPE, reply: QueryReply) -> None:
    query = update.callback_query
    found = ANSWER_DATA.match(query.data or "")
    if found is None or update.effective_chat is None:
        await reply.answer(STALE, alert=True)
        return
    t = Turn(update, context)
    ref, index = found.group("ref"), int(found.group("index"))
    question = await t.service.question_for(ref)
    if question is None or index >= len(question.options):
        await reply.answer(CLOSED, alert=True)
        return
    chosen = question.options[index]
    result = await t.service.answer(t.cls, t.user, ref, chosen, is_teacher=await t.staff())
    if result.already or result.problem:
        # a double tap, or someone else's question: a pop-up for the tapper only, nothing in the chat
        await reply.answer(render.short_result(result), alert=True)
        return
    await reply.answer(render.short_result(result))
    if t.private:
        await _mark_answered(query, chosen)
        header = ""
    else:  # the question stays open for the others; say whose answer this is
        header = ""  # the group is told only that the answer was taken (show_result): not which option
    await t.show_result(ref, result, header)


# The hint as it comes back from Telegram: italic, or plain when the entities were not kept.
_TAP_HINT_LINE = re.compile(r"\n(?:<i>)?" + re.escape(re.sub("</?i>", "", render.TAP_HINT)) + r"(?:</i>)?\s*$")


async def _mark_answered(query: CallbackQuery, chosen: str) -> None:
    """In a private chat the question is done: show the choice and take the buttons away."""
    message = query.message
    if not isinstance(message, Message) or not message.text:
        return
    asked = _TAP_HINT_LINE.sub("", message.text_html)  # the hint is done with: there is no second try
    text = f"{asked}\n\n<i>You answered: {escape(chosen)}</i>"
    try:
        if tg_len(text) <= MAX_CHARS:
            await query.edit_message_text(text, parse_mode=ParseMode.HTML, reply_markup=None)
        else:
            await query.edit_message_reply_markup(None)
    except BadRequest as exc:  # e.g. the message is too old to edit: the result still follows
        log.info("could not edit an answered question: %s", exc)


@answers_query
async def on_forget_button(update: Update, context: ContextTypes.DEFAULT_TYPE, reply: QueryReply) -> None:
    found = FORGET_DATA.match(update.callback_query.data or "")
    t = Turn(update, context)
    if found is None or found.group(1) != str(t.tg_user.id):
        await reply.answer("This button is for the student who asked. Send /forgetme yourself.", alert=True)
        return
    await forget(t)
    await reply.answer("Deleted.")
    try:
        await update.callback_query.edit_message_text(FORGOTTEN, reply_markup=None)
    except BadRequest as exc:
        log.info("could not edit the /forgetme message: %s", exc)
        await t.reply(FORGOTTEN)


@answers_query
async def on_other_button(update: Update, context: ContextTypes.DEFAULT_TYPE, reply: QueryReply) -> None:
    await reply.answer(STALE, alert=True)


# --- quiz polls ------------------------------------------------------------------------------------


async def on_poll_answer(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A vote in one of our quiz polls: the voter's answer to its question, scored once.

    Telegram has already shown the voter right or wrong and the explanation, so nothing is posted per vote;
    only a voter who thereby finishes the daily quiz gets one quiet line in the group.
    """
    vote = update.poll_answer
    if vote is None or vote.user is None or vote.voter_chat is not None or not vote.option_ids:
        return  # a retracted vote, or an anonymous administrator voting as the group: nobody to score
    service: RevisionService = context.bot_data["service"]
    state: TelegramState = context.bot_data["telegram"]
    found = await state.poll(service, vote.poll_id)
    if found is None:
        log.info("a vote in poll %s, which is not one of our quiz questions", vote.poll_id)
        return
    ref, cls = found
    question = await service.question_for(ref)
    index = vote.option_ids[0]
    if question is None or not 0 <= index < len(question.options):
        log.info("a vote in poll %s, whose question %s is no longer open", vote.poll_id, ref)
        return
    user = user_ref(vote.user)
    teacher = await is_staff(context.bot, state, int(cls.chat_id), vote.user.id)
    result = await service.answer(cls, user, ref, question.options[index], is_teacher=teacher)
    if result.problem == "expired":
        await _late_vote(context.bot, service, state, vote.poll_id, vote.user.id)
    elif result.finished_daily and not (result.problem or result.already or teacher):
        await _say_finished(context.bot, service, cls, user, result.streak)  # a teacher's quiz is no news


async def _late_vote(bot: Bot, service: RevisionService, state: TelegramState, poll_id: str, voter: int) -> None:
    """A vote in a poll of an earlier day scored nothing (cast as the poll closed, or in one left open). Telegram
    showed the voter a mark, so they are told privately that it does not count; a poll still open is closed."""
    await _stop_poll(bot, service, state, poll_id)
    try:
        await send_html(bot, voter, render.LATE_VOTE)
    except (Forbidden, BadRequest) as exc:  # never pressed Start in a private chat: nobody to tell
        log.info("could not tell %s that a late vote does not count: %s", voter, exc)


async def _stop_poll(bot: Bot, service: RevisionService, state: TelegramState, poll_id: str) -> None:
    """Close a poll of ours whose class's day ended before its close date (its time zone changed since)."""
    found = state.open_polls.pop(poll_id, None)
    if found is None:  # sent before a restart, or by another process: its close date closes it
        return
    chat_id, message_id, closes = found
    if service.clock() >= closes:  # Telegram has closed it already
        return
    try:
        await bot.stop_poll(chat_id, message_id)
    except TelegramError as exc:  # stopped or deleted meanwhile, or the bot was removed: its votes score nothing
        log.info("could not stop quiz poll %s: %s", poll_id, exc)


async def _say_finished(bot: Bot, service: RevisionService, cls: ClassRef, user: UserRef, streak: int) -> None:
    """One silent line, without marks (those are the student's and the teacher's); none for hidden students."""
    if (await service.score(cls, user)).hidden:
        return
    await send_html(bot, int(cls.chat_id), render.render_finished(user.display_name, streak), silent=True)


GREETING = (
    "Hi! I answer questions from your class's revision notes and run a daily quiz.\n"
    "Students: mention me or reply to me with a question; /daily for today's quiz, /quiz to practise, /help.\n"
    "Teachers (group admins): /dailysettings shows the daily quiz and changes it, e.g. "
    "<code>/dailysettings on time 8:00 timezone Europe/London</code>."
)
_GONE = (ChatMemberStatus.LEFT, ChatMemberStatus.BANNED)


async def on_my_membership(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Removed from a group: its daily quiz stops (nothing is deleted); added to one: first steps."""
    change = update.my_chat_member
    if change is None or change.chat.type == ChatType.PRIVATE:
        return
    service: RevisionService = context.bot_data["service"]
    was, now = change.old_chat_member.status, change.new_chat_member.status
    if now in _GONE and was not in _GONE:
        await service.daily_settings(class_ref(change.chat.id), True, enabled=False)
        log.info("removed from chat %s: its daily quiz is switched off", change.chat.id)
    elif was in _GONE and now not in _GONE:
        try:
            await send_html(context.bot, change.chat.id, GREETING)
        except TelegramError as exc:
            log.warning("could not greet chat %s: %s", change.chat.id, exc)


async def on_migrate(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A group upgraded to a supergroup gets a new id: its class (settings, answers, standings) moves with it.
    Telegram sends two service messages, one in each chat; the first to arrive moves the class."""
    message = update.effective_message
    if message is None:
        return
    if message.migrate_to_chat_id:
        old, new = message.chat_id, message.migrate_to_chat_id
    elif message.migrate_from_chat_id:
        old, new = message.migrate_from_chat_id, message.chat_id
    else:
        return
    await chat_moved(context.bot_data["service"], old, new)


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log, and tell the person briefly. Button taps were already answered by their handler."""
    error = context.error
    if isinstance(error, Forbidden):  # blocked by the student, or removed from the group: nobody to tell
        log.warning("Telegram refused a message: %s", error)
        return
    if isinstance(error, RetryAfter):  # still flooded after retrying: a reply would be refused too
        log.warning("gave up after Telegram flood control: %s", error)
        return
    if isinstance(error, ChatMigrated):  # outside a command: the reply to the old chat is dropped
        if isinstance(update, Update) and update.effective_chat is not None:
            await chat_moved(context.bot_data["service"], update.effective_chat.id, error.new_chat_id)
        return
    log.error("a Telegram update failed", exc_info=error)
    if isinstance(update, Update) and update.message is not None:
        try:
            await update.message.reply_text(SORRY, do_quote=not update.message.chat.type == ChatType.PRIVATE)
        except TelegramError as exc:
            log.warning("could not send the error reply: %s", exc)
