"""Everyday English: a dictionary with word frequencies and lemmas, shared by search, question generation and
marking (loaded once per process)."""

from __future__ import annotations

import json
import logging
import math
import re
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any

from bot.knowledge.cachefile import replace_file

log = logging.getLogger(__name__)

# Filler in students' questions: function words and the verbs of asking. Not searched for.
STOPWORDS = frozenset(
    """a about above after again against all am an and any are aren't as at be because been before being
    below between both but by can could did didn't do does doesn't doing don't down during each few for
    from further had has have having he her here hers herself him himself his how i if in into is isn't it
    it's its itself just me more most my myself no nor not now of off on once only or other our ours
    ourselves out over own same she should so some such than that the their theirs them themselves then
    there these they this those through to too under until up very was wasn't we were weren't what when
    where which while who whom whose why will with would you your yours yourself yourselves us
    tell told explain describe describes described mean meant means happen happened happens think thought
    thinks know knew known give gave define definition meaning please hi hello hey thanks thank ok okay
    anything something someone somebody really also get got many much way ways kind sort like say said
    wat wot wht whats wats whos hows whys theres thats r u ur pls plz dont doesnt didnt isnt wasnt cant
    can't couldn't won't wouldn't shouldn't hasn't haven't hadn't mustn't needn't shan't
    couldnt wont wouldnt shouldnt hasnt havent hadnt arent werent
    """.split()
)


@lru_cache(maxsize=65536)
def lemma(word: str) -> str:
    """The dictionary form of an English word, so irregular forms meet ("paid"/"pay", "mice"/"mouse", "went"/"go")
    before stemming, which only cuts endings."""
    if not word.isalpha():
        return word
    known = _lemmas.known.get(word)
    if known is not None:
        return known
    import simplemma  # its import alone takes a tenth of a second: only when a word is not in the cache

    found = simplemma.lemmatize(word, lang="en")
    _lemmas.keep(word, found)
    return found


LEMMA_CACHE_MAX = 200_000


def _version(package: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(package)
    except PackageNotFoundError:
        return "unknown"


class _WordCache:
    """What was looked up for the words seen before, kept in a file: simplemma decodes its whole English dictionary
    (a fifth of a second) on first use, and so does the word list behind `word_zipf`; a start-up on the same notes
    and questions then needs neither."""

    def __init__(self, name: str, package: str, valid: Callable[[object], bool]) -> None:
        self.name, self.package, self.valid = name, package, valid
        self.known: dict[str, Any] = {}
        self.path: Path | None = None
        self.dirty = False

    def use(self, folder: Path) -> None:
        path = folder / f"{self.name}-en-{self.package}-{_version(self.package)}.json"
        if path == self.path:
            return
        self.path = path
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if isinstance(data, dict):
                self.known.update({k: v for k, v in data.items() if isinstance(k, str) and self.valid(v)})
        except FileNotFoundError:
            pass
        except (OSError, ValueError) as exc:
            log.warning("%s cache %s not read (%s); they are looked up again", self.name, path, exc)

    def keep(self, word: str, value: object) -> None:
        if len(self.known) < LEMMA_CACHE_MAX:  # questions bring any word: the file stays bounded
            self.known[word] = value
            self.dirty = True

    def save(self) -> None:
        if self.path is None or not self.dirty:
            return
        try:
            known = self.known.copy()  # one C call under the GIL: other threads may be adding words meanwhile
            replace_file(self.path, json.dumps(known, ensure_ascii=False, separators=(",", ":")).encode())
            self.dirty = False
        except OSError as exc:
            log.warning("%s cache not saved in %s (%s)", self.name, self.path.parent, exc)
            self.path = None  # said once


_lemmas = _WordCache("lemmas", "simplemma", lambda v: isinstance(v, str))
_zipfs = _WordCache("zipf", "pyspellchecker", lambda v: v is None or isinstance(v, (int, float)))


def warm_up() -> None:
    """Load simplemma's dictionary and the word list now (a quarter of a second together), in a thread at the
    bot's start-up: not on the first typed answer or question that brings a word never seen before."""
    import simplemma

    simplemma.lemmatize("went", lang="en")
    english_words()


def use_lemma_cache(folder: Path | None) -> None:
    """Read (and later keep) the lemmas and word frequencies already looked up, in `folder`."""
    if folder is not None:
        _lemmas.use(folder)
        _zipfs.use(folder)


def save_lemma_cache() -> None:
    _lemmas.save()
    _zipfs.save()


@lru_cache(maxsize=1)
def english_words() -> dict[str, float]:
    """A general English dictionary (pyspellchecker's) with each word's Zipf frequency
    (log10 of uses per billion words: 7 for "the", 4 for "weak", 2 for "pythagorean").

    It tells a misspelling from a real word, and how much an everyday word weighs."""
    from spellchecker import SpellChecker

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
    if word in _zipfs.known:
        return _zipfs.known[word]
    zipf = _word_zipf(word)
    _zipfs.keep(word, zipf)
    return zipf


def _word_zipf(word: str) -> float | None:
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
