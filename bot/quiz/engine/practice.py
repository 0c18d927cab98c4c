"""Personal practice with spaced repetition: what is due comes back, the teacher's questions first."""

from __future__ import annotations

import random

from sqlalchemy import func, select, update

from bot.quiz.daily import seed_for
from bot.quiz.engine.core import EngineCore, _as_given, _repeat, _result
from bot.quiz.srs import review
from bot.quiz.values import AnswerResult, QuizPrompt
from bot.refs import ClassRef, UserRef
from bot.storage.cards import card_state_query, card_upsert
from bot.storage.models import PracticePrompt, ReviewCard, SchoolClass


class PracticePart(EngineCore):
    """Practice questions and their answers, each with its review card."""

    # --- practice ------------------------------------------------------------------------------

    async def practice(
        self, cls: ClassRef, user: UserRef, topic: str | None = None, is_teacher: bool | None = None
    ) -> QuizPrompt | None:
        """The next personal question: one that is due, else a new one, else the one due soonest. A teacher
        (`is_teacher`) practises too, and is left out of the class's report (see ClassStaff)."""
        now = self.clock()
        bank, _context = await self._notes(cls.key)
        pool = bank.for_topic(topic)
        if not pool:
            return None
        async with self.sessions() as session:
            klass = await self._class(session, cls)
            pool = await self._asked_in(session, klass, pool)
            if not pool:
                return None
            by_id = {q.id: q for q in pool}
            student = await self._student(session, user)
            await self._set_staff(session, klass.id, student.id, is_teacher)
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
                    # "You know this topic well" only when no question of it was ever missed.
                    note = (
                        "Nothing new is left here: this one comes back soonest."
                        if any(c.lapses for c in mine)
                        else "Nothing is due: you know this topic well. Here is the one coming up soonest."
                    )
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
        async with self.sessions() as session:  # the question is in the bank of the class it was asked in
            key = await session.scalar(
                select(SchoolClass.key)
                .join(PracticePrompt, PracticePrompt.class_id == SchoolClass.id)
                .where(PracticePrompt.id == prompt_id)
            )
        bank, context = await self._notes(key or "")
        async with self.sessions() as session:
            student = await self._student(session, user, create=False)
            prompt = await session.get(PracticePrompt, prompt_id)
            if prompt is None or (question := bank.get(prompt.question_id)) is None:
                return AnswerResult(ref, False, problem="unknown")
            if student is None or prompt.student_id != student.id:
                return AnswerResult(ref, False, problem="not-yours")
            marking = self.mark(question, given, context)
            answered = prompt.answered_at is not None
            if (unmarked := await self._unmarked(user, ref, question, given, marking, answered)) is not None:
                return unmarked
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
