"""Dates marked field by field, as a history teacher marks them.

"4/8/1914", "the 4th of August 1914", "Aug 4, 1914" and "1914-08-04" are one date. Every field the expected answer
has (day, month, year) must be given and equal: a wrong month or day is wrong even when the rest is right; the right
day and month without the year, or the year alone, is close; more than was asked ("4 August 1914" for "August 1914")
is right. Numeric dates follow the class's convention (day first unless told otherwise), except where only one
reading is a date ("28/6/1914", "6/28/1914").

The rule claims only expected answers that are just a date with a day and a month, or a month and a year; a year
alone, a decade, a fraction or a sentence is left to the general marker. A student's answer may carry a few words
around its date ("it began on 4 August 1914"), but not a hedge that makes it another date ("before", "or", "not").

Read by a small tokenizer rather than dateutil's parser: only English day-month-year forms occur here, the rule
must know which fields were written and where a two-digit year came from, and dateutil's guesses ("0014" as 2014,
"August 99" as 1999, "the 4th of August" refused) would each need correcting, after 25 ms of import.

Month names forgive one slip ("Agust", "Jnue"), two in long names ("septmber"), never into another month ("Mar" and
"May", "June" and "July" stay apart). Weekdays are ignored, even wrong ones: before 1752 Britain's calendar was
Julian, and a proleptic Gregorian weekday would fault a right date.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

from rapidfuzz.distance import DamerauLevenshtein

from bot.quiz.marking.verdict import CLOSE, RIGHT, WRONG, Judgement
from bot.text import clean

MAX_CHARS = 200
# A two-digit year ("4/8/14") is everyday writing for these years only; "18/6/15" for 1815 asks for the full year.
SHORT_YEAR_CENTURIES = range(1900, 2100)
_MONTHS = "january february march april may june july august september october november december".split()
_MONTH_OF = {m: i for i, m in enumerate(_MONTHS, 1)} | {m[:3]: i for i, m in enumerate(_MONTHS, 1)} | {"sept": 9}
_DAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
_ORDINALS = frozenset({"st", "nd", "rd", "th"})
# Words a date may come with: "on the 4th of August, 1914", "Tuesday 4 August 1914", "AD 1066", "about 1914".
_FILLER = frozenset(
    """on in the of at ad ce a d monday tuesday wednesday thursday friday saturday sunday mon tue tues wed thu thur
    thurs fri sat sun about around approximately approx roughly circa c ca""".split()
)
# Words that make a student's answer something other than one date: a negation, a span, alternatives, another era.
_NOT_THE_DATE = frozenset("not no never before after between until till since or nor bc bce b".split())
_NUMERIC = r"(?<![\d.,/-])(?P<a>\d{1,4})(?P<sep>[/.-])(?P<b>\d{1,4})(?:(?P=sep)(?P<c>\d{1,4}))?(?!\d|[/.-]\d)"
_TOKEN = re.compile(rf"{_NUMERIC}|(?P<num>\d+)(?P<suffix>'?[^\W\d_]+)?|(?P<word>[^\W\d_]+)")
_MARKUP = re.compile(r"<[^<>]{0,40}>")  # "<b>4 August 1914</b>"


class Date(NamedTuple):
    day: int | None
    month: int | None  # 1-12
    year: int | None
    short: bool = False  # the year was written with two digits ("4/8/14")
    swappable: bool = False  # numeric, and either number could be the month ("4/8/1914")


def _days_in(month: int, year: int) -> int:
    # Every fourth year is a leap year, as in the Julian calendar Britain kept until 1752 ("29 February 1700"). The
    # Gregorian-impossible 29 February 1900 passes too: it can only ever be compared, never be marked right wrongly.
    return 29 if month == 2 and year % 4 == 0 else _DAYS[month - 1]


def _make(day: int | None, month: int, year: str | None) -> Date | None:
    """The date, when it is one: a month 1-12, a day that month has (29 February in leap years only)."""
    full = year is not None and len(year) >= 3
    if not 1 <= month <= 12 or (full and int(year) == 0):  # no year 0 (1 BC is followed by AD 1); "00" is 2000
        return None
    if day is not None and not 1 <= day <= _days_in(month, int(year) if full else 2000):
        return None
    return Date(day, month, int(year) if year else None, short=year is not None and not full)


def _numeric(a: str, sep: str, b: str, c: str | None, dayfirst: bool, strict: bool) -> Date | None:
    if c is None:
        if sep != "/" or len(a) > 2:
            return None  # "5.8" is a decimal, "1914-18" a span of years
        if len(b) >= 3:  # "8/1914"; an expected "1/1000" is more likely a fraction
            return None if strict else _make(None, int(a), b)
        if strict:
            return None  # "3/4" is a fraction: only a student's answer is read as day and month
        year = None
    elif len(a) >= 3:  # year first, as in ISO: "1914-08-04"
        return _make(int(c), int(b), a) if len(b) <= 2 and len(c) <= 2 else None
    elif len(b) > 2 or len(c) < 2:
        return None
    else:
        year = c
    first, second = int(a), int(b)
    day, month = (first, second) if dayfirst else (second, first)
    # Only one reading is a date ("28/6/1914" in either convention): take it.
    date = _make(day, month, year) or _make(month, day, year)
    if date is not None and first != second and first <= 12 and second <= 12:
        date = date._replace(swappable=True)
    return date


@lru_cache(maxsize=1024)
def _month(word: str) -> int | None:
    """The month a word names, forgiving a slip that could not be another month; 0 for a slip that could be two."""
    if word in _MONTH_OF:
        return _MONTH_OF[word]
    if len(word) < 4:
        return None
    near = []
    for i, name in enumerate(_MONTHS, 1):
        # The first letter is kept in a slip, and "May" is never a target: "Mary", "Maya" are names. Two slips only
        # in long names and words ("Septmber"): "adjust" is two from "August".
        if name[0] != word[0] or name == "may":
            continue
        limit = 2 if len(name) >= 7 and len(word) >= 6 else 1
        if DamerauLevenshtein.distance(word, name, score_cutoff=limit) <= limit:
            near.append(i)
    return near[0] if len(near) == 1 else 0 if near else None


def _day_and_year(numbers: list[tuple[str, bool]]) -> tuple[int | None, str | None] | None:
    """Which written number is the day and which the year, beside a month name."""
    if not numbers:
        return None, None
    # The day is the ordinal ("4th"), else the first number that can be a day; the other is the year.
    ranked = sorted(numbers, key=lambda n: (not n[1], len(n[0]) > 2 or int(n[0]) > 31))
    day, rest = ranked[0], ranked[1:]
    if len(numbers) == 1 and not day[1] and (len(day[0]) > 2 or int(day[0]) > 31):
        return None, day[0]  # "August 1914"
    if len(day[0]) > 2 or (rest and rest[0][1]):
        return None
    return int(day[0]), rest[0][0] if rest else None


@lru_cache(maxsize=4096)
def read(text: str, dayfirst: bool = True, strict: bool = True) -> Date | None:
    """The date written in `text` with the fields it names, or None.

    `strict` (an expected answer): nothing but the date and filler, a year of three or four digits, and at least a
    day and a month or a month and a year. Otherwise (a student's answer): other words are passed over, and a month
    alone or a year alone is read."""
    if len(text) > MAX_CHARS:
        return None
    text = _MARKUP.sub(" ", clean(text)).lower()
    numerics: list[Date | None] = []
    numbers: list[tuple[str, bool]] = []  # (digits, written as an ordinal)
    months: set[int] = set()
    said_may = False  # "it may be 4 August": in a sentence, "may" is a month only when no other is named
    for m in _TOKEN.finditer(text):
        words = [m["word"]] if m["word"] else []
        if m["a"]:
            numerics.append(_numeric(m["a"], m["sep"], m["b"], m["c"], dayfirst, strict))
        elif m["num"]:
            if len(m["num"]) > 4:
                return None  # no day or year is written with five digits
            suffix = (m["suffix"] or "").lstrip("'")
            if suffix == "s":
                return None  # a decade: "the 1950s"
            numbers.append((m["num"], suffix in _ORDINALS))
            if suffix and suffix not in _ORDINALS:
                words.append(suffix)  # "4August1914", "1066AD"
        for word in words:
            if word in _FILLER:
                continue
            if (month := _month(word)) == 0:
                return None  # "Jule": June or July, not to be guessed, nor passed over
            if month is not None:
                said_may |= word == "may"
                months.add(month)
            elif strict or word in _NOT_THE_DATE:
                return None
    if said_may and len(months) > 1 and not strict:
        months.discard(5)
    if numerics:
        date = numerics[0] if len(numerics) == 1 and not numbers and not months else None
    elif len(months) > 1 or len(numbers) > 2:
        date = None
    elif not months:  # a year alone: "1914", "in 1914"
        year = numbers[0][0] if len(numbers) == 1 and not numbers[0][1] and len(numbers[0][0]) >= 3 else None
        date = Date(None, None, int(year)) if year and int(year) else None
    else:
        fields = _day_and_year(numbers)
        date = None if fields is None else _make(fields[0], months.pop(), fields[1])
    if date is None or not strict:
        return date
    has_two_fields = date.month is not None and (date.day is not None or date.year is not None)
    return date if has_two_fields and not date.short else None


def _month_name(month: int) -> str:
    return _MONTHS[month - 1].title()


def _show(date: Date, dayfirst: bool) -> str:
    """The date in words, in the class's order: "4 August 1914", or "August 4, 1914" in the United States."""
    year = None if date.year is None else f"'{date.year:02d}" if date.short else str(date.year)
    month = _month_name(date.month) if date.month else None
    if dayfirst or date.day is None or month is None:
        return " ".join(str(p) for p in (date.day, month, year) if p)
    return f"{month} {date.day}" + (f", {year}" if year else "")


def _with_century(given: Date, expected: Date) -> Date:
    """A two-digit year as the year nearest the expected one that ends so ("14" for 1914 is 1914, for 2014 2014)."""
    if not given.short or given.year is None or expected.year is None:
        return given
    base = expected.year - expected.year % 100 + given.year
    year = min((base - 100, base, base + 100), key=lambda y: abs(y - expected.year))
    return given._replace(year=year, short=False)


def judge(expected: str, given: str, *, dayfirst: bool = True) -> Judgement | None:
    """Mark a date field by field; None when `expected` is not a date with a day and month, or month and year."""
    expected, given = expected or "", given or ""
    if len(expected) > MAX_CHARS:
        return None
    want = read(expected, dayfirst)
    if want is None:
        return None
    shown = _show(want, dayfirst)
    if len(given) > MAX_CHARS:
        return Judgement(WRONG, "too long for a date")
    got = read(given, dayfirst, strict=False)
    if got is None:
        return Judgement(WRONG, "not a date")
    short, got = got.short, _with_century(got, want)
    typed = " ".join(_MARKUP.sub(" ", clean(given)).split())
    wrong = []
    if got.month is not None and got.month != want.month:
        wrong.append(f"wrong month: {_month_name(got.month)}, not {_month_name(want.month)}")
    if None not in (got.day, want.day) and got.day != want.day:
        wrong.append(f"wrong day: {got.day}, not {want.day}")
    if None not in (got.year, want.year) and got.year != want.year:
        wrong.append(f"wrong year: {got.year}, not {want.year}")
    if wrong:
        # "8/4/1914" for 4 August, day first: say how it was read
        if got.swappable and (got.month, got.day) == (want.day, want.month) and want.year in (None, got.year):
            order = "day first" if dayfirst else "month first"
            return Judgement(WRONG, f"{typed} is {_show(got, dayfirst)} ({order}), not {shown}")
        return Judgement(WRONG, wrong[0] if len(wrong) == 1 else f"wrong date: {_show(got, dayfirst)}, not {shown}")
    missing = [f for f in ("day", "month", "year") if getattr(want, f) is not None and getattr(got, f) is None]
    if got.month is None:  # the year alone
        return Judgement(CLOSE, f"give the {' and '.join(missing)}: {shown}")
    if missing:
        return Judgement(CLOSE, f"give the {' and '.join(missing)} too: {shown}")
    if short and want.year is not None and want.year not in SHORT_YEAR_CENTURIES:
        return Judgement(CLOSE, f"give the full year: {shown}")
    read_as = _show(got, dayfirst)
    return Judgement(RIGHT, read_as if typed == read_as else f"{typed} = {read_as}")
