"""The class notes teachers add from the chat: stored files and each class's notes revision.

Every change (add, replace, remove) moves the class's revision on in the same transaction, so any process can tell
with one primary-key read whether the index it holds for the class is still current.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.storage.models import ClassNote, ClassNoteSet


@dataclass(frozen=True, slots=True)
class StoredNote:
    """A stored file without its bytes: what listing the class's notes shows."""

    name: str
    size: int
    sha256: str
    summary: dict
    added_by: str
    added_at: datetime


class NoteExists(ValueError):
    """A file of that name is there already (add), or not there (replace)."""


class TooManyNotes(ValueError):
    """The class has as many files as it may."""


async def revision(sessions: async_sessionmaker, class_key: str) -> int:
    """The class's notes revision: 0 for a class that never had notes of its own."""
    async with sessions() as session:
        found = await session.scalar(select(ClassNoteSet.revision).where(ClassNoteSet.class_key == class_key))
        return found or 0


async def revisions_since(sessions: async_sessionmaker, since: datetime | None) -> list[tuple[str, int, datetime]]:
    """(class key, revision, changed at) of the classes whose notes changed at or after `since` (all with None)."""
    async with sessions() as session:
        query = select(ClassNoteSet.class_key, ClassNoteSet.revision, ClassNoteSet.changed_at)
        if since is not None:
            query = query.where(ClassNoteSet.changed_at >= since)
        return [(key, rev, at) for key, rev, at in await session.execute(query)]


async def listing(sessions: async_sessionmaker, class_key: str) -> list[StoredNote]:
    async with sessions() as session:
        rows = await session.execute(
            select(
                ClassNote.name,
                ClassNote.size,
                ClassNote.sha256,
                ClassNote.summary,
                ClassNote.added_by,
                ClassNote.added_at,
            )
            .where(ClassNote.class_key == class_key)
            .order_by(ClassNote.name)
        )
        return [StoredNote(n, size, sha, _summary(summary), by, at) for n, size, sha, summary, by, at in rows]


async def files(sessions: async_sessionmaker, class_key: str) -> tuple[int, list[tuple[str, bytes]]]:
    """The class's revision and its files (name, bytes) in name order, read in one transaction."""
    async with sessions() as session, session.begin():
        rev = await session.scalar(select(ClassNoteSet.revision).where(ClassNoteSet.class_key == class_key))
        rows = await session.execute(
            select(ClassNote.name, ClassNote.data).where(ClassNote.class_key == class_key).order_by(ClassNote.name)
        )
        return rev or 0, [(name, bytes(data)) for name, data in rows]


async def file(sessions: async_sessionmaker, class_key: str, name: str) -> tuple[str, bytes] | None:
    """One stored file (name as stored, bytes), its name matched without regard to case."""
    async with sessions() as session:
        row = (
            await session.execute(
                select(ClassNote.name, ClassNote.data).where(
                    ClassNote.class_key == class_key, func.lower(ClassNote.name) == name.lower()
                )
            )
        ).first()
        return (row[0], bytes(row[1])) if row else None


async def save(
    sessions: async_sessionmaker,
    class_key: str,
    name: str,
    data: bytes,
    sha256: str,
    summary: dict,
    added_by: str,
    now: datetime,
    *,
    replace: bool,
    max_files: int,
    added_by_key: str = "",
) -> int:
    """Add (or with `replace`, replace) one file and move the class's revision on; returns the new revision.
    Raises NoteExists or TooManyNotes, having changed nothing."""
    async with sessions() as session:
        try:
            async with session.begin():
                # The revision row first: it serialises the class's changes on every backend.
                rev = await _bump(session, class_key, now)
                existing = await session.scalar(
                    select(ClassNote.id).where(
                        ClassNote.class_key == class_key, func.lower(ClassNote.name) == name.lower()
                    )
                )
                if replace != (existing is not None):
                    raise NoteExists(name)
                if existing is not None:
                    await session.execute(delete(ClassNote).where(ClassNote.id == existing))
                else:
                    count = await session.scalar(
                        select(func.count()).select_from(ClassNote).where(ClassNote.class_key == class_key)
                    )
                    if (count or 0) >= max_files:
                        raise TooManyNotes(name)
                session.add(
                    ClassNote(
                        class_key=class_key,
                        name=name,
                        data=data,
                        sha256=sha256,
                        size=len(data),
                        summary=json.dumps(summary),
                        added_by=added_by[:100],
                        added_by_key=added_by_key[:130],
                        added_at=now,
                    )
                )
            return rev
        except IntegrityError:  # the same name added by another process at the same moment
            raise NoteExists(name) from None


async def remove(sessions: async_sessionmaker, class_key: str, name: str, now: datetime) -> tuple[str, int] | None:
    """Remove one file (its name matched without regard to case): the name as stored and the class's new
    revision, or None if it is not there."""
    async with sessions() as session, session.begin():
        found = (
            await session.execute(
                select(ClassNote.id, ClassNote.name).where(
                    ClassNote.class_key == class_key, func.lower(ClassNote.name) == name.lower()
                )
            )
        ).first()
        if found is None:
            return None
        revision = await _bump(session, class_key, now)
        await session.execute(delete(ClassNote).where(ClassNote.id == found[0]))
        return found[1], revision


async def forget_author(sessions: async_sessionmaker, user_key: str) -> int:
    """/forgetme: the notes a user added stay the class's, without their name; returns how many files."""
    async with sessions() as session, session.begin():
        res = await session.execute(
            update(ClassNote).where(ClassNote.added_by_key == user_key).values(added_by="", added_by_key="")
        )
        return res.rowcount or 0


async def move_class(sessions: async_sessionmaker, old_key: str, new_key: str) -> None:
    """A chat changed its id: its notes follow it, unless the new id has notes already."""
    async with sessions() as session, session.begin():
        taken = await session.scalar(select(ClassNoteSet.revision).where(ClassNoteSet.class_key == new_key))
        if taken is not None:
            return
        await session.execute(update(ClassNote).where(ClassNote.class_key == old_key).values(class_key=new_key))
        await session.execute(update(ClassNoteSet).where(ClassNoteSet.class_key == old_key).values(class_key=new_key))


async def _bump(session: AsyncSession, class_key: str, now: datetime) -> int:
    updated = await session.execute(
        update(ClassNoteSet)
        .where(ClassNoteSet.class_key == class_key)
        .values(revision=ClassNoteSet.revision + 1, changed_at=now)
        .returning(ClassNoteSet.revision)
    )
    rev = updated.scalar_one_or_none()
    if rev is not None:
        return rev
    try:  # the class's first change; a concurrent first change makes this one an update
        async with session.begin_nested():
            session.add(ClassNoteSet(class_key=class_key, revision=1, changed_at=now))
        return 1
    except IntegrityError:
        return await _bump(session, class_key, now)


def _summary(text: str) -> dict:
    try:
        found = json.loads(text or "{}")
    except ValueError:
        return {}
    return found if isinstance(found, dict) else {}
