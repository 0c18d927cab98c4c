"""The quiz engine: daily class quizzes, practice with spaced repetition, scores, boards and reports.

Every recorded answer is committed before its result is returned, and the database's unique keys
enforce one attempt per question, so a double click or a second process never scores twice.
"""

from __future__ import annotations

import asyncio
import json
import logging
import random
import re
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import Integer, cast, delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.knowledge.aliases import AliasTable
from bot.quiz.bank import QuestionBank
from bot.quiz.daily import class_day, pick_daily, seed_for, streak_from, week_start, zone
from bot.quiz.marking import mark, mark_choice
from bot.quiz.model import Marking, Question
from bot.quiz.srs import review
from bot.quiz.values import (
    AnswerResult,
    DailySettings,
    DailyStatus,
    GapRow,
    Leaderboard,
    LeaderRow,
    NotAllowed,
    QuestionRow,
    QuizPrompt,
    Report,
    ScoreCard,
    StudentRow,
    TopicScore,
)
from bot.refs import QUIZ_REF, ClassRef, UserRef
from bot.storage.cards import card_state_query, card_upsert
from bot.storage.gaps import list_gaps
from bot.storage.models import (
    DailyAnswer,
    DailyCompletion,
    DailyQuiz,
    PracticePrompt,
    ReviewCard,
    SchoolClass,
    SeasonResult,
    Student,
)
from bot.storage.writer import AnswerRow, AnswerWriter
from bot.text import normalise_question

log = logging.getLogger(__name__)

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
class _Standing:
    student_id: int
    name: str
    hidden: bool
    points: int
    answered: int
    correct: int


def _board(period: str, rows: list[_Standing], me: Student | None, season: int, limit: int) -> Leaderboard:
    """The visible leaderboard: hidden students left out, equal scores sharing a rank."""
    board: list[LeaderRow] = []
    you: LeaderRow | None = None
    rank, last = 0, None
    for r in rows:
        if r.hidden:
            continue
        if (r.points, r.correct) != last:
            rank, last = len(board) + 1, (r.points, r.correct)
        row = LeaderRow(rank, r.name, r.points, r.answered, r.correct)
        board.append(row)
        if me is not None and r.student_id == me.id:
            you = row
    return Leaderboard(period, tuple(board[:limit]), you, bool(me and me.hidden), season)


@dataclass(frozen=True, slots=True)
class _QuizInfo:
    class_id: int
    day: str
    ids: tuple[str, ...]


class QuizEngine:
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
    ):
        self.sessions = sessions
        self.writer = writer or AnswerWriter(sessions.kw["bind"])
        self._class_cache: dict[str, tuple[float, _ClassInfo]] = {}
        self._quiz_cache: dict[int, _QuizInfo] = {}
        self._student_cache: dict[str, int] = {}
        self._loading: dict[tuple, asyncio.Future] = {}
        self.bank = bank
        self.aliases = aliases
        self.known_names = known_names
        self.clock = clock
        self.default_timezone = default_timezone
        self.default_count = default_count

    # --- marking -------------------------------------------------------------------------------

    def mark(self, question: Question, given: str) -> Marking:
        if question.typed:
            return mark(
                question.answer,
                given,
                alternatives=question.alternatives,
                aliases=self.aliases,
                known_names=self.known_names,
            )
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

    def _today(self, klass: SchoolClass) -> str:
        return class_day(self.clock(), klass.timezone).isoformat()

    # --- the daily quiz --------------------------------------------------------------------------

    async def _daily_quiz(self, session: AsyncSession, klass: SchoolClass, day: str) -> DailyQuiz:
        """Today's quiz of the class, chosen once: the first process to insert it wins, others read it."""
        q = select(DailyQuiz).where(DailyQuiz.class_id == klass.id, DailyQuiz.day == day)
        row = (await session.execute(q)).scalar_one_or_none()
        if row is not None:
            return row
        since = (datetime.fromisoformat(day) - timedelta(days=RECENT_DAYS)).date().isoformat()
        recent_rows = await session.execute(
            select(DailyQuiz.question_ids).where(DailyQuiz.class_id == klass.id, DailyQuiz.day >= since)
        )
        recent = {qid for (ids,) in recent_rows for qid in json.loads(ids)}
        accuracy = {t.topic: t.accuracy for t in await self._topic_scores(session, klass.id) if t.answered}
        ids = pick_daily(self.bank.questions, klass.key, day, klass.daily_count, accuracy, recent)
        try:
            async with session.begin_nested():
                row = DailyQuiz(class_id=klass.id, day=day, question_ids=json.dumps(ids), posted=False)
                session.add(row)
        except IntegrityError:
            row = (await session.execute(q)).scalar_one()
        return row

    def _daily_prompt(self, daily_id: int, ids: Sequence[str], position: int) -> QuizPrompt | None:
        if position >= len(ids):
            return None
        question = self.bank.get(ids[position])
        if question is None:
            return None
        return QuizPrompt(f"d:{daily_id}:{position}", question, "daily", position + 1, len(ids))

    def _next_prompt(self, daily_id: int, ids: Sequence[str], done: Collection[int]) -> QuizPrompt | None:
        """The first question of the day this student has not answered yet."""
        nxt = next((i for i in range(len(ids)) if i not in done), None)
        return self._daily_prompt(daily_id, ids, nxt) if nxt is not None else None

    async def daily(self, cls: ClassRef, user: UserRef) -> DailyStatus:
        async with self.sessions() as session:
            klass = await self._class(session, cls)
            student = await self._student(session, user)
            await session.flush()
            self._student_cache[user.key] = student.id
            day = self._today(klass)
            if not klass.daily_enabled:
                await session.commit()
                return DailyStatus(day, 0, 0, 0, 0, None, enabled=False)
            quiz = await self._daily_quiz(session, klass, day)
            status = await self._daily_status(session, klass, quiz, student)
            await session.commit()
            return status

    async def _daily_status(
        self, session: AsyncSession, klass: SchoolClass, quiz: DailyQuiz, student: Student
    ) -> DailyStatus:
        ids = [qid for qid in json.loads(quiz.question_ids) if self.bank.get(qid)]
        done = await session.execute(
            select(DailyAnswer.position, DailyAnswer.correct).where(
                DailyAnswer.daily_id == quiz.id, DailyAnswer.student_id == student.id
            )
        )
        answered = dict(done.all())
        if ids and len(answered) >= len(ids):
            # Normally recorded with the last answer; this repairs a race between two processes.
            await session.execute(
                self.writer.add_completion, {"class_id": klass.id, "student_id": student.id, "day": quiz.day}
            )
        streak = await self._streak(session, klass, student.id)
        prompt = self._next_prompt(quiz.id, ids, answered)
        return DailyStatus(quiz.day, len(ids), len(answered), sum(answered.values()), streak, prompt)

    async def _streak(self, session: AsyncSession, klass: SchoolClass, student_id: int) -> int:
        return await self._streak_of(session, klass.id, klass.timezone, student_id)

    async def _streak_of(self, session: AsyncSession, class_id: int, timezone: str, student_id: int) -> int:
        rows = await session.execute(
            select(DailyCompletion.day).where(
                DailyCompletion.class_id == class_id, DailyCompletion.student_id == student_id
            )
        )
        return streak_from({d for (d,) in rows}, class_day(self.clock(), timezone))

    async def question_for(self, ref: str) -> Question | None:
        """The question behind a stored reference (an adapter restarted and needs to re-render it)."""
        parsed = _parse_ref(ref)
        if parsed is None:
            return None
        async with self.sessions() as session:
            if parsed[0] == "d":
                quiz = await session.get(DailyQuiz, parsed[1])
                ids = json.loads(quiz.question_ids) if quiz else []
                return self.bank.get(ids[parsed[2]]) if quiz and parsed[2] < len(ids) else None
            prompt = await session.get(PracticePrompt, parsed[1])
            return self.bank.get(prompt.question_id) if prompt else None

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

    async def answer(self, cls: ClassRef, user: UserRef, ref: str, given: str) -> AnswerResult:
        parsed = _parse_ref(ref)
        if parsed is None:
            return AnswerResult(ref, False, problem="unknown")
        given = (given or "").strip()
        if not given:
            return AnswerResult(ref, False, problem="empty")
        if parsed[0] == "d":
            return await self._answer_daily(cls, user, ref, parsed[1], parsed[2], given)
        return await self._answer_practice(user, ref, parsed[1], given)

    async def _answer_daily(
        self, cls: ClassRef, user: UserRef, ref: str, daily_id: int, position: int, given: str
    ) -> AnswerResult:
        """The hot path of a class quiz: cached look-ups, then one batched write (see AnswerWriter)."""
        now = self.clock()
        klass = await self._class_info(cls)
        quiz = await self._quiz_info(daily_id)
        if quiz is None or quiz.class_id != klass.id or position >= len(quiz.ids):
            return AnswerResult(ref, False, problem="unknown")
        question = self.bank.get(quiz.ids[position])
        if question is None:
            return AnswerResult(ref, False, problem="unknown")
        marking = self.mark(question, given)
        for attempt in range(2):
            student_id = await self._student_id(user)
            row = AnswerRow(
                daily_id,
                klass.id,
                student_id,
                position,
                question.id,
                question.topic[:200],
                _as_given(question, given),
                marking.correct,
                POINTS_PER_CORRECT if marking.correct else 0,
                klass.season,
                quiz.day,
                now,
            )
            try:
                recorded, done = await self.writer.record(row, len(quiz.ids))
                break
            except IntegrityError:  # the student was deleted (/forgetme) by another process meanwhile
                self._student_cache.pop(user.key, None)
                if attempt:
                    raise
        finished = len(done) >= len(quiz.ids)
        streak = 0
        if finished:
            async with self.sessions() as session:
                streak = await self._streak_of(session, klass.id, klass.timezone, student_id)
        prompt = self._next_prompt(daily_id, quiz.ids, done)
        if not recorded:  # a repeat (a double click, a second process): nothing scored, nothing more to read
            return _repeat(ref, question, streak=streak, next=prompt, finished_daily=finished)
        return _result(
            ref,
            question,
            marking,
            points=POINTS_PER_CORRECT if marking.correct else 0,
            finished_daily=finished,
            streak=streak,
            next=prompt,
        )

    async def _class_info(self, cls: ClassRef) -> _ClassInfo:
        hit = self._class_cache.get(cls.key)
        if hit and hit[0] > time.monotonic():
            return hit[1]
        info = await self._once(("class", cls.key), lambda: self._load_class_info(cls))
        self._class_cache[cls.key] = (time.monotonic() + CLASS_CACHE_SECONDS, info)
        return info

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
                if len(self._quiz_cache) > 10_000:
                    self._quiz_cache.clear()
                self._quiz_cache[daily_id] = info  # a quiz never changes once chosen
        return info

    async def _load_quiz_info(self, daily_id: int) -> _QuizInfo | None:
        async with self.sessions() as session:
            quiz = await session.get(DailyQuiz, daily_id)
            return _QuizInfo(quiz.class_id, quiz.day, tuple(json.loads(quiz.question_ids))) if quiz else None

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

    # --- practice ------------------------------------------------------------------------------

    async def practice(self, cls: ClassRef, user: UserRef, topic: str | None = None) -> QuizPrompt | None:
        """The next personal question: one that is due, else a new one, else the one due soonest."""
        now = self.clock()
        pool = self.bank.for_topic(topic)
        if not pool:
            return None
        by_id = {q.id: q for q in pool}
        async with self.sessions() as session:
            klass = await self._class(session, cls)
            student = await self._student(session, user)
            cards = (
                (await session.execute(select(ReviewCard).where(ReviewCard.student_id == student.id))).scalars().all()
            )
            mine = sorted((c for c in cards if c.question_id in by_id), key=lambda c: (c.due, c.question_id))
            seen = {c.question_id for c in cards}
            note = ""
            due = [c for c in mine if c.due <= now]
            if due:
                question = by_id[due[0].question_id]
                note = "A question you missed before." if due[0].lapses else "Time to check you still know this."
            else:
                fresh = sorted(qid for qid in by_id if qid not in seen)
                # The teacher's own questions first, then those made from the notes.
                fresh = [qid for qid in fresh if by_id[qid].authored] or fresh
                if fresh:
                    asked = (
                        await session.execute(select(func.count()).where(PracticePrompt.student_id == student.id))
                    ).scalar_one()
                    rng = random.Random(seed_for(user.key, str(asked)))
                    question = by_id[rng.choice(fresh)]
                else:
                    question = by_id[mine[0].question_id]
                    note = "Nothing is due: you know this topic well. Here is the one coming up soonest."
            prompt = PracticePrompt(
                student_id=student.id,
                class_id=klass.id,
                question_id=question.id,
                topic=question.topic[:200],
                asked_at=now,
                given="",
            )
            session.add(prompt)
            await session.commit()
            return QuizPrompt(f"p:{prompt.id}", question, "practice", note=note)

    async def _answer_practice(self, user: UserRef, ref: str, prompt_id: int, given: str) -> AnswerResult:
        now = self.clock()
        async with self.sessions() as session:
            student = await self._student(session, user, create=False)
            prompt = await session.get(PracticePrompt, prompt_id)
            if prompt is None or (question := self.bank.get(prompt.question_id)) is None:
                return AnswerResult(ref, False, problem="unknown")
            if student is None or prompt.student_id != student.id:
                return AnswerResult(ref, False, problem="not-yours")
            marking = self.mark(question, given)
            res = await session.execute(
                update(PracticePrompt)
                .where(PracticePrompt.id == prompt_id, PracticePrompt.answered_at.is_(None))
                .values(answered_at=now, given=_as_given(question, given), correct=marking.correct)
            )
            if res.rowcount != 1:
                await session.rollback()
                return _repeat(ref, question)
            # The card in the same transaction as the answer: never one without the other.
            old = (await session.execute(card_state_query(), {"sid": student.id, "qid": question.id})).scalar()
            state, due = review(old, marking.correct, now)
            await session.execute(
                card_upsert(session.get_bind().dialect.name),
                {
                    "student_id": student.id,
                    "question_id": question.id,
                    "due": due,
                    "state": state,
                    "lapses": 0 if marking.correct else 1,
                },
            )
            await session.commit()
        return _result(ref, question, marking)

    # --- scores and boards ---------------------------------------------------------------------

    async def _topic_scores(self, session: AsyncSession, class_id: int, student_id: int | None = None):
        q = select(DailyAnswer.topic, func.count(), func.sum(_as_int(DailyAnswer.correct))).where(
            DailyAnswer.class_id == class_id
        )
        p = select(PracticePrompt.topic, func.count(), func.sum(_as_int(PracticePrompt.correct))).where(
            PracticePrompt.class_id == class_id, PracticePrompt.answered_at.is_not(None)
        )
        if student_id is not None:
            q = q.where(DailyAnswer.student_id == student_id)
            p = p.where(PracticePrompt.student_id == student_id)
        totals: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        for stmt in (q.group_by(DailyAnswer.topic), p.group_by(PracticePrompt.topic)):
            for topic, n, c in await session.execute(stmt):
                totals[topic][0] += n
                totals[topic][1] += int(c or 0)
        scores = [TopicScore(t, n, c) for t, (n, c) in totals.items()]
        return sorted(scores, key=lambda s: (s.accuracy, -s.answered, s.topic))

    async def score(self, cls: ClassRef, user: UserRef) -> ScoreCard:
        now = self.clock()
        async with self.sessions() as session:
            klass = await self._class(session, cls)
            student = await self._student(session, user)
            base = select(func.count(), func.sum(_as_int(DailyAnswer.correct)), func.sum(DailyAnswer.points)).where(
                DailyAnswer.class_id == klass.id,
                DailyAnswer.student_id == student.id,
                DailyAnswer.season == klass.season,
            )
            n, c, pts = (await session.execute(base)).one()
            (today_pts,) = (
                await session.execute(
                    select(func.sum(DailyAnswer.points)).where(
                        DailyAnswer.class_id == klass.id,
                        DailyAnswer.student_id == student.id,
                        DailyAnswer.day == self._today(klass),
                    )
                )
            ).one()
            pn, pc = (
                await session.execute(
                    select(func.count(), func.sum(_as_int(PracticePrompt.correct))).where(
                        PracticePrompt.student_id == student.id,
                        PracticePrompt.class_id == klass.id,
                        PracticePrompt.answered_at.is_not(None),
                    )
                )
            ).one()
            due = (
                await session.execute(
                    select(func.count()).where(ReviewCard.student_id == student.id, ReviewCard.due <= now)
                )
            ).scalar_one()
            weakest = [t for t in await self._topic_scores(session, klass.id, student.id) if t.correct < t.answered]
            streak = await self._streak(session, klass, student.id)
            await session.commit()
            return ScoreCard(
                student.display_name,
                int(pts or 0),
                int(today_pts or 0),
                int(n or 0),
                int(c or 0),
                streak,
                tuple(weakest[:3]),
                int(due),
                int(pn or 0),
                int(pc or 0),
                student.hidden,
                klass.season,
            )

    async def leaderboard(self, cls: ClassRef, user: UserRef | None, period: str = "week", limit: int = 10):
        period = period if period in PERIODS else "week"
        async with self.sessions() as session:
            klass = await self._class(session, cls)
            today = class_day(self.clock(), klass.timezone)
            cond = []
            if period == "today":
                cond.append(DailyAnswer.day == today.isoformat())
            elif period == "week":
                cond.append(DailyAnswer.day >= week_start(today).isoformat())
            rows = await self._standings(session, klass, *cond)
            me = await self._student(session, user, create=False) if user else None
            await session.commit()
        return _board(period, rows, me, klass.season, limit)

    async def _standings(self, session: AsyncSession, klass: SchoolClass, *cond) -> list[_Standing]:
        """Every student's daily-quiz totals this season (within `cond`), best first."""
        rows = (
            await session.execute(
                select(
                    Student.id,
                    Student.display_name,
                    Student.hidden,
                    func.sum(DailyAnswer.points),
                    func.count(),
                    func.sum(_as_int(DailyAnswer.correct)),
                )
                .join(Student, Student.id == DailyAnswer.student_id)
                .where(DailyAnswer.class_id == klass.id, DailyAnswer.season == klass.season, *cond)
                .group_by(Student.id, Student.display_name, Student.hidden)
            )
        ).all()
        standings = [_Standing(r[0], r[1], r[2], int(r[3] or 0), int(r[4]), int(r[5] or 0)) for r in rows]
        return sorted(standings, key=lambda r: (-r.points, -r.correct, r.name.casefold(), r.student_id))

    async def toggle_hidden(self, user: UserRef) -> bool:
        async with self.sessions() as session:
            student = await self._student(session, user)
            student.hidden = not student.hidden
            await session.commit()
            return student.hidden

    async def forget(self, user: UserRef) -> int:
        """Delete every row about this student, everywhere; returns how many rows went."""
        async with self.sessions() as session:
            student = await self._student(session, user, create=False)
            self._student_cache.pop(user.key, None)
            if student is None:
                return 0
            gone = 0
            for model in (DailyAnswer, DailyCompletion, PracticePrompt, ReviewCard, SeasonResult):
                res = await session.execute(delete(model).where(model.student_id == student.id))
                gone += res.rowcount or 0
            await session.execute(delete(Student).where(Student.id == student.id))
            await session.commit()
        await self._flush_deleted()
        return gone + 1

    async def _flush_deleted(self) -> None:
        """On SQLite, copy the deletion into the database file and empty the write-ahead log, which would
        otherwise keep the deleted rows' old pages while the bot runs (secure_delete zeroes them in the file)."""
        async with self.sessions() as session:
            conn = await session.connection()
            if conn.dialect.name != "sqlite":
                return
            busy = (await conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")).first()
            if busy and busy[0]:
                log.info("the write-ahead log is in use by a reader: it is emptied at the next checkpoint")

    # --- teachers ------------------------------------------------------------------------------

    async def report(self, cls: ClassRef, is_teacher: bool) -> Report:
        if not is_teacher:
            raise NotAllowed("report")
        async with self.sessions() as session:
            klass = await self._class(session, cls)
            answers = (
                await session.execute(
                    select(
                        DailyAnswer.student_id,
                        DailyAnswer.question_id,
                        DailyAnswer.correct,
                        DailyAnswer.given,
                        DailyAnswer.topic,
                    ).where(DailyAnswer.class_id == klass.id, DailyAnswer.season == klass.season)
                )
            ).all()
            practice = (
                await session.execute(
                    select(
                        PracticePrompt.student_id,
                        PracticePrompt.question_id,
                        PracticePrompt.correct,
                        PracticePrompt.given,
                        PracticePrompt.asked_at,
                    )
                    .where(PracticePrompt.class_id == klass.id, PracticePrompt.answered_at.is_not(None))
                    .order_by(PracticePrompt.asked_at, PracticePrompt.id)
                )
            ).all()
            ids = {r[0] for r in answers} | {r[0] for r in practice}
            students = {}
            if ids:
                students = {
                    s.id: s for s in (await session.execute(select(Student).where(Student.id.in_(ids)))).scalars()
                }
            streaks = {sid: await self._streak(session, klass, sid) for sid in students}
            topics = await self._topic_scores(session, klass.id)
            gaps = await list_gaps(self.sessions, cls.key)
            await session.commit()
        per_student: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0])
        for sid, _qid, correct, _given, _topic in answers:
            per_student[sid][0] += 1
            per_student[sid][1] += int(correct)
        for sid, *_ in practice:
            per_student[sid][2] += 1
        student_rows = sorted(
            (
                StudentRow(students[sid].display_name, a, c, streaks.get(sid, 0), p)
                for sid, (a, c, p) in per_student.items()
                if sid in students
            ),
            key=lambda r: (r.accuracy, r.name.casefold()),
        )
        # First try of each student at each question: the daily attempt, else their first practice answer.
        first: dict[tuple[int, str], tuple[bool, str]] = {}
        for sid, qid, correct, given, _topic in answers:
            first[(sid, qid)] = (bool(correct), given)
        for sid, qid, correct, given, _asked in practice:
            first.setdefault((sid, qid), (bool(correct), given))
        per_q: dict[str, list] = defaultdict(lambda: [0, 0, Counter()])
        for (_sid, qid), (correct, given) in first.items():
            per_q[qid][0] += 1
            per_q[qid][1] += int(correct)
            if not correct and given:
                per_q[qid][2][normalise_question(given)[:60] or given[:60]] += 1
        q_rows = []
        for qid, (n, c, wrong) in per_q.items():
            q = self.bank.get(qid)
            q_rows.append(
                QuestionRow(
                    qid,
                    q.prompt if q else "(question no longer in the bank)",
                    q.topic if q else "",
                    n,
                    c,
                    tuple(wrong.most_common(3)),
                )
            )
        q_rows.sort(key=lambda r: (r.accuracy, -r.answered, r.question_id))
        return Report(
            cls.key,
            klass.season,
            tuple(student_rows),
            tuple(q_rows),
            tuple(topics),
            tuple(GapRow(g.text, g.count, g.last_asked.date().isoformat()) for g in gaps),
        )

    async def settings(self, cls: ClassRef) -> DailySettings:
        async with self.sessions() as session:
            k = await self._class(session, cls)
            await session.commit()
            return DailySettings(
                k.daily_enabled, k.daily_time, k.timezone, k.daily_count, k.daily_channel, k.teacher_role
            )

    async def update_settings(
        self,
        cls: ClassRef,
        is_teacher: bool,
        *,
        time: str | None = None,
        timezone: str | None = None,
        count: int | str | None = None,
        enabled: bool | None = None,
        channel: str | None = None,
        teacher_role: str | None = None,
    ) -> DailySettings:
        if not is_teacher:
            raise NotAllowed("dailysettings")
        changed, errors = [], []
        async with self.sessions() as session:
            k = await self._class(session, cls)
            if time is not None:
                m = _TIME.match(time.strip())
                if m:
                    k.daily_time = f"{int(m.group(1)):02d}:{m.group(2)}"
                    changed.append("time")
                else:
                    errors.append(f"time must look like 08:00, not {time[:20]!r}")
            if timezone is not None:
                try:
                    ZoneInfo(timezone.strip())
                    k.timezone = timezone.strip()
                    changed.append("timezone")
                except (ZoneInfoNotFoundError, ValueError):
                    errors.append(f"unknown timezone {timezone[:40]!r} (try Europe/London)")
            if count is not None:
                try:
                    n = int(count)
                    if not 1 <= n <= 20:
                        raise ValueError
                    k.daily_count = n
                    changed.append("count")
                except (TypeError, ValueError):
                    errors.append("count must be a whole number from 1 to 20")
            if enabled is not None:
                k.daily_enabled = enabled
                changed.append("on" if enabled else "off")
            if channel is not None:
                k.daily_channel = channel[:100]
                changed.append("channel")
            if teacher_role is not None:
                k.teacher_role = teacher_role[:100]
                changed.append("teacher role")
            self._class_cache.pop(cls.key, None)
            await session.commit()
            return DailySettings(
                k.daily_enabled,
                k.daily_time,
                k.timezone,
                k.daily_count,
                k.daily_channel,
                k.teacher_role,
                tuple(changed),
                tuple(errors),
            )

    async def new_season(self, cls: ClassRef, is_teacher: bool) -> Leaderboard:
        """Archive the season's standings and start a fresh leaderboard. Returns the archived board."""
        if not is_teacher:
            raise NotAllowed("seasonnew")
        now = self.clock()
        async with self.sessions() as session:
            klass = await self._class(session, cls)
            rows = await self._standings(session, klass)
            final = _board("season", rows, None, klass.season, limit=len(rows))
            for rank, r in enumerate(rows, 1):  # hidden students are archived too, just not shown
                session.add(
                    SeasonResult(
                        class_id=klass.id,
                        season=klass.season,
                        student_id=r.student_id,
                        rank=rank,
                        points=r.points,
                        answered=r.answered,
                        correct=r.correct,
                        ended_at=now,
                    )
                )
            self._class_cache.pop(cls.key, None)
            klass.season += 1
            klass.season_started = now
            await session.commit()
        return final

    # --- scheduling (used by the platform adapters) --------------------------------------------

    async def classes_due(self, platform: str) -> list[tuple[ClassRef, DailySettings]]:
        """Classes of a platform whose daily quiz time has come today and whose quiz is not posted yet."""
        now = self.clock()
        out = []
        async with self.sessions() as session:
            rows = (
                (
                    await session.execute(
                        select(SchoolClass).where(SchoolClass.key.like(f"{platform}:%"), SchoolClass.daily_enabled)
                    )
                )
                .scalars()
                .all()
            )
            # One query for the posted flags of every class, not one per class and tick.
            days = {(now + timedelta(days=d)).date().isoformat() for d in (-1, 0, 1)}  # every zone's today
            posted = set(
                (
                    await session.execute(
                        select(DailyQuiz.class_id, DailyQuiz.day).where(
                            DailyQuiz.posted, DailyQuiz.day.in_(days), DailyQuiz.class_id.in_([k.id for k in rows])
                        )
                    )
                ).all()
            )
            for k in rows:
                local = now.astimezone(zone(k.timezone))
                if local.strftime("%H:%M") < k.daily_time or (k.id, local.date().isoformat()) in posted:
                    continue
                settings = DailySettings(
                    k.daily_enabled, k.daily_time, k.timezone, k.daily_count, k.daily_channel, k.teacher_role
                )
                out.append((ClassRef(platform, k.key.split(":", 1)[1]), settings))
            await session.commit()
        return out

    async def claim_daily_post(self, cls: ClassRef) -> DailyStatus | None:
        """Mark today's quiz of the class as posted; only the one caller that flips the flag gets it."""
        async with self.sessions() as session:
            klass = await self._class(session, cls)
            quiz = await self._daily_quiz(session, klass, self._today(klass))
            await session.commit()
            res = await session.execute(
                update(DailyQuiz).where(DailyQuiz.id == quiz.id, DailyQuiz.posted.is_(False)).values(posted=True)
            )
            await session.commit()
            if res.rowcount != 1:
                return None
            ids = json.loads(quiz.question_ids)
            prompts = tuple(p for i in range(len(ids)) if (p := self._daily_prompt(quiz.id, ids, i)) is not None)
            return DailyStatus(quiz.day, len(ids), 0, 0, 0, prompts[0] if prompts else None, prompts=prompts)

    async def release_daily_post(self, cls: ClassRef) -> None:
        """Give back a claimed post that could not be sent (the platform failed), so the next tick retries."""
        async with self.sessions() as session:
            klass = await self._class(session, cls)
            await session.execute(
                update(DailyQuiz)
                .where(DailyQuiz.class_id == klass.id, DailyQuiz.day == self._today(klass))
                .values(posted=False)
            )
            await session.commit()


def _as_int(col):  # noqa: ANN001, ANN202
    """A boolean column as 0/1, to sum it the same way on SQLite and PostgreSQL."""
    return cast(col, Integer)


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
