"""Large notes' question bank made in another process: the same bank as made here, and made here when that fails."""

import logging
from concurrent.futures import Future
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

import pytest

from bot.classnotes import bankprocess
from bot.classnotes.build import load_bank
from bot.knowledge.base import Knowledge

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def knowledge() -> Knowledge:
    return Knowledge.load(ROOT / "knowledge")


def test_the_process_makes_the_bank_this_process_would(knowledge, monkeypatch):
    monkeypatch.setattr(bankprocess, "PROCESS_FACTS", 1)
    future = bankprocess.start_bank(knowledge.snippets, knowledge.aliases, knowledge.folder)
    assert future is not None
    made = bankprocess.finish_bank(future, knowledge)
    here = load_bank(knowledge)
    assert made.questions == here.questions and len(here.questions) > 50
    assert made._text_index is not None  # its /quiz TOPIC index came across, made
    for topic in ("yalta", "stalin", here.questions[-1].topic):
        assert made.for_topic(topic) == here.for_topic(topic)


def test_few_facts_or_no_processes_are_built_here(knowledge, monkeypatch):
    assert len(knowledge.snippets) < bankprocess.PROCESS_FACTS
    assert bankprocess.start_bank(knowledge.snippets, knowledge.aliases, knowledge.folder) is None
    monkeypatch.setattr(bankprocess, "PROCESS_FACTS", 1)

    def refused(_method):
        raise ValueError("no processes here")

    monkeypatch.setattr(bankprocess.multiprocessing, "get_context", refused)
    assert bankprocess.start_bank(knowledge.snippets, knowledge.aliases, knowledge.folder) is None


def test_a_failed_process_leaves_the_bank_to_this_one(knowledge, caplog):
    failed: Future = Future()
    failed.set_exception(BrokenProcessPool("a child process terminated abruptly"))
    with caplog.at_level(logging.WARNING, logger="bot.classnotes.bankprocess"):
        bank = bankprocess.finish_bank(failed, knowledge)
    assert bank.questions == load_bank(knowledge).questions
    assert len([r for r in caplog.records if "process failed" in r.getMessage()]) == 1
    assert not any(r.exc_info for r in caplog.records)  # said in a line, no traceback


def test_a_large_class_has_its_bank_made_in_another_process(monkeypatch):
    from bot.classnotes.build import build_class_notes
    from bot.config import Settings

    files = [(p.name, p.read_bytes()) for p in sorted((ROOT / "knowledge").iterdir()) if p.is_file()]
    settings = Settings(paraphrase=False)
    here = build_class_notes(files, settings, 1)
    started = []
    real = bankprocess.start_bank

    def start(*args):
        future = real(*args)
        started.append(future)
        return future

    monkeypatch.setattr(bankprocess, "PROCESS_FACTS", 1)
    monkeypatch.setattr(bankprocess, "start_bank", start)
    made = build_class_notes(files, settings, 1)
    assert started and started[0] is not None
    assert made.bank.questions == here.bank.questions  # the class's question file among its files too
    assert any(q.source == "questions.txt" for q in made.bank.questions)
