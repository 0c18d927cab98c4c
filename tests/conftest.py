"""Shared fixtures: the real notes, a service on a throwaway SQLite file, a console conversation."""

from __future__ import annotations

import uuid
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


@pytest.fixture(scope="session")
def postgres_server():
    """One PostgreSQL server for the session; each test gets a database of its own."""
    import os

    from tests.pg import REQUIRE_ENV, PostgresServer, find_bindir

    bindir = find_bindir()
    if bindir is None:
        if os.environ.get(REQUIRE_ENV):
            pytest.fail("PostgreSQL is required here but its server binaries (initdb) are not installed")
        pytest.skip("PostgreSQL server binaries (initdb) not found: install Debian's postgresql package")
    server = PostgresServer(bindir)  # its watchdog removes it even if this session is killed
    try:
        server.start()
        yield server
    finally:
        server.stop()


@pytest.fixture
def backend() -> str:
    """The database the test runs on; tests/storage and tests/quiz run on both (their conftest)."""
    return "sqlite"


@pytest.fixture
async def db_url(backend: str, tmp_path: Path, request):
    if backend == "postgresql":
        server = request.getfixturevalue("postgres_server")
        name = f"t{uuid.uuid4().hex[:16]}"
        yield await server.create_database(name)
        server.release_database(name)  # 7 MB each: dropped, the server's folder stays small
        return
    yield f"sqlite+aiosqlite:///{tmp_path / 'bot.sqlite3'}"


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
async def service(knowledge: Knowledge, db_url: str, clock: FakeClock):
    svc = await bootstrap(Settings(database_url=db_url), clock=clock, knowledge=knowledge)
    await svc.bank_built()  # the bank is built in the background; these tests look at it directly
    yield svc
    await svc.close()


@pytest.fixture
def console(service) -> ConsoleBot:
    return ConsoleBot(service, UserRef("console", "ana", "Ana"), ClassRef("console", "7b"))


@pytest.fixture
def teacher_console(service) -> ConsoleBot:
    return ConsoleBot(service, UserRef("console", "mr-k", "Mr K"), ClassRef("console", "7b"), is_teacher=True)
