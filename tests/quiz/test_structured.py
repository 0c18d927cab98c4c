"""Quiz questions from the structure of notes: definitions, table rows, lists, Q&A pairs and quotations."""

import logging
from pathlib import Path

import pytest

from bot.knowledge.base import Knowledge
from bot.knowledge.ingest import snippets_from_text
from bot.quiz.bank import build_bank
from bot.quiz.structured import structured_questions

NOTE = """# Cell biology

## Levels of organisation

- **Tissue:** a group of similar cells working together to carry out a particular function
- **Organ:** a group of different tissues that work together to perform a certain function
- **Organ system:** a group of organs working together to perform a particular function
- **Organism:** any living thing made of one or more cells
- **Answer:** see the bottom of the page

## Radiation

| Radiation | Stopped by | Charge |
|---|---|---|
| Alpha | Paper | Positive |
| Beta | Aluminium | Negative |
| Gamma | Lead | None |
| Neutron | Water | None |

## Photosynthesis

Limiting factors of photosynthesis:
- light intensity
- carbon dioxide concentration
- temperature

Products of respiration:
- carbon dioxide
- water
- energy

## Practice

### What gas do plants take in for photosynthesis?

Carbon dioxide

## Macbeth

Lady Macbeth says "Look like the innocent flower, but be the serpent under it" to her husband.
"""


@pytest.fixture(scope="module")
def questions():
    return structured_questions(snippets_from_text(NOTE, "cells.md"), seed=0)


def by(questions, words: str):  # noqa: ANN001, ANN201
    return [q for q in questions if words in q.prompt]


def test_a_definition_asks_for_its_term_and_its_meaning_with_the_other_terms_as_options(questions):
    which = by(questions, "Which term means “a group of similar cells")
    assert len(which) == 1 and which[0].answer == "Tissue"
    assert set(which[0].options) <= {"Tissue", "Organ", "Organ system", "Organism"} and len(which[0].options) == 4
    assert which[0].prompt.startswith("Levels of organisation: ")  # it names its context
    # and its meaning: multiple choice, or true or false (its own definition, or another of the section)
    meanings = [q for q in questions if "What does “" in q.prompt]
    statements = [q for q in questions if q.kind == "truefalse"]
    assert meanings and statements
    for q in meanings:
        term = q.prompt.split("“")[1].split("”")[0]
        assert q.answer in q.options and q.explanation.startswith(f"{term}: {q.answer}")
    for q in statements:
        stated = q.prompt.split("True or false? ", 1)[1]
        assert (q.answer == "True") == (stated == q.explanation), (stated, q.explanation)
    assert not by(questions, "see the bottom of the page") and not by(questions, "“Answer”")  # a remark, no term


def test_a_table_row_asks_for_a_cell_and_for_its_row(questions):
    cells = [q for q in questions if " — " in q.prompt]
    assert cells, [q.prompt for q in questions]
    for q in cells:
        assert q.answer in q.options and len(q.options) >= 3
        assert q.prompt.startswith("Radiation: Radiation: ")  # section, then the label column
    rows = by(questions, "Which radiation has")
    assert rows
    for q in rows:
        assert q.answer in {"Alpha", "Beta", "Gamma", "Neutron"} and q.answer in q.options
        assert "None" not in q.prompt  # a value two rows share would have two right answers


def test_a_list_asks_which_item_is_or_is_not_on_it_with_items_of_the_other_list(questions):
    listed = [q for q in questions if "listed under" in q.prompt]
    assert listed
    factors = {"light intensity", "carbon dioxide concentration", "temperature"}
    products = {"carbon dioxide", "water", "energy"}
    for q in listed:
        inside, outside = (factors, products) if "Limiting factors" in q.prompt else (products, factors)
        if " not " in q.prompt:
            assert q.answer in outside and set(q.options) - {q.answer} <= inside
        else:
            assert q.answer in inside and set(q.options) - {q.answer} <= outside


def test_a_question_and_answer_pair_is_asked_as_it_stands(questions):
    qa = by(questions, "What gas do plants take in for photosynthesis?")
    assert len(qa) == 1 and qa[0].kind == "typed" and qa[0].answer == "Carbon dioxide"


def test_a_quotation_is_completed_from_memory(questions):
    quote = by(questions, "Complete the quotation")
    assert len(quote) == 1 and quote[0].kind == "typed"
    assert quote[0].answer in "Look like the innocent flower, but be the serpent under it"
    assert "_____" in quote[0].prompt and quote[0].answer not in quote[0].prompt


def test_two_terms_with_one_definition_give_no_question():
    note = "# Alcohols\n\n" + "".join(
        f"- **{t}:** {d}\n"
        for t, d in [
            ("Methanol", "chemical feedstock and industrial ethanol"),
            ("Propanol", "fuel to burn, solvent"),
            ("Butanol", "fuel to burn, solvent"),
            ("Ethanol", "alcoholic drinks, fuel to burn and a solvent"),
            ("Pentanol", "a solvent in paints and lacquers"),
        ]
    )
    qs = structured_questions(snippets_from_text(note, "alcohols.md"))
    assert not [q for q in qs if "fuel to burn, solvent”?" in q.prompt or q.answer in ("Propanol", "Butanol")]


def test_the_same_seed_gives_the_same_questions():
    sn = snippets_from_text(NOTE, "cells.md")
    assert structured_questions(sn, seed=3) == structured_questions(sn, seed=3)


CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus"


@pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus is not beside the checkout")
def test_every_subject_gets_at_least_15_questions_per_1000_words_of_at_least_3_kinds():
    logging.disable(logging.WARNING)
    try:
        for subject in sorted(p for p in CORPUS.iterdir() if p.is_dir()):
            knowledge = Knowledge.load(subject)
            nwords = sum(len(s.text.split()) for s in knowledge.snippets)
            bank = build_bank(knowledge.snippets, knowledge.aliases, subject)
            kinds = {q.kind for q in bank.questions}
            assert len(bank.questions) >= 15 * nwords / 1000, (subject.name, len(bank.questions), nwords)
            assert len(kinds) >= 3, (subject.name, kinds)
    finally:
        logging.disable(logging.NOTSET)


def test_a_formula_is_completed_and_no_other_formula_for_the_same_quantity_is_a_wrong_option():
    formulas = ["P = VI", "P = I^2 R", "R = V/I", "Q = It", "W = VIt", "E = mc^2"]
    note = "# Electricity\n\n## Power\n\n" + "".join(f"$${f}$$\n\n" for f in formulas)
    qs = [q for q in structured_questions(snippets_from_text(note, "electricity.md")) if "formula" in q.prompt]
    assert qs, "no formula question"
    for q in qs:
        assert q.prompt.startswith("Power: Complete the formula: ") and q.answer in q.options
        if "P = ?" in q.prompt:
            assert not {"VI", "I^2 R", "I^2R"} & (set(q.options) - {q.answer})  # both are right for P
