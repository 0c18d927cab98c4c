"""Plain-text notes: Markdown when they use its syntax, else titles, bullets and paragraphs read from the layout.

Plain text marks nothing, so its structure is inferred: a short capitalised line with no verb before
more text is a heading; a file of many short unfinished lines is a mind-map export, whose broken
lines are joined back into statements.
"""

from __future__ import annotations

import re

from bot.knowledge.document import Document, DocumentBuilder
from bot.knowledge.readers import delimited
from bot.knowledge.readers.base import MAX_BLOCKS, MAX_TEXT_BYTES, NoteError
from bot.knowledge.readers.encoding import decode_text
from bot.knowledge.readers.lines import BULLET, ends_sentence, is_heading_like, joins
from bot.text import clean, fold, squash

_MD_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
_MD_RULE = re.compile(r"^\s*([-*_=])(\s*\1){2,}\s*$")
_MD_SYNTAX = re.compile(r"^\s{0,3}#{1,6}\s+\S|^\s*\|.*\|\s*$|^\s*```|\*\*\S.*?\S\*\*|\[[^\]\n]+\]\([^)\n]+\)", re.M)
_AUTHOR = re.compile(r"\s+(?:[-,]\s*)?(?i:by)\s+[A-Z][\w.'-]*(?:\s+[A-Z][\w.'-]*){0,3}\s*$")
_CITATION = re.compile(r"\s*\[\d+\]")
# Labels mind-map sites put in their exports: the line after one describes the map itself.
_METADATA_LABELS = {"description", "descripcion", "beschreibung", "descrizione", "descricao", "resume"}


def read(data: bytes, source: str) -> Document:
    if len(data) > MAX_TEXT_BYTES:
        raise NoteError(f"the file is larger than {MAX_TEXT_BYTES // 1_000_000} MB")
    text = decode_text(data)
    if delimited.tab_separated(text):  # a flashcard export or a pasted spreadsheet: "term<TAB>definition" lines
        return delimited.read_text(text, source)
    if len(_MD_SYNTAX.findall(text[:200_000])) >= 2:
        from bot.knowledge.readers import markdown  # markdown-it and its plugins: only for text written in Markdown

        return markdown.read_text(text, source)
    return read_plain(text, source)


def read_plain(text: str, source: str) -> Document:
    lines = [squash(_CITATION.sub("", line)) for line in clean(text).split("\n")]
    title, body = _take_title(lines)
    b = DocumentBuilder(source, title)
    body = _drop_export_metadata(body)
    if _looks_like_mind_map(body):
        _mind_map(b, body, title)
    else:
        _essay(b, _drop_repeats(body))
    return b.build()


def _take_title(lines: list[str]) -> tuple[str, list[str]]:
    """The first line is the note's title when it is short and followed by more text."""
    idx = next((i for i, line in enumerate(lines) if line), None)
    if idx is None:
        return "", []
    first, rest = lines[idx], lines[idx + 1 :]
    if len(first) > 120 or not any(rest) or first.endswith("."):
        return "", lines
    return _AUTHOR.sub("", first).strip(" -:"), rest


def _drop_repeats(lines: list[str]) -> list[str]:
    """A short line repeated at once is a picture caption pasted twice: keep neither copy."""
    out: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        if line and i + 1 < len(lines) and lines[i + 1] == line and len(line) < 60 and not ends_sentence(line):
            while i < len(lines) and lines[i] == line:
                i += 1
            continue
        out.append(line)
        i += 1
    return out


def _drop_export_metadata(lines: list[str]) -> list[str]:
    out: list[str] = []
    skip_next = False
    for line in lines:
        if skip_next and line:
            skip_next = False
            continue
        if fold(line).strip(" :") in _METADATA_LABELS:
            skip_next = True
            continue
        out.append(line)
    return out


def _looks_like_mind_map(lines: list[str]) -> bool:
    """Mind-map exports: many short lines, few blank lines, most lines not ending a sentence."""
    body = [line for line in lines if line]
    if len(body) < 8:
        return False
    short = sum(1 for line in body if len(line) <= 90)
    unfinished = sum(1 for line in body if not ends_sentence(line))
    blank = len(lines) - len(body)
    return short / len(body) > 0.8 and unfinished / len(body) > 0.6 and blank < len(body) / 4


def _essay(b: DocumentBuilder, lines: list[str]) -> None:
    """Prose: Markdown-style or short headings, bullets, and paragraphs separated by blank lines."""
    para: list[str] = []
    last_item = False

    def flush() -> None:
        if para:
            b.paragraph(" ".join(para))
            para.clear()

    for i, line in enumerate(lines):
        if len(b.doc.blocks) >= MAX_BLOCKS:
            b.warn(f"only the first {MAX_BLOCKS} parts of the file were read")
            return
        if not line or _MD_RULE.match(line):
            flush()
            continue
        m = _MD_HEADING.match(line)
        nxt = next((x for x in lines[i + 1 :] if x), "")
        bullet = BULLET.match(line)
        if m:
            flush()
            b.heading(m.group(2), len(m.group(1)), i + 1)
            last_item = False
        elif bullet:
            flush()
            b.item(line[bullet.end() :], 0, i + 1)
            last_item = True
        elif not para and is_heading_like(line) and nxt:
            b.heading(line, 2, i + 1)
            last_item = False
        elif last_item and not para and line[:1].islower():
            # a bullet wrapped onto the next line
            prev = b.doc.blocks.pop()
            b.item(f"{prev.text} {line}", prev.depth, prev.line)
        else:
            para.append(line)
            last_item = False
    flush()


def _mind_map(b: DocumentBuilder, lines: list[str], title: str) -> None:
    statements: list[str] = []
    for line in lines:
        if not line:
            continue
        line = BULLET.sub("", line, count=1)
        if statements and (_joins_title(statements[-1], line) or joins(statements[-1], line)):
            statements[-1] += " " + line
        else:
            statements.append(line)
    # Mind maps repeat their root (the title) as the first node, often broken across lines.
    key = _key(title)
    statements = [st for st in statements if _key(st) != key]
    for i, st in enumerate(statements):
        nxt = statements[i + 1] if i + 1 < len(statements) else ""
        if nxt and is_heading_like(st) and not (len(st.split()) == 1 and is_heading_like(nxt)):
            b.heading(st, 2)
        else:
            b.item(st, 0)


def _joins_title(prev: str, line: str) -> bool:
    """A lone word finishing a title cut in two ("Key Measures of Soviet Peaceful" / "Coexistence")."""
    return (
        len(line.split()) == 1
        and not line[:1].isdigit()
        and not ends_sentence(prev)
        and is_heading_like(prev + " " + line)
    )


def _key(text: str) -> str:
    return re.sub(r"[^0-9a-z]+", "", fold(text))
