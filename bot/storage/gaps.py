"""Recording and listing the questions the notes did not answer."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import async_sessionmaker

from bot.storage.models import UnansweredQuestion


@dataclass(frozen=True, slots=True)
class Gap:
    text: str
    count: int
    last_asked: datetime


async def record_gap(sessions: async_sessionmaker, class_key: str, text: str, now: datetime) -> None:
    """Count one more asking of `text` (already normalised) in this class."""
    text = text[:300]
    if not text:
        return
    for _attempt in range(3):
        async with sessions() as session:
            res = await session.execute(
                update(UnansweredQuestion)
                .where(UnansweredQuestion.class_key == class_key, UnansweredQuestion.text == text)
                .values(count=UnansweredQuestion.count + 1, last_asked=now)
            )
            if res.rowcount:
                await session.commit()
                return
            session.add(UnansweredQuestion(class_key=class_key, text=text, count=1, last_asked=now))
            try:
                await session.commit()
                return
            except IntegrityError:  # another process inserted it first: count again as an update
                await session.rollback()


async def list_gaps(sessions: async_sessionmaker, class_key: str, limit: int = 50) -> list[Gap]:
    async with sessions() as session:
        rows = await session.execute(
            select(UnansweredQuestion)
            .where(UnansweredQuestion.class_key == class_key)
            .order_by(UnansweredQuestion.count.desc(), UnansweredQuestion.last_asked.desc())
            .limit(limit)
        )
        return [Gap(r.text, r.count, r.last_asked) for r in rows.scalars()]
