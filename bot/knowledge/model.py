"""Plain values of the knowledge side: snippets, answers."""

from __future__ import annotations

from dataclasses import dataclass, field

MAX_SNIPPET_CHARS = 500


@dataclass(frozen=True, slots=True)
class Snippet:
    """One self-contained fact from a note, short enough for a chat message."""

    id: str  # stable: "<source>#<position>"
    text: str
    topic: str  # its heading path, "Photosynthesis › Limiting factors" (or the note's title)
    source: str  # the note's file name
    position: int  # order within the note, from 0
    title: str = ""  # the note's title, for context in the index
    # What the fact is in the note's structure, for quiz questions made from it:
    #   "text" (a sentence or an item), "definition" (term, definition), "qa" (question, answer),
    #   "row" (label header, row label, header, value, header, value ...), "list" (lead-in, item, item ...),
    #   "formula" (the formulas).
    kind: str = "text"
    parts: tuple[str, ...] = ()

    @property
    def where(self) -> str:
        """Where it came from, for people: "Note title › Section" (or just one when they are the same)."""
        if not self.title or self.title == self.topic:
            return self.topic
        return f"{self.title} › {self.topic}"


@dataclass(frozen=True, slots=True)
class Hit:
    snippet: Snippet
    score: float  # 0..1, the confidence that this snippet answers the question


@dataclass(frozen=True, slots=True)
class Answer:
    """What the core says to a question: the best snippets, or that the notes do not cover it."""

    question: str
    answered: bool
    hits: tuple[Hit, ...] = ()
    confidence: float = 0.0
    suggestions: tuple[str, ...] = ()  # closest topics when not answered
    notice: str = ""  # e.g. "your question was cut to 300 characters"
    problem: str = ""  # set when the question itself was unusable (empty, only emoji ...)


def plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


@dataclass(slots=True)
class NoteReport:
    """What one file gave, for the teacher: facts and topics, what was left out and why, or why it was refused."""

    source: str
    facts: int = 0
    topics: int = 0
    skipped: dict[str, int] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    error: str = ""  # set when the file gave nothing

    @property
    def line(self) -> str:
        if self.error:
            return f"{self.source}: not read: {self.error}"
        text = f"{self.source}: {plural(self.facts, 'fact')} in {plural(self.topics, 'topic')}"
        if self.skipped:
            text += "; left out: " + ", ".join(f"{reason} ({n})" for reason, n in self.skipped.items())
        for w in self.warnings:
            text += f"; {w}"
        return text


@dataclass(slots=True)
class KnowledgeBase:
    snippets: list[Snippet] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # files skipped, with the reason
    reports: list[NoteReport] = field(default_factory=list)  # one per file looked at

    @property
    def topics(self) -> list[str]:
        seen: dict[str, None] = {}
        for s in self.snippets:
            seen.setdefault(s.topic, None)
        return list(seen)
