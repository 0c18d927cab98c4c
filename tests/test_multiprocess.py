"""Several bot processes on one PostgreSQL database: one daily quiz, one recorded attempt, one post.
(Starting together on an empty database is also tried on SQLite.)

Each process (tests/procs/quiz_worker.py) bootstraps the service on the same database with the same fixed
clock; the test sends every process the same command at the same moment, so every student's every answer
is submitted by all of them at once, and every class's daily post is claimed by all of them at once.
"""

from __future__ import annotations

import asyncio
import uuid
from collections import Counter

import pytest
from sqlalchemy import func, select

from bot.storage.db import make_engine, upgrade
from bot.storage.models import DailyAnswer, DailyCompletion, DailyQuiz, Student
from tests.procs.spawn import Child

NOW = "2026-11-24T09:00:00+00:00"
CLASSES = 2
STUDENTS = 40
QUESTIONS = 5
TIMEOUT = 40.0


async def migrated_database(server) -> str:  # noqa: ANN001
    """A new database brought to the latest schema, as a deployment does before it starts the bot processes."""
    url = await server.create_database(f"mp{uuid.uuid4().hex[:12]}")
    engine = make_engine(url)
    try:
        await upgrade(engine)
    finally:
        await engine.dispose()
    return url


async def start_workers(url: str, processes: int, tmp_path) -> list[Child]:  # noqa: ANN001
    """Bot processes on `url`; the odd ones answer wrongly, so the points show whose answer was recorded."""
    children = []
    for i in range(processes):
        args = [url, NOW, f"p{i}", "--classes", str(CLASSES), "--students", str(STUDENTS)]
        if i % 2:
            args.append("--wrong")
        children.append(await Child.start("quiz_worker.py", *args, stderr_path=tmp_path / f"p{i}.err", stdin=True))
    return children


async def run_all(children: list[Child], command: str) -> list[list[dict]]:
    """Send `command` to every process at once; each one's lines up to its "done"."""
    for child in children:
        await child.send(command)
    got = await asyncio.gather(*(c.read_until("done", TIMEOUT) for c in children))
    for child, lines in zip(children, got):
        errors = [line["error"] for line in lines if "error" in line]
        assert not errors, f"{command}: a process failed:\n{errors[0]}\nstderr:\n{child.stderr()}"
    return got


@pytest.mark.parametrize("processes", [2, 3])
async def test_processes_share_one_quiz_one_attempt_and_one_post(postgres_server, tmp_path, processes):
    url = await migrated_database(postgres_server)
    children = await start_workers(url, processes, tmp_path)
    try:
        await asyncio.gather(*(c.read_until("ready", TIMEOUT) for c in children))

        # (a) every student asks for the daily quiz in every process at once: one quiz per class.
        seen = await run_all(children, "daily")
        quizzes = [
            {line["quiz"]: (line["daily_id"], line["ids"]) for line in lines if "quiz" in line} for lines in seen
        ]
        assert len(quizzes[0]) == CLASSES
        assert all(q == quizzes[0] for q in quizzes[1:]), f"processes saw different daily quizzes: {quizzes}"
        for _daily_id, ids in quizzes[0].values():
            assert len(ids) == QUESTIONS and len(set(ids)) == QUESTIONS
        for lines in seen:
            firsts = {line["daily"]: line["ref"] for line in lines if "daily" in line}
            assert len(firsts) == STUDENTS and all(ref.endswith(":0") for ref in firsts.values())

        # (b) every answer is submitted by every process at once: each is recorded exactly once.
        seen = await run_all(children, "answer")
        answers = [line for lines in seen for line in lines if "answer" in line]
        assert len(answers) == processes * STUDENTS * QUESTIONS
        recorded = Counter((a["answer"], a["position"]) for a in answers if a["recorded"])
        already = Counter((a["answer"], a["position"]) for a in answers if a["already"])
        assert len(recorded) == STUDENTS * QUESTIONS and set(recorded.values()) == {1}, "an answer counted twice"
        assert sum(already.values()) == (processes - 1) * STUDENTS * QUESTIONS
        assert all(a["points"] == 0 for a in answers if a["already"]), "a repeated answer scored"
        reported_points = sum(a["points"] for a in answers if a["recorded"])

        # (c) the daily post: both classes are due everywhere, then claimed by all processes, several times.
        due = await run_all(children, "due")
        for lines in due:
            assert next(line["due"] for line in lines if "due" in line) == [f"mp:class{c}" for c in range(CLASSES)]
        claimed = await run_all(children, "claim 5")
        wins = Counter(line["claim"] for lines in claimed for line in lines if line.get("won"))
        assert wins == Counter({f"mp:class{c}": 1 for c in range(CLASSES)}), f"claims won: {dict(wins)}"
        due = await run_all(children, "due")
        for lines in due:
            assert next(line["due"] for line in lines if "due" in line) == [], "a claimed class is still due"

        for child in children:
            await child.send("quit")
        for child in children:
            assert await asyncio.wait_for(child.proc.wait(), TIMEOUT) == 0, child.stderr()
    finally:
        for child in children:
            await child.stop()

    # What the database holds, read afresh.
    engine = make_engine(url)
    try:
        async with engine.connect() as conn:
            rows = (await conn.execute(select(func.count()).select_from(DailyAnswer))).scalar_one()
            keys = (
                await conn.execute(
                    select(DailyAnswer.daily_id, DailyAnswer.student_id, DailyAnswer.position).distinct()
                )
            ).all()
            points = (await conn.execute(select(func.sum(DailyAnswer.points)))).scalar_one()
            completions = (await conn.execute(select(func.count()).select_from(DailyCompletion))).scalar_one()
            students = (await conn.execute(select(func.count()).select_from(Student))).scalar_one()
            quizzes_in_db = (await conn.execute(select(DailyQuiz.id, DailyQuiz.posted))).all()
    finally:
        await engine.dispose()
    assert rows == STUDENTS * QUESTIONS and len(keys) == rows
    assert completions == STUDENTS
    assert students == STUDENTS, "a student was created twice"
    assert int(points or 0) == reported_points
    assert sorted(quizzes_in_db) == sorted((did, True) for did, _ids in quizzes[0].values())


@pytest.mark.parametrize("backend", ["postgresql", "sqlite"])
async def test_processes_starting_together_on_an_empty_database_all_come_up(backend, db_url, tmp_path):
    """Three bot processes started at the same moment on a new, empty database (a first deployment, or a
    restart of all of them right after an upgrade): each runs the migrations at start-up; all must come up
    and share one daily quiz."""
    url = db_url
    children = await start_workers(url, 3, tmp_path)
    try:
        started = await asyncio.gather(*(c.read_until("ready", TIMEOUT) for c in children), return_exceptions=True)
        failed = [
            f"p{i}: {c.stderr()[-600:]}" for i, (c, r) in enumerate(zip(children, started)) if not isinstance(r, list)
        ]
        assert not failed, "a process could not start on a database that others were migrating:\n" + "\n".join(failed)
        seen = await run_all(children, "daily")
        quizzes = [{line["quiz"]: line["ids"] for line in lines if "quiz" in line} for lines in seen]
        assert all(q == quizzes[0] for q in quizzes[1:])
        for child in children:
            await child.send("quit")
    finally:
        for child in children:
            await child.stop()
