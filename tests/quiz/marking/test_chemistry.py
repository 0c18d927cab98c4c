"""Chemistry marking on its own: names and formulas either way round, formulas as structure, equations, the notes'
compounds, what the rule leaves to other subjects, the generated table, and bad input."""

from __future__ import annotations

import runpy
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.quiz.marking import chemistry
from bot.quiz.marking.chemistry import compounds_in, judge, names_for
from bot.quiz.marking.verdict import CLOSE, RIGHT, WRONG

ROOT = Path(__file__).resolve().parents[3]


@pytest.mark.parametrize(
    ("expected", "given", "verdict"),
    [
        # a formula or symbol for a name, and the other way round
        ("ammonia", "NH3", RIGHT),
        ("NH3", "ammonia", RIGHT),
        ("oxygen", "O2", RIGHT),
        ("oxygen", "O", RIGHT),
        ("potassium", "K", RIGHT),
        ("sodium", "Na", RIGHT),
        ("iron", "Fe", RIGHT),
        ("Fe", "iron", RIGHT),
        ("mercury", "Hg", RIGHT),
        ("carbon dioxide", "CO2", RIGHT),
        ("Ca(OH)2", "calcium hydroxide", RIGHT),
        ("potassium manganate", "KMnO4", RIGHT),
        ("KMnO4", "potassium permanganate", RIGHT),
        ("potassium", "P", WRONG),
        ("calcium", "C", WRONG),
        ("carbon monoxide", "CO2", WRONG),
        ("carbon dioxide", "CO", WRONG),
        ("carbon dioxide", "carbon monoxide", WRONG),
        ("oxygen", "O3", WRONG),
        ("O2", "O", WRONG),
        ("nitrogen", "nitrogen dioxide", WRONG),
        # spellings and slips
        ("ammonia", "amonia", RIGHT),
        ("potassium", "potasium", RIGHT),
        ("sulfuric acid", "sulphuric acid", RIGHT),
        ("aluminium", "aluminum", RIGHT),
        ("caesium", "Cs", RIGHT),
        ("carbon dioxide", "carbon dioxde", RIGHT),
        ("carbon dioxide", "carbondioxide", RIGHT),
        ("chlorine", "chloride", WRONG),  # another ending is another substance
        ("sodium chloride", "sodium chlorine", WRONG),
        ("calcium", "cadmium", WRONG),  # a slip never lands on another element
        ("sodium", "iodine", WRONG),
        ("silicon", "silicone", WRONG),
        # case, subscripts, state symbols, words around
        ("H2O", "H₂O", RIGHT),
        ("H2O", "h2o", RIGHT),
        ("carbon dioxide", "co2", RIGHT),
        ("sodium chloride", "nacl", RIGHT),
        ("carbon monoxide", "co", RIGHT),  # lower case: the one the question is about
        ("cobalt", "co", RIGHT),
        ("CO", "Co", WRONG),  # written with capitals, case is meaning
        ("Co", "CO", WRONG),
        ("water", "it is water", RIGHT),
        ("carbon dioxide", "carbon dioxide gas", RIGHT),
        ("sodium chloride", "NaCl(aq)", RIGHT),
        ("ammonia", "ammonia (NH3)", RIGHT),
        ("ammonia", "<b>NH3</b>", RIGHT),
        # formulas as structure
        ("C6H12O6", "C6H12O6", RIGHT),
        ("H2O", "HO2", WRONG),
        ("H2O", "OH2", CLOSE),
        ("ethanol", "C2H6O", CLOSE),
        ("Ca(OH)2", "CaOH2", WRONG),
        ("CuSO4", "CuSO4·5H2O", WRONG),
    ],
)
def test_names_symbols_and_formulas(expected: str, given: str, verdict: str) -> None:
    result = judge(expected, given)
    assert result is not None and result.verdict == verdict, result


@pytest.mark.parametrize(
    ("expected", "given", "why"),
    [
        ("ammonia", "NH3", "NH3 is ammonia"),
        ("NH3", "ammonia", "NH3 is ammonia"),
        ("oxygen", "O2", "O2 is oxygen"),
        ("potassium", "P", "P is phosphorus, not potassium"),
        ("carbon monoxide", "CO2", "CO2 is carbon dioxide, not carbon monoxide"),
        ("NH3", "methane", "methane is CH4, not NH3"),
        ("O2", "O", "O2, not O"),
        ("H2O", "HO2", "HO2 is not H2O"),
        ("H2O", "OH2", "same atoms, written in another order: H2O"),
        ("chlorine", "chloride", "chloride is not chlorine"),
        ("ammonia", "amonia", "ammonia, spelt amonia"),
    ],
)
def test_reasons_a_teacher_can_check(expected: str, given: str, why: str) -> None:
    assert judge(expected, given).why == why


@pytest.mark.parametrize(
    ("expected", "given", "verdict", "why"),
    [
        ("2H2 + O2 → 2H2O", "2H2 + O2 -> 2H2O", RIGHT, "the right substances, balanced"),
        ("2H2 + O2 → 2H2O", "O2 + 2H2 -> 2H2O", RIGHT, None),  # terms in any order
        ("2H2 + O2 → 2H2O", "2 H₂ + O₂ ⟶ 2 H₂O", RIGHT, None),
        ("2H2 + O2 → 2H2O", "2H2 + O2 = 2H2O", RIGHT, None),
        ("2H2 + O2 → 2H2O", "2H2(g) + O2(g) --> 2H2O(l)", RIGHT, None),
        ("2H2 + O2 → 2H2O", "2H2O -> 2H2 + O2", WRONG, "reactants and products are swapped"),
        ("2H2 + O2 → 2H2O", "H2 + O2 -> H2O", CLOSE, "balance it: 2H2 + O2 → 2H2O"),
        ("2H2 + O2 → 2H2O", "2H2 + O2 -> H2O", WRONG, "not balanced: 2H2O, not H2O"),
        ("2H2 + O2 → 2H2O", "4H2 + 2O2 -> 4H2O", CLOSE, "balanced, but use the smallest numbers: 2H2 + O2 → 2H2O"),
        ("2H2 + O2 → 2H2O", "2H2 -> 2H2O", WRONG, "O2 is missing from the reactants"),
        ("CH4 + 2O2 → CO2 + 2H2O", "CH4 + 2O2 -> CO + 2H2O", WRONG, "CO, not CO2, in the products"),
        ("2H2 + O2 → 2H2O", "water", WRONG, "the equation is 2H2 + O2 → 2H2O"),
        ("Mg + 2HCl → MgCl2 + H2", "Mg + 2HCl -> MgCl2 + H2", RIGHT, None),
        ("Mg + 2HCl → MgCl2 + H2", "MgCl2 + H2 -> Mg + 2HCl", WRONG, "reactants and products are swapped"),
        ("N2 + 3H2 ⇌ 2NH3", "N2 + 3H2 -> 2NH3", RIGHT, None),
        ("N2 + 3H2 ⇌ 2NH3", "2NH3 ⇌ N2 + 3H2", CLOSE, "reactants and products are swapped"),  # reversible
        # word equations meet symbol equations through the names
        ("methane + oxygen → carbon dioxide + water", "CH4 + 2O2 -> CO2 + 2H2O", RIGHT, None),
        ("methane + oxygen → carbon dioxide + water", "CH4 + O2 -> CO2 + H2O", RIGHT, None),
        ("CH4 + 2O2 → CO2 + 2H2O", "methane + oxygen -> carbon dioxide + water", RIGHT, None),
        ("methane + oxygen → carbon dioxide + water", "carbon dioxide + water -> methane + oxygen", WRONG, None),
        ("glucose → ethanol + carbon dioxide", "glucose -> ethanol + CO2", RIGHT, None),
        (
            "glucose + oxygen → carbon dioxide + water (+ energy)",
            "glucose and oxygen -> water + carbon dioxide",
            RIGHT,
            None,
        ),
        ("glucose → lactic acid", "glucose -> lactic acid", RIGHT, None),  # a substance the table does not know
        ("glucose → lactic acid", "glucose -> ethanol", WRONG, None),
    ],
)
def test_equations(expected: str, given: str, verdict: str, why: str | None) -> None:
    result = judge(expected, given)
    assert result is not None and result.verdict == verdict, result
    if why is not None:
        assert result.why == why


@pytest.mark.parametrize(
    "expected",
    ["US", "UN", "NATO", "I", "USSR", "NHS", "K", "No", "NO", "Na", "WW2", "B12", "Yalta", "Churchill", "1955",
     "World War II", "photosynthesis", "mitochondria", "the heart", "Iran", "Aragon", "F = ma", "V = IR",
     "KE + PE = total energy", "", "   ", "12 ships"],
)  # fmt: skip
def test_other_subjects_are_left_alone(expected: str) -> None:
    assert judge(expected, expected) is None


@pytest.mark.parametrize(
    ("expected", "given"),
    [("US", "USA"), ("UN", "United Nations"), ("I", "me"), ("K", "kelvin"), ("No", "yes"), ("HS2", "High Speed 2"),
     ("COP26", "Glasgow"), ("Yalta", "Malta"), ("Mercury", "the planet Mercury"), ("nitrogen", "liquid nitrogen")],
)  # fmt: skip
def test_answers_it_leaves_to_the_word_marker(expected: str, given: str) -> None:
    assert judge(expected, given) is None


@pytest.mark.parametrize(
    ("expected", "given", "why"),
    [("K", "potassium", "K is potassium"), ("I", "iodine", "I is iodine"), ("NO", "nitrogen monoxide", None)],
)
def test_a_bare_symbol_is_chemistry_when_the_student_names_an_element(expected: str, given: str, why: str) -> None:
    result = judge(expected, given)
    assert result is not None and result.verdict == RIGHT
    assert why is None or result.why == why


def test_chemistry_given_for_another_subject_is_never_right() -> None:
    assert judge("Yalta", "NH3").verdict == WRONG
    assert judge("Yalta", "2H2 + O2 -> 2H2O").verdict == WRONG


@pytest.mark.parametrize(
    ("notes", "found"),
    [
        ("Calcium chloride (CaCl2) dries gases.", {"CaCl2": "calcium chloride"}),
        ("Plants absorb carbon dioxide (CO₂) by day.", {"CO2": "carbon dioxide"}),
        ("NH3 (ammonia) is a gas.", {"NH3": "ammonia"}),
        ("Table salt is sodium chloride, NaCl, an ionic solid.", {"NaCl": "sodium chloride"}),
        ("Iron(III) oxide (Fe2O3) is rust.", {"Fe2O3": "iron(iii) oxide"}),
        ("Limewater is calcium hydroxide (Ca(OH)2) solution.", {"Ca(OH)2": "calcium hydroxide"}),
        ("Glucose (C6H12O6) is a sugar.", {"C6H12O6": "glucose"}),
        ("Sulfur hexafluoride (SF6) is a dense gas.", {"SF6": "sulfur hexafluoride"}),
        ("The United Nations (UN) met in 1945.", {}),
        ("the National Health Service (NHS) and Route 66 (US)", {}),
        ("The products are water, CO2, and heat.", {}),  # a list, not a pair
        ("Salt is ionic (NaCl).", {}),
        ("Polyvinyl chloride (PVC) is a plastic.", {}),  # "chloride" does not name P, V and C
        ("Potassium (K) is soft.", {}),  # one element, no digit: the table has it anyway
        ("NH3 (a toxic gas)", {}),
        ("", {}),
    ],
)
def test_compounds_in_the_notes(notes: str, found: dict[str, str]) -> None:
    assert compounds_in(notes) == found


def test_the_notes_compounds_are_marked_too() -> None:
    notes = "Lithium fluoride (LiF) is used in optics."
    compounds = compounds_in(notes)
    assert judge("lithium fluoride", "LiF", compounds=compounds).verdict == RIGHT
    assert judge("LiF", "lithium fluride", compounds=compounds).verdict == RIGHT
    without = judge("lithium fluoride", "LiF")
    assert without is None or not without.correct
    # Bad entries are ignored, not raised on.
    assert judge("ammonia", "NH3", compounds={"Xx2": "bad", 3: "x", "NaCl": 4}).verdict == RIGHT  # type: ignore[dict-item]


def test_formulas_become_names_for_definitions() -> None:
    assert names_for("plants use CO2 and H2O") == "plants use carbon dioxide and water"
    assert names_for("CaCl2 and NaCl", {"CaCl2": "calcium chloride"}) == "calcium chloride and NaCl"
    assert names_for("the US and the UN") == "the US and the UN"


def test_atoms() -> None:
    assert chemistry.atoms("Ca(OH)2") == (("Ca", 1), ("H", 2), ("O", 2))
    assert chemistry.atoms("(NH4)2SO4") == (("H", 8), ("N", 2), ("O", 4), ("S", 1))
    assert chemistry.atoms("CuSO4·5H2O") == (("Cu", 1), ("H", 10), ("O", 9), ("S", 1))
    for not_a_formula in ("Xy2", "H0", "Ca(OH", "H2O)", "h2o", "2H2O", "", "Yalta", "(" * 30):
        assert chemistry.atoms(not_a_formula) is None


@pytest.mark.parametrize(
    ("expected", "given"),
    [
        ("ammonia", "N" * 10_000),
        ("2H2 + O2 → 2H2O", "+" * 199),
        ("2H2 + O2 → 2H2O", "->" * 99),
        ("2H2 + O2 → 2H2O", "2H2 + " * 33),
        ("H2O", "(" * 199),
        ("H2O", "H" + "2" * 198),
        ("H2O", "((((((((((H))))))))))"),
        ("H2O", "😀🧪"),
        ("H2O", "<script>alert(1)</script>"),
        ("H2O", "\x00\x1b[31m"),
        ("H2O", "H\u0302\u0302\u0302\u0302\u03022O"),
        ("H2O", ""),
        ("0H2 + O2 → 2H2O", "x"),
        ("Na+ + Cl- → NaCl", "Na+ + Cl- -> NaCl"),
        ("N" * 300, "N"),
        ("a" * 199 + "(", "a"),
    ],
)
def test_bad_input_is_marked_quickly_without_raising(expected: str, given: str) -> None:
    start = time.perf_counter()
    result = judge(expected, given)
    assert time.perf_counter() - start < 0.05
    assert result is None or result.verdict in (WRONG, CLOSE)


def test_bad_types_and_long_answers() -> None:
    assert judge(None, "H2O") is None  # type: ignore[arg-type]
    assert judge("H2O", None) is None  # type: ignore[arg-type]
    assert judge("ammonia", "ammonia " * 40) == judge("ammonia", "x" * 201)
    assert judge("ammonia", "x" * 201).verdict == WRONG
    assert judge("Yalta", "x" * 201) is None
    assert compounds_in(None) == {}  # type: ignore[arg-type]
    assert names_for(None) == ""  # type: ignore[arg-type]


def test_long_notes_are_read_in_linear_time() -> None:
    start = time.perf_counter()
    for notes in ("(" * 50_000, "a" * 100_000 + "(CO2)", "x, " * 30_000, "Na" * 50_000 + " (NaCl)", "(a" * 30_000):
        compounds_in(notes)
        names_for(notes)
    assert time.perf_counter() - start < 2


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60), st.text(max_size=60))
def test_any_text_is_judged_without_raising(expected: str, answer: str) -> None:
    for result in (judge(expected, answer), judge("2H2 + O2 → 2H2O", answer), judge("ammonia", answer)):
        assert result is None or result.verdict in (RIGHT, CLOSE, WRONG)
    compounds_in(expected + " (" + answer + ")")
    names_for(answer)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="HCONaClKS()234 +->→=⇌·", max_size=40))
def test_formula_like_text_is_judged_without_raising(answer: str) -> None:
    for expected in ("H2O", "Ca(OH)2", "CH4 + 2O2 → CO2 + 2H2O", answer):
        result = judge(expected, answer)
        assert result is None or result.verdict in (RIGHT, CLOSE, WRONG)


def test_ordinary_answers_are_cheap_and_the_table_is_read_once() -> None:
    judge("Yalta", "Yalta")
    reads = chemistry._rows.cache_info().misses
    start = time.perf_counter()
    for _ in range(1000):
        for answer in ("Yalta", "Churchill", "1955", "photosynthesis", "mitochondria", "the heart"):
            assert judge(answer, answer) is None
        assert judge("ammonia", "NH3").correct
    assert (time.perf_counter() - start) / 7000 < 0.0002  # well under a millisecond each, warm
    assert chemistry._rows.cache_info().misses == reads <= 1


def test_periodictable_is_not_needed_at_run_time() -> None:
    code = (
        "import sys; from bot.quiz.marking import chemistry as c; "
        "assert c.judge('ammonia', 'NH3').correct; assert c.compounds_in('water (H2O)') == {'H2O': 'water'}; "
        "print('periodictable' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_the_table_is_what_the_script_generates(tmp_path: Path) -> None:
    pytest.importorskip("periodictable")
    script = runpy.run_path(str(ROOT / "scripts" / "gen_elements.py"))
    out = tmp_path / "elements.txt"
    script["main"].__globals__["OUT"] = out
    script["main"]()
    assert out.read_text(encoding="utf-8") == chemistry.TABLE.read_text(encoding="utf-8")


def test_the_table() -> None:
    rows = chemistry._rows()
    elements = [r for r in rows if r[2]]
    assert len(elements) == 118 and elements[0][:2] == ("H", ("hydrogen",)) and elements[-1][0] == "Og"
    names = {symbol: names for symbol, names, _ in elements}
    assert names["Al"] == ("aluminium", "aluminum")
    assert names["S"] == ("sulfur", "sulphur")
    assert names["Cs"] == ("caesium", "cesium")
    compounds = {formula: names for formula, names, element in rows if not element}
    assert 40 <= len(compounds) <= 80
    assert compounds["H2O"] == ("water",) and "potassium permanganate" in compounds["KMnO4"]
    assert all(chemistry.atoms(formula) for formula in compounds)
