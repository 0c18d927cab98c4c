"""Everyday English: a dictionary with word frequencies and lemmas, shared by search, question generation and
marking (loaded once per process)."""

from __future__ import annotations

import math
import re
from functools import lru_cache

import simplemma
from spellchecker import SpellChecker


@lru_cache(maxsize=65536)
def lemma(word: str) -> str:
    """The dictionary form of an English word, so irregular forms meet ("paid"/"pay", "mice"/"mouse", "went"/"go")
    before stemming, which only cuts endings."""
    return simplemma.lemmatize(word, lang="en") if word.isalpha() else word


@lru_cache(maxsize=1)
def english_words() -> dict[str, float]:
    """A general English dictionary (pyspellchecker's) with each word's Zipf frequency
    (log10 of uses per billion words: 7 for "the", 4 for "weak", 2 for "pythagorean").

    It tells a misspelling from a real word, and how much an everyday word weighs."""
    counts = SpellChecker(distance=1).word_frequency.dictionary
    total = sum(counts.values()) or 1
    return {w: math.log10(c * 1e9 / total) for w, c in counts.items() if c > 0}


# British spellings the (American) dictionary lacks, as the American form it has: colour, centre, organise,
# analyse, haemoglobin, oesophagus, defence, travelled, programme, catalogue, sulphur.
_BRITISH = [
    (re.compile(p), r)
    for p, r in (
        (r"our(?=s?$|ed$|ing$|ite|able|er|ful|less)", "or"),
        (r"(?<=[bt])re(?=s?$|d$)", "er"),
        (r"(?<=[cnptv])re(?=s?$|d$)", "er"),
        (r"is(?=e$|es$|ed$|ing$|ation|er)", "iz"),
        (r"ys(?=e$|es$|ed$|ing$)", "yz"),
        (r"(?<=[a-z])ae|^ae", "e"),
        (r"(?<=[a-z])oe(?=[a-z])|^oe", "e"),
        (r"ence(?=s?$)", "ense"),
        (r"(?<=[aeiou])ll(?=ed$|ing$|er$|ers$)", "l"),
        (r"mme(?=s?$)", "m"),
        (r"ogue(?=s?$)", "og"),
        (r"ph", "f"),
    )
]


@lru_cache(maxsize=65536)
def word_zipf(word: str) -> float | None:
    """How common an English word is (Zipf), British spellings included; None for a word no dictionary knows."""
    english = english_words()
    zipf = english.get(word)
    if zipf is not None or not word.isalpha():
        return zipf
    for pattern, american in _BRITISH:
        other = pattern.sub(american, word)
        if other != word and other in english:
            return english[other]
    return None


@lru_cache(maxsize=65536)
def american(word: str) -> str:
    """The American spelling the dictionary has for a British one ("colour" -> "color"), else the word itself."""
    english = english_words()
    for pattern, other in _BRITISH:
        changed = pattern.sub(other, word)
        if changed != word and changed in english:
            return changed
    return word
