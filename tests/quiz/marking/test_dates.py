"""Dates marked field by field: which expected answers the rule claims, the written forms it reads, its verdicts and
reasons in both day/month conventions, and input that must not break it."""

from __future__ import annotations

import time

import pytest

from bot.quiz.marking import dates
from bot.quiz.marking.dates import judge, read
from bot.quiz.marking.verdict import CLOSE, RIGHT, WRONG

WAR = "4 August 1914"


@pytest.mark.parametrize(
    "expected",
    [
        "1955",  # a plain year is the general marker's
        "1066",
        "Yalta",
        "5.8 million",
        "the 1950s",
        "World War 2",
        "World War II",
        "12 ships",
        "August",  # a month alone
        "4th",
        "Theresa May",
        "War began on 4 August 1914",  # a sentence with a date inside
        "4 August 1914 - 11 November 1918",  # a span
        "1914-18",
        "1910-12",  # a span of years, not December 1910
        "3/4",  # a fraction
        "1/1000",
        "5.8",
        "1.2.13",
        "4/8/14",  # a two-digit year: the teacher's century is not ours to guess
        "4 Aug 14",
        "31 February 1914",
        "15 March 44 BC",
        "",
        "😀",
        "x" * 201,
    ],
)
def test_answers_that_are_not_a_date_are_left_to_others(expected: str) -> None:
    assert judge(expected, expected) is None
    assert judge(expected, WAR) is None


@pytest.mark.parametrize(
    ("expected", "fields"),
    [
        (WAR, (4, 8, 1914)),
        ("on the 4th of August, 1914", (4, 8, 1914)),
        ("In August 1914.", (None, 8, 1914)),
        ("4th of August", (4, 8, None)),
        ("May 1945", (None, 5, 1945)),
        ("14 October 1066", (14, 10, 1066)),
        ("October 866", (None, 10, 866)),
        ("1914-08-04", (4, 8, 1914)),
        ("**4 August 1914**", (4, 8, 1914)),
        ("Tuesday, 4 August 1914", (4, 8, 1914)),
        ("29 February 1700", (29, 2, 1700)),  # a Julian leap year, as Britain counted then
    ],
)
def test_expected_dates_are_read_with_the_fields_they_name(expected: str, fields: tuple) -> None:
    date = read(expected)
    assert (date.day, date.month, date.year) == fields
    assert judge(expected, expected).verdict == RIGHT


@pytest.mark.parametrize(
    "given",
    [
        "4 August 1914",
        "4th August 1914",
        "the 4th of August 1914",
        "August 4 1914",
        "August 4th, 1914",
        "Aug 4 1914",
        "4 Aug 1914",
        "4 Aug. 1914",
        "4 AUGUST 1914",
        "4/8/1914",
        "04/08/1914",
        "4-8-1914",
        "4.8.1914",
        "1914-08-04",
        "1914/08/04",
        "4/8/14",  # a two-digit year, in the century of the expected one
        "4August1914",
        "4 Agust 1914",  # one slip in the month
        "4 Augst 1914",
        "Tuesday 4 August 1914",
        "Monday 4 August 1914",  # a wrong weekday is ignored (see the module's docstring)
        "on 4 August 1914",
        "it began on 4 August 1914",
        "about 4 August 1914",
        "it may have been 4 August 1914",  # "may" is not a second month
        "<b>4 August 1914</b>",
        "4 August 1914 AD",
    ],
)
def test_written_forms_of_one_date_are_right(given: str) -> None:
    verdict = judge(WAR, given)
    assert verdict.verdict == RIGHT, verdict.why
    assert verdict.why.endswith("4 August 1914")


@pytest.mark.parametrize(
    ("expected", "given", "dayfirst", "verdict", "why"),
    [
        # The class's convention decides an ambiguous numeric date.
        (WAR, "4/8/1914", True, RIGHT, "4/8/1914 = 4 August 1914"),
        (WAR, "8/4/1914", False, RIGHT, "8/4/1914 = August 4, 1914"),
        (WAR, "08/04/1914", False, RIGHT, "08/04/1914 = August 4, 1914"),
        (WAR, "8/4/1914", True, WRONG, "8/4/1914 is 8 April 1914 (day first), not 4 August 1914"),
        (WAR, "4/8/1914", False, WRONG, "4/8/1914 is April 8, 1914 (month first), not August 4, 1914"),
        (WAR, "1914-08-04", False, RIGHT, "1914-08-04 = August 4, 1914"),  # ISO is year-month-day everywhere
        (WAR, "August 4, 1914", False, RIGHT, "August 4, 1914"),
        # Unambiguous numbers are read either way.
        ("28 June 1914", "28/6/1914", True, RIGHT, "28/6/1914 = 28 June 1914"),
        ("28 June 1914", "6/28/1914", True, RIGHT, "6/28/1914 = 28 June 1914"),
        ("28 June 1914", "28/6/1914", False, RIGHT, "28/6/1914 = June 28, 1914"),
        ("28 June 1914", "6/28/1914", False, RIGHT, "6/28/1914 = June 28, 1914"),
        (WAR, "14/8/1914", True, WRONG, "wrong day: 14, not 4"),
        # One wrong field, named.
        (WAR, "4 September 1914", True, WRONG, "wrong month: September, not August"),
        (WAR, "4 September 1914", False, WRONG, "wrong month: September, not August"),
        (WAR, "5 August 1914", True, WRONG, "wrong day: 5, not 4"),
        (WAR, "5/8/1914", True, WRONG, "wrong day: 5, not 4"),
        (WAR, "8/5/1914", False, WRONG, "wrong day: 5, not 4"),
        (WAR, "4 August 1915", True, WRONG, "wrong year: 1915, not 1914"),
        (WAR, "4/8/15", True, WRONG, "wrong year: 1915, not 1914"),
        (WAR, "1915", True, WRONG, "wrong year: 1915, not 1914"),
        (WAR, "September", True, WRONG, "wrong month: September, not August"),
        (WAR, "5 Sept 1915", True, WRONG, "wrong date: 5 September 1915, not 4 August 1914"),
        ("June 1914", "July 1914", True, WRONG, "wrong month: July, not June"),
        ("1 March 1917", "1 May 1917", True, WRONG, "wrong month: May, not March"),  # "Mar" and "May" stay apart
        ("June 1944", "Juli 1944", True, WRONG, "wrong month: July, not June"),  # one slip from July, two from June
        # Missing fields: close, with the full answer.
        (WAR, "4 August", True, CLOSE, "give the year too: 4 August 1914"),
        (WAR, "the 4th of August", False, CLOSE, "give the year too: August 4, 1914"),
        (WAR, "4/8", True, CLOSE, "give the year too: 4 August 1914"),
        (WAR, "1914", True, CLOSE, "give the day and month: 4 August 1914"),
        (WAR, "in 1914", False, CLOSE, "give the day and month: August 4, 1914"),
        (WAR, "August 1914", True, CLOSE, "give the day too: 4 August 1914"),
        (WAR, "8/1914", True, CLOSE, "give the day too: 4 August 1914"),
        (WAR, "August", True, CLOSE, "give the day and year too: 4 August 1914"),
        ("August 1914", "1914", True, CLOSE, "give the month: August 1914"),
        ("August 1914", "August", True, CLOSE, "give the year too: August 1914"),
        # Two-digit years: the everyday form for 1900-2099 only.
        ("31 December 1999", "31/12/99", True, RIGHT, "31/12/99 = 31 December 1999"),
        ("1 January 2000", "1/1/00", True, RIGHT, "1/1/00 = 1 January 2000"),
        ("18 June 1815", "18/6/15", True, CLOSE, "give the full year: 18 June 1815"),
        ("18 June 1815", "18/6/1815", True, RIGHT, "18/6/1815 = 18 June 1815"),
        # More than was asked, and consistent.
        ("August 1914", WAR, True, RIGHT, "4 August 1914"),
        ("June 1914", "28/6/1914", False, RIGHT, "28/6/1914 = June 28, 1914"),
        ("4th of August", WAR, True, RIGHT, "4 August 1914"),
        ("4th of August", "4/8", True, RIGHT, "4/8 = 4 August"),
        ("4th of August", "4/8/2020", False, WRONG, "4/8/2020 is April 8, 2020 (month first), not August 4"),
        # Month slips, never into another month.
        ("February 1917", "Febuary 1917", True, RIGHT, "Febuary 1917 = February 1917"),
        ("September 1939", "septmber 1939", True, RIGHT, "septmber 1939 = September 1939"),
        ("June 1944", "Jnue 1944", True, RIGHT, "Jnue 1944 = June 1944"),
        ("1 March 1917", "1 Mar 1917", True, RIGHT, "1 Mar 1917 = 1 March 1917"),
        ("1 March 1917", "1 Marhc 1917", True, RIGHT, "1 Marhc 1917 = 1 March 1917"),
        ("June 1944", "Jule 1944", True, WRONG, "not a date"),  # one slip from June and from July: neither
        ("May 1945", "Mary 1945", True, CLOSE, "give the month: May 1945"),  # a name, not a slip: passed over
        ("14 October 1066", "14th oct 1066", True, RIGHT, "14th oct 1066 = 14 October 1066"),
        ("14 October 1066", "1066", True, CLOSE, "give the day and month: 14 October 1066"),
        # Not a date, or not that date.
        (WAR, "yalta", True, WRONG, "not a date"),
        (WAR, "World War 1", True, WRONG, "not a date"),
        (WAR, "the 1910s", True, WRONG, "not a date"),
        (WAR, "before 4 August 1914", True, WRONG, "not a date"),
        (WAR, "4 or 5 August 1914", True, WRONG, "not a date"),
        (WAR, "not 4 August 1914", True, WRONG, "not a date"),
        (WAR, "4 August 1914 or 1915", True, WRONG, "not a date"),
        (WAR, "4", True, WRONG, "not a date"),
        (WAR, "4 août 1914", True, WRONG, "not a date"),  # English month names only
        (WAR, "31/2/1914", True, WRONG, "not a date"),
    ],
)
def test_verdicts_and_reasons(expected: str, given: str, dayfirst: bool, verdict: str, why: str) -> None:
    assert judge(expected, given, dayfirst=dayfirst) == dates.Judgement(verdict, why)


@pytest.mark.parametrize(
    ("word", "month"),
    [
        ("agust", 8),
        ("febuary", 2),
        ("septmber", 9),
        ("octobr", 10),
        ("decmeber", 12),
        ("sept", 9),
        ("mar", 3),
        ("may", 5),
        ("jun", 6),
        ("jul", 7),
        ("jule", 0),  # June or July: neither
        ("juny", 0),
        ("mary", None),
        ("maya", None),
        ("adjust", None),  # two slips from "august", but only six letters
        ("search", None),
        ("marne", None),
        ("yalta", None),
    ],
)
def test_month_names_forgive_slips_but_never_become_another_month(word: str, month: int | None) -> None:
    assert dates._month(word) == month


@pytest.mark.parametrize(
    "hostile",
    [
        "",
        " ",
        "😀" * 100,
        "4 😀 August 🎉 1914",
        "<script>alert(1)</script>",
        "9" * 5000,
        "4/8/1914" * 30,
        "(" * 500,
        "0/0/0000",
        "99/99/9999",
        "0000-00-00",
        "4/8/0000",
        "12345678901234567890 August",
        "Z̷̢a̶l̸g̷o̸ 4 August 1914",
        "٤ August ١٩١٤",  # Arabic-Indic digits
        "\x00\n\t4\nAugust\n1914",
        "August " * 28,
        "4th 5th August",
        "1914 1915 August",
        "4-8-1914-1918",
        "1.4.8.1914",
    ],
)
@pytest.mark.parametrize("dayfirst", [True, False])
def test_no_input_breaks_the_rule(hostile: str, dayfirst: bool) -> None:
    verdict = judge(WAR, hostile, dayfirst=dayfirst)
    assert verdict is not None and verdict.verdict in (RIGHT, CLOSE, WRONG)
    assert "\n" not in verdict.why and len(verdict.why) <= 300
    judge(hostile, WAR, dayfirst=dayfirst)  # as the expected answer: claimed or not, it must not raise
    judge(hostile, hostile, dayfirst=dayfirst)


def test_long_answers_are_refused_quickly() -> None:
    start = time.perf_counter()
    assert judge(WAR, "4 August 1914 " * 20).why == "too long for a date"
    assert judge("4 August 1914 " * 20, WAR) is None
    assert judge(WAR, "9" * 100_000).verdict == WRONG
    assert time.perf_counter() - start < 0.05


def test_none_and_empty_do_not_raise() -> None:
    assert judge(WAR, None).why == "not a date"  # type: ignore[arg-type]
    assert judge(None, WAR) is None  # type: ignore[arg-type]


def test_every_verdict_says_why_in_one_line() -> None:
    for given in ("4/8/1914", "8/4/1914", "4 August", "1914", "5 Sept 1915", "yalta", "4\nAugust\n1914"):
        verdict = judge(WAR, given)
        assert verdict.why and "\n" not in verdict.why
