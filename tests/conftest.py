"""Shared fixtures: the real notes, a service on a throwaway SQLite file, a console conversation."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from adapters.console.bot import ConsoleBot
from bot.app import bootstrap
from bot.config import DEFAULT_KNOWLEDGE, Settings
from bot.knowledge.base import Knowledge
from bot.refs import ClassRef, UserRef

ROOT = Path(__file__).resolve().parent.parent
SHARED_EVAL = ROOT.parent / "shared" / "eval"


class FakeClock:
    """An injected clock the tests move by hand."""

    def __init__(self, start: datetime | None = None):
        self.now = start or datetime(2026, 11, 24, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kwargs) -> None:
        from datetime import timedelta

        self.now += timedelta(**kwargs)


@pytest.fixture(scope="session")
def knowledge() -> Knowledge:
    return Knowledge.load(DEFAULT_KNOWLEDGE)


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    return f"sqlite+aiosqlite:///{tmp_path / 'bot.sqlite3'}"


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
async def service(knowledge: Knowledge, db_url: str, clock: FakeClock):
    svc = await bootstrap(Settings(database_url=db_url), clock=clock, knowledge=knowledge)
    yield svc
    await svc.close()


@pytest.fixture
def console(service) -> ConsoleBot:
    return ConsoleBot(service, UserRef("console", "ana", "Ana"), ClassRef("console", "7b"))


@pytest.fixture
def teacher_console(service) -> ConsoleBot:
    return ConsoleBot(service, UserRef("console", "mr-k", "Mr K"), ClassRef("console", "7b"), is_teacher=True)
