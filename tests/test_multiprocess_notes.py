"""Two bot processes on one PostgreSQL database: a teacher adds notes through one, students ask through the other,
which answers from them within seconds, with no restart; a removal is seen the same way."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

from tests.procs.spawn import Child
from tests.test_multiprocess import migrated_database

DATA = Path(__file__).resolve().parent / "data" / "fidelity"
TIMEOUT = 60.0
WITHIN = 5.0  # seconds from the teacher's reply to the other process answering from the notes


async def ask(child: Child, question: str) -> dict:
    await child.send(f"ask 9c {question}")
    lines = await child.read_until("asked", TIMEOUT)
    assert not any("error" in line for line in lines), lines
    return lines[-1]


async def until(child: Child, question: str, answered: bool) -> float:
    start = time.monotonic()
    while time.monotonic() - start < WITHIN * 2:
        if (await ask(child, question))["answered"] == answered:
            return time.monotonic() - start
        await asyncio.sleep(0.1)
    raise AssertionError(f"{question!r} still {'un' if answered else ''}answered after {WITHIN * 2} s")


async def test_notes_added_through_one_process_are_used_by_another_within_seconds(postgres_server, tmp_path):
    url = await migrated_database(postgres_server)
    teacher = await Child.start("notes_worker.py", url, "t", stderr_path=tmp_path / "t.err", stdin=True)
    students = await Child.start("notes_worker.py", url, "s", stderr_path=tmp_path / "s.err", stdin=True)
    try:
        await asyncio.gather(teacher.read_until("ready", TIMEOUT), students.read_until("ready", TIMEOUT))
        assert not (await ask(students, "what do farmers use paraffin heaters for"))["answered"]

        await teacher.send(f"add 9c {DATA / 'photosynthesis.md'}")
        added = (await teacher.read_until("added", TIMEOUT))[-1]
        assert added["problem"] == "" and added["facts"] > 5
        took = await until(students, "what do farmers use paraffin heaters for", answered=True)
        assert took <= WITHIN
        assert (await ask(students, "what do farmers use paraffin heaters for"))["source"] == "photosynthesis.md"

        await teacher.send("remove 9c photosynthesis.md")
        assert (await teacher.read_until("removed", TIMEOUT))[-1]["problem"] == ""
        assert await until(students, "what do farmers use paraffin heaters for", answered=False) <= WITHIN

        for child in (teacher, students):
            await child.send("quit")
        for child in (teacher, students):
            assert await asyncio.wait_for(child.proc.wait(), TIMEOUT) == 0, child.stderr()
    finally:
        await teacher.stop()
        await students.stop()
