"""Recording and listing the questions the notes did not answer."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import async_sessionmaker

from bot.storage.models import DailyAnswer, PracticePrompt, SchoolClass, Student, UnansweredQuestion
from bot.text import normalise_question, words

# What a report of gaps must not keep: contact details and numbers long enough to be one (a year, a
# quantity of up to four digits stays: "what happened in 1956" is a gap worth seeing).
_CONTACT = re.compile(
    r"\S+@\S+"  # e-mail addresses and @mentions
    r"|(?:https?://|www\.)\S+"  # links
    r"|\+?\d[\d\s().\-/]{3,}\d"  # phone numbers, ids: digits with separators
)


def scrub_gap(text: str, names: Iterable[str], known: Callable[[str], bool]) -> str:
    """The unanswered question as the report keeps it: normalised words, without contact details, long
    numbers, or the name of anyone in the class (a word of the notes stays, even if it is also a name)."""
    text = _CONTACT.sub(lambda m: m.group() if _short_number(m.group()) else " ", text)
    private = {w for n in names for w in words(n) if len(w) > 1 and not known(w)}
    return " ".join(w for w in normalise_question(text).split() if w not in private)


def _short_number(s: str) -> bool:
    digits = [d for d in re.split(r"\D+", s) if d]
    return len(digits) == 1 and len(digits[0]) <= 4


async def class_member_names(sessions: async_sessionmaker, class_key: str) -> list[str]:
    """Display names of the students who took part in this class (daily quiz or practice)."""
    async with sessions() as session:
        class_id = select(SchoolClass.id).where(SchoolClass.key == class_key).scalar_subquery()
        rows = await session.execute(
            select(Student.display_name).where(
                or_(
                    Student.id.in_(select(DailyAnswer.student_id).where(DailyAnswer.class_id == class_id)),
                    Student.id.in_(select(PracticePrompt.student_id).where(PracticePrompt.class_id == class_id)),
                )
            )
        )
        return [name for (name,) in rows if name]


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
