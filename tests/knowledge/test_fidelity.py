"""The same notes as Markdown, Word, OpenDocument, web page, slides, PDF and RTF answer the same questions.

Fixtures: tests/data/fidelity (our own notes; scripts/make_fidelity_fixtures.sh made the other formats
with pandoc and LibreOffice). Marked as the development scorer marks: a gold phrase, normalised, in the
text or the topic of the first answer; an out-of-scope question must be refused."""

import json
import re
import shutil
from pathlib import Path

import pytest

from bot.knowledge.base import Knowledge

FIXTURES = Path(__file__).parent.parent / "data" / "fidelity"
QUESTIONS = [json.loads(line) for line in (FIXTURES / "questions.jsonl").read_text().splitlines() if line.strip()]
FORMATS = ["docx", "odt", "html", "pptx", "pdf", "rtf"]


def norm(s: str) -> str:  # the scorer's normalisation (../shared/eval/score_qa.py)
    s = (s or "").lower().replace("\u2019", "'").replace("`", "'")
    return re.sub(r"\s+", " ", re.sub(r"[^0-9a-z]+", " ", s)).strip()


def score(folder: Path) -> tuple[float, list[str]]:
    """hit@1 over the answerable questions, and the out-of-scope questions that were answered."""
    index = Knowledge.load(folder).index
    hits, answerable, wrongly_answered = 0, 0, []
    for q in QUESTIONS:
        answer = index.ask(q["q"], top=1)
        if not q["gold"]:
            if answer.answered:
                wrongly_answered.append(q["q"])
            continue
        answerable += 1
        top = answer.hits[0].snippet if answer.hits else None
        hay = norm(f"{top.text} {top.where}") if top else ""
        hits += answer.answered and any(norm(g) in hay for g in q["gold"])
    return hits / answerable, wrongly_answered


@pytest.fixture(scope="module")
def markdown_hit1(tmp_path_factory) -> float:
    folder = tmp_path_factory.mktemp("md")
    for md in FIXTURES.glob("*.md"):
        shutil.copy(md, folder)
    hit1, wrong = score(folder)
    assert not wrong
    return hit1


def test_the_markdown_original_answers_well(markdown_hit1):
    assert markdown_hit1 >= 0.85


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_answers_as_well_as_the_markdown(fmt, markdown_hit1, tmp_path):
    for f in (FIXTURES / fmt).iterdir():
        shutil.copy(f, tmp_path)
    hit1, wrong = score(tmp_path)
    assert hit1 >= markdown_hit1 - 0.05, f"{fmt}: hit@1 {hit1:.2f} against {markdown_hit1:.2f} for Markdown"
    assert wrong == []
