"""The composition root: builds the service from settings once (knowledge, database, clock)."""

from __future__ import annotations

import logging

from bot.config import Settings
from bot.knowledge.base import Knowledge
from bot.service import Clock, RevisionService, utc_now
from bot.storage.db import open_database

log = logging.getLogger(__name__)


def load_knowledge(settings: Settings) -> Knowledge:
    knowledge = Knowledge.load(settings.knowledge_dir)
    for warning in knowledge.warnings:
        log.warning("knowledge: %s", warning)
    return knowledge


async def bootstrap(settings: Settings, clock: Clock = utc_now, knowledge: Knowledge | None = None) -> RevisionService:
    """Everything the adapters need. Raises bot.storage.db.DatabaseError with a readable message."""
    knowledge = knowledge or load_knowledge(settings)
    engine, sessions = await open_database(settings.database_url)
    return RevisionService(knowledge, sessions, clock=clock, engine=engine)
