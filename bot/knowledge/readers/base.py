"""What every reader shares: the error a teacher sees, and the limits that keep hostile files harmless."""

from __future__ import annotations

import io
import zipfile

# Limits (documented in README.md, "Notes a bot reads"). A file over them is refused or cut, with a message.
MAX_FILE_BYTES = 20_000_000  # any note file
MAX_TEXT_BYTES = 5_000_000  # a plain-text or Markdown note
MAX_UNZIPPED_BYTES = 60_000_000  # everything inside a .docx / .pptx / .odt together
MAX_ZIP_MEMBERS = 5_000
MAX_ZIP_RATIO = 200  # unpacked size / packed size of one member: more is a zip bomb
MAX_PAGES = 300  # PDF pages read; the rest are skipped with a warning
MAX_SLIDES = 500
MAX_BLOCKS = 20_000  # blocks per document; the rest are skipped with a warning
MAX_DEPTH = 12  # list nesting deeper than this is read as this deep


class NoteError(ValueError):
    """A note file that cannot be used, with a reason a teacher understands."""


def open_package(data: bytes, kind: str, main_part: str) -> zipfile.ZipFile:
    """An Office or OpenDocument file's parts, checked for size, zip bombs and its main part before any library
    reads them."""
    if len(data) > MAX_FILE_BYTES:
        raise NoteError(f"the file is larger than {MAX_FILE_BYTES // 1_000_000} MB")
    archive = check_zip(data, kind)
    if main_part not in archive.namelist():
        raise NoteError(f"this is not a real {kind} file (it may be damaged or renamed)")
    return archive


def check_zip(data: bytes, kind: str) -> zipfile.ZipFile:
    """Open an Office/OpenDocument container, refusing what is not one and zip bombs, before any library unpacks it."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError, EOFError) as exc:
        raise NoteError(f"this is not a real {kind} file (it may be damaged or renamed)") from exc
    if len(members) > MAX_ZIP_MEMBERS:
        raise NoteError(f"this {kind} file holds too many parts ({len(members)}) to be a note")
    total = 0
    for m in members:
        total += m.file_size
        if m.compress_size and m.file_size / m.compress_size > MAX_ZIP_RATIO and m.file_size > 1_000_000:
            raise NoteError(f"this {kind} file unpacks to far more than its size (a zip bomb?): refused")
    if total > MAX_UNZIPPED_BYTES:
        raise NoteError(
            f"this {kind} file unpacks to {total // 1_000_000} MB, more than {MAX_UNZIPPED_BYTES // 1_000_000} MB"
        )
    return archive
