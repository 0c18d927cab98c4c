"""The composition root: builds the service from settings once (knowledge, database, clock)."""

from __future__ import annotations

import gc
import logging
import threading
from typing import TypeVar

from bot.classnotes.bankprocess import BankMaker
from bot.classnotes.build import build_class_notes, load_bank, marking_context  # noqa: F401 (load_bank: for the commands)
from bot.classnotes.library import NotesLibrary
from bot.classnotes.limits import limits
from bot.classnotes.teacher import ClassNotesDesk
from bot.config import Settings
from bot.knowledge import lexicon
from bot.knowledge.base import Facts, Knowledge
from bot.quiz.bank import QuestionBank
from bot.quiz.engine import QuizEngine
from bot.quiz.marking import quantities
from bot.ratelimit import RateLimiter
from bot.service import Clock, RevisionService, utc_now
from bot.storage.db import open_database

log = logging.getLogger(__name__)

T = TypeVar("T")
DOWNLOAD_SECONDS = 60.0  # an uploaded note fetched from the platform gives up after this


def _freeze(built: T | None = None) -> T | None:
    """What start-up built lives as long as the process: the garbage collector stops scanning it (a full collection
    of it took 50-170 ms, long enough to set a burst of answers' p99)."""
    gc.collect()
    gc.freeze()
    return built


def load_knowledge(settings: Settings, before_index: Facts | None = None) -> Knowledge:
    return Knowledge.load_and_report(settings.knowledge_dir, settings.paraphrase, settings.cache_dir, before_index)


async def bootstrap(
    settings: Settings,
    clock: Clock = utc_now,
    knowledge: Knowledge | None = None,
    bank: QuestionBank | None = None,
) -> RevisionService:
    """Everything the adapters need. Raises bot.storage.db.DatabaseError with a readable message."""
    # The database first: one it cannot use is said at once, before minutes of reading notes and making questions.
    engine, sessions = await open_database(settings.database_url)
    making = BankMaker(settings.knowledge_dir)  # large notes: their bank is made in another process meanwhile
    if knowledge is None:
        try:
            knowledge = load_knowledge(settings, making)
        except BaseException:
            await engine.dispose()
            raise
    _freeze()
    context = marking_context(knowledge, settings)
    # Units are read by pint, whose registry takes half a second to build: not on the first quantity answer.
    threading.Thread(target=quantities.warm_up, name="units-warm-up", daemon=True).start()
    threading.Thread(target=lexicon.warm_up, name="lexicon-warm-up", daemon=True).start()
    if knowledge.index.paraphrases is not None:  # the notes' sentence vectors, before students need them
        knowledge.index.paraphrases.start_warming()
    quiz = QuizEngine(
        sessions,
        bank or QuestionBank(),
        knowledge.aliases,
        context.known_names,
        clock,
        default_timezone=settings.default_timezone,
        default_count=settings.daily_questions,
        marking=context,
    )
    limiter = RateLimiter(settings.rate_limit_per_minute)
    service = RevisionService(knowledge, sessions, clock=clock, engine=engine, bank=bank, quiz=quiz, limiter=limiter)
    library = NotesLibrary(
        sessions,
        service.shared_notes,
        lambda files, revision: build_class_notes(files, settings, revision),
        max_bytes=settings.notes_cache_mb * 1_000_000,
    )
    note_limits = limits(int(settings.note_max_mb * 1_000_000), settings.note_max_files, DOWNLOAD_SECONDS)
    service.use_class_notes(library, ClassNotesDesk(sessions, library, note_limits, clock), settings.shared_notes)
    await library.start()
    if bank is None:  # many notes make many questions: students can ask while the bank is built
        service.build_bank_in_background(lambda: _freeze(making.bank(knowledge)))
    return service
