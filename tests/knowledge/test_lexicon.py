"""Lemmas and word frequencies of the words seen before are kept in files, so a start-up on the same notes and
questions needs no dictionary."""

import json
import logging

import pytest

from bot.knowledge import lexicon


def lemma_cache():
    return lexicon._WordCache("lemmas", "simplemma", lambda v: isinstance(v, str))


@pytest.fixture
def fresh_cache(monkeypatch):
    cache = lemma_cache()
    monkeypatch.setattr(lexicon, "_lemmas", cache)
    monkeypatch.setattr(lexicon, "_zipfs", lexicon._WordCache("zipf", "pyspellchecker", lambda v: True))
    lexicon.lemma.cache_clear()
    lexicon.word_zipf.cache_clear()
    yield cache
    lexicon.lemma.cache_clear()
    lexicon.word_zipf.cache_clear()


def test_lemmas_looked_up_are_kept_and_read_back(tmp_path, fresh_cache):
    lexicon.use_lemma_cache(tmp_path)
    assert lexicon.lemma("paid") == "pay" and lexicon.lemma("mice") == "mouse"
    assert lexicon.lemma("1945") == "1945"  # not a word: as it is, not kept
    lexicon.save_lemma_cache()
    (saved,) = tmp_path.glob("lemmas-en-simplemma-*.json")
    assert json.loads(saved.read_text()) == {"paid": "pay", "mice": "mouse"}
    saved.write_text(json.dumps({"paid": "pay", "mice": "mouse", "went": "sentinel"}))
    again = lemma_cache()
    lexicon._lemmas = again
    lexicon.lemma.cache_clear()
    lexicon.use_lemma_cache(tmp_path)
    assert lexicon.lemma("went") == "sentinel"  # read from the file, not looked up


def test_word_frequencies_looked_up_are_kept_and_read_back(tmp_path, fresh_cache, monkeypatch):
    lexicon.use_lemma_cache(tmp_path)
    assert lexicon.word_zipf("colour") == lexicon.word_zipf("color")  # a British spelling, found as the American
    assert lexicon.word_zipf("zzqxv") is None
    lexicon.save_lemma_cache()
    (saved,) = tmp_path.glob("zipf-en-pyspellchecker-*.json")
    assert set(json.loads(saved.read_text())) == {"colour", "color", "zzqxv"}
    saved.write_text(json.dumps({"colour": 1.5, "zzqxv": None}))
    monkeypatch.setattr(lexicon, "_zipfs", lexicon._WordCache("zipf", "pyspellchecker", lambda v: True))
    lexicon.word_zipf.cache_clear()
    lexicon.use_lemma_cache(tmp_path)
    assert lexicon.word_zipf("colour") == 1.5  # read from the file, not looked up
    assert lexicon.word_zipf("zzqxv") is None


def test_a_damaged_or_unwritable_lemma_cache_costs_only_time(tmp_path, fresh_cache, caplog):
    (tmp_path / f"lemmas-en-simplemma-{lexicon._version('simplemma')}.json").write_text("{not json")
    with caplog.at_level(logging.WARNING):
        lexicon.use_lemma_cache(tmp_path)
    assert "not read" in caplog.text
    assert lexicon.lemma("paid") == "pay"
    blocked = tmp_path / "file"
    blocked.write_text("a file where the folder should be")
    lexicon.use_lemma_cache(blocked / "sub")
    lexicon.lemma("mice")
    caplog.clear()
    with caplog.at_level(logging.WARNING):
        lexicon.save_lemma_cache()
        lexicon.save_lemma_cache()
    assert caplog.text.count("not saved") == 1


def test_the_bot_loads_the_dictionaries_before_the_first_new_word():
    import sys

    lexicon.warm_up()
    assert "simplemma" in sys.modules and lexicon.english_words.cache_info().currsize == 1
