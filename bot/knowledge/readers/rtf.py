"""Rich Text Format (.rtf: WordPad, TextEdit, Google Docs' and Word's "save as RTF"): text with striprtf, headings
from the file's own style sheet, bullets and tables from what the text keeps of them.

striprtf turns RTF into plain text (pictures, fields' codes, the font and style tables left out) but drops the
paragraph styles. So before it runs, each paragraph set in a style the style sheet names "Heading N" (or
"Title") gets a marker; after it, a marked line is a heading, a line that starts with a bullet and a tab is a
list item (its depth from the order its bullet first appeared: Word's "•", "o", "▪"), and "cell|cell|" lines,
which is how striprtf writes table rows, make a table."""

from __future__ import annotations

import re

from bot.knowledge.document import Document, DocumentBuilder, is_label
from bot.knowledge.readers.base import MAX_BLOCKS, MAX_DEPTH, MAX_TEXT_BYTES, NoteError
from bot.knowledge.readers.lines import add_lines

_STYLE = re.compile(r"\{\\s(\d+)\\[^;{}]*?\s([^\\;{}]+);\}")  # a style sheet entry: {\s2\sbasedon0 ... Heading 2;}
_HEADING_NAME = re.compile(r"^\s*(?:heading\s*(\d)|title)\s*$", re.I)
_MARK = "\x02H{}\x02"
_MARKED = re.compile(r"^\s*\x02H(\d)\x02\s*")
_TOKENS = re.compile(r"\\[\\{}]|\\s(?P<style>\d+)(?!\d)\s?|\\b(?P<bold>[01]?)(?![A-Za-z0-9])\s?|\}")
_BOLD_ON, _BOLD_OFF = "\x03", "\x04"
_ITEM = re.compile(r"^\s*(?:([•◦▪▫‣⁃○●■□–—o\-*])|(\d{1,3}[.)]|[a-zA-Z][.)]|[ivxIVX]{1,5}[.)]))\t\s*")


def read(data: bytes, source: str) -> Document:
    if len(data) > MAX_TEXT_BYTES:
        raise NoteError(f"the file is larger than {MAX_TEXT_BYTES // 1_000_000} MB")
    if not data.lstrip().startswith(b"{\\rtf"):
        raise NoteError("this file could not be read as RTF: it may be damaged or another format renamed")
    from striprtf.striprtf import rtf_to_text  # imported here: only teachers with .rtf notes pay for loading it

    rtf = data.decode("latin-1")  # RTF is 7-bit ASCII; other characters come as escapes striprtf decodes
    levels = {number: int(m.group(1) or 1) for number, name in _STYLE.findall(rtf) if (m := _HEADING_NAME.match(name))}

    def mark(m: re.Match[str]) -> str:
        token = m.group(0)
        if token == "}":  # a group ends, and a "{\b ...}" run with it
            return _BOLD_OFF + token
        if m.group("style") is not None:
            return token + (_MARK.format(levels[m.group("style")]) if m.group("style") in levels else "")
        if m.group("bold") is not None:
            return token + (_BOLD_OFF if m.group("bold") == "0" else _BOLD_ON)
        return token  # an escaped backslash or brace: text

    # Paragraphs in a heading style, and bold on and off: a paragraph in bold alone is a label over what follows,
    # as in Word ("**Arteries**" alone on a line).
    rtf = _TOKENS.sub(mark, rtf)
    try:
        text = rtf_to_text(rtf, errors="ignore")
    except Exception as exc:  # striprtf raises plain exceptions on broken escapes and groups
        raise NoteError("this file could not be read as RTF: it may be damaged") from exc
    b = DocumentBuilder(source)
    _blocks(b, text.replace("\r\n", "\n").replace("\r", "\n").split("\n"))
    return b.build()


def _blocks(b: DocumentBuilder, lines: list[str]) -> None:
    glyphs: list[str] = []  # the bullets of the list being read, in the order they first appeared
    rows: list[list[str]] = []
    prose: list[str] = []

    def flush() -> None:
        if rows:
            b.table([list(r) for r in rows])
            rows.clear()
        if prose:
            add_lines(b, prose)
            prose.clear()

    for line in lines:
        if len(b.doc.blocks) >= MAX_BLOCKS:
            b.warn(f"only the first {MAX_BLOCKS} parts of the file were read")
            return
        bold = _bold_only(line)
        line = line.replace(_BOLD_ON, "").replace(_BOLD_OFF, "")
        heading = _MARKED.match(line)
        if heading:
            flush()
            glyphs.clear()
            b.heading(line[heading.end() :].replace("\x02", ""), int(heading.group(1)))
            continue
        line = line.replace("\x02", "")
        if bold and is_label(line.strip()):
            flush()
            glyphs.clear()
            b.heading(line, 6)  # a bold line alone: a label over what follows
            continue
        if line.count("|") >= 2 and line.rstrip().endswith("|"):  # a table row: "cell|cell|"
            if prose:
                flush()
            rows.append([cell.strip() for cell in line.rstrip().rstrip("|").split("|")])
            continue
        item = _ITEM.match(line)
        if item:
            flush()
            glyph = item.group(1) or re.sub(r"\d+|[a-zA-Z]|[ivxIVX]+", "1", item.group(2))  # "1." "a." alike
            if glyph not in glyphs:
                glyphs.append(glyph)
            b.item(line[item.end() :], min(glyphs.index(glyph), MAX_DEPTH))
            continue
        if not line.strip():
            flush()
            glyphs.clear()
            b.end_list()
            continue
        if rows:
            flush()
        glyphs.clear()
        prose.append(line)
    flush()


def _bold_only(line: str) -> bool:
    """Whether every visible character of the line was set in bold (between a bold-on mark and the next off)."""
    bold = seen = False
    for ch in line:
        if ch == _BOLD_ON:
            bold = True
        elif ch == _BOLD_OFF:
            bold = False
        elif not ch.isspace() and ch != "\x02":
            if not bold:
                return False
            seen = True
    return seen
