"""The answer writer (bot/storage/writer.py, answer_batch.py): what a batch reads back with its write. Runs on
SQLite and on PostgreSQL (tests/storage/conftest.py)."""

from __future__ import annotations

import asyncio

from sqlalchemy import delete, func, select

from bot.refs import ClassRef, UserRef
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
