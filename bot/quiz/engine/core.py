"""The quiz engine's core: its state and caches, marking, the class and student rows, and the
answer dispatch. Every recorded answer is committed before its result is returned, and the database's
unique keys enforce one attempt per question, so a double click or a second process never scores twice.
"""

from __future__ import annotations

import asyncio
import json
import re
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import ColumnElement, Integer, cast, delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import InstrumentedAttribute

from bot.knowledge.aliases import AliasTable
from bot.quiz.bank import QuestionBank
from bot.quiz.daily import class_day
from bot.quiz.intent import not_an_answer
from bot.quiz.marking import Context, mark, mark_choice
from bot.quiz.marking.lists import asked_count
from bot.quiz.model import Marking, Question
from bot.quiz.values import (
    AnswerResult,
)
from bot.refs import QUIZ_REF, ClassRef, UserRef
from bot.storage.models import (
    ClassStaff,
    DailyAnswer,
    DailyQuiz,
    HiddenQuestion,
    PracticePrompt,
    SchoolClass,
    Student,
)
from bot.storage.writer import AnswerWriter

CLASS_CACHE_SECONDS = 5.0  # settings and seasons changed by another process are seen within this
RECENT_DAYS = 7  # a daily question is not repeated within this many days
MAX_GIVEN = 200  # characters of a typed answer that are kept (for the "commonest wrong answers")
POINTS_PER_CORRECT = 1
PERIODS = ("today", "week", "season")
_TIME = re.compile(r"^([01]?\d|2[0-3])[:.h]?([0-5]\d)$")


@dataclass(frozen=True, slots=True)
class _ClassInfo:
    id: int
    season: int
    timezone: str


@dataclass(frozen=True, slots=True)
class _QuizInfo:
    class_id: int
    day: str
    ids: tuple[str, ...]


def _quiz_info_of(quiz: DailyQuiz) -> _QuizInfo:
    return _QuizInfo(quiz.class_id, quiz.day, tuple(json.loads(quiz.question_ids)))


class EngineCore:
    """What every part of the engine shares: settings, caches, look-ups."""

    def __init__(
        self,
        sessions: async_sessionmaker,
        bank: QuestionBank,
        aliases: AliasTable,
        known_names: frozenset[str],
        clock: Callable[[], datetime],
        default_timezone: str = "UTC",
        default_count: int = 5,
        writer: AnswerWriter | None = None,
        marking: Context | None = None,
        notes: Callable[[str], Awaitable[tuple[QuestionBank, Context]]] | None = None,
    ):
        self.sessions = sessions
        self.writer = writer or AnswerWriter(sessions.kw["bind"])
        self._class_cache: dict[str, tuple[float, _ClassInfo]] = {}
        self._quiz_cache: dict[int, _QuizInfo] = {}
        self._student_cache: dict[str, int] = {}
        self._staff_seen: set[tuple[int, int]] = set()  # (class id, student id) recorded as staff by this process
        self._loading: dict[tuple, asyncio.Future] = {}
        self.bank = bank
        self.aliases = aliases
        self.known_names = known_names
        # What the notes and settings add to marking: aliases, names, the notes' compounds, the date order.
        self.marking = marking or Context(aliases=aliases, known_names=known_names)
        # A class's own question bank and marking context, by class key (its notes; see bot/classnotes). Without
        # it every class uses `bank` and `marking`.
        self.notes_for = notes
        self.clock = clock
        self.default_timezone = default_timezone
        self.default_count = default_count

    # --- marking -------------------------------------------------------------------------------

    async def _notes(self, class_key: str) -> tuple[QuestionBank, Context]:
        """The question bank and marking context of the class's notes."""
        if self.notes_for is None:
            return self.bank, self.marking
        return await self.notes_for(class_key)

    def mark(self, question: Question, given: str, context: Context | None = None) -> Marking:
        if question.typed:
            context = context or self.marking
            asked = asked_count(question.prompt)
            if asked is not None:  # "Name two of ...": two right items will do
                context = replace(context, asked=asked)
            return mark(question.answer, given, alternatives=question.alternatives, context=context)
        return mark_choice(question.options, question.answer, given)

    # --- rows ----------------------------------------------------------------------------------

    async def _class(self, session: AsyncSession, cls: ClassRef) -> SchoolClass:
        row = (await session.execute(select(SchoolClass).where(SchoolClass.key == cls.key))).scalar_one_or_none()
        if row is not None:
            return row
        try:
            async with session.begin_nested():
                row = SchoolClass(
                    key=cls.key,
                    timezone=self.default_timezone,
                    daily_count=self.default_count,
                    daily_enabled=True,
                    daily_time="08:00",
                    daily_channel="",
                    season=1,
                    season_started=self.clock(),
                )
                session.add(row)
        except IntegrityError:  # created by another request in the meantime
            row = (await session.execute(select(SchoolClass).where(SchoolClass.key == cls.key))).scalar_one()
        return row

    async def _student(self, session: AsyncSession, user: UserRef, create: bool = True) -> Student | None:
        q = select(Student).where(Student.platform == user.platform, Student.user_id == user.user_id)
        row = (await session.execute(q)).scalar_one_or_none()
        if row is None and create:
            try:
                async with session.begin_nested():
                    row = Student(
                        platform=user.platform,
                        user_id=user.user_id,
                        display_name=(user.display_name or user.user_id)[:100],
                        hidden=False,
                    )
                    session.add(row)
            except IntegrityError:
                row = (await session.execute(q)).scalar_one()
        elif row is not None and user.display_name and row.display_name != user.display_name[:100]:
            row.display_name = user.display_name[:100]
        return row

    async def _set_staff(self, session: AsyncSession, class_id: int, student_id: int, is_teacher: bool | None) -> None:
        """Record what the platform says of this user in this class: a teacher (True) is kept off its boards and
        its report's students, a student (False) is not; None (the platform could not tell) changes nothing."""
        if is_teacher is None:
            return
        key = (class_id, student_id)
        where = (ClassStaff.class_id == class_id, ClassStaff.student_id == student_id)
        recorded = (await session.execute(select(ClassStaff.id).where(*where))).first() is not None
        if not is_teacher:  # a read for every student, a write only for a teacher who no longer is one
            self._staff_seen.discard(key)
            if recorded:
                await session.execute(delete(ClassStaff).where(*where))
            return
        if not recorded:
            try:
                async with session.begin_nested():
                    session.add(ClassStaff(class_id=class_id, student_id=student_id))
            except IntegrityError:  # recorded by another request in the meantime
                pass
        self._staff_seen.add(key)

    async def _note_teacher(self, cls: ClassRef, user: UserRef) -> None:
        """A teacher's answer (a vote in the class's poll, a reply to its post) makes them staff of the class; once
        per process, so the answers' hot path stays free of writes for everyone else."""
        klass = await self._class_info(cls)
        student_id = await self._student_id(user)
        if (klass.id, student_id) in self._staff_seen:
            return
        async with self.sessions() as session:
            await self._set_staff(session, klass.id, student_id, True)
            await session.commit()

    def _today(self, klass: SchoolClass) -> str:
        return class_day(self.clock(), klass.timezone).isoformat()

    async def _hidden(self, session: AsyncSession, class_id: int) -> set[str]:
        rows = await session.execute(select(HiddenQuestion.question_id).where(HiddenQuestion.class_id == class_id))
        return set(rows.scalars())

    async def _asked_in(self, session: AsyncSession, klass: SchoolClass, questions: Sequence[Question]):  # noqa: ANN202
        """The questions this class is asked: without those the teacher hid, and only the teacher's own when
        generated questions are off for it."""
        hidden = await self._hidden(session, klass.id)
        return [q for q in questions if q.id not in hidden and (q.authored or klass.generated_questions)]

    async def question_for(self, ref: str) -> Question | None:
        """The question behind a stored reference (an adapter restarted and needs to re-render it)."""
        parsed = _parse_ref(ref)
        if parsed is None:
            return None
        async with self.sessions() as session:
            if parsed[0] == "d":
                quiz = await session.get(DailyQuiz, parsed[1])
                ids = json.loads(quiz.question_ids) if quiz else []
                if quiz is None or parsed[2] >= len(ids):
                    return None
                class_id, question_id = quiz.class_id, ids[parsed[2]]
            else:
                prompt = await session.get(PracticePrompt, parsed[1])
                if prompt is None:
                    return None
                class_id, question_id = prompt.class_id, prompt.question_id
            key = await session.scalar(select(SchoolClass.key).where(SchoolClass.id == class_id))
        bank, _context = await self._notes(key or "")
        return bank.get(question_id)

    async def _unmarked(
        self, user: UserRef, ref: str, question: Question, given: str, marking: Marking, answered: bool | None = None
    ) -> AnswerResult | None:
        """A new question, or text naming none of the options, is not marked and the quiz question stays open
        (see bot/quiz/intent.py); None when `given` is an answer to mark, or the question was answered before
        (`answered`, when the caller knows it, saves looking that up)."""
        why = not_an_answer(question, given, marking)
        if not why or (await self.is_answered(user, ref) if answered is None else answered):
            return None
        return AnswerResult(ref, False, problem=why, options=question.options if why == "option" else ())

    async def is_answered(self, user: UserRef, ref: str) -> bool:
        """Has this student answered the question of `ref` already?"""
        parsed = _parse_ref(ref)
        if parsed is None:
            return False
        async with self.sessions() as session:
            student = await self._student(session, user, create=False)
            if student is None:
                return False
            if parsed[0] == "d":
                found = await session.execute(
                    select(DailyAnswer.id).where(
                        DailyAnswer.daily_id == parsed[1],
                        DailyAnswer.student_id == student.id,
                        DailyAnswer.position == parsed[2],
                    )
                )
                return found.first() is not None
            prompt = await session.get(PracticePrompt, parsed[1])
            return prompt is not None and prompt.answered_at is not None

    async def answer(
        self, cls: ClassRef, user: UserRef, ref: str, given: str, is_teacher: bool | None = None
    ) -> AnswerResult:
        """`is_teacher`: only True counts here (see _note_teacher); daily() and practice() also clear it."""
        parsed = _parse_ref(ref)
        if parsed is None:
            return AnswerResult(ref, False, problem="unknown")
        given = (given or "").strip()
        if not given:
            return AnswerResult(ref, False, problem="empty")
        if is_teacher:
            await self._note_teacher(cls, user)
        if parsed[0] == "d":
            return await self._answer_daily(cls, user, ref, parsed[1], parsed[2], given)
        return await self._answer_practice(user, ref, parsed[1], given)

    async def _class_info(self, cls: ClassRef) -> _ClassInfo:
        hit = self._class_cache.get(cls.key)
        if hit and hit[0] > time.monotonic():
            return hit[1]
        info = await self._once(("class", cls.key), lambda: self._load_class_info(cls))
        self._class_cache[cls.key] = (time.monotonic() + CLASS_CACHE_SECONDS, info)
        return info

    def _remember_daily(self, cls: ClassRef, klass: SchoolClass, quiz: DailyQuiz) -> None:
        """Keep the class and its quiz as just read: the answers that follow the quiz's question need no
        look-up of their own."""
        self._class_cache[cls.key] = (
            time.monotonic() + CLASS_CACHE_SECONDS,
            _ClassInfo(klass.id, klass.season, klass.timezone),
        )
        self._keep_quiz(quiz.id, _quiz_info_of(quiz))

    def _keep_quiz(self, daily_id: int, info: _QuizInfo) -> None:
        if len(self._quiz_cache) > 10_000:
            self._quiz_cache.clear()
        self._quiz_cache[daily_id] = info  # a quiz never changes once chosen

    async def _load_class_info(self, cls: ClassRef) -> _ClassInfo:
        async with self.sessions() as session:
            k = await self._class(session, cls)
            info = _ClassInfo(k.id, k.season, k.timezone)
            await session.commit()
        return info

    async def _once(self, key: tuple, load):  # noqa: ANN001, ANN202
        """One load per key at a time: a burst of first answers must not open hundreds of sessions."""
        fut = self._loading.get(key)
        if fut is None:
            fut = asyncio.ensure_future(load())
            self._loading[key] = fut
            fut.add_done_callback(lambda _f: self._loading.pop(key, None))
        return await asyncio.shield(fut)

    async def _quiz_info(self, daily_id: int) -> _QuizInfo | None:
        info = self._quiz_cache.get(daily_id)
        if info is None:
            info = await self._once(("quiz", daily_id), lambda: self._load_quiz_info(daily_id))
            if info is not None:
                self._keep_quiz(daily_id, info)
        return info

    async def _load_quiz_info(self, daily_id: int) -> _QuizInfo | None:
        async with self.sessions() as session:
            quiz = await session.get(DailyQuiz, daily_id)
            return _quiz_info_of(quiz) if quiz else None

    async def _student_id(self, user: UserRef) -> int:
        sid = self._student_cache.get(user.key)
        if sid is None:
            sid = await self._once(("student", user.key), lambda: self._load_student_id(user))
            if len(self._student_cache) > 100_000:
                self._student_cache.clear()
            self._student_cache[user.key] = sid
        return sid

    async def _load_student_id(self, user: UserRef) -> int:
        async with self.sessions() as session:
            sid = (await self._student(session, user)).id
            await session.commit()
        return sid


def _as_int(col):  # noqa: ANN001, ANN202
    """A boolean column as 0/1, to sum it the same way on SQLite and PostgreSQL."""
    return cast(col, Integer)


def _practice_in_season(klass: SchoolClass) -> ColumnElement[bool]:
    """A condition on practice answered in the class's current season: after /seasonnew began it (an answer given as
    it began is the season before's); in a first season, all of the class's."""
    if klass.season <= 1:
        return PracticePrompt.answered_at.is_not(None)
    return PracticePrompt.answered_at > klass.season_started


def _students_only(class_id: int, student_id: InstrumentedAttribute[int]) -> ColumnElement[bool]:
    """A condition on a class's rows (answers, practice) that leaves out its staff: teachers trying the quizzes."""
    staff = select(ClassStaff.id).where(ClassStaff.class_id == class_id, ClassStaff.student_id == student_id)
    return ~staff.exists()


_CHOICE = re.compile(r"^\(?([a-h]|[1-8])[).]?$")


def _as_given(question: Question, given: str) -> str:
    """What to keep of an answer: for multiple choice the option picked ("b" -> "Stalin"), for the report."""
    exact = [o for o in question.options if o.casefold() == given.strip().casefold()]
    if exact:  # an option's own text wins over reading it as a letter or a number ("1955", "A")
        return exact[0]
    m = _CHOICE.match(given.strip().lower()) if question.options else None
    if m:
        key = m.group(1)
        idx = int(key) - 1 if key.isdigit() else ord(key) - ord("a")
        if 0 <= idx < len(question.options):
            return question.options[idx]
    return given[:MAX_GIVEN]


def _parse_ref(ref: str) -> tuple[str, int, int] | None:
    """("d", daily quiz id, position) or ("p", question id, 0); None for anything else, whatever an adapter let
    through: a negative position ("d:1:-1") or a number too large for the database is no question."""
    m = QUIZ_REF.fullmatch(ref or "")
    if m is None:
        return None
    if m.group("daily"):
        return ("d", int(m.group("daily")), int(m.group("position")))
    return ("p", int(m.group("question")), 0)


def _repeat(ref: str, q: Question, **extra) -> AnswerResult:
    """The reply to a question answered before: nothing scored, the answer shown again."""
    return AnswerResult(
        ref, False, already=True, correct_answer=q.answer, explanation=q.explanation, source=q.source, **extra
    )


def _result(ref: str, q: Question, marking: Marking, **extra) -> AnswerResult:
    return AnswerResult(
        ref,
        marking.correct,
        marking.close,
        correct_answer=q.answer,
        explanation=q.explanation,
        source=q.source,
        reason=marking.reason,
        **extra,
    )
