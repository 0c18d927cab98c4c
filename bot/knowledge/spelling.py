"""Typo correction against the notes' own words: a misspelt word of the notes ("confrence", "kruschev") is that
word, a misspelt filler word ("waht", "descirbe") is filler, and a rare word that sounds like a word of the notes
("josef"/"joseph", "sulphur"/"sulfur") is another spelling of it. A real English word the notes do not use is
never "corrected" into one they do ("formed" is not "forced").

Edit distances are rapidfuzz's; on a large vocabulary one numpy pass over letter counts first leaves the few
hundred words an edit can reach.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cached_property

import numpy as np
from jellyfish import metaphone
from rapidfuzz import process
from rapidfuzz.distance import OSA, Levenshtein

from bot.knowledge.lexicon import STOPWORDS, english_words

# A word rarer than this (or unknown to the dictionary) that sounds like a word of the notes is taken as another
# spelling of it: a name spelt another way or a British/American spelling. Everyday words are never respelt.
SOUND_ALIKE_ZIPF, SOUND_ALIKE_MIN = 3.0, 4
LETTER_FILTER_FROM = 5000  # vocabulary size from which typo correction first filters by letter counts
_FILLER = tuple(sorted(w for w in STOPWORDS if len(w) >= 4 and w.isalpha()))  # shorter ones are close to too much


def typo_tolerance(word: str) -> int:
    """How many edits a misspelling of a word this long may have: none up to three letters, three from ten."""
    n = len(word)
    return 0 if n <= 3 else 1 if n <= 5 else 2 if n <= 9 else 3


def letter_counts(items: Sequence[str]) -> np.ndarray:
    """How often each letter a-z occurs in each word, and (last column) every other character, counted up to 127
    (one byte each: the table is scanned whole for a question; a count cut the same way in both texts still
    differs by no more than the whole counts do)."""
    out = np.zeros((len(items), 27), dtype=np.int16)
    if items:
        codes = np.frombuffer("".join(items).encode("utf-32-le"), dtype=np.uint32).astype(np.int64) - 97
        codes[(codes < 0) | (codes >= 26)] = 26
        rows = np.repeat(np.arange(len(items)), [len(w) for w in items])
        np.add.at(out, (rows, codes), 1)
    return np.minimum(out, 127).astype(np.int8)


class Speller:
    """The notes' words (folded, three letters or more, not numbers), and the closest of them to a misspelt word."""

    def __init__(self, vocab: Sequence[str]):
        self.vocab = list(vocab)
        self.letter_counts = letter_counts(self.vocab) if len(self.vocab) >= LETTER_FILTER_FROM else None

    def correct(self, word: str) -> str | None:
        """The notes' word (or the filler word) closest to a word the notes do not use, or None when nothing is
        close enough."""
        tol = typo_tolerance(word)
        if tol == 0 or word[0].isdigit():
            return None
        zipf = english_words().get(word)
        if zipf is None:
            best = process.extractOne(
                word, self.within_letters(word, tol), scorer=Levenshtein.distance, score_cutoff=tol, processor=None
            )
            # a misspelt filler word is filler, "waht" (letters swapped) or "descirbe", unless a word of the notes
            # is closer: the caller leaves it out
            filler = process.extractOne(
                word, _FILLER, scorer=OSA.distance, score_cutoff=1 if len(word) < 6 else tol, processor=None
            )
            if filler and (not best or filler[1] < best[1]):
                return filler[0]
            if best:
                return best[0]
        if zipf is None or zipf < SOUND_ALIKE_ZIPF:
            return self.sounds_like(word, tol + 1, rare_only=zipf is not None)
        return None

    def within_letters(self, word: str, tol: int) -> list[str]:
        """The words of the notes that can be within `tol` edits of `word`, in the vocabulary's order.

        An edit changes a word's letter counts by at most two, so a word whose counts differ by more than 2 * tol
        is out of reach: on a large vocabulary one numpy pass leaves a few hundred words for rapidfuzz instead of
        tens of thousands. A small one is scanned whole."""
        counts = self.letter_counts
        if counts is None:
            return self.vocab
        far = np.abs(counts - letter_counts([word])[0]).sum(axis=1, dtype=np.int32)
        return [self.vocab[i] for i in np.flatnonzero(far <= 2 * tol)]

    def sounds_like(self, word: str, most: int, rare_only: bool) -> str | None:
        """The notes' word that sounds the same as a rare or unknown one, within `most` edits: another spelling
        ("cheque"/"check", "sulphur"/"sulfur"), or of a name ("josef"/"joseph"). A rare word of the dictionary
        is only another spelling of a rare word ("Hyde" is not "hide"); everyday words ("planet"/"plant")
        never reach here."""
        alike = self._by_sound.get(metaphone(word))
        if alike and rare_only:
            english = english_words()
            alike = [w for w in alike if english.get(w, 0.0) < SOUND_ALIKE_ZIPF]
        if not alike:
            return None
        best = process.extractOne(word, alike, scorer=Levenshtein.distance, score_cutoff=most, processor=None)
        return best[0] if best else None

    @cached_property
    def _by_sound(self) -> dict[str, list[str]]:
        """The notes' words by their Metaphone key, built on the first question that needs it."""
        out: dict[str, list[str]] = {}
        for w in self.vocab:
            if len(w) >= SOUND_ALIKE_MIN and w.isalpha():
                key = metaphone(w)
                if len(key) >= 2:
                    out.setdefault(key, []).append(w)
        return out
