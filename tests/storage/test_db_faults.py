"""A database the bot cannot use is one clear line at start-up (read-only, unwritable folder, damaged file,
unreachable or read-only server), never a traceback, and never a bot that starts and then fails every write."""

import socket
import sqlite3
import uuid

import pytest

from bot.storage.db import DatabaseError, open_database
from bot.storage.faults import describe
from tests.test_cli import run_cli


def _bot_with(url: str):  # noqa: ANN202
    """`revisionbot chat` on this database, with a student's first lines."""
    return run_cli("chat", stdin="hello\n/daily\nwhat is x\n", env_extra={"REVISIONBOT_DATABASE_URL": url})


def _one_clear_line(p, *words: str) -> str:  # noqa: ANN001
    assert p.returncode == 2, p.stdout + p.stderr
    lines = p.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in p.stderr, p.stderr
    assert lines[0].startswith("revisionbot: ") and all(w in lines[0] for w in words), lines[0]
    assert "ask about the notes" not in p.stdout  # it did not start
    return lines[0]


@pytest.fixture
def made_db(tmp_path) -> str:
    """A real revisionbot database, migrated."""
    path = tmp_path / "bot.sqlite3"
    assert (
        run_cli("db", "upgrade", env_extra={"REVISIONBOT_DATABASE_URL": f"sqlite+aiosqlite:///{path}"}).returncode == 0
    )
    return str(path)


def test_a_read_only_database_is_refused_at_start_up_not_at_every_answer(made_db):
    # (chmod does not stop root, who runs CI: SQLite's read-only mode refuses writes as a read-only file does)
    p = _bot_with(f"sqlite+aiosqlite:///file:{made_db}?mode=ro&uri=true")
    _one_clear_line(p, "read-only", made_db)


def test_a_folder_the_bot_cannot_write_is_one_line():
    p = _bot_with("sqlite+aiosqlite:////proc/revisionbot-test.sqlite3")  # a read-only file system, even for root
    _one_clear_line(p, "/proc/revisionbot-test.sqlite3")


@pytest.mark.parametrize("damage", ["pages", "truncated"])
def test_a_damaged_database_file_is_one_line(made_db, damage):
    data = open(made_db, "rb").read()
    with open(made_db, "wb") as fh:  # the header survives, the rest does not
        fh.write(data[:100] + b"\x13" * (len(data) - 100) if damage == "pages" else data[:16] + b"junk")
    _one_clear_line(_bot_with(f"sqlite+aiosqlite:///{made_db}"), "damaged", made_db)


def test_an_unreachable_postgresql_server_is_one_line():
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    line = _one_clear_line(_bot_with(f"postgresql+asyncpg://bot:secret@127.0.0.1:{port}/school"), "cannot reach")
    assert f"127.0.0.1:{port}/school" in line and "secret" not in line


async def test_a_read_only_postgresql_database_is_refused_at_start_up(postgres_server):
    import asyncpg

    name = f"t{uuid.uuid4().hex[:16]}"
    url = await postgres_server.create_database(name)
    engine, _ = await open_database(url)  # migrated while it could write
    await engine.dispose()
    conn = await asyncpg.connect(host="127.0.0.1", port=postgres_server.port, user="revisionbot", database="postgres")
    try:
        await conn.execute(f'ALTER DATABASE "{name}" SET default_transaction_read_only = on')  # as on a replica
    finally:
        await conn.close()
    with pytest.raises(DatabaseError, match="read-only"):
        await open_database(url)


def test_faults_are_told_in_words_and_unknown_errors_are_not_guessed():
    url = "sqlite+aiosqlite:////srv/bot.sqlite3"
    assert "is full" in describe(sqlite3.OperationalError("database or disk is full"), url)
    assert "locked" in describe(sqlite3.OperationalError("database is locked"), url)
    assert (
        describe(OSError(28, "No space left on device"), url)
        == "the disk holding the database /srv/bot.sqlite3 is full"
    )
    assert describe(sqlite3.OperationalError("no such table: students"), url) is None  # a real error: traceback
    assert describe(ValueError('relation "x" does not exist'), "postgresql+asyncpg://u:p@db:5433/s") is None
