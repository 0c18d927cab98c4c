"""The teacher's question file: it parses, problems name the file and line, and nothing in it can crash the bot."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.quiz.authored import is_question_file, load_authored, parse_questions
from bot.quiz.model import question_id

KNOWLEDGE = Path(__file__).resolve().parents[2] / "knowledge"

GOOD = """\
# a comment
Q: At which conference in February 1945 did the Big Three meet?
A: Yalta
Also: the Yalta Conference; Crimea
Wrong: Potsdam; Geneva; Tehran
Topic: The Yalta Conference
Explain: The allies met at Yalta in February 1945 to decide Europe's future.

q: Who became British prime minister during the Potsdam Conference?
answer: Clement Attlee
ALSO: Attlee
"""


def write(folder: Path, name: str, text: str | bytes) -> Path:
    path = folder / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def test_the_shipped_questions_load_without_errors():
    questions, errors = load_authored(KNOWLEDGE)
    shipped = [q for q in questions if q.source == "questions.txt"]
    assert errors == []
    assert 8 <= len(shipped) <= 12
    for q in shipped:
        assert q.prompt.endswith("?") and q.answer and q.topic and q.explanation
        assert q.id == question_id("q", "questions.txt", q.prompt)
        if q.kind == "choice":
            assert q.answer in q.options and len(set(q.options)) == len(q.options) >= 3
        else:
            assert q.kind == "typed" and q.options == ()
    assert {q.kind for q in shipped} == {"choice", "typed"}


def test_fields_are_read_in_any_case(tmp_path):
    write(tmp_path, "questions.txt", GOOD)
    (yalta, attlee), errors = load_authored(tmp_path)
    assert errors == []
    assert yalta.kind == "choice" and yalta.answer == "Yalta"
    assert yalta.alternatives == ("the Yalta Conference", "Crimea")
    assert sorted(yalta.options) == ["Geneva", "Potsdam", "Tehran", "Yalta"]
    assert yalta.topic == "The Yalta Conference" and yalta.explanation.startswith("The allies met")
    assert yalta.source == "questions.txt" and yalta.snippet_id == ""
    assert attlee.kind == "typed" and attlee.answer == "Clement Attlee" and attlee.alternatives == ("Attlee",)


def test_options_are_shuffled_the_same_way_every_time(tmp_path):
    write(tmp_path, "questions.txt", GOOD)
    first, _ = load_authored(tmp_path)
    second, _ = load_authored(tmp_path)
    assert [q.options for q in first] == [q.options for q in second]
    assert [q.id for q in first] == [q.id for q in second]


def test_a_missing_answer_names_the_file_and_line_and_the_rest_still_load(tmp_path):
    text = GOOD + "\n\nQ: Who met at Yalta?\nTopic: Yalta\n\nQ: Who met at Potsdam?\nA: Truman, Stalin and Attlee\n"
    write(tmp_path, "questions.txt", text)
    questions, errors = load_authored(tmp_path)
    line = text.splitlines().index("Q: Who met at Yalta?") + 1
    assert errors == [f"questions.txt:{line}: a question needs an answer (A: ...)"]
    assert [q.answer for q in questions] == ["Yalta", "Clement Attlee", "Truman, Stalin and Attlee"]


def test_an_answer_also_listed_as_wrong_is_reported_and_skipped(tmp_path):
    write(tmp_path, "extra.questions.txt", "Q: Where?\nA: Yalta\nWrong: Potsdam; yalta\n")
    questions, errors = load_authored(tmp_path)
    assert questions == []
    assert errors == ["extra.questions.txt:3: 'yalta' is listed as both right and wrong; fix one of them"]


def test_two_answers_in_one_block_are_reported(tmp_path):
    write(tmp_path, "questions.txt", "Q: Where?\nA: Yalta\nA: Potsdam\n")
    questions, errors = load_authored(tmp_path)
    assert questions == []
    assert len(errors) == 1 and errors[0].startswith("questions.txt:3: a second A:")


def test_unknown_fields_are_reported_with_their_line(tmp_path):
    write(tmp_path, "questions.txt", "Q: Where did they meet in 1945?\nA: Yalta\nHint: Crimea\n")
    questions, errors = load_authored(tmp_path)
    assert [q.answer for q in questions] == ["Yalta"]
    assert len(errors) == 1 and errors[0].startswith("questions.txt:3: unknown field 'Hint'")


def test_text_before_any_field_is_reported(tmp_path):
    write(tmp_path, "questions.txt", "Where did they meet?\nA: Yalta\n\n" + GOOD)
    questions, errors = load_authored(tmp_path)
    assert len(questions) == 2
    assert errors[0].startswith("questions.txt:1: expected a field")


def test_a_forgotten_blank_line_still_gives_two_questions(tmp_path):
    write(tmp_path, "questions.txt", "Q: First?\nA: one\nQ: Second?\nA: two\n")
    questions, errors = load_authored(tmp_path)
    assert errors == [] and [q.answer for q in questions] == ["one", "two"]


def test_long_fields_may_go_on_over_several_lines(tmp_path):
    write(
        tmp_path,
        "questions.txt",
        "Q:\n  Who told Stalin\n  about the bomb?\nA: Truman\nExplain: At Potsdam,\n on 24 July.",
    )
    (q,), errors = load_authored(tmp_path)
    assert errors == []
    assert q.prompt == "Who told Stalin about the bomb?" and q.explanation == "At Potsdam, on 24 July."


def test_the_same_question_twice_is_reported(tmp_path):
    write(tmp_path, "questions.txt", "Q: Where?\nA: Yalta\n")
    write(tmp_path, "more.questions.txt", "\n\nQ: where? \nA: Potsdam\n\nQ: Where else?\nA: Geneva")
    questions, errors = load_authored(tmp_path)
    assert [q.answer for q in questions] == ["Yalta", "Geneva"]  # questions.txt first, then the others by name
    assert errors == ["more.questions.txt:3: the same question is already at questions.txt:1; this copy is skipped"]


def test_broken_files_are_reported_never_raised(tmp_path):
    write(tmp_path, "questions.txt", b"")
    write(tmp_path, "a.questions.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    write(tmp_path, "c.questions.txt", "\n\n   \n# only a comment\n")
    write(tmp_path, "d.questions.txt", "Q: Which bomb?\nA: the atomic bomb\n")
    questions, errors = load_authored(tmp_path)
    assert [q.answer for q in questions] == ["the atomic bomb"]
    assert any(e.startswith("a.questions.txt: this looks like a binary file") for e in errors)
    assert len(errors) == 1  # empty files and comment-only files are not errors


@pytest.mark.parametrize("encoding", ["latin-1", "cp1252", "utf-16", "utf-8-sig"])
def test_question_files_saved_by_windows_editors_are_read(tmp_path, encoding):
    write(
        tmp_path, "questions.txt", "Q: Où les trois se sont-ils réunis en février 1945 ?\nA: Yalta\n".encode(encoding)
    )
    questions, errors = load_authored(tmp_path)
    assert errors == [] and [q.answer for q in questions] == ["Yalta"] and "réunis" in questions[0].prompt


def test_a_missing_folder_gives_no_questions(tmp_path):
    assert load_authored(tmp_path / "nowhere") == ([], [])


def test_question_files_are_recognised_by_name():
    assert is_question_file("questions.txt") and is_question_file("Yalta.Questions.txt")
    assert not is_question_file("cold-war-notes.txt") and not is_question_file("questions.md")


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("QAaqWwTtEe:;# \n\t\r\x00é\u2019xyz.-")), max_size=300))
def test_any_text_parses_without_raising(text):
    questions, errors = parse_questions(text, "questions.txt")
    for q, where in questions:
        assert q.prompt and q.answer and where.startswith("questions.txt:")
    assert all(e.startswith("questions.txt:") for e in errors)


def test_more_options_than_a_platform_can_show_and_answers_without_words_are_refused_at_load(tmp_path):
    wrong = "; ".join(f"City {n}" for n in range(8))  # the answer and 8 wrong ones: 9 options
    write(tmp_path, "questions.txt", f"Q: Where?\nA: Yalta\nWrong: {wrong}\n\nQ: What?\nA: ?\n\nQ: Who?\nA: Stalin\n")
    questions, errors = load_authored(tmp_path)
    assert [q.answer for q in questions] == ["Stalin"]
    assert errors == [
        "questions.txt:3: 9 options; a multiple-choice question has at most 8 (the answer and 7 wrong ones)",
        "questions.txt:6: the answer '?' has no letters or digits",
    ]
