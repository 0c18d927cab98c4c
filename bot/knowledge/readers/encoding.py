"""Bytes of a text note to str, whatever the editor saved: UTF-8 (with or without BOM), UTF-16, Windows-1252."""

from __future__ import annotations

import codecs

from bot.knowledge.readers.base import NoteError

_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


def decode_text(data: bytes) -> str:
    """Decode a text file; refuse binary data with a reason a teacher understands."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError as exc:
                raise NoteError("the file says it is Unicode text but is damaged") from exc
    try:
        return data.decode("utf-8")  # by far the most common, and exact: no guessing needed
    except UnicodeDecodeError:
        pass
    # UTF-16 without a BOM: every other byte is zero in ASCII-heavy text.
    head = data[:4096]
    if len(head) >= 4 and head[1::2].count(0) > len(head) // 4:
        try:
            return data.decode("utf-16-le")
        except UnicodeDecodeError:
            pass
    if b"\x00" in head:
        raise NoteError("this looks like a binary file, not text (save notes as .txt, .md, .docx or .pdf)")
    from charset_normalizer import from_bytes  # a guess is needed only here: its import stays off most start-ups

    best = from_bytes(data[:200_000]).best()
    if best is None or best.encoding is None:
        raise NoteError("this looks like a binary file, not text (save notes as .txt, .md, .docx or .pdf)")
    try:
        return data.decode(best.encoding)
    except (UnicodeDecodeError, LookupError) as exc:
        raise NoteError("the text encoding could not be recognised; save it as UTF-8") from exc
