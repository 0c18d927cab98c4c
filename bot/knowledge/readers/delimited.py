"""Spreadsheet exports (.csv, .tsv) and tab-separated text: a Quizlet set ("term<TAB>definition" a line), a
Notion database, a teacher's table of terms. Rows are read with the standard library's csv module (its Sniffer
tells commas from semicolons and tabs) into one table; the builder tells a header row from data, and two columns
read as "term: definition"."""

from __future__ import annotations

import csv
import io
import re

from bot.knowledge.document import Document, DocumentBuilder, inline, looks_like_header
from bot.knowledge.readers.base import MAX_BLOCKS, MAX_TEXT_BYTES, NoteError
from bot.knowledge.readers.encoding import decode_text

_TABBED = re.compile(r"\S\t+\S")
MAX_CELL_CHARS = 5_000  # a cell longer than this is not a table's (a whole essay in one field is cut)


def read(data: bytes, source: str) -> Document:
    if len(data) > MAX_TEXT_BYTES:
        raise NoteError(f"the file is larger than {MAX_TEXT_BYTES // 1_000_000} MB")
    return read_text(decode_text(data), source)


def tab_separated(text: str) -> bool:
    """Text whose lines are mostly cells separated by tabs: a table pasted from a spreadsheet or a flashcard export."""
    lines = [line for line in text[:200_000].splitlines()[:2000] if line.strip()]  # the start tells
    return len(lines) >= 2 and sum(1 for line in lines if _TABBED.search(line)) >= 0.8 * len(lines)


def read_text(text: str, source: str) -> Document:
    b = DocumentBuilder(source)
    sample = text[:20_000]
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(sample, delimiters=",;\t|")
    except csv.Error:  # one column, or nothing the Sniffer can decide on: commas, as most exports
        dialect = csv.excel_tab if "\t" in sample else csv.excel
    rows: list[list[str]] = []
    try:
        for row in csv.reader(io.StringIO(text, newline=""), dialect):
            cells = [cell.strip()[:MAX_CELL_CHARS] for cell in row]
            while cells and not cells[-1]:
                cells.pop()
            if any(cells):
                rows.append(cells)
            if len(rows) >= MAX_BLOCKS:
                b.warn(f"only the first {MAX_BLOCKS} rows were read")
                break
    except csv.Error as exc:  # a field past the csv module's limit, a NUL byte
        raise NoteError("this file could not be read as a table: save it again as CSV") from exc
    if not rows:
        raise NoteError("the table is empty")
    width = max(len(r) for r in rows)
    if width == 1:
        for row in rows:
            b.paragraph(row[0])
    elif width == 2 and not looks_like_header(tuple(map(inline, rows[0])), [tuple(map(inline, r)) for r in rows[1:]]):
        for row in rows:  # a flashcard set: a term and its definition a row, no header
            if len(row) == 2 and row[0] and row[1]:
                b.definition(row[0], row[1])
            else:
                b.paragraph(" ".join(row))
    else:
        b.table(rows)
    return b.build()
