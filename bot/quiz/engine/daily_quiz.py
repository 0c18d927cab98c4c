"""The class's daily quiz: choosing the day's questions, a student's progress and streak, answers."""

from __future__ import annotations

import json
from collections.abc import Collection, Sequence
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.quiz.bank import QuestionBank
from bot.quiz.daily import class_day, pick_daily, streak_from
from bot.quiz.engine.core import POINTS_PER_CORRECT, RECENT_DAYS, EngineCore, _as_given, _repeat, _result
from bot.quiz.values import AnswerResult, DailyStatus, QuizPrompt
from bot.refs import ClassRef, UserRef
from bot.storage.answer_batch import AnswerRow
from bot.storage.models import DailyAnswer, DailyCompletion, DailyQuiz, SchoolClass, Student


class DailyPart(EngineCore):
    """The daily quiz: the same questions for the whole class, one attempt each."""

    # --- the daily quiz --------------------------------------------------------------------------

    async def _daily_quiz(self, session: AsyncSession, klass: SchoolClass, day: str, bank: QuestionBank) -> DailyQuiz:
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
        asked = await self._asked_in(session, klass, bank.questions)
        ids = pick_daily(asked, klass.key, day, klass.daily_count, accuracy, recent)
        try:
            async with session.begin_nested():
                row = DailyQuiz(class_id=klass.id, day=day, question_ids=json.dumps(ids), posted=False)
                session.add(row)
        except IntegrityError:
            row = (await session.execute(q)).scalar_one()
        return row

    def _daily_prompt(self, bank: QuestionBank, daily_id: int, ids: Sequence[str], position: int) -> QuizPrompt | None:
        if position >= len(ids):
            return None
        question = bank.get(ids[position])
        if question is None:
            return None
        return QuizPrompt(f"d:{daily_id}:{position}", question, "daily", position + 1, len(ids))

    def _next_prompt(
        self, bank: QuestionBank, daily_id: int, ids: Sequence[str], done: Collection[int]
    ) -> QuizPrompt | None:
        """The first question of the day this student has not answered yet."""
        nxt = next((i for i in range(len(ids)) if i not in done), None)
        return self._daily_prompt(bank, daily_id, ids, nxt) if nxt is not None else None

    async def daily(self, cls: ClassRef, user: UserRef, is_teacher: bool | None = None) -> DailyStatus:
        """The student's progress in today's quiz and their next question; a teacher (`is_teacher`, as the platform
        says) may try it too, kept off the class's boards and report (see ClassStaff)."""
        bank, _context = await self._notes(cls.key)  # before a connection is held: it may read the database
        async with self.sessions() as session:
            klass = await self._class(session, cls)
            student = await self._student(session, user)
            await session.flush()
            self._student_cache[user.key] = student.id
            await self._set_staff(session, klass.id, student.id, is_teacher)
            day = self._today(klass)
            if not klass.daily_enabled:
                await session.commit()
                return DailyStatus(day, 0, 0, 0, 0, None, enabled=False)
            quiz = await self._daily_quiz(session, klass, day, bank)
            status = await self._daily_status(session, klass, quiz, student, bank)
            await session.commit()
            self._remember_daily(cls, klass, quiz)
            return status

    async def _daily_status(
        self, session: AsyncSession, klass: SchoolClass, quiz: DailyQuiz, student: Student, bank: QuestionBank
    ) -> DailyStatus:
        ids = [qid for qid in json.loads(quiz.question_ids) if bank.get(qid)]
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
        prompt = self._next_prompt(bank, quiz.id, ids, answered)
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

    async def _answer_daily(
        self, cls: ClassRef, user: UserRef, ref: str, daily_id: int, position: int, given: str
    ) -> AnswerResult:
        """The hot path of a class quiz: cached look-ups, then one batched write (see AnswerWriter)."""
        now = self.clock()
        klass = await self._class_info(cls)
        quiz = await self._quiz_info(daily_id)
        if quiz is None or quiz.class_id != klass.id or position >= len(quiz.ids):
            return AnswerResult(ref, False, problem="unknown")
        if quiz.day != class_day(now, klass.timezone).isoformat():
            # A daily question counts on its day only: yesterday's button or reply scores nothing today.
            return AnswerResult(ref, False, problem="expired")
        bank, context = await self._notes(cls.key)
        question = bank.get(quiz.ids[position])
        if question is None:
            return AnswerResult(ref, False, problem="unknown")
        marking = self.mark(question, given, context)
        if (unmarked := await self._unmarked(user, ref, question, given, marking)) is not None:
            return unmarked
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
                outcome = await self.writer.record(row, len(quiz.ids))
                break
            except IntegrityError:  # the student was deleted (/forgetme) by another process meanwhile
                self._student_cache.pop(user.key, None)
                if attempt:
                    raise
        recorded, done = outcome.recorded, outcome.done
        finished = len(done) >= len(quiz.ids)
        # The streak and the day's score come with the write, read in its transaction: no session of their own.
        streak = streak_from(set(outcome.days), class_day(now, klass.timezone)) if finished else 0
        prompt = self._next_prompt(bank, daily_id, quiz.ids, done)
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
            day_score=(outcome.right, len(quiz.ids)) if finished else None,
        )
