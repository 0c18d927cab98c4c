"""The database: engine creation, migrations to the latest revision, and clear errors for bad paths."""

from __future__ import annotations

import asyncio
import fcntl
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine

from bot.storage.faults import describe

log = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
# How long a write waits for a database locked by another program (a backup, a database browser, another
# process), and a request for a free connection meanwhile, before the student is asked to try again.
LOCK_WAIT_SECONDS = 120


class DatabaseError(RuntimeError):
    """The database cannot be used; the message says why in words a teacher can act on."""


def alembic_config(url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def _prepare_sqlite_path(url: str) -> None:
    u = make_url(url)
    if not u.drivername.startswith("sqlite") or not u.database or u.database == ":memory:":
        return
    path = Path(u.database)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DatabaseError(f"cannot create the folder for the database {path}: {exc.strerror}") from exc
    if path.exists() and path.is_dir():
        raise DatabaseError(f"the database path {path} is a folder, not a file")
    if path.exists() and path.stat().st_size:
        with path.open("rb") as fh:
            if fh.read(16) != b"SQLite format 3\x00":
                raise DatabaseError(f"{path} is not a SQLite database (is the path right?)")


# The URLs people write name no driver, or a blocking one: the bot's own async driver is meant.
ASYNC_DRIVERS = {
    "sqlite": "sqlite+aiosqlite",
    "sqlite+pysqlite": "sqlite+aiosqlite",
    "postgresql": "postgresql+asyncpg",
    "postgres": "postgresql+asyncpg",
    "postgresql+psycopg2": "postgresql+asyncpg",
}


def async_url(url: str) -> str:
    """`sqlite:///bot.db` -> `sqlite+aiosqlite:///bot.db`, `postgresql://...` -> `postgresql+asyncpg://...`."""
    scheme, sep, rest = url.partition("://")
    return ASYNC_DRIVERS.get(scheme.lower(), scheme) + sep + rest if sep else url


def make_engine(url: str) -> AsyncEngine:
    url = async_url(url)
    try:
        _prepare_sqlite_path(url)
        u = make_url(url)
    except ArgumentError as exc:
        raise DatabaseError(f"REVISIONBOT_DATABASE_URL is not a valid database URL: {exc}") from exc
    kwargs: dict = {}
    if u.drivername.startswith("postgresql"):
        kwargs["pool_pre_ping"] = True  # a connection the server dropped is replaced, not handed out
    if u.drivername.startswith("sqlite"):
        # Wait for a busy database rather than failing at once: another process may be writing.
        kwargs["connect_args"] = {"timeout": LOCK_WAIT_SECONDS}
    if u.database and u.database != ":memory:":
        # While a lock holds the writers, readers queue for a connection: as long as the writers wait.
        kwargs["pool_timeout"] = LOCK_WAIT_SECONDS
    try:
        engine = create_async_engine(url, **kwargs)
    except (NoSuchModuleError, ArgumentError, ImportError) as exc:
        raise DatabaseError(f"REVISIONBOT_DATABASE_URL names a database this install cannot use: {exc}") from exc
    if u.drivername.startswith("sqlite"):
        event.listen(engine.sync_engine, "connect", sqlite_pragmas)
    return engine


def sqlite_pragmas(dbapi_conn, _record) -> None:  # noqa: ANN001
    # WAL: readers never block the writer. NORMAL: a committed transaction survives a crash of the
    # process (only a power cut can lose the last ones). The busy timeout makes a second process wait.
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute(f"PRAGMA busy_timeout={LOCK_WAIT_SECONDS * 1000}")
    # A deleted row's bytes are overwritten, not left in free pages (a student's /forgetme means it).
    cur.execute("PRAGMA secure_delete=ON")
    cur.close()


def sync_sqlite_engine(engine: AsyncEngine) -> Engine | None:
    """A plain (thread-bound) engine on the same SQLite file, for work done in a worker thread in one go."""
    u = engine.url
    if not u.drivername.startswith("sqlite") or not u.database or u.database == ":memory:":
        return None
    sync = create_engine(
        u.set(drivername="sqlite+pysqlite"), connect_args={"timeout": LOCK_WAIT_SECONDS, "check_same_thread": False}
    )
    event.listen(sync, "connect", sqlite_pragmas)
    return sync


MIGRATION_LOCK_KEY = 74_112_024  # any constant shared by every revisionbot process


@contextmanager
def _sqlite_migration_lock(engine: AsyncEngine) -> Iterator[None]:
    """On SQLite, processes starting together take turns at migrating through a lock file beside the database."""
    u = engine.url
    if not u.drivername.startswith("sqlite") or not u.database or u.database == ":memory:":
        yield
        return
    with open(f"{u.database}.migrate-lock", "a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


async def upgrade(engine: AsyncEngine, revision: str = "head") -> None:
    """Bring the schema to `revision` with Alembic (creates it on an empty database)."""

    def _run(sync_conn) -> None:  # noqa: ANN001
        cfg = alembic_config(str(engine.url))
        cfg.attributes["connection"] = sync_conn
        command.upgrade(cfg, revision)

    try:
        with _sqlite_migration_lock(engine):
            async with engine.begin() as conn:
                if conn.dialect.name == "postgresql":
                    # Several processes starting at once: one migrates, the others wait, then find it done.
                    await conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK_KEY})
                await conn.run_sync(_run)
    except (SQLAlchemyError, OSError) as exc:
        raise _fault(exc, engine, "cannot open the database") from exc


def _fault(exc: BaseException, engine: AsyncEngine, doing: str) -> DatabaseError:
    """A DatabaseError in one line; the traceback is logged only for a fault we do not know."""
    known = describe(exc, engine.url)
    if known:
        log.debug("%s", known, exc_info=exc)
        return DatabaseError(known)
    log.error("%s", doing, exc_info=exc)
    first = (str(exc).splitlines() or [""])[0][:200]
    return DatabaseError(f"{doing} ({exc.__class__.__name__}: {first})")


async def check_writable(engine: AsyncEngine) -> None:
    """Write (and roll back) at start-up, so a database the bot can read but not write is told at once,
    not by every student's answer failing later."""
    try:
        async with engine.connect() as conn:
            trans = await conn.begin()
            try:
                await conn.execute(text("UPDATE alembic_version SET version_num = version_num"))
            finally:
                await trans.rollback()
    except (SQLAlchemyError, OSError) as exc:
        raise _fault(exc, engine, "cannot write to the database") from exc


async def open_database(url: str) -> tuple[AsyncEngine, async_sessionmaker]:
    engine = make_engine(url)
    try:
        await upgrade(engine)
        await check_writable(engine)
    except DatabaseError:
        await engine.dispose()
        raise
    return engine, async_sessionmaker(engine, expire_on_commit=False)


def run_upgrade_sync(url: str, revision: str = "head") -> None:
    async def main() -> None:
        engine = make_engine(url)
        try:
            await upgrade(engine, revision)
        finally:
            await engine.dispose()

    asyncio.run(main())
