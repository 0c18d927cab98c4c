"""What an uploaded note may be, and the name it is kept under: checked before anything is read or stored."""

from __future__ import annotations

import re
import unicodedata
from pathlib import PurePosixPath

from bot.classnotes.values import NoteLimits
from bot.knowledge.readers import READERS, UNSUPPORTED

MAX_NAME_CHARS = 120
TYPES = tuple(sorted(READERS))  # questions.txt and aliases.txt are .txt files too
_SPACES = re.compile(r"\s+")


def limits(max_file_bytes: int, max_files: int, download_seconds: float) -> NoteLimits:
    return NoteLimits(max_file_bytes, max_files, download_seconds, TYPES)


def note_name(raw: str) -> str:
    """The name an uploaded file is kept and shown under: its last path part only (a name is never a path on
    the server), without control or formatting characters, at most MAX_NAME_CHARS long with its suffix kept.
    "" when nothing usable is left."""
    name = (raw or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(c for c in name if unicodedata.category(c)[0] != "C")
    name = _SPACES.sub(" ", name).strip().strip(".").strip()
    if len(name) > MAX_NAME_CHARS:
        suffix = PurePosixPath(name).suffix[:12]
        name = name[: MAX_NAME_CHARS - len(suffix)].rstrip() + suffix
    return name


def upload_problem(name: str, size: int | None, limits: NoteLimits) -> str:
    """Why a file of this name and size is refused before it is downloaded ("" when it may come in)."""
    if not name:
        return "the file has no usable name"
    suffix = PurePosixPath(name.lower()).suffix
    if suffix in UNSUPPORTED:
        return UNSUPPORTED[suffix]
    if suffix not in limits.types:
        shown = ", ".join(limits.types)
        return f"'{suffix or 'no extension'}' files are not notes the bot can read (it takes {shown})"
    if size is not None and size > limits.max_file_bytes:
        return f"the file is {size / 1_000_000:.1f} MB; notes may be at most {limits.max_mb} a file"
    if size == 0:
        return "the file is empty"
    return ""
