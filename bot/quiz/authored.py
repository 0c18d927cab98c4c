"""The teacher's own quiz questions: plain-text blocks in knowledge/questions.txt (and any *.questions.txt)."""

from __future__ import annotations

import logging
import random
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from bot.knowledge.readers.base import NoteError
from bot.knowledge.readers.encoding import decode_text
from bot.quiz.model import Question, question_id
from bot.text import clean, fold, squash

log = logging.getLogger(__name__)

QUESTION_FILE = "questions.txt"
QUESTION_SUFFIX = ".questions.txt"
MAX_FILE_BYTES = 2_000_000
MAX_QUESTION_CHARS = 500
MAX_ANSWER_CHARS = 200

# Every field under the names a teacher might reach for; matching ignores case.
FIELDS = {
    "q": "q",
    "question": "q",
    "a": "a",
    "answer": "a",
    "also": "also",
    "accept": "also",
    "alternatives": "also",
    "wrong": "wrong",
    "wrongs": "wrong",
    "wrong answers": "wrong",
    "topic": "topic",
    "explain": "explain",
    "explanation": "explain",
}
MAX_OPTIONS = 8  # as many as every platform can show as buttons or letters (a-h)
SHOWN = {"q": "Q", "a": "A", "also": "Also", "wrong": "Wrong", "topic": "Topic", "explain": "Explain"}
_FIELD_LINE = re.compile(r"^\s*([A-Za-z][A-Za-z ]{0,20}?)\s*:\s*(.*)$")


def is_question_file(name: str) -> bool:
    """questions.txt and *.questions.txt hold quiz questions, not notes."""
    low = name.lower()
    return low == QUESTION_FILE or low.endswith(QUESTION_SUFFIX)


@dataclass(slots=True)
class _Block:
    line: int  # where the block starts, for error messages
    fields: dict[str, str] = field(default_factory=dict)
    lines: dict[str, int] = field(default_factory=dict)
    last: str = ""  # the field a continuation line belongs to
    problems: list[str] = field(default_factory=list)
    bad: bool = False  # a problem that makes the question unusable


def load_authored(folder: Path) -> tuple[list[Question], list[str]]:
    """All authored questions in `folder`, and one message per problem ("questions.txt:12: ...").

    A bad block is skipped and the rest still load; an unreadable file is skipped whole. Never raises.
    """
    try:
        paths = [p for p in folder.iterdir() if p.is_file() and is_question_file(p.name)]
    except OSError:
        return [], []  # no knowledge folder: no authored questions, nothing to report
    return _authored([(p.name, p.read_bytes) for p in paths])


def authored_from_files(files: list[tuple[str, bytes]]) -> tuple[list[Question], list[str]]:
    """As load_authored, for files given as (name, bytes): a class's notes added from the chat."""
    return _authored([(name, lambda data=data: data) for name, data in files if is_question_file(name)])


def _authored(files: list[tuple[str, Callable[[], bytes]]]) -> tuple[list[Question], list[str]]:
    questions: list[Question] = []
    errors: list[str] = []
    # questions.txt first, then the other question files by name: a stable order, so a stable bank.
    files = sorted(files, key=lambda f: (f[0].lower() != QUESTION_FILE, f[0]))
    seen: dict[str, str] = {}  # question text (folded) -> "file:line" of its first copy
    for name, read in files:
        try:
            text = _text(read())
        except _FileProblem as exc:
            errors.append(f"{name}: {exc}")
            continue
        except Exception as exc:  # a question file must never stop the bot from starting
            errors.append(f"{name}: could not be read ({exc.__class__.__name__})")
            log.exception("question file %s skipped", name)
            continue
        try:
            qs, errs = parse_questions(text, name)
        except Exception as exc:  # a parser bug should cost one file, not the bank
            errors.append(f"{name}: could not be read ({exc.__class__.__name__})")
            log.exception("question file %s skipped", name)
            continue
        errors.extend(errs)
        for q, where in qs:
            key = " ".join(fold(q.prompt).split())
            if key in seen:
                errors.append(f"{where}: the same question is already at {seen[key]}; this copy is skipped")
                continue
            seen[key] = where
            questions.append(q)
    for e in errors:
        log.warning("%s", e)
    return questions, errors


class _FileProblem(ValueError):
    """A question file that cannot be used, with a reason a teacher understands."""


def _text(data: bytes) -> str:
    if len(data) > MAX_FILE_BYTES:
        raise _FileProblem(f"the file is larger than {MAX_FILE_BYTES // 1_000_000} MB")
    try:  # UTF-8, UTF-16 (Notepad's "Unicode") or Windows-1252, as notes are read
        return decode_text(data)
    except NoteError as exc:
        raise _FileProblem(
            str(exc).replace("save notes as .txt, .md, .docx or .pdf", "save questions as .txt")
        ) from None


def parse_questions(text: str, name: str) -> tuple[list[tuple[Question, str]], list[str]]:
    """Parse one file's text: (question, "file:line") pairs and error messages."""
    blocks: list[_Block] = []
    errors: list[str] = []
    block: _Block | None = None
    for lineno, raw in enumerate(clean(text).split("\n"), 1):
        line = squash(raw)
        if line.startswith("#"):
            continue  # a comment
        if not line:
            block = None  # a blank line ends a question
            continue
        m = _FIELD_LINE.match(line)
        key = FIELDS.get(fold(squash(m.group(1)))) if m else None
        if key == "q" and block is not None and "q" in block.fields:
            block = None  # a new Q: starts a new question even without a blank line between
        if block is None:
            block = _Block(lineno)
            blocks.append(block)
        if m and key:
            _add(block, key, m.group(2).strip(), f"{name}:{lineno}")
        elif m and len(m.group(1).split()) == 1 and m.group(2).strip():
            # "Hint: ..." is probably a field we do not know, not more of the line before: say so.
            block.problems.append(
                f"{name}:{lineno}: unknown field '{m.group(1)}', line ignored (use Q, A, Also, Wrong, Topic or Explain)"
            )
        elif block.last:
            # A line without a field carries on the one before (a long question or explanation).
            block.fields[block.last] = (block.fields[block.last] + " " + line).strip()
        else:
            block.problems.append(f"{name}:{lineno}: expected a field such as 'Q: ...' but found {line[:40]!r}")
    out: list[tuple[Question, str]] = []
    for b in blocks:
        q = _question(b, name)
        errors.extend(b.problems)
        if q is not None:
            out.append((q, f"{name}:{b.line}"))
    return out, errors


def _add(block: _Block, key: str, value: str, where: str) -> None:
    if key in block.fields:
        if key in ("also", "wrong"):
            block.fields[key] += "; " + value  # lists may go over several lines
        elif key == "explain":
            block.fields[key] += " " + value
        else:
            block.problems.append(
                f"{where}: a second {SHOWN[key]}: in one question "
                f"(first at line {block.lines[key]}); separate questions with a blank line"
            )
            block.bad = True
        block.last = key
        return
    block.fields[key] = value
    block.lines[key] = int(where.rsplit(":", 1)[1])
    block.last = key


def _split(value: str) -> list[str]:
    items = [squash(x) for x in value.split(";")]
    return list(dict.fromkeys(x for x in items if x))


def _question(b: _Block, name: str) -> Question | None:
    f = b.fields
    where = f"{name}:{b.line}"
    if b.bad:
        return None
    prompt = squash(f.get("q", ""))
    answer = squash(f.get("a", ""))
    if "q" not in f or not prompt:
        b.problems.append(f"{where}: a question needs the question itself (Q: ...)")
        return None
    if "a" not in f or not answer:
        b.problems.append(f"{name}:{b.lines.get('q', b.line)}: a question needs an answer (A: ...)")
        return None
    if len(prompt) > MAX_QUESTION_CHARS:
        b.problems.append(f"{where}: the question is longer than {MAX_QUESTION_CHARS} characters")
        return None
    if len(answer) > MAX_ANSWER_CHARS:
        b.problems.append(f"{where}: the answer is longer than {MAX_ANSWER_CHARS} characters; keep it short")
        return None
    if not any(c.isalnum() for c in answer):
        b.problems.append(f"{name}:{b.lines.get('a', b.line)}: the answer {answer[:20]!r} has no letters or digits")
        return None
    also = [a for a in _split(f.get("also", "")) if fold(a) != fold(answer)]
    wrong = [w for w in _split(f.get("wrong", "")) if fold(w) != fold(answer)]
    right = {fold(answer), *map(fold, also)}
    if len(wrong) < len(_split(f.get("wrong", ""))) or any(fold(w) in right for w in wrong):
        clash = next(w for w in _split(f.get("wrong", "")) if fold(w) in right)
        line = b.lines.get("wrong", b.line)
        b.problems.append(f"{name}:{line}: '{clash}' is listed as both right and wrong; fix one of them")
        return None
    if len(wrong) + 1 > MAX_OPTIONS:
        line = b.lines.get("wrong", b.line)
        b.problems.append(
            f"{name}:{line}: {len(wrong) + 1} options; a multiple-choice question has at most {MAX_OPTIONS}"
            f" (the answer and {MAX_OPTIONS - 1} wrong ones)"
        )
        return None
    qid = question_id("q", name, prompt)
    options: tuple[str, ...] = ()
    if wrong:
        # Shuffled, but the same way every time: the seed comes from the question's id.
        opts = [answer, *wrong]
        random.Random(int(qid.split("-", 1)[1], 16)).shuffle(opts)
        options = tuple(opts)
    return Question(
        id=qid,
        kind="choice" if wrong else "typed",
        prompt=prompt,
        answer=answer,
        alternatives=tuple(also),
        options=options,
        topic=squash(f.get("topic", "")),
        explanation=squash(f.get("explain", "")),
        source=name,
    )
