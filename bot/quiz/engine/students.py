"""What is stored about a student, and how a student hides or deletes it."""

from __future__ import annotations

import logging

from sqlalchemy import delete

from bot.quiz.engine.core import EngineCore
from bot.refs import UserRef
from bot.storage.models import (
    ClassStaff,
    DailyAnswer,
    DailyCompletion,
    PracticePrompt,
    ReviewCard,
    SeasonResult,
    Student,
)

log = logging.getLogger(__name__)


class StudentsPart(EngineCore):
    """Hiding from the boards and forgetting a student."""

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
            for model in (DailyAnswer, DailyCompletion, PracticePrompt, ReviewCard, SeasonResult, ClassStaff):
                res = await session.execute(delete(model).where(model.student_id == student.id))
                gone += res.rowcount or 0
            await session.execute(delete(Student).where(Student.id == student.id))
            await session.commit()
        self._staff_seen = {key for key in self._staff_seen if key[1] != student.id}  # its id may be used again
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
