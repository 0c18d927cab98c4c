"""Definitions in a student's own words: right when they carry most of the key ideas of the notes' definition,
"close" with the missing ideas named when they carry some, wrong when they say the opposite or something else.

Conservative on purpose: a wrong answer marked right is worse than a right one marked close.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

from rapidfuzz.distance import DamerauLevenshtein

from bot.knowledge.lexicon import STOPWORDS, lemma
from bot.quiz.marking.verdict import CLOSE, RIGHT, WRONG, Judgement
from bot.quiz.marking.wordsense import directions, other_word, same_word, tolerance
from bot.text import clean, words

# An expected answer with at least this many key words is a definition, not a name or a term.
MIN_IDEAS = 2
MIN_WORDS = 5
# Shares of the key ideas a student must carry: for "right", and for "close".
RIGHT_SHARE = 0.6
CLOSE_SHARE = 0.3
MAX_GIVEN_WORDS = 60
# Words that frame a definition rather than carry its idea ("the process by which", "a substance that").
_FRAME = frozenset(
    """process processes substance substances something thing things way type types kind when where which
    whereby term word refers refer called known example examples one ones act action""".split()
)
# Function words; the verbs of asking that search ignores ("describe", "mean", "give") carry ideas here.
_STOP = STOPWORDS - frozenset(
    """tell told explain describe describes described mean meant means happen happened happens think thought thinks
    know knew known give gave get got many much say said""".split()
)
# Words that negate what follows: "without being used up" and "is not used up" agree; "is used up" does not.
_NEGATORS = frozenset("not no never without nor cannot cant dont doesnt isnt arent wont neither".split())
_OPPOSITE_DIRECTION = {"increase": "decrease", "decrease": "increase"}
# A shared start this long is one word family ("concentrated"/"concentration", "move"/"movement").
MIN_FAMILY_PREFIX = 4
# A negation governs the few words after it: "not used up", "without being used up".
NEGATION_REACH = 3

Expand = Callable[[str], str]  # rewrites symbols into words before reading ("CO2" -> "carbon dioxide")


def _content(text: str) -> list[str]:
    toks = directions(words(clean(text).replace("-", " ")))
    return [t for t in toks if t.isalpha() and t not in _STOP and len(t) > 1]


@lru_cache(maxsize=2048)
def ideas(text: str) -> tuple[str, ...]:
    """The key ideas of a definition: its content words without the words that frame it, once each."""
    seen: list[str] = []
    for t in _content(text):
        if t in _FRAME or t in _NEGATORS:
            continue
        if not any(_same_idea(t, s) for s in seen):
            seen.append(t)
    return tuple(seen)


def is_definition(expected: str) -> bool:
    """A phrase of several words and key ideas, not a name ("Mutually Assured Destruction", "The Strategic Arms
    Limitation Talks": mostly capitals)."""
    tokens = [w for w in clean(expected).split() if w[:1].isalpha()]
    if len(tokens) < MIN_WORDS or len(ideas(expected)) < MIN_IDEAS:
        return False
    capitals = sum(w[0].isupper() for w in tokens[1:])
    return capitals * 2 < len(tokens) - 1


def _family(a: str, b: str) -> bool:
    short, long_ = (a, b) if len(a) <= len(b) else (b, a)
    n = 0
    while n < len(short) and short[n] == long_[n]:
        n += 1
    if n == len(short) and n >= MIN_FAMILY_PREFIX:
        return True  # "move"/"movement", "general"/"generally"
    return n >= max(MIN_FAMILY_PREFIX + 2, len(short) - 3)  # "concentrated"/"concentration"


def _same_idea(a: str, b: str) -> bool:
    if a == b or same_word(a, b) or _family(a, b) or _family(lemma(a), lemma(b)):
        return True
    # A slip of the pen, never another real word.
    limit = tolerance(a)
    return limit > 0 and DamerauLevenshtein.distance(a, b) <= limit and not other_word(a, b)


def _polarity(text: str) -> list[tuple[str, bool]]:
    """The content words of a text, each with whether a negation governs it ("without being used up")."""
    toks = directions(words(clean(text).replace("n't", " not").replace("-", " ")))
    out: list[tuple[str, bool]] = []
    negated_until = -1
    for i, tok in enumerate(toks):
        if tok in _NEGATORS:
            negated_until = i + NEGATION_REACH
        elif tok.isalpha() and tok not in _STOP and len(tok) > 1:
            out.append((tok, i <= negated_until))
    return out


def _changes(polarity: list[tuple[str, bool]]) -> list[tuple[str, str]]:
    """Each change of amount with what changes: the idea just before it ("prices rise" -> (prices, increase))."""
    out = []
    for k, (word, _) in enumerate(polarity):
        if word in _OPPOSITE_DIRECTION:
            before = next(
                (w for w, _ in reversed(polarity[:k]) if w not in _FRAME and w not in _OPPOSITE_DIRECTION), ""
            )
            out.append((before, word))
    return out


def _contradiction(expected: str, given: str) -> str:
    """A key idea said the other way round: negated on one side only, or changing the other way."""
    exp, got = _polarity(expected), _polarity(given)
    exp_changes, got_changes = _changes(exp), _changes(got)
    for thing, direction in exp_changes:
        for other_thing, other_direction in got_changes:
            same_thing = not thing or not other_thing or _same_idea(thing, other_thing)
            if same_thing and other_direction != direction and (other_thing, direction) not in got_changes:
                way = "rise" if direction == "increase" else "fall"
                return f"the opposite: {thing} should {way}" if thing else f"the opposite: it should {way}"
    for idea in dict.fromkeys(w for w, _ in exp if w not in _FRAME):
        meant = {neg for word, neg in exp if word == idea}
        said = {neg for word, neg in got if _same_idea(idea, word)}
        if said and not said & meant:
            return f"the negation changes the meaning: {'not ' if True in meant else ''}{idea}"
    return ""


def judge(expected: str, given: str, expand: Expand | None = None) -> Judgement | None:
    """Mark an own-words definition; None when `expected` is not a definition."""
    if not is_definition(expected):
        return None
    key = ideas(expected)
    text = expand(given) if expand else given
    if len(text.split()) > MAX_GIVEN_WORDS:
        return Judgement(WRONG, "too long: give the definition in a sentence")
    said = _content(text)
    if not said:
        return Judgement(WRONG, "no definition given")
    # Saying the opposite: "prices fall" for "an increase in prices", "is used up" for "without being used up".
    opposite = _contradiction(expected, text)
    if opposite:
        return Judgement(WRONG, opposite)
    carried = [k for k in key if any(_same_idea(k, s) for s in said)]
    missing = [k for k in key if k not in carried]
    share = len(carried) / len(key)
    if share >= RIGHT_SHARE and len(carried) >= 2:
        return Judgement(RIGHT, f"has {len(carried)} of {len(key)} key ideas ({', '.join(carried)})")
    if share >= CLOSE_SHARE:
        return Judgement(CLOSE, f"half right: missing {', '.join(missing[:4])}")
    return Judgement(WRONG, f"not the definition: it is about {', '.join(key[:4])}")
