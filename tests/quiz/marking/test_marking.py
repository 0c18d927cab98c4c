"""Marking of typed and multiple-choice answers: the development set plus cases of the same kinds."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.knowledge.aliases import AliasTable
from bot.quiz.marking import default_known_names, mark, mark_choice
from bot.quiz.model import Marking

ROOT = Path(__file__).resolve().parents[3]
DEV_SET = ROOT.parent / "shared" / "eval" / "dev_mark.jsonl"
ALIAS_FILE = ROOT / "knowledge" / "aliases.txt"

# A fixed copy of the teacher's alias lines, so these cases do not move when the file is edited.
ALIASES = AliasTable.from_groups(
    [
        ["Soviet Union", "USSR", "Soviets", "Soviet", "Russia", "Russians", "the Russians", "Russian"],
        ["United States", "USA", "US", "U.S.", "America", "Americans", "American", "United States of America"],
        ["Britain", "Great Britain", "UK", "United Kingdom", "England", "British"],
        ["Germany", "Germans", "German"],
        ["France", "French"],
        ["Khrushchev", "Kruschev", "Khruschev", "Krushchev", "Nikita Khrushchev", "K"],
        ["Malenkov", "Georgi Malenkov", "M"],
        ["Stalin", "Joseph Stalin", "Josef Stalin", "Uncle Joe"],
        ["Roosevelt", "Franklin Roosevelt", "Franklin D. Roosevelt", "FDR", "President Roosevelt"],
        ["Churchill", "Winston Churchill"],
        ["Truman", "Harry Truman", "President Truman"],
        ["Attlee", "Clement Attlee"],
        ["Second World War", "WW2", "WWII", "World War II", "World War Two", "World War 2"],
        ["First World War", "WW1", "WWI", "World War I", "World War One", "World War 1", "Great War"],
        ["United Nations", "UN", "United Nations Organization"],
        ["Yalta", "Yalta Conference"],
        ["Potsdam", "Potsdam Conference"],
        ["atomic bomb", "atom bomb", "nuclear bomb", "A-bomb", "nuclear weapon", "nuclear weapons"],
        ["Red Army", "Soviet army"],
        ["Marshall Aid", "Marshall Plan"],
    ]
)
KNOWN = default_known_names()


def marked(expected: str, answer: str, **kwargs) -> Marking:
    kwargs.setdefault("aliases", ALIASES)
    kwargs.setdefault("known_names", KNOWN)
    return mark(expected, answer, **kwargs)


# ----------------------------------------------------------------------------------------------------------------
# The development set, marked as the evaluation marks it: the real alias file and the library's names.


def _dev_items() -> list[dict]:
    if not DEV_SET.exists():
        return []
    return [json.loads(line) for line in DEV_SET.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.mark.parametrize(
    "item", _dev_items() or [None], ids=lambda i: f"{i['expected']}|{i['given']}" if i else "absent"
)
def test_dev_set(item: dict | None) -> None:
    if item is None:
        pytest.skip(f"{DEV_SET} is absent")
    result = mark(
        item["expected"], item["given"], aliases=AliasTable.load(ALIAS_FILE), known_names=default_known_names()
    )
    assert result.correct is item["accept"], result


# ----------------------------------------------------------------------------------------------------------------
# Typed answers a fair teacher accepts.

ACCEPT = [
    # case, punctuation, accents, emoji and filler words
    ("Yalta", "YALTA!!!"),
    ("Yalta", "maybe yalta?"),
    ("Yalta", "yalta 🤔"),
    ("Yalta", "I think it was Yalta"),
    ("Potsdam", "the Potsdam conference"),
    ("Versailles", "Treaty of Versailles"),
    ("Versailles", "Versaillés"),
    ("Korean War", "the korean war"),
    ("Iron Curtain", "the iron curtain"),
    ("reparations", "war reparations"),
    # typos by word length
    ("Yalta", "Yatla"),
    ("Stalin", "stallin"),
    ("Potsdam", "postdam"),
    ("Churchill", "churchhill"),
    ("Eisenhower", "eisenhour"),
    ("Roosevelt", "rosevelt"),
    ("Hungary", "hungry"),
    ("Poland", "polland"),
    ("Berlin", "Berln"),
    ("Iron Curtain", "iron curtian"),
    ("Soviet Union", "sovietunion"),
    ("Churchill", "chur chill"),
    ("Peaceful Coexistence", "peaceful co-existence"),
    ("Peaceful Coexistence", "peaceful co existence"),
    ("Nazi-Soviet Pact", "the nazi soviet pact"),
    ("Soviet Union", "U.S.S.R."),
    # aliases
    ("Soviet Union", "Russia"),
    ("Soviet Union", "the soviets"),
    ("USSR", "Soviet Union"),
    ("United States", "USA"),
    ("United States", "the US"),
    ("Britain", "the United Kingdom"),
    ("Britain", "UK"),
    ("Second World War", "WW2"),
    ("Second World War", "World War Two"),
    ("Second World War", "world war II"),
    ("United Nations", "the UN"),
    ("atomic bomb", "nuclear weapons"),
    ("Red Army", "the soviet army"),
    ("Marshall Aid", "the Marshall Plan"),
    ("Roosevelt", "FDR"),
    ("Khrushchev", "Kruschev"),
    # a surname for a person, a full name or title for a surname
    ("Stalin", "Joseph Stalin"),
    ("Truman", "President Truman"),
    ("Truman", "Harry S. Truman"),
    ("Attlee", "Clement Attlee"),
    ("Churchill", "Sir Winston Churchill"),
    ("Eisenhower", "Dwight Eisenhower"),
    ("Kennedy", "John F. Kennedy"),
    ("Gorbachev", "Mikhail Gorbachev"),
    ("Johnson", "Lyndon Johnson"),
    ("Roosevelt", "Franklin Delano Roosevelt"),
    ("Dwight Eisenhower", "Eisenhower"),
    ("Lloyd George", "David Lloyd George"),
    # years and numbers by value
    ("1945", "in 1945"),
    ("1945", "it was 1945"),
    ("1945", "nineteen forty five"),
    ("1950s", "the 1950s"),
    ("20 million", "20,000,000"),
    ("20 million", "twenty million"),
    ("20 million", "20m"),
    ("20 million", "20 million people"),
    ("27 million", "27 million deaths"),
    ("5.8 million", "5.8mil"),
    ("5.8 million", "5800000"),
    ("5.8 million", "5 800 000"),
    ("5.8 million", "five point eight million"),
    ("3", "three"),
    ("three", "3"),
    ("13 days", "13"),
    ("13 days", "thirteen days"),
    ("12%", "12 per cent"),
    ("12%", "12 percent"),
    ("$13 billion", "13 billion dollars"),
    ("£2 billion", "2bn"),
    ("a hundred", "100"),
    ("58", "fifty-eight"),
    ("1.95%", "1.95 per cent"),
]

# Typed answers a fair teacher rejects.
REJECT = [
    # another real name, even one letter away
    ("Yalta", "Malta"),
    ("Geneva", "Genoa"),
    ("Austria", "Australia"),
    ("Iran", "Iraq"),
    ("Berlin", "Bern"),
    ("Hungary", "Bulgaria"),
    ("Poland", "Portugal"),
    ("Vienna", "Venice"),
    ("Churchill", "Attlee"),
    ("Khrushchev", "Malenkov"),
    ("Soviet Union", "United States"),
    ("Britain", "France"),
    ("Second World War", "First World War"),
    ("Second World War", "WW1"),
    ("First World War", "World War II"),
    # several guesses
    ("Stalin", "Stalin and Churchill"),
    ("Stalin", "Stalin, Churchill"),
    ("Stalin", "Truman Stalin"),
    ("Khrushchev", "Khrushchev or Malenkov"),
    ("Yalta", "Yalta or Potsdam"),
    ("Yalta", "yalta/potsdam"),
    ("Yalta", "yalta potsdm"),
    ("Britain", "Britain and France"),
    ("Berlin", "Berlin Moscow"),
    ("Churchill", "Churchill Roosevelt"),
    ("Eisenhower", "Eisenhower Kennedy"),
    ("1945", "1945 1946"),
    ("1945", "1945 or 1946"),
    # a different answer spelt out with extra words
    ("Germany", "East Germany"),
    ("Germany", "not germany"),
    ("Marshall Aid", "aid"),
    ("East Germany", "Germany"),
    ("atomic bomb", "hydrogen bomb"),  # "bomb" is one slip from "A-bomb", but the extra word is the answer
    ("Truman", "Truman Doctrine"),
    # years and quantities are exact, never typo-tolerated
    ("1945", "1944"),
    ("1945", "1954"),
    ("1945", "45"),
    ("1945", "nineteen forty six"),
    ("1955", "in the 1950s"),
    ("1950s", "1950"),
    ("20 million", "2 million"),
    ("20 million", "200 million"),
    ("20 million", "20 billion"),
    ("5.8 million", "5.8 billion"),
    ("27 million", "2.7 million"),
    ("1.95%", "19.5%"),
    ("three", "thirty"),
    ("three", "thre"),
    ("three", "tree"),
    ("13 days", "13 years"),
    ("12 miles", "12 km"),
    # an all-capitals alias counts only in capitals
    ("United States", "us"),
    # too far off
    ("Yalta", "Yuoltu"),
    ("Czechoslovakia", "chekoslovakia"),
]


@pytest.mark.parametrize(("expected", "answer"), ACCEPT)
def test_accepts(expected: str, answer: str) -> None:
    result = marked(expected, answer)
    assert result.correct, result
    assert not result.close


@pytest.mark.parametrize(("expected", "answer"), REJECT)
def test_rejects(expected: str, answer: str) -> None:
    assert not marked(expected, answer).correct


# ----------------------------------------------------------------------------------------------------------------
# Near misses, reasons, alternatives and the caller's names


@pytest.mark.parametrize(
    ("expected", "answer"),
    [("Churchill", "Chrchl"), ("Roosevelt", "Rosvlt"), ("Yalta", "Yelte"), ("Czechoslovakia", "chekoslovakia")],
)
def test_near_miss_is_close(expected: str, answer: str) -> None:
    result = marked(expected, answer)
    assert not result.correct and result.close
    assert "spelling" in result.reason


@pytest.mark.parametrize(
    ("expected", "answer"),
    [
        ("Yalta", "Malta"),  # a real name is not a misspelling
        ("Yalta", "Malte"),  # nearer to a real name than to the answer
        ("Israel", "Ireland"),
        ("1955", "1956"),  # a number is never nearly right
        ("5.8 million", "58 million"),
        ("two", "twelve"),
        ("Stalin", "Stalinn Truman"),  # a list
        ("Yalta", "Yuoltu"),  # too far off
    ],
)
def test_not_close(expected: str, answer: str) -> None:
    result = marked(expected, answer)
    assert not result.correct and not result.close


def test_reasons_tell_the_student_why() -> None:
    assert marked("Yalta", "Malta").reason == "not the answer: Malta is a different name"
    assert "list" in marked("Stalin", "Stalin Truman Churchill").reason
    assert "number" in marked("1955", "1956").reason
    assert "spelling" in marked("Churchill", "churchil").reason
    assert marked("Yalta", "yalta").reason == "correct"


def test_alternatives_are_accepted_answers() -> None:
    assert mark("Potsdam", "Berlin", alternatives=["Berlin", "Cecilienhof"]).correct
    assert mark("Potsdam", "Cecilienhof").correct is False
    assert mark("Potsdam", "cecilienhoff", alternatives=["Cecilienhof"]).correct
    assert not mark("Potsdam", "Munich", alternatives=["Berlin"]).correct


def test_callers_known_names_are_real_names_too() -> None:
    # Ernest Bevin and Aneurin Bevan: one letter apart, two people.
    assert mark("Bevin", "Bevan").correct
    blocked = mark("Bevin", "Bevan", known_names={"Bevan", "Bevin"})
    assert not blocked.correct and not blocked.close


def test_alias_names_are_real_names() -> None:
    # "Attlee" is in the alias table: not a typo of another answer, and another candidate in a list.
    assert not mark("Attlee", "Attlee Truman", aliases=ALIASES).correct
    assert mark("Attlee", "Attlee Truman").correct is False  # a surname takes nothing after it


def test_aliases_apply_inside_an_answer_of_several_words() -> None:
    table = AliasTable.from_groups([["Yalta", "Kanta"], ["Stalin", "Uncle Joe"]])
    assert mark("Kanta Conference", "yalta conference", aliases=table).correct
    assert mark("the Kanta Conference", "Yalta Conference", aliases=table).correct
    assert mark("Stalin's plan", "uncle joe's plan", aliases=table).correct
    assert not mark("Kanta Conference", "Potsdam conference", aliases=table).correct


def test_known_names_may_be_any_collection() -> None:
    assert not mark("Bevin", "Bevan", known_names=["Bevan"]).correct
    assert mark("Bevin", "bevin", known_names=("Bevan", "Bevin")).correct


def test_works_without_aliases_or_names() -> None:
    assert mark("Yalta", "the yalta conference").correct
    assert mark("Yalta", "Malta").correct is False  # countries are known all the same
    assert mark("5.8 million", "5.8m").correct


def test_default_known_names() -> None:
    names = default_known_names()
    assert isinstance(names, frozenset)
    assert {"Malta", "Israel", "Ireland", "Vienna", "Geneva", "Yalta", "Potsdam", "USSR"} <= names
    assert default_known_names() is names  # built once


# ----------------------------------------------------------------------------------------------------------------
# Multiple choice

OPTIONS = ["Yalta", "Potsdam", "Geneva", "Vienna"]


@pytest.mark.parametrize(
    "answer",
    [
        "a",
        "A",
        "a)",
        "(a)",
        "A.",
        "[a]",
        "1",
        "1)",
        "option a",
        "answer: A",
        "I think it's a",
        "yalta",
        "Yallta",
        "the Yalta conference",
        "a) Yalta",
    ],
)
def test_choice_accepts_letter_number_or_text(answer: str) -> None:
    assert mark_choice(OPTIONS, "Yalta", answer).correct


@pytest.mark.parametrize(
    "answer", ["b", "B)", "2", "Potsdam", "potsdm", "malta", "e", "5", "0", "a) Potsdam", "a b", ""]
)
def test_choice_rejects(answer: str) -> None:
    assert not mark_choice(OPTIONS, "Yalta", answer).correct


def test_choice_with_year_options_prefers_the_text() -> None:
    years = ["1945", "1953", "1955", "1956"]
    assert mark_choice(years, "1955", "1955").correct
    assert mark_choice(years, "1955", "c").correct
    assert mark_choice(years, "1955", "3").correct  # no option reads "3": the third option
    assert not mark_choice(years, "1955", "1956").correct
    assert not mark_choice(years, "1955", "1").correct


def test_choice_true_false() -> None:
    assert mark_choice(["True", "False"], "False", "false").correct
    assert mark_choice(["True", "False"], "False", "b").correct
    assert mark_choice(["True", "False"], "False", "F").correct
    assert not mark_choice(["True", "False"], "False", "t").correct


# ----------------------------------------------------------------------------------------------------------------
# Robustness: never raise, never hang, never accept junk

JUNK = ["", "   ", "🤔🤔🤔", "\x00\x01\u200b", "x" * 10_000, "yalta " * 2_000, "9" * 10_000, "1," * 5_000, "(" * 5_000]


@pytest.mark.parametrize("junk", JUNK, ids=lambda s: repr(s[:12]))
def test_junk_is_wrong_and_fast(junk: str) -> None:
    start = time.perf_counter()
    for expected in ("Yalta", "5.8 million", "two", junk):
        assert marked(expected, junk).correct is False
        assert mark_choice(OPTIONS, "Yalta", junk).correct is False
    assert time.perf_counter() - start < 1.0


def test_empty_expected_accepts_nothing() -> None:
    assert not mark("", "").correct
    assert not mark("  ", "yalta").correct
    assert not mark_choice([], "Yalta", "a").correct


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=250), st.text(max_size=40))
def test_never_raises(answer: str, expected: str) -> None:
    result = marked(expected, answer)
    assert isinstance(result.correct, bool) and isinstance(result.close, bool)
    assert not (result.correct and result.close)
    mark_choice([expected or "x", "Yalta"], "Yalta", answer)


def test_grading_does_not_rest_on_loose_fuzzy_scores() -> None:
    source = "".join(f.read_text(encoding="utf-8") for f in (ROOT / "bot" / "quiz" / "marking").glob("*.py"))
    for scorer in ("token_set_ratio", "partial_ratio", "WRatio"):
        assert scorer not in source
