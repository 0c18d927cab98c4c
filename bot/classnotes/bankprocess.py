"""The question bank of large notes, built in a process of its own while this one builds the search index.

Making a bank is pure computation over the facts: seconds for tens of thousands of them. In a worker thread it
would hold the interpreter lock that the event loop needs to answer questions, and wait for the index's build to
finish first. In another process it runs on another core, alongside the index's build, and answers are not slowed
meanwhile. A class's usual few files are not worth a process (starting one costs a few tenths of a second): only
notes of PROCESS_FACTS facts or more, on a machine with two cores or more.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import pickle
from collections.abc import Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from bot.knowledge.aliases import AliasTable
from bot.knowledge.base import Knowledge
from bot.knowledge.model import Snippet
from bot.quiz.bank import QuestionBank, build_bank

log = logging.getLogger(__name__)

PROCESS_FACTS = 5_000  # about a second and a half of building in this process: more than a process costs


class BankMaker:
    """The question bank of notes about to be read. Given as `before_index` to Knowledge.load / from_files, it
    starts the bank of large notes in another process as soon as their facts are known; `bank` then gives it
    (waiting for it), or makes it in this process for notes of a few facts."""

    def __init__(self, folder: Path, files: list[tuple[str, bytes]] | None = None) -> None:
        self.folder, self.files = folder, files  # `files`: a class's notes, for its question files
        self.making: Future[QuestionBank] | None = None

    def __call__(self, facts: list[Snippet], aliases: AliasTable) -> None:
        self.making = start_bank(facts, aliases, self.folder, self.files)

    def bank(self, knowledge: Knowledge) -> QuestionBank:
        if self.making is not None:
            return finish_bank(self.making, knowledge, self.files)
        from bot.classnotes.build import load_bank

        return load_bank(knowledge, self.files)


def start_bank(
    snippets: Sequence[Snippet], aliases: AliasTable, folder: Path, files: list[tuple[str, bytes]] | None = None
) -> Future[QuestionBank] | None:
    """Start building the bank of these notes (`files`: a class's, for its question files) in another process;
    None when it is better built here (few facts, one core, or no processes allowed)."""
    if len(snippets) < PROCESS_FACTS or (os.cpu_count() or 1) < 2:
        return None
    try:
        pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("forkserver"))
        future = pool.submit(_build, list(snippets), aliases, folder, files)
    except (OSError, ValueError, RuntimeError) as exc:  # no processes here: the bank is built in this one
        log.info("the question bank is built in this process (%s)", exc)
        return None
    pool.shutdown(wait=False)  # its one worker ends when the bank is made
    return future


def finish_bank(
    future: Future[QuestionBank], knowledge: Knowledge, files: list[tuple[str, bytes]] | None = None
) -> QuestionBank:
    """The bank from `start_bank`'s process (waits for it); built here instead if that process failed."""
    from bot.classnotes.build import load_bank

    try:
        bank = future.result()
    except (BrokenProcessPool, OSError, pickle.PicklingError, EOFError) as exc:
        log.warning("the question bank's process failed (%s); building it in this one", exc or type(exc).__name__)
        return load_bank(knowledge, files)
    for error in bank.errors:
        log.warning("questions: %s", error)
    return bank


def _build(
    snippets: list[Snippet], aliases: AliasTable, folder: Path, files: list[tuple[str, bytes]] | None
) -> QuestionBank:
    bank = build_bank(snippets, aliases, folder, files=files)
    bank.prepare_search()
    return bank
