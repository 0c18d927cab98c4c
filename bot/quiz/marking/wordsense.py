"""When a near spelling is another word: real words of the dictionary, opposites made with a prefix, lemmas, and
the everyday phrases for "goes up" and "goes down".

A typo allowance forgives slips; it must never turn an answer into another real word ("exhale" for "inhale",
"decrease" for "increase", "unreliable" for "reliable"), while a plural or singular of the same word
("fungus" for "fungi") is the same answer.
"""

from __future__ import annotations

from functools import lru_cache

from bot.knowledge.lexicon import american, lemma, word_zipf

# Prefixes that turn a word into its opposite: "insoluble", "unreliable", "nonrenewable", "disagree", "atypical".
_NEGATING = ("non", "un", "in", "im", "il", "ir", "dis", "anti", "a")
# Latin and Greek singulars and plurals the lemmatiser may not know: "bacterium"/"bacteria", "alga"/"algae",
# "criterion"/"criteria", "axis"/"axes", "appendix"/"appendices".
_CLASSICAL_PLURALS = (("um", "a"), ("us", "i"), ("on", "a"), ("is", "es"), ("a", "ae"), ("ix", "ices"), ("ex", "ices"))
# Words this short are too often abbreviations or names for the dictionary to decide.
MIN_REAL_WORD = 4


def tolerance(word: str) -> int:
    """Edits forgiven in a word, by its length: none in short words, where one edit makes another word; one up
    to seven letters, two beyond. The one rule for every kind of answer."""
    n = len(word)
    return 0 if n <= 3 else 1 if n <= 7 else 2


@lru_cache(maxsize=16384)
def same_word(a: str, b: str) -> bool:
    """One word in two forms: inflections and Latin or Greek plurals ("fungi"/"fungus", "nuclei"/"nucleus",
    "rises"/"rise"), British and American spellings ("sulphur"/"sulfur", "colour"/"color")."""
    if a == b:
        return True
    if not (a.isalpha() and b.isalpha()):
        return False
    la, lb = lemma(a), lemma(b)
    if la == lb or american(la) == american(lb):
        return True
    short, long_ = (a, b) if len(a) <= len(b) else (b, a)
    return any(
        short.endswith(one) and long_ == short[: len(short) - len(one)] + many and len(long_) > len(many) + 2
        for one, many in _CLASSICAL_PLURALS
    ) or any(
        long_.endswith(one) and short == long_[: len(long_) - len(one)] + many and len(short) > len(many) + 2
        for one, many in _CLASSICAL_PLURALS
    )


def negation_of(a: str, b: str) -> bool:
    """One word is the other with a negating prefix ("soluble"/"insoluble", "renewable"/"nonrenewable")."""
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    return len(short) >= MIN_REAL_WORD and any(long_ == p + short for p in _NEGATING)


def real_word(word: str) -> bool:
    """A word of the English dictionary (British spellings included), long enough to be told from a slip."""
    return len(word) >= MIN_REAL_WORD and word.isalpha() and word_zipf(word) is not None


# Words rarer than this (Zipf) are the terms of a subject ("digestion", "igneous"), not everyday context.
TERM_ZIPF = 3.5


def subject_term(word: str) -> bool:
    """A dictionary word rare enough to be a subject's term: beside an answer, it is another guess."""
    if len(word) < MIN_REAL_WORD or not word.isalpha():
        return False
    zipf = word_zipf(word)
    return zipf is not None and zipf < TERM_ZIPF


def other_word(expected: str, given: str) -> bool:
    """`given` is near `expected` in spelling but is another word: its opposite, or another dictionary word."""
    if same_word(expected, given):
        return False
    if negation_of(expected, given):
        return True
    return real_word(given) and real_word(expected)


# Everyday phrases for a change of amount, read as one word on both sides so that "it gets bigger" meets
# "rises" and "goes up" never meets "decreases". Verbs only: "reduction" in chemistry is not "a fall".
_UP, _DOWN = "increase", "decrease"
_DIRECTION_WORDS = {
    **dict.fromkeys(
        "increase increases increased increasing rise rises rose risen rising grow grows grew grown growing".split(),
        _UP,
    ),
    **dict.fromkeys(
        """decrease decreases decreased decreasing fall falls fell fallen falling drop drops dropped dropping
        decline declines declined declining shrink shrinks shrank shrunk shrinking""".split(),
        _DOWN,
    ),
}
_MOVE = frozenset("go goes went gone going get gets got getting become becomes became becoming".split())
_UP_AFTER = frozenset("up bigger larger higher greater more".split())
_DOWN_AFTER = frozenset("down smaller lower less fewer".split())


def directions(tokens: list[str]) -> list[str]:
    """Tokens with changes of amount in one word each: "goes up" and "gets bigger" become "increase"."""
    if not any(t in _DIRECTION_WORDS or t in _MOVE for t in tokens):
        return tokens
    out: list[str] = []
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        nxt = tokens[i + 1] if i + 1 < len(tokens) else ""
        if tok in _MOVE and nxt in _UP_AFTER:
            out.append(_UP)
            i += 2
        elif tok in _MOVE and nxt in _DOWN_AFTER:
            out.append(_DOWN)
            i += 2
        else:
            out.append(_DIRECTION_WORDS.get(tok, tok))
            i += 1
    return out
