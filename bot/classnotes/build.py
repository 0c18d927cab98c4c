"""What a class's notes make: the knowledge (facts and index), the question bank and the marking context."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from pathlib import Path

from bot.classnotes.bankprocess import BankMaker
from bot.config import Settings
from bot.knowledge.base import Knowledge
from bot.quiz.bank import QuestionBank, build_bank
from bot.quiz.marking import Context

log = logging.getLogger(__name__)


@dataclass(slots=True)
class ClassNotes:
    """Everything a class's questions and quizzes use from its notes."""

    knowledge: Knowledge
    bank: QuestionBank
    marking: Context
    revision: int = 0  # the class's notes revision it was built from (0: the bot's shared notes)
    cost: int = 0  # bytes it is estimated to hold, for the cache's memory bound


def load_bank(knowledge: Knowledge, files: list[tuple[str, bytes]] | None = None) -> QuestionBank:
    """The question bank of the notes (`files`: a class's notes given as (name, bytes), for its question files)."""
    bank = build_bank(knowledge.snippets, knowledge.aliases, knowledge.folder, files=files)
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
        # The real names of places and countries are always known to marking (marking/names.py indexes them once
        # for every class); a class adds its notes' own.
        known_names=names_in_notes(knowledge),
        compounds=compounds,
        symbols=symbols,
        terms=knowledge.index.repeated_words,  # counted while the index was built
        dayfirst=settings.day_first,
    )


# Measured with tracemalloc on classes of 700, 5,000 and 20,000 words of notes (87, 344 and 1,310 facts: 340 KB,
# 1.1 MB and 3.3 MB): a class's index, bank and marking context hold about this many bytes for each byte of their
# facts' text, plus a fixed part.
COST_PER_TEXT_BYTE = 17
COST_FIXED = 150_000


def build_class_notes(files: list[tuple[str, bytes]], settings: Settings, revision: int) -> ClassNotes:
    """A class's notes from its files (run in a worker thread: reading and indexing take CPU)."""
    making = BankMaker(Path(), files)  # large notes: their bank is made in another process meanwhile
    knowledge = Knowledge.from_files(files, settings.paraphrase, settings.cache_dir, making)
    try:
        bank = making.bank(knowledge)
    except Exception:  # a bug in making questions must not take the class's answers with it
        log.exception("the quiz questions of a class's notes could not be made")
        bank = QuestionBank()
    text = sum(len(s.text) + len(s.topic) for s in knowledge.snippets)
    cost = COST_FIXED + COST_PER_TEXT_BYTE * text
    return ClassNotes(knowledge, bank, marking_context(knowledge, settings), revision, cost)
