"""The per-class cache of built notes (bot/classnotes/library.py): built once, bounded, current."""

from __future__ import annotations

import asyncio
import threading

import pytest

from bot.classnotes.build import ClassNotes
from bot.classnotes.library import NotesLibrary
from bot.knowledge.base import Knowledge
from bot.quiz.bank import QuestionBank
from bot.storage import notes as store
from bot.storage.db import open_database

EMPTY = Knowledge.from_files([])


def notes(revision: int, cost: int = 100, tag: str = "") -> ClassNotes:
    return ClassNotes(EMPTY, QuestionBank(), None, revision, cost)  # type: ignore[arg-type]


@pytest.fixture
async def sessions(db_url):
    engine, sessions = await open_database(db_url)
    yield sessions
    await engine.dispose()


async def put(sessions, clock, key: str, name: str = "a.md") -> int:
    return await store.save(sessions, key, name, b"x", "0" * 64, {}, "", clock(), replace=False, max_files=9)


class Builder:
    def __init__(self):
        self.built: list[tuple[str, int]] = []
        self.lock = threading.Lock()

    def __call__(self, files, revision):
        with self.lock:
            self.built.append((files[0][0], revision))
        return notes(revision)


async def test_least_recently_used_classes_are_dropped_past_the_bound_and_built_again(sessions, clock):
    for c in "abcd":
        await put(sessions, clock, f"t:{c}", f"{c}.md")
    shared = notes(0, 0)
    build = Builder()
    lib = NotesLibrary(sessions, lambda: shared, build, max_bytes=250)
    await lib.start()
    try:
        for c in "abc":
            assert (await lib.for_class(f"t:{c}")).revision == 1
        assert [lib.cached(f"t:{c}") for c in "abc"] == [False, True, True] and lib.cached_bytes == 200
        await lib.for_class("t:b")  # used: now the most recent
        await lib.for_class("t:d")
        assert [lib.cached(f"t:{c}") for c in "abcd"] == [False, True, False, True]
        await lib.for_class("t:a")  # dropped before: built again on demand
        assert [f for f, _ in build.built] == ["a.md", "b.md", "c.md", "d.md", "a.md"]
        assert lib.stats.dropped == 3 and lib.cached_bytes == 200
        assert await lib.for_class("t:none") is shared  # no notes of its own: nothing built, nothing cached
        assert not lib.cached("t:none")
    finally:
        await lib.close()


async def test_many_students_at_once_build_a_class_once(sessions, clock):
    await put(sessions, clock, "t:a")
    build = Builder()
    lib = NotesLibrary(sessions, lambda: notes(0), build)
    await lib.start()
    try:
        got = await asyncio.gather(*(lib.for_class("t:a") for _ in range(50)))
        assert len(build.built) == 1 and len({id(n) for n in got}) == 1
    finally:
        await lib.close()


async def test_a_change_elsewhere_is_seen_by_the_background_refresh(sessions, clock):
    build = Builder()
    lib = NotesLibrary(sessions, lambda: notes(0), build, check_seconds=0.02)
    await lib.start()
    try:
        assert (await lib.for_class("t:a")).revision == 0
        await put(sessions, clock, "t:a")  # as another process would
        for _ in range(200):
            if lib.has_own("t:a"):
                break
            await asyncio.sleep(0.01)
        assert (await lib.for_class("t:a")).revision == 1
        await store.save(sessions, "t:a", "a.md", b"y", "1" * 64, {}, "", clock(), replace=True, max_files=9)
        for _ in range(200):
            if (await lib.for_class("t:a")).revision == 2:
                break
            await asyncio.sleep(0.01)
        assert (await lib.for_class("t:a")).revision == 2 and build.built[-1] == ("a.md", 2)
    finally:
        await lib.close()


async def test_a_database_that_cannot_be_read_keeps_the_answers_going(sessions, clock, caplog):
    """The refresh fails (the database is gone a while): one warning, and the classes keep what they have."""
    await put(sessions, clock, "t:a")
    lib = NotesLibrary(sessions, lambda: notes(0), Builder(), check_seconds=0.01)
    await lib.start()
    try:
        assert (await lib.for_class("t:a")).revision == 1

        async def broken(*_args):
            raise OSError("disk gone")

        real = store.revisions_since
        store.revisions_since = broken
        try:
            await asyncio.sleep(0.1)
            assert (await lib.for_class("t:a")).revision == 1
        finally:
            store.revisions_since = real
        logged = [r for r in caplog.records if r.name == "bot.classnotes.library"]
        errors = [r for r in logged if r.levelname in ("WARNING", "ERROR")]
        assert len(errors) == 1
    finally:
        await lib.close()


async def test_notes_that_cannot_be_built_are_tried_once_per_change(sessions, clock, caplog):
    await put(sessions, clock, "t:a")
    calls = []

    def build(files, revision):
        calls.append(len(files))
        if files:
            raise RuntimeError("a bug")
        return notes(revision, 10)

    lib = NotesLibrary(sessions, lambda: notes(0), build)
    await lib.start()
    try:
        for _ in range(3):
            assert (await lib.for_class("t:a")).revision == 1  # no notes, not the shared ones, no exception
        assert calls == [1, 0]
        assert len([r for r in caplog.records if r.name == "bot.classnotes.library" and r.levelname == "ERROR"]) == 1
    finally:
        await lib.close()
