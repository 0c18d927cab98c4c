"""Group commit for quiz answers: one writer task records the answers that arrive together in one
transaction (see answer_batch), then acknowledges each. An answer is acknowledged only after its transaction
committed, so a crash loses nothing that a student was told was recorded; the unique keys still decide
"one attempt" (INSERT ... ON CONFLICT DO NOTHING), across processes too.
"""

from __future__ import annotations

import asyncio
import logging
import time

from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from bot.storage.answer_batch import AnswerRow, Recorded, apply_batch
from bot.storage.answer_sql import batch_sql, completion_insert
from bot.storage.db import sync_sqlite_engine
from bot.storage.faults import describe

log = logging.getLogger(__name__)

MAX_BATCH = 256
RETRIES = 5  # a locked or busy database is retried, not lost
# The writer keeps its PostgreSQL connection from one batch to the next, so a burst pays no pool checkout and
# no pre-ping (three round trips) per batch. Once it has been unused this long, the next batch checks out a
# connection anew, pre-pinged by the pool: a server restarted overnight costs no failed batch. A connection
# dropped during a burst fails its batch, which is retried on a new one.
KEEP_CONNECTION_SECONDS = 5.0


_RETRY_SQLSTATES = {"40P01", "40001", "55P03"}  # deadlock, serialization failure, lock not available


def _passing(exc: DBAPIError) -> bool:
    """A failure that a retry can cure (the batch is one transaction, so it left nothing behind)."""
    if isinstance(exc, OperationalError) or exc.connection_invalidated:
        return True
    state = getattr(exc.orig, "sqlstate", None) or getattr(exc.orig, "pgcode", None)
    return state in _RETRY_SQLSTATES or "deadlock" in str(exc.orig).lower()


def _lock_order(item: tuple[AnswerRow, int]) -> tuple[int, int, int]:
    row = item[0]
    return (row.daily_id, row.student_id, row.position)


class AnswerWriter:
    def __init__(self, engine: AsyncEngine):
        self.engine = engine
        # On SQLite, aiosqlite hops to its thread for every statement; a plain sqlite3 connection used in
        # one worker thread does a whole batch in one hop (4x faster). PostgreSQL keeps the async driver.
        self._sync = sync_sqlite_engine(engine)
        # Built once, executed with parameters: the compiled SQL is cached.
        self._sql = batch_sql(engine.dialect.name)
        self.add_completion = completion_insert(engine.dialect.name)
        self._conn: AsyncConnection | None = None
        self._conn_used = 0.0  # time.monotonic() of the end of its last batch
        self._queue: asyncio.Queue[tuple[tuple[AnswerRow, int], asyncio.Future]] = asyncio.Queue()
        self._task: asyncio.Task | None = None

    async def record(self, row: AnswerRow, total: int) -> Recorded:
        """Record a daily answer, review its card and, when the student has now answered all `total` questions of
        the quiz, the day's completion; what it came to (Recorded.recorded is False for a repeat)."""
        if self._task is None or self._task.done():
            self._task = asyncio.get_running_loop().create_task(self._run(), name="answer-writer")
        fut: asyncio.Future = asyncio.get_running_loop().create_future()
        await self._queue.put(((row, total), fut))
        return await fut

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            try:
                await self._task
            except asyncio.CancelledError:
                pass
        await self._release()
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

    async def _alone(self, item: tuple[AnswerRow, int]) -> Recorded | BaseException:
        try:
            return (await self._transact([item]))[0]
        except IntegrityError as exc:
            return exc

    async def _transact(self, items: list[tuple[AnswerRow, int]]) -> list[Recorded]:
        """Apply the items in one transaction and commit it."""
        if self._sync is not None:
            return await asyncio.to_thread(self._transact_sync, items)
        conn = await self._connection()
        try:
            async with conn.begin():
                out = await conn.run_sync(apply_batch, self._sql, items)
        except BaseException:
            await self._release()  # whatever went wrong, the next attempt starts on a connection checked out anew
            raise
        self._conn_used = time.monotonic()
        return out

    def _transact_sync(self, items: list[tuple[AnswerRow, int]]) -> list[Recorded]:
        with self._sync.begin() as conn:
            return apply_batch(conn, self._sql, items)

    async def _connection(self) -> AsyncConnection:
        if self._conn is not None and time.monotonic() - self._conn_used > KEEP_CONNECTION_SECONDS:
            await self._release()
        if self._conn is None:
            self._conn = await self.engine.connect()
        return self._conn

    async def _release(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            try:
                await conn.close()
            except Exception:  # noqa: BLE001 - a connection already broken: the pool discards it
                log.debug("closing the writer's connection failed", exc_info=True)
