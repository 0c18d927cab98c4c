"""Group commit for quiz answers: one writer task records the answers that arrive together in one
transaction, then acknowledges each. An answer is acknowledged only after its transaction committed,
so a crash loses nothing that a student was told was recorded; the unique keys still decide
"one attempt" (INSERT ... ON CONFLICT DO NOTHING), across processes too.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, select, tuple_
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.quiz.srs import review
from bot.storage.cards import card_states_query, card_upsert
from bot.storage.db import sync_sqlite_engine
from bot.storage.faults import describe
from bot.storage.models import DailyAnswer, DailyCompletion

log = logging.getLogger(__name__)

MAX_BATCH = 256
RETRIES = 5  # a locked or busy database is retried, not lost


@dataclass(slots=True)
class AnswerRow:
    daily_id: int
    class_id: int
    student_id: int
    position: int
    question_id: str
    topic: str
    given: str
    correct: bool
    points: int
    season: int
    day: str
    answered_at: datetime


_RETRY_SQLSTATES = {"40P01", "40001", "55P03"}  # deadlock, serialization failure, lock not available


def _passing(exc: DBAPIError) -> bool:
    """A failure that a retry can cure (the batch is one transaction, so it left nothing behind)."""
    if isinstance(exc, OperationalError) or exc.connection_invalidated:
        return True
    state = getattr(exc.orig, "sqlstate", None) or getattr(exc.orig, "pgcode", None)
    return state in _RETRY_SQLSTATES or "deadlock" in str(exc.orig).lower()


def _lock_order(item: object) -> tuple:
    row = item[0] if isinstance(item, tuple) else item
    return (row.daily_id, row.student_id, row.position) if isinstance(row, AnswerRow) else (0, 0, 0)


class AnswerWriter:
    def __init__(self, engine: AsyncEngine):
        self.engine = engine
        # On SQLite, aiosqlite hops to its thread for every statement; a plain sqlite3 connection used in
        # one worker thread does a whole batch in one hop (4x faster). PostgreSQL keeps the async driver.
        self._sync = sync_sqlite_engine(engine)
        insert = postgresql.insert if engine.dialect.name == "postgresql" else sqlite.insert
        # Built once, executed with parameters: the compiled SQL is cached, which matters at 1,000 answers/s.
        self._add_answer = insert(DailyAnswer).on_conflict_do_nothing(
            index_elements=["daily_id", "student_id", "position"]
        )
        self.add_completion = insert(DailyCompletion).on_conflict_do_nothing(
            index_elements=["class_id", "student_id", "day"]
        )
        self._add_answers = self._add_answer.returning(
            DailyAnswer.daily_id, DailyAnswer.student_id, DailyAnswer.position
        )
        self._card_states = card_states_query()
        self._positions_of = select(DailyAnswer.daily_id, DailyAnswer.student_id, DailyAnswer.position).where(
            tuple_(DailyAnswer.daily_id, DailyAnswer.student_id).in_(bindparam("pairs", expanding=True))
        )
        self._put_card = card_upsert(engine.dialect.name)
        self._queue: asyncio.Queue[tuple[object, asyncio.Future]] = asyncio.Queue()
        self._task: asyncio.Task | None = None

    async def record(self, row: AnswerRow, total: int) -> tuple[bool, frozenset[int]]:
        """Record a daily answer, review its card and, when it was the last of `total`, the day's completion.

        Returns (recorded, the positions this student has now answered); recorded is False for a repeat."""
        return await self._submit((row, total))  # type: ignore[return-value]

    async def complete(self, class_id: int, student_id: int, day: str) -> None:
        """Record that a student finished a day's quiz (idempotent)."""
        async with self.engine.begin() as conn:
            await conn.execute(self.add_completion, {"class_id": class_id, "student_id": student_id, "day": day})

    async def _submit(self, item: object) -> object:
        if self._task is None or self._task.done():
            self._task = asyncio.get_running_loop().create_task(self._run(), name="answer-writer")
        fut: asyncio.Future = asyncio.get_running_loop().create_future()
        await self._queue.put((item, fut))
        return await fut

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            try:
                await self._task
            except asyncio.CancelledError:
                pass
        if self._sync is not None:
            self._sync.dispose()

    async def _run(self) -> None:
        while True:
            batch = [await self._queue.get()]
            while not self._queue.empty() and len(batch) < MAX_BATCH:
                batch.append(self._queue.get_nowait())
            pending = [(item, fut) for item, fut in batch if not fut.cancelled()]
            # The same lock order in every process (no deadlock between two writers on PostgreSQL).
            pending.sort(key=lambda p: _lock_order(p[0]))
            results: list | BaseException = RuntimeError("the database stayed busy")
            for attempt in range(RETRIES):
                try:
                    results = await self._transact([item for item, _ in pending])
                    break
                except IntegrityError:
                    # One bad item (say, a student deleted meanwhile) must not fail the others: one by one.
                    results = [await self._alone(item) for item, _ in pending]
                    break
                except DBAPIError as exc:
                    results = exc
                    if not _passing(exc):
                        break
                    # "database is locked", a deadlock, a dropped connection: wait and retry
                    log.debug("answer batch failed (%s), retry %d", exc.__class__.__name__, attempt + 1)
                    await asyncio.sleep(0.05 * 2**attempt)
                except Exception as exc:  # noqa: BLE001 - every waiter must hear of it
                    results = exc
                    break
            if isinstance(results, BaseException):
                self._log_failure(results)
            for i, (_item, fut) in enumerate(pending):
                if fut.done():
                    continue
                outcome = results if isinstance(results, BaseException) else results[i]
                if isinstance(outcome, BaseException):
                    fut.set_exception(outcome)
                else:
                    fut.set_result(outcome)

    def _log_failure(self, exc: BaseException) -> None:
        """Once per failed batch: a fault the teacher can act on in one line, anything else with its traceback."""
        known = describe(exc, self.engine.url)
        if known:
            log.error("answers could not be recorded: %s", known)
        else:
            log.error("answers could not be recorded", exc_info=exc)

    async def _alone(self, item: object) -> object:
        try:
            return (await self._transact([item]))[0]
        except IntegrityError as exc:
            return exc

    async def _transact(self, items: list) -> list:
        """Apply the items in one transaction and commit it."""
        if self._sync is not None:
            return await asyncio.to_thread(self._transact_sync, items)
        async with self.engine.begin() as conn:
            return await conn.run_sync(self._apply_all, items)

    def _transact_sync(self, items: list) -> list:
        with self._sync.begin() as conn:
            return self._apply_all(conn, items)

    def _apply_all(self, conn: Connection, items: list[tuple[AnswerRow, int]]) -> list:
        """The whole batch in five statements, whatever its size: the answers (one INSERT ... ON CONFLICT DO
        NOTHING RETURNING), the review cards read and written, the positions answered, the completions.
        On PostgreSQL each statement is a round trip: one per answer would leave both sides waiting."""
        rows = [row for row, _ in items]
        keys = [(r.daily_id, r.student_id, r.position) for r in rows]
        first: dict[tuple[int, int, int], int] = {}
        for i, key in enumerate(keys):
            first.setdefault(key, i)  # the same answer twice in one batch: the second is a repeat
        inserted = {
            tuple(r)
            for r in conn.execute(
                self._add_answers, [{f: getattr(rows[i], f) for f in AnswerRow.__slots__} for i in first.values()]
            )
        }
        recorded = [first[key] == i and key in inserted for i, key in enumerate(keys)]
        self._review_cards(conn, [r for r, rec in zip(rows, recorded) if rec])
        pairs = sorted({(r.daily_id, r.student_id) for r in rows})
        done: dict[tuple[int, int], set[int]] = {pair: set() for pair in pairs}
        for daily_id, student_id, position in conn.execute(self._positions_of, {"pairs": pairs}):
            done[(daily_id, student_id)].add(position)
        completions = {
            (r.class_id, r.student_id, r.day): {"class_id": r.class_id, "student_id": r.student_id, "day": r.day}
            for (r, total), rec in zip(items, recorded)
            if rec and len(done[(r.daily_id, r.student_id)]) >= total
        }
        if completions:
            conn.execute(self.add_completion, list(completions.values()))
        return [(rec, frozenset(done[(r.daily_id, r.student_id)])) for r, rec in zip(rows, recorded)]

    def _review_cards(self, conn: Connection, rows: list[AnswerRow]) -> None:
        """Review the card of each recorded answer, in answer order (one card may be reviewed twice)."""
        if not rows:
            return
        wanted = sorted({(r.student_id, r.question_id) for r in rows})
        states = {(sid, qid): state for sid, qid, state in conn.execute(self._card_states, {"pairs": wanted})}
        cards: dict[tuple[int, str], dict] = {}
        for r in rows:
            key = (r.student_id, r.question_id)
            state, due = review(states.get(key), r.correct, r.answered_at)
            states[key] = state
            lapses = cards[key]["lapses"] if key in cards else 0
            cards[key] = {
                "student_id": r.student_id,
                "question_id": r.question_id,
                "due": due,
                "state": state,
                "lapses": lapses + (0 if r.correct else 1),
            }
        conn.execute(self._put_card, list(cards.values()))
