"""The one facade the adapters call. Every decision lives here or below; adapters only render."""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from rapidfuzz import fuzz, process
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker

from bot.classnotes.build import ClassNotes
from bot.classnotes.library import NotesLibrary
from bot.classnotes.teacher import ClassNotesDesk
from bot.classnotes.values import NoteLimits, NotesChange, NotesList, NoteSplit
from bot.commands import CommandSpec, visible_commands
from bot.knowledge.base import Knowledge
from bot.knowledge.model import Answer
from bot.quiz.bank import QuestionBank
from bot.quiz.engine import QuizEngine
from bot.quiz.export import report_csv
from bot.quiz.values import (
    AnswerResult,
    DailySettings,
    DailyStatus,
    Leaderboard,
    NotAllowed,
    QuestionList,
    QuizPrompt,
    Report,
    ScoreCard,
)
from bot.ratelimit import RateLimited, RateLimiter
from bot.refs import ClassRef, UserRef
from bot.storage import chatrefs
from bot.storage import notes as notes_store
from bot.storage.faults import describe
from bot.storage.gaps import class_member_names, record_gap, scrub_gap

__all__ = ["RevisionService", "NotAllowed", "RateLimited", "TopicInfo", "utc_now"]

log = logging.getLogger(__name__)

SUGGESTED_TOPICS = 5

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class TopicInfo:
    name: str
    source: str
    snippets: int


class RevisionService:
    def __init__(
        self,
        knowledge: Knowledge,
        sessions: async_sessionmaker | None = None,
        clock: Clock = utc_now,
        engine: AsyncEngine | None = None,
        bank: QuestionBank | None = None,
        quiz: QuizEngine | None = None,
        limiter: RateLimiter | None = None,
    ):
        self.knowledge = knowledge
        self.sessions = sessions
        self.clock = clock
        self.engine = engine
        self.bank = bank
        self._quiz = quiz
        self.limiter = limiter or RateLimiter(0)
        self._bank_future: asyncio.Future[QuestionBank] | None = None
        self._background: set[asyncio.Task] = set()
        self.library: NotesLibrary | None = None  # each class's own notes (bot.classnotes), when set up
        self.desk: ClassNotesDesk | None = None
        self._no_notes: ClassNotes | None = None  # what a class without notes uses when nothing is shared

    def use_class_notes(self, library: NotesLibrary, desk: ClassNotesDesk, shared: bool = True) -> None:
        """Classes may have notes of their own; those without use the shared notes (`shared`) or none."""
        self.library = library
        self.desk = desk
        if not shared:
            self._no_notes = ClassNotes(Knowledge.from_files([]), QuestionBank(), self.quiz.marking)
        if self._quiz is not None:
            self._quiz.notes_for = self._class_bank

    def shared_notes(self) -> ClassNotes:
        """The notes of a class without notes of its own: the bot's notes folder (or none, when so set)."""
        if self._no_notes is not None:
            return self._no_notes
        marking = self._quiz.marking if self._quiz is not None else None
        return ClassNotes(self.knowledge, self.bank or QuestionBank(), marking)

    async def _class_notes(self, cls: ClassRef | None) -> ClassNotes:
        await self.bank_built()
        if cls is None or self.library is None:
            return self.shared_notes()
        return await self.library.for_class(cls.key)

    async def _knowledge(self, cls: ClassRef | None) -> Knowledge:
        if cls is None or self.library is None:  # answers never wait for the shared question bank
            return self.knowledge if self._no_notes is None else self._no_notes.knowledge
        notes = await self.library.for_class(cls.key)
        return notes.knowledge

    async def _class_bank(self, class_key: str):  # noqa: ANN202
        notes = await self.library.for_class(class_key)
        return notes.bank, notes.marking

    def build_bank_in_background(self, build: Callable[[], QuestionBank]) -> None:
        """Build the question bank off the event loop: questions are answered meanwhile, quiz commands wait."""
        loop = asyncio.get_running_loop()
        self._bank_future = loop.run_in_executor(None, build)

    async def bank_built(self) -> None:
        """Wait for the question bank when it is still being built (the first seconds after a large start-up)."""
        future = self._bank_future
        if future is None:
            return
        try:
            bank = await asyncio.shield(future)
        except Exception:  # the bank could not be built: answers still work, quizzes have no questions
            if self._bank_future is future:
                log.exception("the quiz question bank could not be built")
            bank = QuestionBank()
        if self._bank_future is future:
            self._bank_future = None
            self.bank = bank
            if self._quiz is not None:
                self._quiz.bank = bank

    @property
    def quiz(self) -> QuizEngine:
        if self._quiz is None:
            raise RuntimeError("quizzes need a database: build the service with bot.app.bootstrap()")
        return self._quiz

    async def close(self) -> None:
        await self.settled()
        if self.library is not None:
            await self.library.close()
        if self._quiz is not None:
            await self._quiz.writer.close()
        if self.engine is not None:
            await self.engine.dispose()

    # --- questions -----------------------------------------------------------------------------

    async def ask(
        self, question: str, cls: ClassRef | None = None, top: int = 3, user: UserRef | None = None
    ) -> Answer:
        """Raises RateLimited when `user` asks too often."""
        if user is not None:
            self.limiter.check(user.key)
        knowledge = await self._knowledge(cls)
        answer = knowledge.index.ask(question, top=top)
        if not answer.answered and not answer.problem and cls is not None and self.sessions is not None:
            # Off the reply's path: a slow or locked database never holds the answer back.
            task = asyncio.get_running_loop().create_task(self._record_gap(cls, answer.question, user, knowledge))
            self._background.add(task)
            task.add_done_callback(self._background.discard)
        return answer

    async def _record_gap(self, cls: ClassRef, question: str, user: UserRef | None, knowledge: Knowledge) -> None:
        assert self.sessions is not None
        try:
            names = await class_member_names(self.sessions, cls.key)
            text = scrub_gap(question, [*names, user.display_name if user else ""], knowledge.index.knows)
            await record_gap(self.sessions, cls.key, text, self.clock())
        except Exception as exc:  # the student has the answer already; the teacher's report misses one
            known = describe(exc, self.engine.url) if self.engine is not None else None
            if known:
                log.warning("could not record an unanswered question: %s", known)
            else:
                log.exception("could not record an unanswered question")

    async def settled(self) -> None:
        """Wait for the records made in the background (unanswered questions) to be written."""
        while self._background:
            await asyncio.gather(*list(self._background), return_exceptions=True)

    async def topics(self, cls: ClassRef | None = None, user: UserRef | None = None) -> list[TopicInfo]:
        """The topics of the class's notes. Raises RateLimited when `user` sends commands too often."""
        if user is not None:
            self.limiter.check(user.key)
        knowledge = await self._knowledge(cls)
        counts = Counter((s.topic, s.source) for s in knowledge.snippets)
        return [TopicInfo(topic, source, n) for (topic, source), n in counts.items()]

    def help(self, is_teacher: bool = False, user: UserRef | None = None) -> list[CommandSpec]:
        if user is not None:
            self.limiter.check(user.key)
        return visible_commands(is_teacher)

    # --- quizzes (see bot.quiz.engine) ---------------------------------------------------------

    async def quiz_topics(self, cls: ClassRef | None = None) -> list[str]:
        notes = await self._class_notes(cls)
        return notes.bank.topics()

    async def no_questions(self, cls: ClassRef | None, topic: str | None) -> str:
        """What to say when /quiz finds nothing: the topics closest to what was typed (plain text)."""
        topics = await self.quiz_topics(cls)
        if not topics:
            return "There are no quiz questions yet."
        if not topic:
            return "No questions are left to ask you here just now."
        closest = [t for t, _score, _i in process.extract(topic, topics, scorer=fuzz.WRatio, limit=SUGGESTED_TOPICS)]
        more = f" ({len(topics)} in all: /topics lists them)" if len(topics) > len(closest) else ""
        return f"No questions on {topic[:60]!r}. Closest topics: {'; '.join(closest)}{more}."

    # `is_teacher` on the quiz calls: whether the platform counts this user a teacher of the class (None: it could
    # not tell). A teacher may try the daily quiz and practice, and is kept off the class's leaderboards and out of
    # the report's students; answer() only ever records a teacher, daily() and practice() also clear the mark.

    async def daily(self, cls: ClassRef, user: UserRef, is_teacher: bool | None = None) -> DailyStatus:
        """Raises RateLimited when the student sends quiz commands too often."""
        self.limiter.check(user.key)
        await self.bank_built()
        return await self.quiz.daily(cls, user, is_teacher)

    async def practice(
        self, cls: ClassRef, user: UserRef, topic: str | None = None, is_teacher: bool | None = None
    ) -> QuizPrompt | None:
        """Raises RateLimited when the student sends quiz commands too often."""
        self.limiter.check(user.key)
        await self.bank_built()
        return await self.quiz.practice(cls, user, topic or None, is_teacher)

    async def answer(
        self, cls: ClassRef, user: UserRef, ref: str, given: str, is_teacher: bool | None = None
    ) -> AnswerResult:
        """Raises RateLimited when the student answers too often (a budget of its own, apart from commands)."""
        self.limiter.check(f"{user.key}|answers")
        await self.bank_built()
        result = await self.quiz.answer(cls, user, ref, given, is_teacher)
        if result.problem == "question":  # not marked: the notes answer it, the quiz question stays open
            knowledge = await self._knowledge(cls)
            result = replace(result, asked=knowledge.index.ask(given, top=1))
        return result

    async def question_for(self, ref: str):  # noqa: ANN201
        await self.bank_built()
        return await self.quiz.question_for(ref)

    async def score(self, cls: ClassRef, user: UserRef) -> ScoreCard:
        self.limiter.check(user.key)
        return await self.quiz.score(cls, user)

    async def leaderboard(
        self, cls: ClassRef, user: UserRef | None, period: str = "week", season: int | None = None
    ) -> Leaderboard:
        """The board of `period` ("today", "week", "season") in the current season, or the archived board of an
        earlier `season` (marked missing, with the class's seasons, when it has no such season)."""
        if user is not None:
            self.limiter.check(user.key)
        return await self.quiz.leaderboard(cls, user, period, season=season)

    async def hideme(self, user: UserRef) -> bool:
        """Toggle; returns True when the student is now hidden from leaderboards."""
        self.limiter.check(user.key)
        return await self.quiz.toggle_hidden(user)

    async def forgetme(self, user: UserRef) -> int:
        gone = await self.quiz.forget(user)
        if self.desk is not None:  # a teacher's notes stay the class's, without their name
            gone += await notes_store.forget_author(self.sessions, user.key)
        return gone

    async def report(self, cls: ClassRef, is_teacher: bool) -> Report:
        await self.bank_built()
        await self.settled()  # the questions just asked count
        return await self.quiz.report(cls, is_teacher)

    async def class_questions(self, cls: ClassRef, is_teacher: bool, topic: str | None = None) -> QuestionList:
        """The class's questions for its teacher (raises NotAllowed for a student)."""
        await self.bank_built()
        return await self.quiz.class_questions(cls, is_teacher, topic or None)

    async def hide_question(self, cls: ClassRef, is_teacher: bool, question_id: str, hide: bool = True):  # noqa: ANN201
        """Hide a question from the class's quizzes, or bring it back; None when no question has that id."""
        await self.bank_built()
        return await self.quiz.hide_question(cls, is_teacher, question_id, hide)

    async def generated_questions(self, cls: ClassRef, is_teacher: bool, on: bool) -> bool:
        return await self.quiz.set_generated(cls, is_teacher, on)

    async def export_csv(self, cls: ClassRef, is_teacher: bool) -> bytes:
        await self.bank_built()
        await self.settled()
        return report_csv(await self.quiz.report(cls, is_teacher))

    async def daily_settings(self, cls: ClassRef, is_teacher: bool, **changes) -> DailySettings:
        if not any(v is not None for v in changes.values()):
            return await self.quiz.settings(cls)
        return await self.quiz.update_settings(cls, is_teacher, **changes)

    async def season_new(self, cls: ClassRef, is_teacher: bool) -> Leaderboard:
        await self.settled()  # the questions just asked are the season's that ends
        return await self.quiz.new_season(cls, is_teacher)

    # --- the class's notes (see bot.classnotes) -----------------------------------------------------

    def note_limits(self) -> NoteLimits:
        """What an uploaded note may be: adapters refuse a file by its size and type before downloading it."""
        return self._desk.limits

    async def notes_add(
        self, cls: ClassRef, user: UserRef, is_teacher: bool, filename: str, data: bytes, replace: bool = False
    ) -> NotesChange:
        """Add one file to the class's notes (or with `replace`, put it in place of the file of that name). The
        file is read first: one the bot cannot use changes nothing and says why. Raises NotAllowed for a
        student, RateLimited when sent too often."""
        return (await self.notes_add_files(cls, user, is_teacher, [(filename, data)], replace))[0]

    async def notes_add_files(
        self, cls: ClassRef, user: UserRef, is_teacher: bool, files: list[tuple[str, bytes]], replace: bool = False
    ) -> list[NotesChange]:
        """Add several files at once (one NotesChange each, in order): the class's notes are built once, after
        the last. Raises NotAllowed for a student, RateLimited when sent too often."""
        self.limiter.check(user.key)
        if not is_teacher:
            raise NotAllowed("notes")
        await self.bank_built()
        return await self._desk.add(cls, user, files, replace=replace)

    async def notes_remove(self, cls: ClassRef, user: UserRef, is_teacher: bool, name: str) -> NotesChange:
        self.limiter.check(user.key)
        if not is_teacher:
            raise NotAllowed("notes")
        return await self._desk.remove(cls, name)

    async def notes_list(self, cls: ClassRef, user: UserRef | None = None) -> NotesList:
        """The class's notes with what each gave (students may list them too)."""
        if user is not None:
            self.limiter.check(user.key)
        await self.bank_built()
        return await self._desk.listing(cls)

    async def notes_show(self, cls: ClassRef, name: str, user: UserRef | None = None) -> NoteSplit | None:
        """How one of the class's notes was split into topics and facts; None when it has no such file."""
        if user is not None:
            self.limiter.check(user.key)
        return await self._desk.show(cls, name)

    @property
    def _desk(self) -> ClassNotesDesk:
        if self.desk is None:
            raise RuntimeError("class notes need a database: build the service with bot.app.bootstrap()")
        return self.desk

    # --- scheduling, for the platform adapters ---------------------------------------------------

    async def classes_due(self, platform: str) -> list[tuple[ClassRef, DailySettings]]:
        """Classes of `platform` whose daily quiz should be posted now (time reached, not yet posted)."""
        await self.bank_built()
        return await self.quiz.classes_due(platform)

    async def claim_daily_post(self, cls: ClassRef) -> DailyStatus | None:
        """Claim today's post of the class's daily quiz: exactly one caller (process) gets the status back."""
        await self.bank_built()
        return await self.quiz.claim_daily_post(cls)

    async def release_daily_post(self, cls: ClassRef) -> None:
        """The claimed post failed for a passing reason (the platform's 5xx): let a later tick retry it."""
        await self.quiz.release_daily_post(cls)

    # --- what a platform message carries (adapters whose answers arrive without their context) ----

    async def remember_ref(self, platform: str, key: str, ref: str, cls: ClassRef, *, replace: bool = False) -> None:
        """Note that the message or poll `key` of `platform` carries the quiz question `ref` of class `cls`
        (`replace`: a slot that moves on, such as the question waiting for a student's next message)."""
        await chatrefs.remember(self.sessions, platform, key, ref, cls, self.clock(), replace=replace)

    async def move_class(self, old: ClassRef, new: ClassRef) -> bool:
        """A chat changed its id (a Telegram group upgraded to a supergroup): its class and notes follow it."""
        moved = await self.quiz.move_class(old, new)
        if self.library is not None:
            await notes_store.move_class(self.sessions, old.key, new.key)
            self.library.forget(old.key)
            self.library.forget(new.key)
        return moved

    async def forget_ref(self, platform: str, key: str, *, prefix: bool = False) -> None:
        await chatrefs.forget(self.sessions, platform, key, prefix=prefix)

    async def recall_ref(self, platform: str, key: str) -> tuple[str, ClassRef] | None:
        """The quiz question (and class) a message or poll carries, even after a restart."""
        return await chatrefs.recall(self.sessions, platform, key)
