"""One reader per file format, each turning a file's bytes into a `Document`.

A reader is a function `read(data: bytes, source: str) -> Document` that raises `NoteError` with a
reason a teacher understands when the file cannot be used. `READERS` maps a file suffix to its reader.
"""

from __future__ import annotations

from collections.abc import Callable

from bot.knowledge.document import Document
from bot.knowledge.readers.base import NoteError

Reader = Callable[[bytes, str], Document]


def _lazy(module: str) -> Reader:
    """Import a reader's library only when a file of its kind turns up (start-up stays quick)."""

    def read(data: bytes, source: str) -> Document:
        import importlib

        return importlib.import_module(f"bot.knowledge.readers.{module}").read(data, source)

    return read


READERS: dict[str, Reader] = {
    ".md": _lazy("markdown"),
    ".markdown": _lazy("markdown"),
    ".txt": _lazy("text"),
    ".docx": _lazy("docx"),
    ".odt": _lazy("odt"),
    ".odp": _lazy("odt"),
    ".pptx": _lazy("pptx"),
    ".html": _lazy("html"),
    ".htm": _lazy("html"),
    ".pdf": _lazy("pdf"),
    ".rtf": _lazy("rtf"),
    ".csv": _lazy("delimited"),
    ".tsv": _lazy("delimited"),
}

# Known formats we cannot read, named so the teacher knows what to do.
UNSUPPORTED = {
    ".doc": "old Word .doc files cannot be read: save it as .docx",
    ".ppt": "old PowerPoint .ppt files cannot be read: save it as .pptx",
    ".pages": "Pages files cannot be read: export it as .docx or .pdf",
    ".key": "Keynote files cannot be read: export it as .pptx or .pdf",
}

__all__ = ["READERS", "UNSUPPORTED", "NoteError", "Reader"]
