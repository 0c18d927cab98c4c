"""The word-sense, list, formula and definition rules on their own."""

from __future__ import annotations

import pytest

from bot.quiz.marking import definitions, formula, lists
from bot.quiz.marking.verdict import CLOSE, RIGHT, WRONG
from bot.quiz.marking.wordsense import directions, negation_of, other_word, same_word, subject_term


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("fungi", "fungus"),
        ("bacteria", "bacterium"),
        ("criteria", "criterion"),
        ("algae", "alga"),
        ("appendices", "appendix"),
        ("enzymes", "enzyme"),
        ("colour", "color"),
        ("sulphur", "sulfur"),
        ("rises", "rise"),
    ],
)
def test_one_word_in_two_forms(a: str, b: str) -> None:
    assert same_word(a, b) and same_word(b, a)
    assert not other_word(a, b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("inhale", "exhale"),
        ("import", "export"),
        ("maximum", "minimum"),
        ("increase", "decrease"),
        ("endothermic", "exothermic"),
        ("osmosis", "mitosis"),
        ("soluble", "insoluble"),
        ("reliable", "unreliable"),
        ("sulfate", "sulfite"),
        ("chlorine", "chloride"),
    ],
)
def test_a_near_spelling_that_is_another_word(a: str, b: str) -> None:
    assert other_word(a, b) and not same_word(a, b)


@pytest.mark.parametrize(("a", "b"), [("chlorophyll", "chlorophyl"), ("photosynthesis", "photosynthesys")])
def test_a_slip_is_not_another_word(a: str, b: str) -> None:
    assert not other_word(a, b)


def test_negating_prefixes() -> None:
    assert negation_of("renewable", "nonrenewable") and negation_of("elastic", "inelastic")
    assert not negation_of("in", "inn") and not negation_of("form", "reform")


def test_subject_terms_and_everyday_words() -> None:
    assert subject_term("digestion") and subject_term("igneous")
    assert not subject_term("war") and not subject_term("people") and not subject_term("xyzzy")


def test_changes_of_amount_are_one_word() -> None:
    assert directions("it gets bigger".split()) == ["it", "increase"]
    assert directions("prices went down".split()) == ["prices", "decrease"]
    assert directions("rose".split()) == ["increase"]
    assert directions("the cell".split()) == ["the", "cell"]


def _same(item: str, piece: str) -> bool:
    from bot.quiz.marking.core import mark_words

    return mark_words(item, piece).correct


@pytest.mark.parametrize(
    ("expected", "given", "verdict"),
    [
        ("nucleus, cytoplasm, cell membrane", "cell membrane; cytoplasm & nucleus", RIGHT),
        ("nucleus, cytoplasm, cell membrane", "nucleus cytoplasm cell membrane", RIGHT),
        ("nucleus, cytoplasm, cell membrane", "nucleus and cytoplasm", CLOSE),
        ("nucleus, cytoplasm, cell membrane", "nucleus, cytoplasm, cell membrane, cell wall", WRONG),
        ("nucleus, cytoplasm, cell membrane", "ribosome", WRONG),
        ("land, labour, capital and enterprise", "land labour capital enterprise", RIGHT),
        ("land, labour, capital and enterprise", "land labour capital", CLOSE),
    ],
)
def test_lists(expected: str, given: str, verdict: str) -> None:
    assert lists.judge(expected, given, _same).verdict == verdict


@pytest.mark.parametrize("expected", ["Yalta", "the Treaty of Versailles", "5.8 million", "a long sentence of words"])
def test_not_lists(expected: str) -> None:
    assert lists.judge(expected, "anything", _same) is None


@pytest.mark.parametrize(
    ("expected", "given", "verdict"),
    [
        ("d = st", "distance = speed × time", RIGHT),
        ("d = st", "s = d/t", RIGHT),  # the same equation rearranged
        ("d = st", "d = s/t", WRONG),
        ("P = IV", "P = I × V", RIGHT),
        ("density = mass ÷ volume", "density = volume ÷ mass", WRONG),
        ("F = ma", "F = m/a", WRONG),
        ("F = ma", "mass times acceleration", WRONG),  # not written as a formula
        ("GPE = mgh", "GPE = m × g × h", RIGHT),
    ],
)
def test_formulas(expected: str, given: str, verdict: str) -> None:
    assert formula.judge(expected, given).verdict == verdict


@pytest.mark.parametrize("expected", ["Yalta", "1955", "2H2 + O2 -> 2H2O", "inhale"])
def test_not_formulas(expected: str) -> None:
    assert formula.judge(expected, "x = y") is None


CATALYST = "a substance that speeds up a chemical reaction without being used up"


@pytest.mark.parametrize(
    ("given", "verdict"),
    [
        ("speeds up a chemical reaction and is not used up", RIGHT),
        ("something that speeds up reactions", CLOSE),  # half right: "not used up" is missing
        ("something used up in a reaction", WRONG),  # the negation is missing
        ("a kind of rock", WRONG),
    ],
)
def test_definitions(given: str, verdict: str) -> None:
    assert definitions.judge(CATALYST, given).verdict == verdict


def test_a_close_definition_names_what_is_missing() -> None:
    assert "used" in definitions.judge(CATALYST, "something that speeds up reactions").why


@pytest.mark.parametrize("expected", ["photosynthesis", "Mutually Assured Destruction", "the River Somme"])
def test_names_and_terms_are_not_definitions(expected: str) -> None:
    assert definitions.judge(expected, "anything at all") is None


def test_the_notes_say_what_symbols_stand_for() -> None:
    notes = "Ohm's law: V = IR, where V is the potential difference, I is current and R is resistance. P = IV."
    symbols = formula.symbols_in(notes)
    assert symbols == {"V": "potential difference", "I": "current", "R": "resistance"}
    assert formula.judge("P = IV", "power = current × voltage", symbols).verdict == RIGHT
    assert formula.judge("P = IV", "power = current × voltage").verdict == WRONG  # "I" is not an initial
    assert formula.symbols_in("A is the answer. The speed = distance / time.") == {}


@pytest.mark.parametrize(
    ("prompt", "count"),
    [
        ("Name two of the three states of matter.", 2),
        ("Give 3 reasons for the war.", 3),
        ("State any two features of a plant cell", 2),
        ("What are the three states of matter?", None),
    ],
)
def test_how_many_items_a_question_asks_for(prompt: str, count: int | None) -> None:
    assert lists.asked_count(prompt) == count


def test_some_items_will_do_when_the_question_asks_for_some() -> None:
    assert lists.judge("solid, liquid, gas", "liquid and gas", _same).verdict == CLOSE
    assert lists.judge("solid, liquid, gas", "liquid and gas", _same, asked=2).verdict == RIGHT
    assert lists.judge("solid, liquid, gas", "liquid and plasma", _same, asked=2).verdict == WRONG


def test_a_term_the_notes_use_is_not_a_slip_for_another() -> None:
    from bot.quiz.marking import Context, judge

    assert judge("glorbulin", "glorbulan").correct  # a slip, as far as anyone knows
    assert not judge("glorbulin", "glorbulan", context=Context(terms=frozenset({"glorbulin", "glorbulan"}))).correct


def test_the_notes_terms_are_the_words_they_use_more_than_once(tmp_path) -> None:
    from bot.app import marking_context
    from bot.config import Settings
    from bot.knowledge.base import Knowledge

    (tmp_path / "cells.md").write_text(
        "# Cells\n\nMitosis makes two cells.\n\nMeiosis makes four cells; meiosis halves the chromosomes.\n\n"
        "Osmosis moves water.\n",
        encoding="utf-8",
    )
    terms = marking_context(Knowledge.load(tmp_path), Settings()).terms
    assert {"meiosis", "cells", "makes"} <= terms
    assert "osmosis" not in terms and "mitosis" not in terms  # once only: may be the notes' own slip
