"""The schema is built and upgraded by Alembic, from an empty database on."""

import sqlite3

import pytest
from sqlalchemy import inspect

from bot.storage.db import DatabaseError, make_engine, open_database, upgrade
from bot.storage.gaps import list_gaps, record_gap


async def test_migrations_build_the_schema_from_an_empty_database(tmp_path):
    url = f"sqlite+aiosqlite:///{tmp_path / 'new' / 'bot.sqlite3'}"
    engine, _ = await open_database(url)
    async with engine.connect() as conn:
        tables = await conn.run_sync(lambda c: set(inspect(c).get_table_names()))
        version = (await conn.exec_driver_sql("select version_num from alembic_version")).scalar_one()
    await engine.dispose()
    assert {"unanswered_questions", "alembic_version"} <= tables
    assert version == _head()
    # a second start is a no-op, not an error
    engine, _ = await open_database(url)
    await engine.dispose()


def _head() -> str:
    from alembic.script import ScriptDirectory

    from bot.storage.db import alembic_config

    return ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()


async def test_downgrade_to_nothing_and_back(tmp_path):
    url = f"sqlite+aiosqlite:///{tmp_path / 'bot.sqlite3'}"
    engine = make_engine(url)
    await upgrade(engine, "head")
    from alembic import command

    from bot.storage.db import alembic_config

    async with engine.begin() as conn:

        def down(c):
            cfg = alembic_config(url)
            cfg.attributes["connection"] = c
            command.downgrade(cfg, "base")

        await conn.run_sync(down)
        tables = await conn.run_sync(lambda c: set(inspect(c).get_table_names()))
    assert "unanswered_questions" not in tables
    await upgrade(engine, "head")
    await engine.dispose()


async def test_unanswered_questions_are_counted_per_class_without_identity(tmp_path, clock):
    engine, sessions = await open_database(f"sqlite+aiosqlite:///{tmp_path / 'bot.sqlite3'}")
    await record_gap(sessions, "console:7b", "who invented the telephone", clock())
    clock.advance(hours=1)
    await record_gap(sessions, "console:7b", "who invented the telephone", clock())
    await record_gap(sessions, "console:8a", "what is a warsaw pact", clock())
    gaps = await list_gaps(sessions, "console:7b")
    await engine.dispose()
    assert [(g.text, g.count) for g in gaps] == [("who invented the telephone", 2)]
    assert gaps[0].last_asked == clock() and gaps[0].last_asked.tzinfo is not None
    cols = {r[1] for r in sqlite3.connect(tmp_path / "bot.sqlite3").execute("pragma table_info(unanswered_questions)")}
    assert cols == {"id", "class_key", "text", "count", "last_asked"}


@pytest.mark.parametrize("make", ["folder", "garbage"])
async def test_a_corrupt_database_path_raises_a_readable_error(tmp_path, make):
    path = tmp_path / "bot.sqlite3"
    if make == "folder":
        path.mkdir()
    else:
        path.write_bytes(b"not a database at all" * 10)
    with pytest.raises(DatabaseError) as err:
        await open_database(f"sqlite+aiosqlite:///{path}")
    assert str(path) in str(err.value)


async def test_upgrade_from_the_previous_revision_keeps_the_data(tmp_path, clock):
    url = f"sqlite+aiosqlite:///{tmp_path / 'bot.sqlite3'}"
    engine = make_engine(url)
    await upgrade(engine, "0001")
    from sqlalchemy.ext.asyncio import async_sessionmaker

    sessions = async_sessionmaker(engine, expire_on_commit=False)
    await record_gap(sessions, "console:7b", "what is the warsaw pact", clock())
    async with engine.connect() as conn:
        before = await conn.run_sync(lambda c: set(inspect(c).get_table_names()))
    assert "daily_answers" not in before
    await upgrade(engine, "head")
    async with engine.connect() as conn:
        after = await conn.run_sync(lambda c: set(inspect(c).get_table_names()))
    gaps = await list_gaps(sessions, "console:7b")
    await engine.dispose()
    assert {
        "students",
        "classes",
        "daily_quizzes",
        "daily_answers",
        "practice_prompts",
        "review_cards",
        "daily_completions",
        "season_results",
    } <= after
    assert [(g.text, g.count) for g in gaps] == [("what is the warsaw pact", 1)]
