"""/notes: the class's notes listed, one file's split shown, and for teachers files added, replaced, removed.

The render functions give plain text for every platform (each adapter escapes it for its own); the console's
command reads the files to add from paths on this machine (the chat platforms take them as attachments).
"""

from __future__ import annotations

import shlex
from pathlib import Path

from bot.classnotes.values import NotesChange, NotesList, NoteSplit
from bot.commands import NOTES_USAGE, parse_notes
from bot.knowledge.model import plural
from bot.quiz.values import NotAllowed
from bot.refs import ClassRef, UserRef
from bot.service import RevisionService

SHOWN_FACTS = 40  # of one file's split, in a chat message
SHOWN_FACT_CHARS = 160


def render_notes(notes: NotesList) -> str:
    limits = notes.limits
    if notes.shared:
        lines = [
            "This class has no notes of its own: it uses the bot's shared notes"
            f" ({plural(notes.shared_facts, 'fact')})."
            if notes.shared_facts
            else "This class has no notes yet."
        ]
    else:
        lines = [f"This class's notes ({plural(len(notes.files), 'file')}):"]
        for f in notes.files:
            line = f"- {f.line}"
            who = f" by {f.added_by}" if f.added_by else ""
            when = f" on {f.added_at:%Y-%m-%d}" if f.added_at else ""
            if who or when:
                line += f" (added{who}{when})"
            lines.append(line)
            lines.extend(f"    ! {w}" for w in f.warnings[:3])
    lines.append(
        f"Teachers add notes with /notes add (files up to {limits.max_mb}, {limits.max_files} a class: "
        f"{', '.join(limits.types)}); /notes show FILE shows how one was split."
    )
    return "\n".join(lines)


def render_change(change: NotesChange) -> str:
    if not change.ok:
        return f"{change.name}: not {_past(change.action)}: {change.problem}. Nothing was changed."
    if change.action == "remove":
        return f"{change.name} removed from the class's notes."
    note = change.note
    text = note.line if note is not None else change.name
    text += f" ({_past(change.action)})"
    if change.skipped:
        text += "; left out: " + ", ".join(change.skipped)
    if note is not None and note.warnings:
        text += "\n" + "\n".join(f"! {w}" for w in note.warnings[:3])
    return text


def render_split(split: NoteSplit | None, name: str) -> str:
    if split is None:
        return f"No note named {name[:80]!r} here: /notes lists them."
    facts = sum(len(f) for _t, f in split.topics)
    lines = [f"{split.name}: {plural(facts, 'fact')} in {plural(len(split.topics), 'topic')}"]
    shown = 0
    for topic, texts in split.topics:
        if shown >= SHOWN_FACTS:
            break
        lines.append(f"# {topic}")
        for text in texts[: SHOWN_FACTS - shown]:
            cut = text if len(text) <= SHOWN_FACT_CHARS else text[: SHOWN_FACT_CHARS - 1] + "…"
            lines.append(f"  - {cut}")
            shown += 1
    if facts > shown:
        lines.append(f"... and {facts - shown} more facts.")
    lines.extend(f"! {w}" for w in split.warnings[:5])
    return "\n".join(lines)


def _past(action: str) -> str:
    return {"add": "added", "replace": "replaced", "remove": "removed"}.get(action, action)


async def notes_command(service: RevisionService, cls: ClassRef, user: UserRef, is_teacher: bool, rest: str) -> str:
    action, arg = parse_notes(rest)
    if action == "usage":
        return NOTES_USAGE
    if action == "list":
        return render_notes(await service.notes_list(cls, user))
    if action == "show":
        if not arg:
            return "Which file? /notes show FILE (/notes lists them)."
        return render_split(await service.notes_show(cls, arg, user), arg)
    if not is_teacher:
        raise NotAllowed("notes")
    if action == "remove":
        if not arg:
            return "Which file? /notes remove FILE (/notes lists them)."
        return render_change(await service.notes_remove(cls, user, is_teacher, arg))
    try:
        paths = shlex.split(arg)
    except ValueError:
        return 'Put a path with spaces in quotes: /notes add "My notes.docx".'
    if not paths:
        return f"Which file? /notes {action} PATH (one or several)."
    replies: list[str | None] = []
    files: list[tuple[str, bytes]] = []
    for raw in paths:
        path = Path(raw).expanduser()
        data, problem = _read(path, service.note_limits().max_file_bytes)
        replies.append(problem)
        if data is not None:
            files.append((path.name, data))
    if files:  # the class's notes are built once, after the last file
        changes = iter(await service.notes_add_files(cls, user, is_teacher, files, replace=action == "replace"))
        replies = [r if r is not None else render_change(next(changes)) for r in replies]
    return "\n".join(r for r in replies if r is not None)


def _read(path: Path, limit: int) -> tuple[bytes | None, str | None]:
    """A file's bytes, or why it cannot be read (refused by its size before it is read into memory)."""
    try:
        if not path.is_file():
            return None, f"{path}: no such file."
        size = path.stat().st_size
        if size > limit:
            return None, (
                f"{path.name}: not added: the file is {size / 1e6:.1f} MB; notes may be at most {limit / 1e6:g} MB"
                " a file. Nothing was changed."
            )
        with path.open("rb") as f:
            return f.read(limit + 1), None
    except OSError as exc:
        return None, f"{path}: could not be read ({exc.strerror or exc.__class__.__name__})."
