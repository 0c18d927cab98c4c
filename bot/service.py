"""The one facade the adapters call. Every decision lives here or below; adapters only render."""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker

from bot.commands import CommandSpec, visible_commands
from bot.knowledge.base import Knowledge
from bot.knowledge.model import Answer
from bot.refs import ClassRef
from bot.storage.gaps import record_gap
from bot.text import normalise_question

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class TopicInfo:
    name: str
    source: str
    snippets: int


class RevisionService:
    def __init__(
        self,
        knowledge: Knowledge,
        sessions: async_sessionmaker | None = None,
        clock: Clock = utc_now,
        engine: AsyncEngine | None = None,
    ):
        self.knowledge = knowledge
        self.sessions = sessions
        self.clock = clock
        self.engine = engine

    async def close(self) -> None:
        if self.engine is not None:
            await self.engine.dispose()

    # --- questions -----------------------------------------------------------------------------

    async def ask(self, question: str, cls: ClassRef | None = None, top: int = 3) -> Answer:
        answer = self.knowledge.index.ask(question, top=top)
        if not answer.answered and not answer.problem and cls is not None and self.sessions is not None:
            try:
                await record_gap(self.sessions, cls.key, normalise_question(answer.question), self.clock())
            except Exception:  # the student still gets the answer; the teacher's report misses one
                log.exception("could not record an unanswered question")
        return answer

    def topics(self) -> list[TopicInfo]:
        counts = Counter((s.topic, s.source) for s in self.knowledge.snippets)
        return [TopicInfo(topic, source, n) for (topic, source), n in counts.items()]

    def help(self, is_teacher: bool = False) -> list[CommandSpec]:
        return visible_commands(is_teacher)
