"""The composition root: builds the service from settings once (knowledge, database, clock)."""

from __future__ import annotations

import logging
import re
import threading

from bot.config import Settings
from bot.knowledge import lexicon
from bot.knowledge.base import Knowledge
from bot.quiz.bank import QuestionBank, build_bank
from bot.quiz.engine import QuizEngine
from bot.quiz.marking import Context, default_known_names, quantities
from bot.ratelimit import RateLimiter
from bot.service import Clock, RevisionService, utc_now
from bot.storage.db import open_database

log = logging.getLogger(__name__)


def load_knowledge(settings: Settings) -> Knowledge:
    return Knowledge.load_and_report(settings.knowledge_dir, settings.paraphrase, settings.cache_dir)


def load_bank(knowledge: Knowledge) -> QuestionBank:
    bank = build_bank(knowledge.snippets, knowledge.aliases, knowledge.folder)
    bank.prepare_search()
    for error in bank.errors:
        log.warning("questions: %s", error)
    return bank


def names_in_notes(knowledge: Knowledge) -> frozenset[str]:
    """Capitalised words inside sentences of the notes: names a typed answer must not be "corrected" into."""
    names: set[str] = set(knowledge.aliases.all_names())
    for s in knowledge.snippets:
        names.update(re.findall(r"(?<=[a-z,;] )[A-Z][a-z]{2,}", s.text))
    return frozenset(names)


def marking_context(knowledge: Knowledge, settings: Settings) -> Context:
    """What the notes and settings add to marking typed answers: the alias table, the names in the notes, the
    compounds the notes write with their formulas ("ammonia (NH3)"), what the symbols of their formulas stand
    for ("where I is current"), and how students write dates."""
    from bot.quiz.marking.chemistry import compounds_in
    from bot.quiz.marking.formula import symbols_in

    compounds: dict[str, str] = {}
    symbols: dict[str, str] = {}
    for s in knowledge.snippets:
        if "(" in s.text:
            compounds.update(compounds_in(s.text))
        if "=" in s.text:
            symbols.update(symbols_in(s.text))
    return Context(
        aliases=knowledge.aliases,
        known_names=names_in_notes(knowledge) | default_known_names(),
        compounds=compounds,
        symbols=symbols,
        terms=knowledge.index.repeated_words,  # counted while the index was built
        dayfirst=settings.day_first,
    )


async def bootstrap(
    settings: Settings,
    clock: Clock = utc_now,
    knowledge: Knowledge | None = None,
    bank: QuestionBank | None = None,
) -> RevisionService:
    """Everything the adapters need. Raises bot.storage.db.DatabaseError with a readable message."""
    knowledge = knowledge or load_knowledge(settings)
    engine, sessions = await open_database(settings.database_url)
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
    if bank is None:  # many notes make many questions: students can ask while the bank is built
        service.build_bank_in_background(lambda: load_bank(knowledge))
    return service
