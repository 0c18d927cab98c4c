"""An answer taken apart: its numbers (digits, words, scales, Roman numerals), content words and signs of a list."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from text_to_num import alpha2digit, text2num

from bot.quiz.marking.wordsense import directions
from bot.text import clean, fold, words

# Answers are a few words; anything longer is not an answer, and capping keeps the work bounded.
MAX_CHARS = 200
MAX_WORDS = 20
# Cities at least this big count as real names: enough for the places a history class meets
# (Yalta, Potsdam, Versailles), few enough that a student's typo rarely lands on an obscure town.

# Words a student wraps an answer in; they carry no content on either side.
FILLER = frozenset(
    """the a an it its it's was is were be been maybe perhaps probably possibly think thought guess believe
    reckon suppose um umm uh er erm hmm ah oh well so answer called named that this in on at to by for from with
    my would say sure pretty definitely certainly yes ok okay like just please im i'm i'd i've""".split()
)
# "I" is filler before these ("I think"), but a Roman numeral after a name ("World War I").
_I_FOLLOWERS = frozenset("think thought guess believe reckon suppose am m would d know remember".split())
# Generic words tolerated around the key word ("the Yalta conference", "President Truman").
# Extra words that turn the answer into a different one ("East Germany" for "Germany", "not Yalta").
MODIFIERS = frozenset("not no never non anti north south east west northern southern eastern western".split())
# Words that join several guesses into a list.
CONJUNCTIONS = frozenset("and or nor vs versus plus also".split())
# A comma, slash, semicolon, ampersand or plus between words (not inside "5,800,000") joins guesses too.
_SEPARATOR = re.compile(r"[;/&+|]|,(?!\d)|(?<!\d),")

_SCALES = {
    "hundred": 100,
    "hundreds": 100,
    "thousand": 10**3,
    "thousands": 10**3,
    "k": 10**3,
    "million": 10**6,
    "millions": 10**6,
    "m": 10**6,  # "5.8m": in history answers m after a number means million, not metres
    "mil": 10**6,
    "mill": 10**6,
    "mn": 10**6,
    "mln": 10**6,
    "billion": 10**9,
    "billions": 10**9,
    "bn": 10**9,
    "b": 10**9,
    "trillion": 10**12,
    "trillions": 10**12,
    "tn": 10**12,
}
_DIGIT_WORDS = {w: str(i) for i, w in enumerate("zero one two three four five six seven eight nine".split())}
_ORDINAL_SUFFIXES = frozenset({"st", "nd", "rd", "th"})
_PERCENT_WORDS = frozenset({"percent", "pc"})
_ROMAN = re.compile(r"^(x{0,3})(ix|iv|v?i{0,3})$")
_ROMAN_VALUES = {"i": 1, "v": 5, "x": 10}
_ORDINAL_DIGITS = re.compile(r"^(\d+)(?:st|nd|rd|th)$")
_THOUSANDS = re.compile(r"^\d{1,3}(,\d{3})+(\.\d+)?$")
# Last words of capitalised names that are not people ("Marshall Aid", "Iron Curtain"): such a word alone is
# not the answer, whereas a surname alone is enough for a person ("Eisenhower" for "Dwight Eisenhower").
_HYPHENATED = re.compile(r"([^\W\d_]+)-([^\W\d_]+)")
_RAW_TOKEN = re.compile(r"[A-Za-z0-9]+")


# ---------------------------------------------------------------------------------------------------------------
# Parsing an answer


@dataclass(frozen=True, slots=True)
class Num:
    value: Decimal
    decade: bool = False  # "1950s" is a decade, not the year 1950

    def key(self) -> tuple[Decimal, bool]:
        return (self.value.normalize(), self.decade)


@dataclass(slots=True)
class Form:
    """An answer taken apart: its numbers, its content words in order, and signs of a list."""

    nums: list[Num] = field(default_factory=list)
    words: list[str] = field(default_factory=list)
    raw: frozenset[str] = frozenset()  # tokens as typed, for all-capitals aliases
    conj: set[str] = field(default_factory=set)
    separated: bool = False
    number_first: bool = False
    too_long: bool = False


@lru_cache(maxsize=4096)
def _number_word(tok: str) -> bool:
    """True for a spelled-out number word ("two", "twelve", "hundred")."""
    if not tok.isalpha() or tok in ("o", "oh"):
        return False
    try:
        text2num(tok, "en")
    except (ValueError, TypeError):
        return False
    return True


def _spelled_value(run: list[str]) -> list[Decimal]:
    """Values of a run of number words: text2num reads one number; "nineteen fifty five" is a year; else a list."""
    text = " ".join(run)
    try:
        return [Decimal(text2num(text, "en"))]
    except (ValueError, TypeError):
        pass
    if len(run) >= 2:
        for cut in range(1, len(run)):
            try:
                hi, lo = text2num(" ".join(run[:cut]), "en"), text2num(" ".join(run[cut:]), "en")
            except (ValueError, TypeError):
                continue
            if 10 <= hi <= 99 and 1 <= lo <= 99:
                return [Decimal(hi * 100 + lo)]
    # Several numbers one after the other ("two three"): read the longest number each time.
    values: list[Decimal] = []
    start = 0
    while start < len(run):
        for end in range(len(run), start, -1):
            try:
                values.append(Decimal(text2num(" ".join(run[start:end]), "en")))
            except (ValueError, TypeError):
                continue
            start = end
            break
        else:
            start += 1
    return values


def _digits_value(tok: str) -> Decimal | None:
    tok = tok.rstrip("%")
    if _THOUSANDS.match(tok):
        tok = tok.replace(",", "")
    elif tok.count(",") == 1 and "." not in tok:
        tok = tok.replace(",", ".")  # a decimal comma: "5,8 million"
    else:
        tok = tok.replace(",", "")
    try:
        return Decimal(tok)
    except InvalidOperation:
        return None


@lru_cache(maxsize=4096)
def _ordinal_word(tok: str) -> int | None:
    """The number of an ordinal in words ("fourteenth", "twenty-first"); not "first" or "second", which are
    everyday words more often than numbers."""
    if not tok.isalpha() or not tok.endswith(("th", "rd", "nd", "st")):
        return None
    m = _ORDINAL_DIGITS.match(alpha2digit(tok, "en"))
    return int(m.group(1)) if m else None


_FIRSTS = {"first": 1, "second": 2}


def _ordinal_after(toks: list[str], i: int) -> int | None:
    """An ordinal after a name: "Louis the fourteenth", "Elizabeth the first" ("first" and "second" only after
    "the": they are everyday words too)."""
    value = _ordinal_word(toks[i])
    if value is None and i > 0 and toks[i - 1] == "the":
        value = _FIRSTS.get(toks[i])
    return value


def roman_value(tok: str) -> int | None:
    m = _ROMAN.match(tok)
    if not tok or not m:
        return None
    total, prev = 0, 0
    for ch in reversed(tok):
        val = _ROMAN_VALUES[ch]
        total += -val if val < prev else val
        prev = max(prev, val)
    return total or None


def _join_hyphenated(m: re.Match[str]) -> str:
    left, right = m.group(1), m.group(2)
    if _number_word(fold(left)) or _number_word(fold(right)):
        return f"{left} {right}"
    return left + right


def name_words(text: str) -> list[str]:
    """A name's words as an answer's are read, so that "A-bomb" in the alias file meets "A-bomb" typed."""
    return words(_HYPHENATED.sub(_join_hyphenated, clean(text)))


def parse(text: str) -> Form:
    text = (text or "").strip()
    if len(text) > MAX_CHARS * 4:  # before any normalising, so a huge paste costs nothing
        return Form(too_long=True)
    text = clean(text).strip()
    if len(text) > MAX_CHARS:
        return Form(too_long=True)
    # One word with a hyphen, the same with or without it: "co-existence", "A-bomb" (not "fifty-eight").
    text = _HYPHENATED.sub(_join_hyphenated, text)
    toks = directions(words(text))
    if len(toks) > MAX_WORDS:
        return Form(too_long=True)
    form = Form(raw=frozenset(_RAW_TOKEN.findall(text)), separated=bool(_SEPARATOR.search(text)))
    order: list[str] = []  # "n" or "w", to know whether the answer starts with a number
    i, n = 0, len(toks)
    while i < n:
        tok = toks[i]
        values: list[Decimal] = []
        if tok[0].isdigit():
            value = _digits_value(tok)
            if value is None:
                i += 1
                continue
            # Thousands written with spaces: "5 800 000".
            while len(tok) <= 3 and i + 1 < n and len(toks[i + 1]) == 3 and toks[i + 1].isdigit():
                value = value * 1000 + Decimal(toks[i + 1])
                i += 1
            values, i = [value], i + 1
        elif _number_word(tok) or (tok == "a" and i + 1 < n and toks[i + 1] in _SCALES and _number_word(toks[i + 1])):
            run = ["one" if tok == "a" else tok]
            i += 1
            while i < n and (_number_word(toks[i]) or (toks[i] == "and" and i + 1 < n and _number_word(toks[i + 1]))):
                run.append(toks[i])
                i += 1
            values = _spelled_value(run)
            # "five point eight million"
            if len(values) == 1 and i + 1 < n and toks[i] == "point" and toks[i + 1] in _DIGIT_WORDS:
                digits = ""
                i += 1
                while i < n and toks[i] in _DIGIT_WORDS:
                    digits += _DIGIT_WORDS[toks[i]]
                    i += 1
                values = [Decimal(f"{values[0]}.{digits}")]
        elif (
            order
            and (roman := roman_value(tok)) is not None
            and not (tok == "i" and i + 1 < n and toks[i + 1] in _I_FOLLOWERS)
        ):
            # A Roman numeral after a word: "World War II", "Henry VIII".
            values, i = [Decimal(roman)], i + 1
        elif order and (ordinal := _ordinal_after(toks, i)) is not None:
            # An ordinal in words after a name: "Louis the fourteenth" is "Louis XIV".
            values, i = [Decimal(ordinal)], i + 1
        else:
            if tok == "not" and i + 1 < n and toks[i + 1] == "sure":
                i += 2  # "not sure" is hedging, not a negation
                continue
            if tok in CONJUNCTIONS:
                form.conj.add(tok)
            elif tok not in FILLER and tok != "i":
                form.words.append(tok)
                order.append("w")
            i += 1
            continue
        if not values:
            continue
        # A scale after the number: "5.8 million", "5.8m", "2bn" (spelled runs include theirs already).
        if i < n and toks[i] in _SCALES:
            values[-1] *= _SCALES[toks[i]]
            i += 1
        decade = False
        if i < n and toks[i] == "s":
            decade, i = True, i + 1
        elif i < n and toks[i] in _ORDINAL_SUFFIXES:
            i += 1
        if i < n and toks[i] in _PERCENT_WORDS:
            i += 1
        elif i + 1 < n and toks[i] == "per" and toks[i + 1] == "cent":
            i += 2
        form.nums.extend(Num(v) for v in values[:-1])
        form.nums.append(Num(values[-1], decade))
        order.extend("n" * len(values))
    form.number_first = bool(order) and order[0] == "n"
    return form
