"""Faults: a bot killed with SIGKILL mid-burst, a database locked by someone else, a failing transaction.

The promise under test (bot/storage/writer.py): an answer is acknowledged only after its transaction
committed, so nothing a student was told was recorded is lost, and the unique keys keep one attempt.
"""

from __future__ import annotations

import asyncio
import sqlite3

import pytest
from sqlalchemy import select
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from bot.app import bootstrap
from bot.config import Settings
from bot.refs import ClassRef, UserRef
from bot.storage.models import DailyAnswer, DailyCompletion, Student
from tests.procs.spawn import Child

NOW = "2026-11-24T09:00:00+00:00"
KILL_AFTER = 300  # acknowledged answers before the SIGKILL
QUESTIONS = 5


def right(q) -> str:  # noqa: ANN001
    return q.answer


def wrong(q) -> str:  # noqa: ANN001
    return next(o for o in q.options if o != q.answer) if q.options else "zzzz"


async def db_state(service) -> tuple[dict[tuple[int, str, int], tuple[bool, str]], int, set, int]:  # noqa: ANN001
    """(daily_id, user id, position) -> (correct, given); the row count; completed (daily, student); completions."""
    async with service.sessions() as s:
        rows = (
            await s.execute(
                select(
                    DailyAnswer.daily_id,
                    Student.user_id,
                    DailyAnswer.position,
                    DailyAnswer.correct,
                    DailyAnswer.given,
                    DailyAnswer.student_id,
                ).join(Student, Student.id == DailyAnswer.student_id)
            )
        ).all()
        completions = (await s.execute(select(DailyCompletion.student_id))).scalars().all()
    answers = {(r[0], r[1], r[2]): (r[3], r[4]) for r in rows}
    per_student: dict[tuple[int, int], int] = {}
    for r in rows:
        per_student[(r[0], r[5])] = per_student.get((r[0], r[5]), 0) + 1
    finished = {sid for (_did, sid), n in per_student.items() if n >= QUESTIONS}
    return answers, len(rows), finished, completions


# --- (a) kill -9 during a burst, then restart ------------------------------------------------------------


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
async def test_sigkill_during_a_burst_loses_no_acknowledged_answer(db_url, knowledge, clock, tmp_path):
    child = await Child.start("answer_burst.py", db_url, NOW, stderr_path=tmp_path / "burst.err")
    acked: dict[tuple[int, str, int], dict] = {}
    try:
        await child.read_until("ready", 60)
        while len(acked) < KILL_AFTER:
            line = await child.read(30)
            assert line is not None, f"the burst ended early:\n{child.stderr()}"
            assert "error" not in line, line["error"]
            assert "done" not in line, "the burst finished before it was killed: make it longer"
            acked[(line["daily_id"], line["user"], line["position"])] = line
        child.proc.kill()  # SIGKILL: no clean-up, whatever the writer was doing
        assert await asyncio.wait_for(child.proc.wait(), 10) == -9
        for line in await child.drain():  # acknowledged before the kill, still in the pipe
            if "daily_id" in line:
                acked[(line["daily_id"], line["user"], line["position"])] = line
    finally:
        await child.stop()

    # A restart: bootstrap runs the migrations again and recovers the database (SQLite: from its WAL).
    service = await bootstrap(Settings(database_url=db_url), clock=clock, knowledge=knowledge)
    try:
        answers, rows, finished, completions = await db_state(service)
        lost = [key for key in acked if key not in answers]
        assert not lost, f"{len(lost)} of {len(acked)} acknowledged answers are missing, e.g. {lost[:3]}"
        for key, line in acked.items():
            assert answers[key] == (line["correct"], line["given"]), f"{key} stored differently from its ack"
        assert rows == len(answers), "an answer was recorded twice"
        assert len(completions) == len(set(completions)), "a completion was recorded twice"
        # The last answer and its completion commit together: no finished quiz without its completion.
        assert finished <= set(completions)

        # The service works after the restart: an answer already acknowledged stays answered ...
        (daily_id, user_id, position), line = next(iter(acked.items()))
        cls = ClassRef("burst", f"c{int(user_id[1:]) % 4}")
        res = await service.answer(cls, UserRef("burst", user_id), f"d:{daily_id}:{position}", line["given"])
        assert res.already and res.points == 0
        # ... a new student gets today's quiz and is recorded ...
        newcomer = UserRef("burst", "after-restart", "After Restart")
        status = await service.daily(cls, newcomer)
        assert status.next is not None and status.answered == 0
        assert int(status.next.ref.split(":")[1]) == daily_id, "the restart chose another daily quiz"
        res = await service.answer(cls, newcomer, status.next.ref, right(status.next.question))
        assert not res.already and res.correct and res.points == 1
        # ... and a student the kill interrupted carries on where the database says they stopped.
        partial = {}
        for did, uid, _pos in answers:
            partial[(did, uid)] = partial.get((did, uid), 0) + 1
        (did, uid), n = next(((k, n) for k, n in partial.items() if n < QUESTIONS), ((None, None), None))
        if uid is not None:
            cls = ClassRef("burst", f"c{int(uid[1:]) % 4}")
            status = await service.daily(cls, UserRef("burst", uid))
            assert status.answered == n and status.next is not None
            res = await service.answer(cls, UserRef("burst", uid), status.next.ref, right(status.next.question))
            assert not res.already
        _, rows_after, _, _ = await db_state(service)
        assert rows_after == rows + (2 if uid is not None else 1)
    finally:
        await service.close()


# --- (b) a database locked by another connection is waited for ------------------------------------------


CLS = ClassRef("console", "faults")


def student(n: int) -> UserRef:
    return UserRef("console", f"f{n}", f"Student {n}")


async def answer_all(service, u: UserRef) -> list:  # noqa: ANN001
    """A student's whole daily quiz, one answer after the other; the results."""
    status = await service.daily(CLS, u)
    prompt, results = status.next, []
    while prompt is not None:
        res = await service.answer(CLS, u, prompt.ref, right(prompt.question))
        results.append(res)
        prompt = res.next
    return results


async def test_a_locked_sqlite_database_is_waited_for_not_lost(service, db_url):
    students = [student(n) for n in range(20)]
    firsts = {u: (await service.daily(CLS, u)).next for u in students}  # students and the quiz exist
    path = make_url(db_url).database
    locker = sqlite3.connect(path, timeout=1, isolation_level=None)
    try:
        locker.execute("BEGIN EXCLUSIVE")  # another process holds the write lock

        async def burst(u: UserRef) -> list:
            prompt, results = firsts[u], []
            while prompt is not None:
                res = await service.answer(CLS, u, prompt.ref, right(prompt.question))
                results.append(res)
                prompt = res.next
            return results

        tasks = [asyncio.create_task(burst(u)) for u in students]
        await asyncio.sleep(1.5)
        assert not any(t.done() for t in tasks), "an answer was acknowledged while the database was locked"
    finally:
        locker.execute("COMMIT")  # release
        locker.close()
    results = await asyncio.wait_for(asyncio.gather(*tasks), 30)
    assert all(len(r) == QUESTIONS and not any(x.already for x in r) for r in results)
    answers, rows, finished, completions = await db_state(service)
    assert rows == len(students) * QUESTIONS == len(answers)
    assert sorted(completions) == sorted(finished) and len(completions) == len(students)


async def test_a_lock_longer_than_thirty_seconds_loses_no_write_and_holds_no_answer(service, db_url):
    """A backup or a database browser holds the lock for 35 s while 30 students (more than the connection
    pool) start the quiz and answer: every write waits and goes through. An unanswered question asked
    meanwhile is answered at once; its record for the teacher is written when the lock goes."""
    students = [student(100 + n) for n in range(30)]
    path = make_url(db_url).database
    locker = sqlite3.connect(path, timeout=1, isolation_level=None)
    try:
        locker.execute("BEGIN EXCLUSIVE")
        tasks = [asyncio.create_task(answer_all(service, u)) for u in students]
        answer = await asyncio.wait_for(service.ask("who invented the telephone", CLS, user=student(1)), 5)
        assert not answer.answered  # told at once, lock or no lock
        await asyncio.sleep(35)
        assert not any(t.done() for t in tasks), "a write finished (or failed) while the database was locked"
    finally:
        locker.execute("COMMIT")
        locker.close()
    results = await asyncio.wait_for(asyncio.gather(*tasks), 120)
    assert all(len(r) == QUESTIONS and all(x.correct and not x.already for x in r) for r in results)
    _, rows, finished, completions = await db_state(service)
    assert rows == len(students) * QUESTIONS and len(completions) == len(students) == len(finished)
    report = await service.report(CLS, True)
    assert [g.text for g in report.gaps] == ["who invented the telephone"]


async def test_a_full_disk_is_told_as_a_full_disk_once(service, caplog):
    """SQLite refuses to grow the file (max_page_count, as a full disk does): the log says the disk is full,
    in one line without a traceback, and the student is not told the answer was recorded."""
    from sqlalchemy import event

    status = await service.daily(CLS, student(1))
    sync = service.quiz.writer._sync

    @event.listens_for(sync, "connect")
    def no_room(dbapi_conn, _record):  # noqa: ANN001
        pages = dbapi_conn.execute("PRAGMA page_count").fetchone()[0]
        dbapi_conn.execute(f"PRAGMA max_page_count = {pages}")

    sync.dispose()
    with pytest.raises(OperationalError):
        for n in range(50):  # until a page is needed
            status = await service.daily(CLS, student(200 + n))
            await service.answer(CLS, student(200 + n), status.next.ref, right(status.next.question))
    failures = [r for r in caplog.records if r.name == "bot.storage.writer" and r.levelname == "ERROR"]
    assert len(failures) == 1 and "disk holding the database" in failures[0].getMessage()
    assert "is full" in failures[0].getMessage() and failures[0].exc_info is None


# --- (c) a transient OperationalError in the writer is retried ------------------------------------------


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
async def test_a_transient_operational_error_is_retried_and_recorded_once(service, monkeypatch):
    real = service.quiz.writer._transact
    calls = []

    async def flaky(items: list) -> list:
        calls.append(len(items))
        if len(calls) == 1:  # the first transaction fails before it changes anything
            raise OperationalError("INSERT INTO daily_answers ...", {}, Exception("database is locked"))
        return await real(items)

    monkeypatch.setattr(service.quiz.writer, "_transact", flaky)
    students = [student(n) for n in range(8)]
    prompts = {u: (await service.daily(CLS, u)).next for u in students}
    results = await asyncio.gather(
        *(service.answer(CLS, u, p.ref, right(p.question)) for u, p in prompts.items())
    )  # one batch, or a few: the first one fails
    assert len(calls) >= 2
    assert all(not r.already and r.correct and r.points == 1 for r in results)
    answers, rows, _, _ = await db_state(service)
    assert rows == len(students) == len(answers)
    again = await service.answer(CLS, students[0], prompts[students[0]].ref, wrong(prompts[students[0]].question))
    assert again.already and again.points == 0
    _, rows, _, _ = await db_state(service)
    assert rows == len(students)


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
async def test_an_error_after_the_commit_is_retried_without_doubling(service, monkeypatch):
    """The commit went through but its acknowledgement was lost (a dropped connection): the retry must not
    record the answer twice, nor lose it."""
    real = service.quiz.writer._transact
    calls = []

    async def lost_ack(items: list) -> list:
        calls.append(len(items))
        out = await real(items)
        if len(calls) == 1:
            raise OperationalError("COMMIT", {}, Exception("server closed the connection unexpectedly"))
        return out

    monkeypatch.setattr(service.quiz.writer, "_transact", lost_ack)
    u = student(1)
    prompt = (await service.daily(CLS, u)).next
    res = await service.answer(CLS, u, prompt.ref, right(prompt.question))
    assert not res.problem
    answers, rows, _, _ = await db_state(service)
    assert rows == 1 and answers[(int(prompt.ref.split(":")[1]), "f1", 0)][0] is True
    status = await service.daily(CLS, u)
    assert status.answered == 1 and status.correct == 1


@pytest.mark.parametrize("backend", ["postgresql"])
async def test_a_dropped_postgresql_connection_is_retried_not_lost(service, postgres_server, db_url):
    """The server drops the bot's connections (a restart, a fail-over, a proxy's idle timeout) between two
    answers: the next answers must be recorded on a new connection, not fail."""
    import asyncpg

    students = [student(n) for n in range(6)]
    prompts = {u: (await service.daily(CLS, u)).next for u in students}
    first = await asyncio.gather(*(service.answer(CLS, u, p.ref, right(p.question)) for u, p in prompts.items()))
    conn = await asyncpg.connect(host="127.0.0.1", port=postgres_server.port, user="revisionbot", database="postgres")
    try:
        killed = await conn.fetchval(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
            " WHERE datname = $1 AND pid <> pg_backend_pid()",
            make_url(db_url).database,
        )
    finally:
        await conn.close()
    assert killed >= 1
    outcome = await asyncio.gather(
        *(service.answer(CLS, u, r.next.ref, right(r.next.question)) for u, r in zip(students, first)),
        return_exceptions=True,
    )
    errors = [o for o in outcome if isinstance(o, BaseException)]
    assert not errors, f"{len(errors)} of {len(outcome)} answers failed after the connections dropped: {errors[0]!r}"
    assert all(not o.already for o in outcome)
    _, rows, _, _ = await db_state(service)
    assert rows == 2 * len(students)
