"""The teacher's control over a class's questions: list them, hide or unhide one, generated ones on or off."""

from __future__ import annotations

from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError

from bot.quiz.engine.core import EngineCore
from bot.quiz.model import Question
from bot.quiz.values import NotAllowed, QuestionList, QuestionListRow
from bot.refs import ClassRef
from bot.storage.models import HiddenQuestion

LIST_ROWS = 20  # questions shown in a chat; `revisionbot questions` lists them all


class QuestionsPart(EngineCore):
    """Which questions a class is asked: the teacher hides some, or keeps to their own."""

    async def class_questions(self, cls: ClassRef, is_teacher: bool, topic: str | None = None) -> QuestionList:
        if not is_teacher:
            raise NotAllowed("questions")
        bank, _context = await self._notes(cls.key)
        pool = bank.for_topic(topic) if topic else list(bank.questions)
        async with self.sessions() as session:
            klass = await self._class(session, cls)
            hidden = await self._hidden(session, klass.id)
            generated_on = klass.generated_questions
            await session.commit()
        rows = [QuestionListRow(q.id, q.kind, q.prompt, q.answer, q.topic, q.authored, q.id in hidden) for q in pool]
        rows.sort(key=lambda r: not r.authored)  # the teacher's own first, each in bank order
        return QuestionList(
            topic=topic or "",
            total=len(rows),
            authored=sum(r.authored for r in rows),
            hidden=sum(r.hidden for r in rows),
            generated_on=generated_on,
            rows=tuple(rows[:LIST_ROWS]),
        )

    async def hide_question(self, cls: ClassRef, is_teacher: bool, question_id: str, hide: bool) -> Question | None:
        """Take a question out of the class's quizzes (or put it back); None when there is no such question."""
        if not is_teacher:
            raise NotAllowed("questions")
        bank, _context = await self._notes(cls.key)
        question = bank.get(question_id.strip())
        if question is None:
            return None
        async with self.sessions() as session:
            klass = await self._class(session, cls)
            if hide:
                try:
                    async with session.begin_nested():
                        session.add(HiddenQuestion(class_id=klass.id, question_id=question.id))
                except IntegrityError:
                    pass  # hidden already (or by another process at the same moment)
            else:
                await session.execute(
                    delete(HiddenQuestion).where(
                        HiddenQuestion.class_id == klass.id, HiddenQuestion.question_id == question.id
                    )
                )
            await session.commit()
        return question

    async def set_generated(self, cls: ClassRef, is_teacher: bool, on: bool) -> bool:
        """Ask the questions made from the notes in this class, or only the teacher's own."""
        if not is_teacher:
            raise NotAllowed("questions")
        async with self.sessions() as session:
            klass = await self._class(session, cls)
            klass.generated_questions = on
            await session.commit()
        return on
