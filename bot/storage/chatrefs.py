"""Remembering which quiz question a platform message or poll carries, across restarts and processes."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import async_sessionmaker

from bot.refs import ClassRef
from bot.storage.models import ChatRef

KEEP = timedelta(days=30)  # an unanswered quiz message older than this is forgotten


async def remember(
    sessions: async_sessionmaker,
    platform: str,
    key: str,
    ref: str,
    cls: ClassRef,
    now: datetime,
    *,
    replace: bool = False,
) -> None:
    """Note that `key` carries `ref`. A message carries one question for ever (the first noted stands); with
    `replace`, the key is a slot that moves on (the last question put to a student in a chat)."""
    async with sessions() as session:
        if replace:
            await session.execute(delete(ChatRef).where(ChatRef.platform == platform, ChatRef.key == key[:100]))
        session.add(ChatRef(platform=platform, key=key[:100], ref=ref[:40], class_key=cls.key, created=now))
        try:
            await session.commit()
        except IntegrityError:  # the same message remembered twice: the first stands
            await session.rollback()
        if now.minute == 0:  # now and then, forget old ones
            await session.execute(delete(ChatRef).where(ChatRef.created < now - KEEP))
            await session.commit()


async def recall(sessions: async_sessionmaker, platform: str, key: str) -> tuple[str, ClassRef] | None:
    async with sessions() as session:
        row = (
            await session.execute(select(ChatRef).where(ChatRef.platform == platform, ChatRef.key == key[:100]))
        ).scalar_one_or_none()
    if row is None:
        return None
    plat, _, chat = row.class_key.partition(":")
    return row.ref, ClassRef(plat, chat)


async def forget(sessions: async_sessionmaker, platform: str, key: str, *, prefix: bool = False) -> None:
    """Forget `key` (with `prefix`: every key that starts with it, e.g. all of one student's slots)."""
    match = ChatRef.key.startswith(key[:100], autoescape=True) if prefix else ChatRef.key == key[:100]
    async with sessions() as session:
        await session.execute(delete(ChatRef).where(ChatRef.platform == platform, match))
        await session.commit()
