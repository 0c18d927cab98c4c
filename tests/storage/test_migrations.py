"""The schema is built and upgraded by Alembic, from an empty database on (SQLite and PostgreSQL)."""

from datetime import timedelta

import pytest
from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import async_sessionmaker

from bot.storage.db import DatabaseError, alembic_config, make_engine, open_database, upgrade
from bot.storage.gaps import list_gaps, record_gap

QUIZ_TABLES = {
    "students",
    "classes",
    "daily_quizzes",
    "daily_answers",
    "practice_prompts",
    "review_cards",
    "daily_completions",
    "season_results",
    "chat_refs",
    "hidden_questions",
    "class_staff",
    "class_notes",
    "class_note_sets",
}


def _head() -> str:
    return ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()


async def _tables(engine) -> set[str]:
    async with engine.connect() as conn:
        return await conn.run_sync(lambda c: set(inspect(c).get_table_names()))


async def test_migrations_build_the_schema_from_an_empty_database(db_url):
    engine, _ = await open_database(db_url)
    tables = await _tables(engine)
    async with engine.connect() as conn:
        version = (await conn.execute(text("select version_num from alembic_version"))).scalar_one()
    await engine.dispose()
    assert {"unanswered_questions", "alembic_version"} | QUIZ_TABLES <= tables
    assert version == _head()
    engine, _ = await open_database(db_url)  # a second start is a no-op, not an error
    await engine.dispose()


async def test_downgrade_to_nothing_and_back(db_url):
    engine = make_engine(db_url)
    await upgrade(engine, "head")

    async with engine.begin() as conn:

        def down(c):
            cfg = alembic_config(db_url)
            cfg.attributes["connection"] = c
            command.downgrade(cfg, "base")

        await conn.run_sync(down)
    assert not (await _tables(engine)) & (QUIZ_TABLES | {"unanswered_questions"})
    await upgrade(engine, "head")
    assert QUIZ_TABLES <= await _tables(engine)
    await engine.dispose()


async def test_upgrade_from_the_previous_revision_keeps_the_data(db_url, clock):
    engine = make_engine(db_url)
    await upgrade(engine, "0002")
    sessions = async_sessionmaker(engine, expire_on_commit=False)
    await record_gap(sessions, "console:7b", "what is the warsaw pact", clock())
    async with engine.begin() as conn:
        await conn.execute(
            text(
                "insert into classes (key, timezone, daily_enabled, daily_time, daily_count, daily_channel, season,"
                " season_started) values ('console:7b', 'UTC', true, '08:00', 5, '', 1, :t)"
            ),
            {"t": clock().replace(tzinfo=None) if engine.dialect.name == "sqlite" else clock()},
        )
    await upgrade(engine, "head")
    async with engine.connect() as conn:
        role = (await conn.execute(text("select teacher_role from classes"))).scalar_one()
    gaps = await list_gaps(sessions, "console:7b")
    await engine.dispose()
    assert role == ""
    assert [(g.text, g.count) for g in gaps] == [("what is the warsaw pact", 1)]


async def _insert_class(conn, engine, clock) -> None:  # noqa: ANN001
    """Class 'console:7b' as a database at 0005 or later holds it, written in SQL (the models may be newer)."""
    now = clock().replace(tzinfo=None) if engine.dialect.name == "sqlite" else clock()
    await conn.execute(
        text(
            "insert into classes (key, timezone, daily_enabled, daily_time, daily_count, daily_channel, season,"
            " season_started, teacher_role, generated_questions) values"
            " ('console:7b', 'UTC', true, '08:00', 5, '', 1, :t, '', true)"
        ),
        {"t": now},
    )


async def test_class_staff_is_added_to_a_database_in_use_and_holds_two_ids_only(db_url, clock):
    """0006 on a database with classes and students: nobody becomes staff; the table keeps no name or text."""
    engine = make_engine(db_url)
    await upgrade(engine, "0005")
    async with engine.begin() as conn:
        await _insert_class(conn, engine, clock)
        await conn.execute(
            text(
                "insert into students (platform, user_id, display_name, hidden) values"
                " ('console', 'mr-k', 'Mr K', false)"
            )
        )
    await upgrade(engine, "head")
    async with engine.connect() as conn:
        staff = (await conn.execute(text("select count(*) from class_staff"))).scalar_one()
        cols = await conn.run_sync(lambda c: {col["name"] for col in inspect(c).get_columns("class_staff")})
        await conn.execute(text("insert into class_staff (class_id, student_id) values (1, 1)"))
        with pytest.raises(IntegrityError):  # once per class and person
            await conn.execute(text("insert into class_staff (class_id, student_id) values (1, 1)"))
    await engine.dispose()
    assert staff == 0 and cols == {"id", "class_id", "student_id"}


async def test_gaps_asked_before_a_later_season_began_are_that_seasons_after_0007(db_url, clock):
    """0007 on a database in use: a question last asked before its class's second season began counts in the earlier
    season; one asked since, in a class's first season, or in a class with no row yet counts in the current one."""
    engine = make_engine(db_url)
    await upgrade(engine, "0006")
    sessions = async_sessionmaker(engine, expire_on_commit=False)
    began = clock()
    async with engine.begin() as conn:
        for key, season in (("console:7b", 2), ("console:8a", 1)):
            await conn.execute(
                text(
                    "insert into classes (key, timezone, daily_enabled, daily_time, daily_count, daily_channel, season,"
                    " season_started, teacher_role, generated_questions) values"
                    " (:key, 'UTC', true, '08:00', 5, '', :season, :t, '', true)"
                ),
                {
                    "key": key,
                    "season": season,
                    "t": began.replace(tzinfo=None) if engine.dialect.name == "sqlite" else began,
                },
            )
    day = timedelta(days=1)
    for key, question, when in (
        ("console:7b", "asked in season one", began - day),
        ("console:7b", "asked in season two", began + day),
        ("console:8a", "asked in a first season", began - day),
        ("console:9z", "asked in a class with no row", began - day),
    ):
        await record_gap(sessions, key, question, when)
    await upgrade(engine, "head")
    async with engine.connect() as conn:
        rows = (await conn.execute(text("select text, count, earlier_count from unanswered_questions"))).all()
    await engine.dispose()
    assert sorted(rows) == [
        ("asked in a class with no row", 1, 0),
        ("asked in a first season", 1, 0),
        ("asked in season one", 1, 1),
        ("asked in season two", 1, 0),
    ]


async def test_unanswered_questions_are_counted_per_class_without_identity(db_url, clock):
    engine, sessions = await open_database(db_url)
    await record_gap(sessions, "console:7b", "who invented the telephone", clock())
    clock.advance(hours=1)
    await record_gap(sessions, "console:7b", "who invented the telephone", clock())
    await record_gap(sessions, "console:8a", "what is a warsaw pact", clock())
    gaps = await list_gaps(sessions, "console:7b")
    async with engine.connect() as conn:
        cols = await conn.run_sync(lambda c: {col["name"] for col in inspect(c).get_columns("unanswered_questions")})
    await engine.dispose()
    assert [(g.text, g.count) for g in gaps] == [("who invented the telephone", 2)]
    assert gaps[0].last_asked == clock() and gaps[0].last_asked.tzinfo is not None
    assert cols == {"id", "class_key", "text", "count", "last_asked", "earlier_count"}


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


async def test_messages_remember_their_quiz_question_across_restarts(db_url, clock, knowledge):
    from bot.app import bootstrap
    from bot.config import Settings
    from bot.refs import ClassRef

    cls = ClassRef("telegram", "-100123")
    first = await bootstrap(Settings(database_url=db_url), clock=clock, knowledge=knowledge)
    await first.remember_ref("telegram", "poll:5123", "d:12:3", cls)
    await first.remember_ref("telegram", "poll:5123", "d:99:9", cls)  # a repeat does not overwrite
    await first.close()
    second = await bootstrap(Settings(database_url=db_url), clock=clock, knowledge=knowledge)
    try:
        assert await second.recall_ref("telegram", "poll:5123") == ("d:12:3", cls)
        assert await second.recall_ref("telegram", "poll:1") is None
        assert await second.recall_ref("discord", "poll:5123") is None
    finally:
        await second.close()


async def test_class_notes_are_added_to_a_database_in_use(db_url, clock):
    """0008 on a database at 0007 with a class: no class has notes of its own, and notes can be added."""
    from bot.storage import notes as store

    engine = make_engine(db_url)
    await upgrade(engine, "0007")
    async with engine.begin() as conn:
        await _insert_class(conn, engine, clock)
    await upgrade(engine, "head")
    sessions = async_sessionmaker(engine, expire_on_commit=False)
    assert await store.revision(sessions, "console:7b") == 0
    rev = await store.save(
        sessions, "console:7b", "a.md", b"# A\n\nA fact.", "0" * 64, {}, "Mr K", clock(), replace=False, max_files=3
    )
    assert rev == 1 and (await store.files(sessions, "console:7b"))[1] == [("a.md", b"# A\n\nA fact.")]
    await engine.dispose()
