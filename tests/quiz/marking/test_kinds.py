"""Dates, quantities and chemistry on their own: what each rule claims, its verdicts, and bad input."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.quiz.marking import chemistry, dates, quantities
from bot.quiz.marking.verdict import CLOSE, RIGHT, WRONG

NOT_MINE = ["Yalta", "1955", "5.8 million", "World War II", "photosynthesis", "the heart", "12 ships", "Churchill"]


@pytest.mark.parametrize("rule", [dates.judge, quantities.judge, chemistry.judge])
@pytest.mark.parametrize("expected", NOT_MINE)
def test_rules_leave_other_answers_to_the_general_marker(rule, expected: str) -> None:
    assert rule(expected, expected) is None


@pytest.mark.parametrize(
    ("expected", "given", "verdict"),
    [
        ("4 August 1914", "04/08/1914", RIGHT),
        ("4 August 1914", "4.8.1914", RIGHT),
        ("4 August 1914", "1914-08-04", RIGHT),
        ("4 August 1914", "Aug 4, 1914", RIGHT),
        ("4 August 1914", "4/8/14", RIGHT),
        ("4 August 1914", "4 Agust 1914", RIGHT),
        ("4 August 1914", "4 August", CLOSE),
        ("4 August 1914", "1914", CLOSE),
        ("4 August 1914", "4 September 1914", WRONG),
        ("4 August 1914", "4 August 1915", WRONG),
        ("4 August 1914", "8/4/1914", WRONG),  # 8 April, day first
        ("28 June 1914", "6/28/1914", RIGHT),  # only one reading is a date
        ("June 1914", "28 June 1914", RIGHT),  # more than asked, and consistent
        ("June 1914", "July 1914", WRONG),
        ("1 March 1917", "1 May 1917", WRONG),  # "Mar" and "May" stay two months
    ],
)
def test_dates(expected: str, given: str, verdict: str) -> None:
    assert dates.judge(expected, given).verdict == verdict


def test_dates_follow_the_class_convention() -> None:
    assert dates.judge("4 August 1914", "8/4/1914", dayfirst=False).verdict == RIGHT
    assert dates.judge("4 August 1914", "4/8/1914", dayfirst=False).verdict == WRONG


def test_a_wrong_month_is_named() -> None:
    assert dates.judge("4 August 1914", "4 September 1914").why == "wrong month: September, not August"


@pytest.mark.parametrize(
    ("expected", "given", "verdict"),
    [
        ("2 kg", "2000 g", RIGHT),
        ("2 kg", "two kilograms", RIGHT),
        ("2 kg", "2 g", WRONG),
        ("2 kg", "2.4 kg", WRONG),  # rounds to 2, but a fifth off
        ("2 kg", "2", CLOSE),
        ("9.8 m/s²", "9.81 m/s²", RIGHT),
        ("9.8 m/s²", "9.8 ms^-2", RIGHT),
        ("3 m/s", "3 ms^-1", RIGHT),  # metres per second, not milliseconds
        ("3 m/s", "3 m s⁻¹", RIGHT),
        ("3 m/s", "3 m", WRONG),
        ("25 °C", "25 C", RIGHT),  # a temperature is expected: C is Celsius
        ("5 C", "5 coulombs", RIGHT),
        ("0 °C", "273 K", RIGHT),
        ("2 A", "2 amps", RIGHT),
        ("0.5 A", "500 mA", RIGHT),
        ("20 cm³", "20 ml", RIGHT),
        ("3.0 × 10^8 m/s", "3e8 m/s", RIGHT),
        ("2.5 km", "2,5 km", RIGHT),
        ("5 m", "5 million", WRONG),
        ("0.75", "3/4", RIGHT),
        ("0.75", "75 per cent", RIGHT),
        ("20%", "one fifth", RIGHT),
        ("2/3", "two thirds", RIGHT),
        ("1/3", "0.33", RIGHT),
        ("1:2", "2:4", RIGHT),
        ("1:2", "2:1", WRONG),
    ],
)
def test_quantities(expected: str, given: str, verdict: str) -> None:
    assert quantities.judge(expected, given).verdict == verdict


def test_a_quantity_says_what_it_compared() -> None:
    assert quantities.judge("2.5 km", "2500 metres").why == "2500 metres = 2.5 km"
    assert quantities.judge("3 m/s", "3").why == "give the unit: 3 m/s"


@pytest.mark.parametrize("expected", ["11 months", "3 years", "1955", "12 ships", "£20 million"])
def test_counts_and_calendar_spans_are_not_quantities(expected: str) -> None:
    assert quantities.judge(expected, "11") is None


@pytest.mark.parametrize(
    ("expected", "given", "verdict"),
    [
        ("ammonia", "NH3", RIGHT),
        ("NH3", "ammonia", RIGHT),
        ("potassium", "K", RIGHT),
        ("potassium", "P", WRONG),
        ("potassium", "potasium", RIGHT),
        ("chlorine", "chloride", WRONG),
        ("carbon monoxide", "co", RIGHT),  # lower case: the one the question is about
        ("H2O", "H₂O", RIGHT),
        ("H2O", "HO2", WRONG),
        ("H2O", "OH2", CLOSE),
        ("Ca(OH)2", "calcium hydroxide", RIGHT),
        ("2H2 + O2 → 2H2O", "O2 + 2H2 -> 2H2O", RIGHT),
        ("2H2 + O2 → 2H2O", "2H2O -> 2H2 + O2", WRONG),
        ("2H2 + O2 → 2H2O", "H2 + O2 -> H2O", CLOSE),
        ("2H2 + O2 → 2H2O", "2H2 + O2 -> H2O", WRONG),
        ("methane + oxygen → carbon dioxide + water", "CH4 + 2O2 -> CO2 + 2H2O", RIGHT),
    ],
)
def test_chemistry(expected: str, given: str, verdict: str) -> None:
    assert chemistry.judge(expected, given).verdict == verdict


@pytest.mark.parametrize("expected", ["US", "UN", "NATO", "USSR", "NHS"])
def test_capitals_that_are_not_formulas(expected: str) -> None:
    assert chemistry.judge(expected, "anything") is None


def test_the_notes_compounds() -> None:
    notes = "Calcium chloride (CaCl2) dries gases. Plants absorb carbon dioxide (CO2). NH3 (ammonia) is a gas."
    found = chemistry.compounds_in(notes + " The United Nations (UN) met. Iron(III) oxide (Fe2O3) is rust.")
    assert found == {"CaCl2": "calcium chloride", "CO2": "carbon dioxide", "NH3": "ammonia", "Fe2O3": "iron(iii) oxide"}
    assert chemistry.judge("lithium fluoride", "LiF") is None or not chemistry.judge("lithium fluoride", "LiF").correct
    assert chemistry.judge("lithium fluoride", "LiF", compounds={"LiF": "lithium fluoride"}).verdict == RIGHT


def test_formulas_become_names_for_definitions() -> None:
    assert chemistry.names_for("plants use CO2 and H2O") == "plants use carbon dioxide and water"


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_no_input_breaks_a_rule(text: str) -> None:
    for rule, expected in ((dates.judge, "4 August 1914"), (quantities.judge, "2 kg"), (chemistry.judge, "NH3")):
        verdict = rule(expected, text)
        assert verdict is None or verdict.verdict in (RIGHT, CLOSE, WRONG)
        rule(text, "2 kg")


@pytest.mark.parametrize(
    "hostile", ["1e999999 kg", "10^999999 kg", "2 " + "kg " * 500, "(" * 500, "😀" * 100, "<b>2 kg</b>", "9" * 5000]
)
def test_hostile_answers_are_refused(hostile: str) -> None:
    for rule, expected in ((dates.judge, "4 August 1914"), (quantities.judge, "2 kg"), (chemistry.judge, "NH3")):
        verdict = rule(expected, hostile)
        assert verdict is not None and verdict.verdict != RIGHT
