"""Plain values of the quiz side."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

KINDS = ("typed", "cloze", "choice", "truefalse")


@dataclass(frozen=True, slots=True)
class Question:
    """One quiz question. `id` is stable across restarts and processes (stored with every answer)."""

    id: str
    kind: str  # one of KINDS; "typed" and "cloze" take a typed answer, the others an option
    prompt: str
    answer: str  # the correct answer; for "choice"/"truefalse" it is one of `options`
    alternatives: tuple[str, ...] = ()  # other typed answers that are accepted
    options: tuple[str, ...] = ()  # for "choice" and "truefalse", in display order
    topic: str = ""
    explanation: str = ""  # shown after answering: the source snippet or the teacher's note
    source: str = ""  # the note (or question file) it came from
    snippet_id: str = ""  # the snippet it was made from, when generated

    @property
    def typed(self) -> bool:
        return self.kind in ("typed", "cloze")

    @property
    def authored(self) -> bool:
        """Written by the teacher (a questions file), not made from the notes."""
        return self.id.startswith("q-")


def question_id(prefix: str, *parts: str) -> str:
    """A short stable id from the question's content, so a restart gives every question the same id."""
    digest = hashlib.blake2s("\x1f".join(parts).encode("utf-8"), digest_size=6).hexdigest()
    return f"{prefix}-{digest}"


@dataclass(frozen=True, slots=True)
class Marking:
    correct: bool
    close: bool = False  # wrong, but near enough to say "close: check the spelling"
    reason: str = ""  # a short explanation for the student
