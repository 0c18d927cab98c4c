"""What a teacher does with their class's notes from the chat: add, replace, remove, list, show how a file was split.

A file is read before it is stored: a file the bot cannot use is refused with the reason and changes nothing.
Names are data only (see limits.note_name); bytes are kept in the database, never written to disk.
"""

from __future__ import annotations

import asyncio
import hashlib
from collections import Counter
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime

from sqlalchemy.ext.asyncio import async_sessionmaker

from bot.classnotes.build import ClassNotes
from bot.classnotes.library import NotesLibrary
from bot.classnotes.limits import note_name, upload_problem
from bot.classnotes.values import NoteInfo, NoteLimits, NotesChange, NotesList, NoteSplit
from bot.knowledge.aliases import ALIAS_FILE, AliasTable
from bot.knowledge.ingest import read_note_data
from bot.knowledge.readers import NoteError
from bot.knowledge.readers.encoding import decode_text
from bot.quiz.authored import authored_from_files, is_question_file
from bot.refs import ClassRef, UserRef
from bot.storage import notes as store

MAX_SKIPPED_SHOWN = 3


class ClassNotesDesk:
    def __init__(
        self,
        sessions: async_sessionmaker,
        library: NotesLibrary,
        limits: NoteLimits,
        clock: Callable[[], datetime],
    ):
        self.sessions = sessions
        self.library = library
        self.limits = limits
        self.clock = clock

    async def add(
        self, cls: ClassRef, user: UserRef, files: list[tuple[str, bytes]], *, replace: bool
    ) -> list[NotesChange]:
        """Add (or replace) each file, in order; the class's notes are built again once, after the last."""
        stored: list[tuple[int, str, dict, int]] = []  # (position, name, summary, size) of the files stored
        changes: list[NotesChange | None] = []
        revision = 0
        for filename, data in files:
            change, saved = await self._store(cls, user, filename, data, replace)
            changes.append(change)
            if saved is not None:
                revision = saved[0]
                stored.append((len(changes) - 1, saved[1], saved[2], len(data)))
        if not stored:
            return [c for c in changes if c is not None]
        notes = await self.library.changed(cls.key, revision)
        action = "replace" if replace else "add"
        now = self.clock()
        questions = _questions_by_file(notes)
        for position, name, summary, size in stored:
            skipped = tuple(f"{reason} ({n})" for reason, n in summary.get("skipped", {}).items())
            info = _with_who(_info(name, notes, summary, questions), user.display_name, now, size)
            changes[position] = NotesChange(action, name, info, skipped=skipped[:MAX_SKIPPED_SHOWN])
        return [c for c in changes if c is not None]

    async def _store(
        self, cls: ClassRef, user: UserRef, filename: str, data: bytes, replace: bool
    ) -> tuple[NotesChange | None, tuple[int, str, dict] | None]:
        """Check and store one file: (None, (revision, name, summary)) when stored, else (the refusal, None)."""
        action = "replace" if replace else "add"
        name = note_name(filename)
        problem = upload_problem(name, len(data), self.limits)
        if problem:
            return NotesChange(action, name or filename[:60], problem=problem), None
        loop = asyncio.get_running_loop()
        summary, problem = await loop.run_in_executor(None, _check, name, data)
        if problem:
            return NotesChange(action, name, problem=problem), None
        try:
            revision = await store.save(
                self.sessions,
                cls.key,
                name,
                data,
                hashlib.sha256(data).hexdigest(),
                summary,
                user.display_name,
                self.clock(),
                replace=replace,
                max_files=self.limits.max_files,
                added_by_key=user.key,
            )
        except store.NoteExists:
            if replace:
                problem = f"the class has no file named {name}: /notes add adds it"
            else:
                problem = f"the class has a file named {name} already: /notes replace puts this one in its place"
            return NotesChange(action, name, problem=problem), None
        except store.TooManyNotes:
            problem = f"a class may have at most {self.limits.max_files} files: remove one first (/notes remove)"
            return NotesChange(action, name, problem=problem), None
        return None, (revision, name, summary)

    async def remove(self, cls: ClassRef, name: str) -> NotesChange:
        removed = await store.remove(self.sessions, cls.key, note_name(name), self.clock())
        if removed is None:
            return NotesChange("remove", name[:120], problem=f"the class has no file named {note_name(name)!r}")
        await self.library.changed(cls.key, removed[1])
        return NotesChange("remove", removed[0])

    async def listing(self, cls: ClassRef) -> NotesList:
        stored = await store.listing(self.sessions, cls.key)
        notes = await self.library.for_class(cls.key)
        if not stored:
            return NotesList((), shared=True, shared_facts=len(notes.knowledge.snippets), limits=self.limits)
        files = []
        questions = _questions_by_file(notes)
        for row in stored:
            info = _info(row.name, notes, row.summary, questions)
            files.append(_with_who(info, row.added_by, row.added_at, row.size))
        return NotesList(tuple(files), shared=False, limits=self.limits)

    async def show(self, cls: ClassRef, name: str) -> NoteSplit | None:
        """How one of the notes the class uses was split into topics and facts; None when it has no such file."""
        notes = await self.library.for_class(cls.key)
        wanted = note_name(name).casefold()
        sources = {s.source for s in notes.knowledge.snippets}
        source = next((s for s in sources if s.casefold() == wanted), None)
        if source is None:  # a unique start of the name will do ("cells" for "Cells.docx")
            starts = [s for s in sources if s.casefold().startswith(wanted)] if wanted else []
            source = starts[0] if len(starts) == 1 else None
        if source is None:
            return None
        topics: dict[str, list[str]] = {}
        for s in notes.knowledge.snippets:
            if s.source == source:
                topics.setdefault(s.topic, []).append(s.text)
        report = next((r for r in notes.knowledge.base.reports if r.source == source), None)
        return NoteSplit(
            source,
            tuple((t, tuple(facts)) for t, facts in topics.items()),
            tuple(report.warnings) if report else (),
        )


def _check(name: str, data: bytes) -> tuple[dict, str]:
    """Read the file as the class's notes will: what it gives, or why it cannot be used."""
    if is_question_file(name):
        questions, errors = authored_from_files([(name, data)])
        if not questions:
            return {}, errors[0] if errors else "no quiz questions found in it"
        return {"questions": len(questions), "warnings": errors[:5]}, ""
    if name.lower() == ALIAS_FILE:
        try:
            table = AliasTable.parse(decode_text(data), name)
        except NoteError as exc:
            return {}, str(exc)
        if not table.groups:
            return {}, "no alias lines found in it (each line: Name = Other name)"
        return {"aliases": len(table.groups)}, ""
    snippets, report = read_note_data(data, name)
    if report.error:
        return {}, report.error
    return {
        "facts": report.facts,
        "topics": report.topics,
        "skipped": report.skipped,
        "warnings": report.warnings[:5],
    }, ""


def _questions_by_file(notes: ClassNotes) -> Counter[str]:
    return Counter(q.source for q in notes.bank.questions)


def _info(name: str, notes: ClassNotes, summary: dict, questions_by_file: Counter[str]) -> NoteInfo:
    """What the file gives in the class's notes as built now (its add-time summary when it gives nothing now)."""
    report = next((r for r in notes.knowledge.base.reports if r.source == name), None)
    questions = questions_by_file[name]
    if report is not None and not report.error:
        return NoteInfo(name, 0, report.facts, report.topics, questions, tuple(report.warnings))
    warnings = tuple(summary.get("warnings", ()))
    if report is not None and report.error:
        warnings = (report.error, *warnings)
    facts, topics, aliases = summary.get("facts", 0), summary.get("topics", 0), summary.get("aliases", 0)
    return NoteInfo(name, 0, facts, topics, questions, warnings, aliases=aliases)


def _with_who(info: NoteInfo, added_by: str, added_at: datetime, size: int) -> NoteInfo:
    return replace(info, size=size, added_by=added_by, added_at=added_at)
