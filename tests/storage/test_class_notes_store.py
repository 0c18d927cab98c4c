"""The class notes' storage (bot/storage/notes.py) on SQLite and PostgreSQL: files, names, limits, revisions."""

from __future__ import annotations

import asyncio

import pytest

from bot.storage import notes as store
from bot.storage.db import open_database

CLS = "console:7b"


@pytest.fixture
async def sessions(db_url):
    engine, sessions = await open_database(db_url)
    yield sessions
    await engine.dispose()


async def _save(sessions, clock, name="cells.md", data=b"# Cells\n\nA fact.", replace=False, max_files=30, key=CLS):
    return await store.save(
        sessions, key, name, data, "0" * 64, {"facts": 1}, "Mr K", clock(), replace=replace, max_files=max_files
    )


async def test_a_class_without_notes_is_at_revision_nought(sessions):
    assert await store.revision(sessions, CLS) == 0
    assert await store.files(sessions, CLS) == (0, [])
    assert await store.listing(sessions, CLS) == []


async def test_each_change_moves_the_revision_on_and_keeps_the_bytes(sessions, clock):
    assert await _save(sessions, clock) == 1
    assert await _save(sessions, clock, "rivers.docx", b"PK\x03\x04 binary \x00\xff") == 2
    rev, files = await store.files(sessions, CLS)
    assert rev == 2 and files == [("cells.md", b"# Cells\n\nA fact."), ("rivers.docx", b"PK\x03\x04 binary \x00\xff")]
    listed = await store.listing(sessions, CLS)
    assert [(n.name, n.size, n.added_by, n.summary) for n in listed] == [
        ("cells.md", 16, "Mr K", {"facts": 1}),
        ("rivers.docx", 14, "Mr K", {"facts": 1}),
    ]
    assert listed[0].added_at == clock()
    assert await _save(sessions, clock, "Cells.MD", b"new", replace=True) == 3  # names match whatever the case
    assert (await store.file(sessions, CLS, "CELLS.md")) == ("Cells.MD", b"new")
    assert await store.remove(sessions, CLS, "rivers.DOCX", clock()) == ("rivers.docx", 4)
    assert await store.revision(sessions, CLS) == 4
    assert await store.files(sessions, "console:other") == (0, [])  # another class sees none of it


async def test_a_refused_change_changes_nothing(sessions, clock):
    await _save(sessions, clock)
    with pytest.raises(store.NoteExists):
        await _save(sessions, clock, "CELLS.md")  # add over a file of that name
    with pytest.raises(store.NoteExists):
        await _save(sessions, clock, "other.md", replace=True)  # replace what is not there
    await _save(sessions, clock, "two.md")
    with pytest.raises(store.TooManyNotes):
        await _save(sessions, clock, "three.md", max_files=2)
    assert await store.remove(sessions, CLS, "nothing.md", clock()) is None
    rev, files = await store.files(sessions, CLS)
    assert rev == 2 and [n for n, _ in files] == ["cells.md", "two.md"]


async def test_the_same_file_added_at_once_twice_is_stored_once(sessions, clock):
    results = await asyncio.gather(*(_save(sessions, clock) for _ in range(4)), return_exceptions=True)
    assert sum(isinstance(r, int) for r in results) == 1
    assert all(isinstance(r, store.NoteExists) for r in results if not isinstance(r, int))
    assert len((await store.files(sessions, CLS))[1]) == 1


async def test_changes_are_read_by_revision_since_a_time(sessions, clock):
    await _save(sessions, clock)
    start = clock()
    clock.advance(minutes=5)
    await _save(sessions, clock, key="console:9c")
    assert {k for k, _r, _t in await store.revisions_since(sessions, None)} == {CLS, "console:9c"}
    assert [(k, r) for k, r, _t in await store.revisions_since(sessions, clock())] == [("console:9c", 1)]
    assert len(await store.revisions_since(sessions, start)) == 2


async def test_a_moved_chat_takes_its_notes_unless_the_new_id_has_some(sessions, clock):
    await _save(sessions, clock)
    await store.move_class(sessions, CLS, "console:7b-new")
    assert await store.revision(sessions, CLS) == 0
    assert (await store.files(sessions, "console:7b-new"))[1][0][0] == "cells.md"
    await _save(sessions, clock, "mine.md")
    await store.move_class(sessions, CLS, "console:7b-new")  # taken: nothing moves
    assert [n for n, _ in (await store.files(sessions, CLS))[1]] == ["mine.md"]
