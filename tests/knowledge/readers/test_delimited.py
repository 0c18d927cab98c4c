"""Spreadsheet exports and tab-separated text: flashcard sets, Notion databases, tables of terms."""

import pytest

from bot.knowledge.readers import READERS, NoteError
from bot.knowledge.segment import segment


def facts(data: bytes, name: str) -> list[str]:
    return [s.text for s in segment(READERS[name[name.rindex(".") :]](data, name))]


def test_a_flashcard_export_in_a_text_file_is_a_glossary():
    """Quizlet's export: "term<TAB>definition" a line. Read as prose it was one run-on paragraph under the first
    card taken for a title."""
    data = (
        b"osmosis\tthe movement of water across a partially permeable membrane\n"
        b"diffusion\tthe net movement of particles from a high to a low concentration\n"
        b"mitosis\tcell division that makes two identical diploid cells\n"
    )
    assert facts(data, "cells.txt") == [
        "osmosis: the movement of water across a partially permeable membrane",
        "diffusion: the net movement of particles from a high to a low concentration",
        "mitosis: cell division that makes two identical diploid cells",
    ]


def test_prose_with_a_tab_here_and_there_is_still_prose():
    data = b"Cells\nThe nucleus\tholds the genetic material.\nRibosomes make proteins. They are tiny.\n"
    assert "Ribosomes make proteins." in " ".join(facts(data, "cells.txt"))
    assert not any(f.startswith("The nucleus:") for f in facts(data, "cells.txt"))


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (  # a header, a quoted cell with a comma in it, Windows line ends
            b'Term,Definition\r\nosmosis,"water moving across a membrane, from dilute to concentrated"\r\n'
            b"diffusion,net movement of particles\r\n",
            [
                "osmosis: water moving across a membrane, from dilute to concentrated",
                "diffusion: net movement of particles",
            ],
        ),
        (  # a Notion database exported with semicolons: one fact a row, with its headers
            b"Name;Date;Summary\nYalta Conference;February 1945;Germany to be divided into four zones\n"
            b"Potsdam Conference;July 1945;Truman told Stalin about the bomb\n",
            [
                "Yalta Conference - Date: February 1945; Summary: Germany to be divided into four zones",
                "Potsdam Conference - Date: July 1945; Summary: Truman told Stalin about the bomb",
            ],
        ),
        (b"Mitochondria are the site of respiration.\nRibosomes make proteins.\n", None),  # one column: sentences
    ],
    ids=["header-and-quotes", "semicolons", "one-column"],
)
def test_a_csv_file_is_one_table(data, expected):
    got = facts(data, "notes.csv")
    if expected is None:
        assert got == ["Mitochondria are the site of respiration.", "Ribosomes make proteins."]
    else:
        assert got == expected


@pytest.mark.parametrize(
    ("data", "reason"),
    [(b"\n , \n,,\n", "empty"), (b'a,"' + b"x" * 200_000 + b'"\n', "could not be read as a table")],
    ids=["empty", "giant-field"],
)
def test_a_csv_file_that_cannot_be_used_says_why(data, reason):
    with pytest.raises(NoteError, match=reason):
        READERS[".csv"](data, "x.csv")


def test_a_tsv_file_reads_like_a_csv():
    assert facts(b"term\tmeaning\nlevee\ta raised river bank\n", "rivers.tsv") == ["levee: a raised river bank"]


def test_a_flashcard_set_makes_quiz_questions():
    """Rows of a headerless two-column table are definitions, so the quiz asks "which term means …"."""
    from bot.quiz.structured import structured_questions

    data = (
        b"Osmosis\tthe movement of water across a partially permeable membrane\n"
        b"Diffusion\tthe net movement of particles from a high to a low concentration\n"
        b"Active transport\tthe movement of substances against a concentration gradient\n"
        b"Mitosis\tcell division that makes two identical diploid cells\n"
    )
    questions = structured_questions(segment(READERS[".txt"](data, "cells.txt")))
    assert any(q.answer == "Osmosis" and "which term means" in q.prompt.lower() for q in questions)
