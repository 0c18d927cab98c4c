"""Dates compared field by field: "4/8/1914", "4th August 1914" and "August 4 1914" are one date; a wrong month
or day is wrong even when the rest is right; a date without its year is "close".

python-dateutil reads the written forms; month names are corrected for slips first ("Agust"), never into
another month. Numeric dates follow the class's convention (day first unless told otherwise), except where only
one reading is a date ("28/6/1914").
"""

from __future__ import annotations

import re
from datetime import datetime
from functools import lru_cache
from typing import NamedTuple

from rapidfuzz.distance import DamerauLevenshtein

from bot.quiz.marking.verdict import CLOSE, RIGHT, WRONG, Judgement
from bot.text import clean

MAX_CHARS = 80
_MONTHS = "january february march april may june july august september october november december".split()
_ABBREVIATIONS = {m[:3]: i for i, m in enumerate(_MONTHS)} | {"sept": 8}
_NUMERIC = re.compile(r"^\s*(\d{1,4})\s*[/.\-]\s*(\d{1,2})(?:\s*[/.\-]\s*(\d{2,4}))?\s*$")
_WORD = re.compile(r"[A-Za-z]+|\d+(?:st|nd|rd|th)?|[^\sA-Za-z\d]")
# Words a date may come with: "on the 4th of August, 1914", weekdays, "AD".
_ALLOWED = frozenset(
    """on in the of at a d ad ce monday tuesday wednesday thursday friday saturday sunday mon tue tues wed thu thur
    thurs fri sat sun""".split()
)
_DEFAULTS = (datetime(2000, 1, 1), datetime(2001, 2, 2))  # a field that differs between the two was not written


class Date(NamedTuple):
    day: int | None
    month: int | None  # 1-12
    year: int | None
    short_year: bool = False  # written with two digits ("4/8/14")

    def show(self) -> str:
        parts = [str(self.day) if self.day else "", _MONTHS[self.month - 1].title() if self.month else ""]
        return " ".join(p for p in parts + [str(self.year) if self.year else ""] if p)


def _month(word: str) -> int | None:
    """The month a word names, forgiving a slip that makes no other month ("Agust", "Febuary")."""
    w = word.lower()
    if w in _MONTHS:
        return _MONTHS.index(w)
    if w in _ABBREVIATIONS:
        return _ABBREVIATIONS[w]
    if len(w) < 4:
        return None
    limit = 1 if len(w) <= 5 else 2
    scored = sorted((DamerauLevenshtein.distance(w, m), i) for i, m in enumerate(_MONTHS))
    best, runner = scored[0], scored[1]
    return best[1] if best[0] <= limit and runner[0] > best[0] else None


def _numeric(text: str, dayfirst: bool) -> Date | None:
    m = _NUMERIC.match(text)
    if not m:
        return None
    a, b, c = m.group(1), m.group(2), m.group(3)
    if len(a) == 4:  # ISO: year-month-day, or year/month
        if c is None or len(c) > 2:
            return None
        year, month, day = int(a), int(b), int(c)
        return Date(day, month, year) if _valid(day, month) else None
    if c is None:  # "4/8": no year, and "8/12" may be a fraction: not read as a date
        return None
    first, second = int(a), int(b)
    day, month = (first, second) if dayfirst else (second, first)
    if not _valid(day, month) and _valid(month, day):
        day, month = month, day  # only one reading is a date: "28/6/1914" in either convention
    if not _valid(day, month):
        return None
    return Date(day, month, int(c), short_year=len(c) == 2)


def _valid(day: int, month: int) -> bool:
    return 1 <= month <= 12 and 1 <= day <= 31


@lru_cache(maxsize=4096)
def read(text: str, dayfirst: bool = True) -> Date | None:
    """The date written in `text`, with the fields it names; None when it is not just a date."""
    text = clean(text or "").strip().rstrip(".")
    if not text or len(text) > MAX_CHARS:
        return None
    numeric = _numeric(text, dayfirst)
    if numeric is not None:
        return numeric
    m = re.match(r"^\s*(\d{1,2})\s*[/.\-]\s*(\d{4})\s*$", text)  # "8/1914"
    if m and 1 <= int(m.group(1)) <= 12:
        return Date(None, int(m.group(1)), int(m.group(2)))
    month = None
    kept: list[str] = []
    for tok in _WORD.findall(text):
        low = tok.lower()
        if tok[0].isdigit():
            kept.append(tok)
        elif (found := _month(tok)) is not None and month is None:
            month = found
            kept.append(_MONTHS[found])
        elif low in _ALLOWED or tok in ",":
            continue
        else:
            return None  # other words: not just a date
    if month is None:
        return None
    numbers = [t for t in kept if t[0].isdigit()]
    if len(numbers) > 2 or not numbers:
        return None
    return _with_dateutil(" ".join(kept), dayfirst)


def _with_dateutil(text: str, dayfirst: bool) -> Date | None:
    from dateutil import parser

    try:
        one, two = (parser.parse(text, default=d, dayfirst=dayfirst) for d in _DEFAULTS)
    except (ValueError, OverflowError, parser.ParserError):
        return None
    day = one.day if one.day == two.day else None
    year = one.year if one.year == two.year else None
    short = year is not None and not re.search(r"\d{3,4}", text)
    return Date(day, one.month, year, short_year=short)


def _same_year(expected: Date, given: Date) -> bool:
    if given.year == expected.year:
        return True
    return given.short_year and expected.year is not None and given.year % 100 == expected.year % 100


def judge(expected: str, given: str, *, dayfirst: bool = True) -> Judgement | None:
    """Mark a date; None when `expected` is not a date with a month."""
    exp = read(expected, dayfirst)
    if exp is None or exp.month is None:
        return None
    got = read(given, dayfirst)
    shown = exp.show()
    if got is None:
        bare = clean(given or "").strip()
        if bare.isdigit() and len(bare) <= 4 and exp.year is not None and int(bare) == exp.year:
            return Judgement(CLOSE, f"give the day and month too: {shown}" if exp.day else f"give the month: {shown}")
        return Judgement(WRONG, f"not the date: {shown}")
    if got.month != exp.month:
        return Judgement(WRONG, f"wrong month: {_MONTHS[got.month - 1].title()}, not {_MONTHS[exp.month - 1].title()}")
    if exp.day is not None and got.day is not None and got.day != exp.day:
        return Judgement(WRONG, f"wrong day: {got.day}, not {exp.day}")
    if exp.year is not None and got.year is not None and not _same_year(exp, got):
        return Judgement(WRONG, f"wrong year: {got.year}, not {exp.year}")
    if exp.year is not None and got.year is None:
        return Judgement(CLOSE, f"give the year too: {shown}")
    if exp.day is not None and got.day is None:
        return Judgement(CLOSE, f"give the day too: {shown}")
    return Judgement(RIGHT, f"{clean(given).strip()} = {shown}")
