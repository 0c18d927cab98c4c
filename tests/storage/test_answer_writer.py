"""The answer writer (bot/storage/writer.py, answer_batch.py): what a batch reads back with its write, and how it
keeps its PostgreSQL connection. Runs on SQLite and on PostgreSQL (tests/storage/conftest.py)."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import delete, event, func, select
from sqlalchemy.engine import make_url

from bot.refs import ClassRef, UserRef
from bot.storage import writer as writer_module
from bot.storage.models import DailyCompletion

CLS = ClassRef("console", "7b")
ANA = UserRef("console", "ana", "Ana")


def right(q) -> str:  # noqa: ANN001
    return q.answer


def wrong(q) -> str:  # noqa: ANN001
    return next(o for o in q.options if o != q.answer) if q.options else "zzzz"


async def answer_all(service, user: UserRef, wrong_at: int | None = None) -> list:  # noqa: ANN001
    """Answer the day's quiz question by question; the results in order."""
    results = []
    status = await service.daily(CLS, user)
    while status.next is not None:
        q = status.next.question
        res = await service.answer(CLS, user, status.next.ref, wrong(q) if len(results) == wrong_at else right(q))
        results.append(res)
        status = await service.daily(CLS, user)
    return results


async def test_the_last_answer_tells_the_streak_and_the_days_score(service, clock):
    for _ in range(2):
        await answer_all(service, ANA)
        clock.advance(days=1)
    results = await answer_all(service, ANA, wrong_at=1)
    last = results[-1]
    assert last.finished_daily and not last.already
    assert last.streak == 3
    assert last.day_score == (len(results) - 1, len(results))
    assert not any(r.finished_daily for r in results[:-1]) and all(r.streak == 0 for r in results[:-1])
    # the same answer again: nothing scored, the day still finished, the streak still told
    again = await service.answer(CLS, ANA, last.ref, "anything")
    assert again.already and again.points == 0 and again.finished_daily and again.streak == 3


async def test_a_repeat_after_the_last_answer_restores_a_missing_completion(service):
    """Two processes can each miss the completion (each sees the other's answer uncommitted); the next answer of
    that student, even a repeat, records it."""
    results = await answer_all(service, ANA)
    async with service.sessions() as s:
        await s.execute(delete(DailyCompletion))
        await s.commit()
    again = await service.answer(CLS, ANA, results[-1].ref, "anything")
    assert again.already and again.finished_daily and again.streak == 1
    async with service.sessions() as s:
        assert (await s.execute(select(func.count()).select_from(DailyCompletion))).scalar_one() == 1


async def test_answers_in_one_batch_are_counted_once_each(service):
    students = [UserRef("console", f"s{n}", f"S {n}") for n in range(12)]
    prompts = {u: (await service.daily(CLS, u)).next for u in students}
    # each student's first answer twice at once (a double click), one of them wrong: one scores
    results = await asyncio.gather(
        *(
            service.answer(CLS, u, p.ref, answer)
            for u, p in prompts.items()
            for answer in (right(p.question), wrong(p.question))
        )
    )
    assert sum(not r.already for r in results) == len(students)
    assert sum(r.already for r in results) == len(students)
    for u in students:
        assert (await service.daily(CLS, u)).answered == 1


@pytest.fixture
def checkouts(service):  # noqa: ANN001, ANN201
    """How many times a connection is taken from the pool."""
    counted = []
    pool = service.quiz.writer.engine.sync_engine.pool
    listener = lambda *_a: counted.append(1)  # noqa: E731
    event.listen(pool, "checkout", listener)
    yield counted
    event.remove(pool, "checkout", listener)


@pytest.mark.parametrize("backend", ["postgresql"])  # SQLite's writer uses its own thread's connection
async def test_a_burst_of_answers_keeps_the_writers_connection(service, backend, checkouts):
    students = [UserRef("console", f"s{n}", f"S {n}") for n in range(6)]
    prompts = {u: (await service.daily(CLS, u)).next for u in students}
    checkouts.clear()
    for u, p in prompts.items():  # one batch each, one after the other
        assert not (await service.answer(CLS, u, p.ref, right(p.question))).already
    assert len(checkouts) == 1


@pytest.mark.parametrize("backend", ["postgresql"])
async def test_after_an_idle_spell_a_dropped_connection_costs_no_failed_batch(
    service, backend, postgres_server, db_url, monkeypatch
):
    """The server restarted (or a proxy closed idle connections) while the bot was idle: the writer takes a
    connection checked by the pool for its next batch, instead of failing a batch on the dead one and retrying."""
    import asyncpg

    monkeypatch.setattr(writer_module, "KEEP_CONNECTION_SECONDS", 0.0)  # every batch comes after an idle spell
    first = await service.daily(CLS, ANA)
    await service.answer(CLS, ANA, first.next.ref, right(first.next.question))
    conn = await asyncpg.connect(host="127.0.0.1", port=postgres_server.port, user="revisionbot", database="postgres")
    try:
        await conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()",
            make_url(db_url).database,
        )
    finally:
        await conn.close()
    real = service.quiz.writer._transact
    attempts = []

    async def counted(items: list) -> list:
        attempts.append(len(items))
        return await real(items)

    monkeypatch.setattr(service.quiz.writer, "_transact", counted)
    nxt = (await service.daily(CLS, ANA)).next
    res = await service.answer(CLS, ANA, nxt.ref, right(nxt.question))
    assert not res.already and res.correct
    assert attempts == [1]
