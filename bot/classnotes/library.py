"""Each class's built notes, cached in memory with a bound and kept current with the database.

A class with notes of its own gets them built once (in a worker thread) and kept while it is used; the least
recently used classes are dropped when the cache's estimated bytes pass its bound, and rebuilt when asked for
again. Which classes have notes, and at which revision, is read for all classes at once every `check_seconds` by
one background query: a change made through any process is used by every process within that time, and a
question never waits on the database unless its class's notes must be built. A class without notes of its own
uses the bot's shared notes (or none, when the bot is set so).
"""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import async_sessionmaker

from bot.classnotes.build import ClassNotes
from bot.storage import notes as store
from bot.storage.faults import describe

log = logging.getLogger(__name__)

CHECK_SECONDS = 2.0
# Changes are read again from a little before the last one seen: the clocks of several processes may differ.
CLOCK_MARGIN = timedelta(minutes=2)


@dataclass(slots=True)
class CacheStats:
    hits: int = 0
    builds: int = 0
    dropped: int = 0


class NotesLibrary:
    def __init__(
        self,
        sessions: async_sessionmaker,
        shared: Callable[[], ClassNotes],
        build: Callable[[list[tuple[str, bytes]], int], ClassNotes],
        *,
        max_bytes: int = 512_000_000,
        check_seconds: float = CHECK_SECONDS,
    ):
        self.sessions = sessions
        self.shared = shared  # the shared notes as they are now (their bank may still be being built)
        self._build = build
        self.max_bytes = max_bytes
        self.check_seconds = check_seconds
        self._revisions: dict[str, int] = {}  # class key -> its notes revision, for classes that ever had notes
        self._since: datetime | None = None
        self._cache: OrderedDict[str, ClassNotes] = OrderedDict()
        self._empty: dict[str, int] = {}  # classes found with no files left, at this revision: the shared notes
        self._bytes = 0
        self._building: dict[str, asyncio.Task[ClassNotes | None]] = {}
        self._poller: asyncio.Task | None = None
        self._failing = False
        self.stats = CacheStats()

    async def start(self) -> None:
        """Read which classes have notes, then keep reading their changes in the background."""
        await self.refresh()
        self._poller = asyncio.get_running_loop().create_task(self._poll(), name="class-notes-poll")

    async def close(self) -> None:
        if self._poller is not None:
            self._poller.cancel()
            await asyncio.gather(self._poller, return_exceptions=True)
            self._poller = None

    async def refresh(self) -> None:
        """Take in the changes made since the last refresh (by any process)."""
        rows = await store.revisions_since(self.sessions, self._since)
        for key, revision, _at in rows:
            if revision > self._revisions.get(key, -1):
                self._revisions[key] = revision
        latest = max((at for _k, _r, at in rows), default=None)
        if latest is not None and (self._since is None or latest - CLOCK_MARGIN > self._since):
            self._since = latest - CLOCK_MARGIN

    async def _poll(self) -> None:
        while True:
            await asyncio.sleep(self.check_seconds)
            try:
                await self.refresh()
                if self._failing:
                    log.info("class notes: changes are read again")
                self._failing = False
            except Exception as exc:  # the database is locked or gone a while: keep answering from what is here
                if not self._failing:
                    known = describe(exc, self.sessions.kw["bind"].url)
                    if known:
                        log.warning("class notes: changes could not be read: %s", known)
                    else:
                        log.exception("class notes: changes could not be read")
                self._failing = True

    @property
    def cached_bytes(self) -> int:
        return self._bytes

    def cached(self, class_key: str) -> bool:
        return class_key in self._cache

    def has_own(self, class_key: str) -> bool:
        """Whether the class has had notes of its own (as last read)."""
        return self._revisions.get(class_key, 0) > 0

    async def for_class(self, class_key: str) -> ClassNotes:
        """The notes the class uses now."""
        revision = self._revisions.get(class_key, 0)
        notes = self._cache.get(class_key)
        if notes is not None and notes.revision >= revision:
            self._cache.move_to_end(class_key)
            self.stats.hits += 1
            return notes
        if revision == 0 or self._empty.get(class_key) == revision:
            return self.shared()
        built = await self._built(class_key)
        return built or self.shared()

    async def changed(self, class_key: str, revision: int) -> ClassNotes:
        """The class's notes were just changed through this process (to `revision`): build them again now."""
        if revision > self._revisions.get(class_key, 0):
            self._revisions[class_key] = revision
        return await self.for_class(class_key)

    def forget(self, class_key: str) -> None:
        """Drop the class (its chat moved to another id): what it has is read again on the next refresh."""
        self._drop(class_key)
        self._revisions.pop(class_key, None)
        self._empty.pop(class_key, None)
        self._since = None

    async def _built(self, class_key: str) -> ClassNotes | None:
        """Build the class's notes once however many of its students ask at the same moment."""
        task = self._building.get(class_key)
        if task is None:
            task = asyncio.get_running_loop().create_task(self._build_now(class_key))
            self._building[class_key] = task
            task.add_done_callback(lambda _done: self._building.pop(class_key, None))
        return await asyncio.shield(task)

    async def _build_now(self, class_key: str) -> ClassNotes | None:
        revision, files = await store.files(self.sessions, class_key)
        if revision > self._revisions.get(class_key, 0):
            self._revisions[class_key] = revision
        if not files:  # every file removed: the class is back on the shared notes
            self._drop(class_key)
            self._empty[class_key] = self._revisions.get(class_key, 0)
            return None
        loop = asyncio.get_running_loop()
        try:
            notes = await loop.run_in_executor(None, self._build, files, revision)
        except Exception:  # a bug: logged once, and the class has no notes until they change
            log.exception("the notes of class %s could not be built", class_key)
            notes = await loop.run_in_executor(None, self._build, [], revision)
        self.stats.builds += 1
        self._put(class_key, notes)
        return notes

    def _put(self, class_key: str, notes: ClassNotes) -> None:
        self._drop(class_key)
        self._cache[class_key] = notes
        self._bytes += notes.cost
        while self._bytes > self.max_bytes and len(self._cache) > 1:
            self._drop(next(iter(self._cache)))
            self.stats.dropped += 1

    def _drop(self, class_key: str) -> None:
        notes = self._cache.pop(class_key, None)
        if notes is not None:
            self._bytes -= notes.cost
