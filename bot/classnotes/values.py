"""Plain values the class-notes calls return to the adapters, which only render them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from bot.knowledge.model import plural


@dataclass(frozen=True, slots=True)
class NoteLimits:
    """What a class's notes may be (settings; documented in the README)."""

    max_file_bytes: int = 10_000_000
    max_files: int = 30
    download_seconds: float = 60.0  # an upload fetched from the platform gives up after this
    types: tuple[str, ...] = ()  # the file suffixes taken, ".md", ".docx" ...

    @property
    def max_mb(self) -> str:
        return f"{self.max_file_bytes / 1_000_000:g} MB"


@dataclass(frozen=True, slots=True)
class NoteInfo:
    """One file of a class's notes, as the teacher sees it listed."""

    name: str
    size: int
    facts: int = 0
    topics: int = 0
    questions: int = 0  # quiz questions made from it, or written in it (a questions file)
    warnings: tuple[str, ...] = ()
    added_by: str = ""
    added_at: datetime | None = None
    aliases: int = 0  # lines of an alias file (aliases.txt)

    @property
    def line(self) -> str:
        """What the file gave, in one line: "Cells.docx: 48 facts in 6 topics, 22 quiz questions"."""
        if self.aliases:
            text = f"{self.name}: {plural(self.aliases, 'alias line')}"
        elif self.facts or not self.questions:
            text = f"{self.name}: {plural(self.facts, 'fact')} in {plural(self.topics, 'topic')}"
            text += f", {plural(self.questions, 'quiz question')}"
        else:
            text = f"{self.name}: {plural(self.questions, 'quiz question')}"
        return text


@dataclass(frozen=True, slots=True)
class NotesList:
    """A class's notes: its own files, or the bot's shared notes when it has none (`shared`)."""

    files: tuple[NoteInfo, ...]
    shared: bool  # the class has no notes of its own and uses the bot's shared notes folder
    shared_facts: int = 0
    limits: NoteLimits = field(default_factory=NoteLimits)


@dataclass(frozen=True, slots=True)
class NotesChange:
    """What adding, replacing or removing a file did. `problem` (and no change) when it was refused."""

    action: str  # "add", "replace", "remove"
    name: str
    note: NoteInfo | None = None
    problem: str = ""
    skipped: tuple[str, ...] = ()  # lines left out of the file, with why (for the reply)

    @property
    def ok(self) -> bool:
        return not self.problem


@dataclass(frozen=True, slots=True)
class NoteSplit:
    """How one file was split: its topics in order, each with its facts' texts."""

    name: str
    topics: tuple[tuple[str, tuple[str, ...]], ...]
    warnings: tuple[str, ...] = ()
