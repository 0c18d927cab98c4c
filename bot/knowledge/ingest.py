"""The notes pipeline for a folder: each file read by its format's reader, segmented into facts, reported.

read (readers/, one per format) -> Document (document.py) -> snippets (segment.py) -> index (index.py)
"""

from __future__ import annotations

import logging
import multiprocessing
import os
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from bot.knowledge.document import Document
from bot.knowledge.model import KnowledgeBase, NoteReport, Snippet
from bot.knowledge.readers import READERS, UNSUPPORTED, NoteError
from bot.knowledge.readers.base import MAX_FILE_BYTES
from bot.knowledge.segment import segment

log = logging.getLogger(__name__)

# Files in knowledge/ that are not notes: its README, the alias file, quiz question files.
NOT_NOTES = {"readme.md", "aliases.txt", "questions.txt"}
NOT_NOTES_SUFFIX = ".questions.txt"


def note_files(folder: Path) -> list[Path]:
    """The files of `folder` that could be notes (sorted, so snippet ids are stable)."""
    out = []
    for path in sorted(folder.iterdir()):
        name = path.name.lower()
        if name in NOT_NOTES or name.endswith(NOT_NOTES_SUFFIX) or name.startswith((".", "~$")):
            continue
        if path.is_file():
            out.append(path)
    return out


def display_name(path: Path) -> str:
    """A file's name as text: a name that is not UTF-8 on disk (a Windows zip unpacked on Linux: "caf\xe9.md")
    is read as Windows' encoding, so it can be shown, logged and stored."""
    name = path.name
    try:
        name.encode("utf-8")
        return name
    except UnicodeEncodeError:
        raw = os.fsencode(name)
    # A name is too short for detecting its encoding; Windows' own (cp1252) is by far the most likely.
    return raw.decode("cp1252", errors="replace")


def read_document(path: Path) -> Document:
    """Read one file into the document model; NoteError says why a file cannot be used."""
    suffix = path.suffix.lower()
    if suffix in UNSUPPORTED:
        raise NoteError(UNSUPPORTED[suffix])
    reader = READERS.get(suffix)
    if reader is None:
        raise NoteError(f"'{suffix or 'no extension'}' files are not notes the bot can read")
    size = path.stat().st_size
    if size == 0:
        raise NoteError("the file is empty")
    if size > MAX_FILE_BYTES:
        raise NoteError(f"the file is larger than {MAX_FILE_BYTES // 1_000_000} MB")
    return reader(path.read_bytes(), display_name(path))


def read_note(path: Path) -> tuple[list[Snippet], NoteReport]:
    """One file's snippets and its report. Never raises: a bad file is reported, not fatal."""
    report = NoteReport(display_name(path))
    try:
        doc = read_document(path)
    except NoteError as exc:
        report.error = str(exc)
        return [], report
    except Exception as exc:  # a note must never stop the bot from starting; this one is a real bug
        log.exception("note %s could not be read", display_name(path))
        report.error = f"could not be read ({exc.__class__.__name__})"
        return [], report
    snippets = segment(doc)
    report.facts = len(snippets)
    report.topics = len({s.topic for s in snippets})
    report.skipped = dict(doc.skipped)
    report.warnings = list(doc.warnings)
    if not snippets:
        report.error = "no facts found in it"
    return snippets, report


def load_knowledge(folder: Path) -> KnowledgeBase:
    """Read every note in `folder`. Bad files are skipped, each with a reason a teacher understands
    (in `warnings`, which the caller logs once, and in `reports`)."""
    kb = KnowledgeBase()
    if not folder.is_dir():
        kb.warnings.append(f"knowledge folder {folder} does not exist")
        return kb
    files = note_files(folder)
    for snippets, report in _read_all(files):
        kb.reports.append(report)
        if report.error:
            kb.warnings.append(f"{report.source}: {report.error}")
            continue
        kb.warnings.extend(f"{report.source}: {w}" for w in report.warnings)
        kb.snippets.extend(snippets)
    return kb


# Many megabytes of notes are read on every core; a class's usual few files in this process.
PARALLEL_BYTES = 3_000_000
MAX_WORKERS = 4


def _read_all(files: list[Path]) -> Iterator[tuple[list[Snippet], NoteReport]]:
    total = sum(p.stat().st_size for p in files)
    workers = min(MAX_WORKERS, os.cpu_count() or 1)
    if total < PARALLEL_BYTES or workers < 2 or len(files) < 2 * workers:
        return map(read_note, files)
    try:
        pool = ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("forkserver"))
    except (OSError, ValueError):  # no processes allowed here: read them one by one
        return map(read_note, files)
    with pool:
        return iter(list(pool.map(read_note, files, chunksize=max(1, len(files) // (workers * 4)))))


def snippets_from_text(text: str, source: str) -> list[Snippet]:
    """The snippets of a note given as text (a .md source is read as Markdown, anything else as plain text)."""
    suffix = Path(source).suffix.lower()
    reader = READERS[suffix if suffix in (".md", ".markdown") else ".txt"]
    return segment(reader(text.encode("utf-8"), source))
