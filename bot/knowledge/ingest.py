"""The notes pipeline for a folder: each file read by its format's reader, segmented into facts, reported.

read (readers/, one per format) -> Document (document.py) -> snippets (segment.py) -> index (index.py)
"""

from __future__ import annotations

import hashlib
import logging
import multiprocessing
import os
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from bot.knowledge.document import Document
from bot.knowledge.model import KnowledgeBase, NoteReport, Snippet
from bot.knowledge.readers import READERS, UNSUPPORTED, NoteError, Reader
from bot.knowledge.readers.base import MAX_FILE_BYTES
from bot.knowledge.segment import segment

log = logging.getLogger(__name__)

# Files in knowledge/ that are not notes: its README, the alias file, quiz question files.
NOT_NOTES = {"readme.md", "aliases.txt", "questions.txt"}
NOT_NOTES_SUFFIX = ".questions.txt"


MAX_FOLDER_DEPTH = 8  # subfolders (an Obsidian vault's, a Notion export's) read this deep


def note_files(folder: Path) -> list[Path]:
    """The files of `folder` and its subfolders that could be notes, sorted so snippet ids are stable. Hidden
    folders (".obsidian", ".git") are left out; a link to a file that is not there is kept, to be reported."""
    out: list[Path] = []

    def walk(here: Path, depth: int) -> None:
        try:
            entries = sorted(here.iterdir())
        except OSError:
            return
        for path in entries:
            name = path.name.lower()
            if name.startswith((".", "~$")):
                continue
            if path.is_dir():
                if depth < MAX_FOLDER_DEPTH and not path.is_symlink():
                    walk(path, depth + 1)
                continue
            if is_not_note(name):
                continue
            if path.is_file() or path.is_symlink():
                out.append(path)

    walk(folder, 0)
    return out


def display_name(path: Path, root: Path | None = None) -> str:
    """A file's name as text ("Biology/Cells.md" below `root`): a name that is not UTF-8 on disk (a Windows zip
    unpacked on Linux: "caf\xe9.md") is read as Windows' encoding, so it can be shown, logged and stored."""
    try:
        parts = path.relative_to(root).parts if root is not None else (path.name,)
    except ValueError:
        parts = (path.name,)
    return "/".join(_text_name(p) for p in parts)


def _text_name(name: str) -> str:
    try:
        name.encode("utf-8")
        return name
    except UnicodeEncodeError:
        # A name is too short for detecting its encoding; Windows' own (cp1252) is by far the most likely.
        return os.fsencode(name).decode("cp1252", errors="replace")


def read_document(path: Path, name: str = "") -> Document:
    """Read one file into the document model; NoteError says why a file cannot be used."""
    if path.is_symlink() and not path.exists():
        raise NoteError("a link to a file that is not there")
    reader = reader_for(path.name)
    size = path.stat().st_size
    _check_size(size)
    return reader(path.read_bytes(), name or display_name(path))


def document_from_bytes(data: bytes, name: str) -> Document:
    """A file given as bytes (uploaded from a chat) into the document model; NoteError says why it cannot be
    used. `name` picks the reader by its suffix and names the note; it is never used as a path."""
    reader = reader_for(name)
    _check_size(len(data))
    return reader(data, name)


def reader_for(name: str) -> Reader:
    """The reader of a file of this name (by its suffix); NoteError for a format the bot cannot read."""
    suffix = Path(name).suffix.lower()
    if suffix in UNSUPPORTED:
        raise NoteError(UNSUPPORTED[suffix])
    reader = READERS.get(suffix)
    if reader is None:
        raise NoteError(f"'{suffix or 'no extension'}' files are not notes the bot can read")
    return reader


def _check_size(size: int) -> None:
    if size == 0:
        raise NoteError("the file is empty")
    if size > MAX_FILE_BYTES:
        raise NoteError(f"the file is larger than {MAX_FILE_BYTES // 1_000_000} MB")


def read_note(path: Path, name: str = "") -> tuple[list[Snippet], NoteReport]:
    """One file's snippets and its report (`name`: how the file is named to the teacher, its path in the
    notes folder). Never raises: a bad file is reported, not fatal."""
    name = name or display_name(path)
    return _note(lambda: read_document(path, name), name)


# A file given as bytes is read when it is checked on upload and again when its class's notes are built (after each
# change, or when the class comes back into the cache): the last files read are kept, by content and name.
PARSED_KEPT = 64
_parsed: OrderedDict[tuple[bytes, str], tuple[list[Snippet], NoteReport]] = OrderedDict()
_parsed_lock = threading.Lock()


def read_note_data(data: bytes, name: str) -> tuple[list[Snippet], NoteReport]:
    """As read_note, for a file given as bytes. The result is shared: not to be changed."""
    key = (hashlib.blake2b(data, digest_size=16).digest(), name)
    with _parsed_lock:
        found = _parsed.get(key)
        if found is not None:
            _parsed.move_to_end(key)
            return found
    found = _note(lambda: document_from_bytes(data, name), name)
    with _parsed_lock:
        _parsed[key] = found
        while len(_parsed) > PARSED_KEPT:
            _parsed.popitem(last=False)
    return found


def _note(read: Callable[[], Document], name: str) -> tuple[list[Snippet], NoteReport]:
    report = NoteReport(name)
    try:
        doc = read()
    except NoteError as exc:
        report.error = str(exc)
        return [], report
    except Exception as exc:  # a note must never stop the bot from starting; this one is a real bug
        log.exception("note %s could not be read", name)
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
    return _gather(_read_all(files, [display_name(p, folder) for p in files]))


def knowledge_from_files(files: list[tuple[str, bytes]]) -> KnowledgeBase:
    """The notes given as (name, bytes), as load_knowledge reads a folder's; question and alias files left out."""
    notes = [(name, data) for name, data in files if not is_not_note(name)]
    return _gather(read_note_data(data, name) for name, data in notes)


def is_not_note(name: str) -> bool:
    """A file of the notes that holds no notes: the README, the alias file, quiz question files."""
    low = Path(name).name.lower()
    return low in NOT_NOTES or low.endswith(NOT_NOTES_SUFFIX)


def _gather(read: Iterable[tuple[list[Snippet], NoteReport]]) -> KnowledgeBase:
    kb = KnowledgeBase()
    for snippets, report in read:
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


def _read_all(files: list[Path], names: list[str]) -> Iterator[tuple[list[Snippet], NoteReport]]:
    total = sum(p.stat().st_size for p in files if p.exists())
    workers = min(MAX_WORKERS, os.cpu_count() or 1)
    if total < PARALLEL_BYTES or workers < 2 or len(files) < 2 * workers:
        return map(read_note, files, names)
    try:
        pool = ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("forkserver"))
    except (OSError, ValueError):  # no processes allowed here: read them one by one
        return map(read_note, files, names)
    with pool:
        return iter(list(pool.map(read_note, files, names, chunksize=max(1, len(files) // (workers * 4)))))


def snippets_from_text(text: str, source: str) -> list[Snippet]:
    """The snippets of a note given as text (a .md source is read as Markdown, anything else as plain text)."""
    suffix = Path(source).suffix.lower()
    reader = READERS[suffix if suffix in (".md", ".markdown") else ".txt"]
    return segment(reader(text.encode("utf-8"), source))
