"""The document model every reader produces: a title, headings, and typed blocks under them.

Readers (one per file format, in `bot.knowledge.readers`) build a `Document` with a
`DocumentBuilder`; the segmenter (`bot.knowledge.segment`) turns it into fact snippets.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Literal

from bot.text import clean

BlockKind = Literal["heading", "paragraph", "item", "table", "definition", "qa", "formula"]

MAX_HEADING_CHARS = 150
# A table row label and its cells, or a term and its definition, are joined with these.
CELL_JOIN = "; "


@dataclass(frozen=True, slots=True)
class Block:
    """One element of a note, in reading order.

    - heading: `text` at `level` (1-6); it starts a section.
    - paragraph: `text`.
    - item: a list item `text` at `depth` (0 = top level); `parent` is the line it hangs from
      (the parent item, or the lead-in paragraph ending in ":"), or "".
    - table: `header` (may be empty when the table has none) and `rows`.
    - definition: `term` and its definition in `text`.
    - qa: the question in `term`, its answer in `text`.
    - formula: `text`, readable (LaTeX already turned into text).
    """

    kind: BlockKind
    text: str = ""
    path: tuple[str, ...] = ()  # the heading path the block sits under (for a heading: its parents)
    level: int = 0
    depth: int = 0
    parent: str = ""
    term: str = ""
    header: tuple[str, ...] = ()
    rows: tuple[tuple[str, ...], ...] = ()
    line: int = 0  # where it starts in the source (line, page or slide number), for teachers
    group: int = 0  # list items and definitions with the same group number are one list


@dataclass(slots=True)
class Document:
    source: str  # the file name
    title: str = ""
    blocks: list[Block] = field(default_factory=list)
    skipped: dict[str, int] = field(default_factory=dict)  # what a reader left out on purpose, and how often
    warnings: list[str] = field(default_factory=list)  # what a teacher should know (caps reached, pages unreadable)

    def skip(self, reason: str, count: int = 1) -> None:
        self.skipped[reason] = self.skipped.get(reason, 0) + count


# Obsidian's embeds ("![[diagram.png]]") and links ("[[Osmosis]]", "[[Osmosis|osmosis]]"), also as they survive in
# a note exported or converted to another format
EMBED = re.compile(r"!\[\[[^\]\n]*\]\]")
WIKILINK = re.compile(r"\[\[([^\]|#\n]*)(?:#[^\]|\n]*)?(?:\|([^\]\n]*))?\]\]")


def link_text(text: str) -> str:
    """Wiki links as the words they show, embeds left out."""
    return WIKILINK.sub(lambda m: m.group(2) or m.group(1), EMBED.sub("", text)) if "[[" in text else text


def inline(text: str) -> str:
    """One line of readable text: typographic noise normalised, wiki links as their words, runs of spaces
    collapsed."""
    return " ".join(clean(link_text(text), keep_scripts=True).split())


class DocumentBuilder:
    """Collects blocks in reading order and keeps the heading path and list parents for them.

    Readers only say what they see (`heading`, `paragraph`, `item` ...); the builder knows where it
    sits. Text is normalised here, so readers need not.
    """

    def __init__(self, source: str, title: str = ""):
        self.doc = Document(source=source, title=inline(title))
        self._path: list[tuple[int, str]] = []  # (level, text)
        self._items: list[str] = []  # the open list's item text by depth
        self._lead_in = ""  # the last paragraph, when it introduces a list (ends in ":")
        self._group = 0
        self._question = ""  # a question heading ("Why do guard cells close?"): its first paragraph answers it

    # --- headings -------------------------------------------------------------------------------
    @property
    def path(self) -> tuple[str, ...]:
        return tuple(text for _level, text in self._path)

    def heading(self, text: str, level: int, line: int = 0) -> None:
        text = inline(text).strip(" #*_:-").strip()
        if not text:
            return
        text = text[:MAX_HEADING_CHARS]
        level = max(1, min(6, level))
        while self._path and self._path[-1][0] >= level:
            self._path.pop()
        self._add(Block("heading", text, path=self.path, level=level, line=line))
        self._path.append((level, text))
        self._question = text if _is_question(text) else ""
        self._items.clear()
        self._lead_in = ""

    def heading_goes_on(self, text: str) -> bool:
        """The last block, a heading, wrapped onto another line ("Electromagnetic" / "Spectrum"): one heading."""
        last = self.doc.blocks[-1] if self.doc.blocks else None
        text = inline(text).strip(" #*_:-").strip()
        if last is None or last.kind != "heading" or not self._path or not text:
            return False
        joined = f"{last.text} {text}"[:MAX_HEADING_CHARS]
        self.doc.blocks[-1] = replace(last, text=joined)
        self._path[-1] = (self._path[-1][0], joined)
        self._question = joined if _is_question(joined) else ""
        return True

    def drop_heading(self, text: str) -> None:
        """The last block, the heading `text`, titles nothing the notes hold (a table of contents): forgotten."""
        last = self.doc.blocks[-1] if self.doc.blocks else None
        if last is not None and last.kind == "heading" and self._path and last.text == inline(text).strip(" #*_:-"):
            self.doc.blocks.pop()
            self._path.pop()
            self._question = ""

    # --- blocks ---------------------------------------------------------------------------------
    def paragraph(self, text: str, line: int = 0, introduces: bool = False) -> None:
        """A paragraph; `introduces`: the list that follows hangs from it (a quotation and its notes)."""
        text = inline(text)
        if not text:
            return
        self._items.clear()
        last = self.doc.blocks[-1] if self.doc.blocks else None
        if self._question and last is not None and last.kind == "heading":
            self._add(Block("qa", text, path=self.path, term=self._question, line=line))
            return
        if last and last.kind in ("paragraph", "item") and _is_question(last.text) and not _is_question(text):
            # A question in the notes followed by its answer: a worksheet or a case study's "- why ...?"
            self.doc.blocks.pop()
            self._add(Block("qa", text, path=self.path, term=last.text, line=last.line))
            return
        if self._lead_in.endswith(":") and last is not None and last.text == self._lead_in and len(text.split()) <= 12:
            # "The word equation is:" and the short line it introduces read as one statement.
            self._lead_in = ""
            self._add(Block("paragraph", f"{_last_sentence(last.text)} {text}", path=self.path, line=line))
            return
        term, definition = split_definition(text)
        if term:
            self._add(Block("definition", definition, path=self.path, term=term, line=line))
        else:
            self._add(Block("paragraph", text, path=self.path, line=line))
        self._lead_in = text if introduces or text.endswith(":") or is_label(text) else ""

    def item(self, text: str, depth: int = 0, line: int = 0) -> None:
        text = inline(text)
        if not text:
            return
        depth = max(0, depth)
        del self._items[depth:]
        if depth > 0 and len(self._items) >= depth:
            parent = self._items[depth - 1]
        elif depth > 0 and self._items:
            parent = self._items[-1]
        else:
            parent = self._lead_in
        self._items.extend([""] * (depth - len(self._items)))
        self._items.append(text)
        term, definition = split_definition(text)
        if term:
            self._add(Block("definition", definition, path=self.path, depth=depth, parent=parent, term=term, line=line))
        else:
            self._add(Block("item", text, path=self.path, depth=depth, parent=parent, line=line))

    def table(self, rows: list[list[str]], header: list[str] | None = None, line: int = 0) -> None:
        """A table; `header` is its header row when the format marks one (else the first row is guessed)."""
        clean_rows = [tuple(inline(c) for c in row) for row in rows]
        clean_rows = [r for r in clean_rows if any(r)]
        head = tuple(inline(c) for c in header) if header else ()
        if not head and clean_rows and looks_like_header(clean_rows[0], clean_rows[1:]):
            head, clean_rows = clean_rows[0], clean_rows[1:]
        if not clean_rows and not head:
            return
        self._items.clear()
        self._lead_in = ""
        self._add(Block("table", path=self.path, header=head, rows=tuple(clean_rows), line=line))

    def definition(self, term: str, text: str, line: int = 0) -> None:
        term, text = inline(term).strip(" *_:-"), inline(text)
        if not term or not text:
            return
        self._add(Block("definition", text, path=self.path, term=term, line=line))

    def qa(self, question: str, answer: str, line: int = 0) -> None:
        question, answer = inline(question), inline(answer)
        if not question or not answer:
            return
        self._add(Block("qa", answer, path=self.path, term=question, line=line))

    def formula(self, text: str, line: int = 0) -> None:
        text = inline(text)
        if not text:
            return
        last = self.doc.blocks[-1] if self.doc.blocks else None
        if self._lead_in.endswith(":") and last is not None and last.text == self._lead_in:
            text = f"{_last_sentence(last.text)} {text}"
        self._lead_in = ""
        self._add(Block("formula", text, path=self.path, line=line))

    def end_list(self) -> None:
        self._items.clear()
        self._group += 1

    def skip(self, reason: str, count: int = 1) -> None:
        self.doc.skip(reason, count)

    def warn(self, message: str) -> None:
        if message not in self.doc.warnings:
            self.doc.warnings.append(message)

    def build(self) -> Document:
        return self.doc

    def _add(self, block: Block) -> None:
        if block.kind in ("item", "definition"):
            block = replace(block, group=self._group)
        else:
            self._group += 1
        self.doc.blocks.append(block)


# "Term - definition", "Term: definition", "Term- definition", "Term = definition": a short term, then its meaning.
_DEFINITION = re.compile(r"^(?P<term>[^\s:;.!?,][^:;.!?,=]{0,48}?)\s*(?::\s*|\s-(?!>)\s*|-\s+)(?P<text>\S.*)$")
_TERM_VERBS = frozenset(
    """is are was were be been had has have did do does would could should will can may might must said
    made took gave became""".split()
)


def split_definition(text: str) -> tuple[str, str]:
    """("Term", "definition") when a line reads as a glossary entry, else ("", text)."""
    m = _DEFINITION.match(text)
    if not m:
        return "", text
    term, definition = m.group("term").strip(" *_"), m.group("text").strip()
    words = term.lower().split()
    if not words or len(words) > 5 or any(w in _TERM_VERBS for w in words) or not re.search(r"\w", definition):
        return "", text
    if term[0].islower() and len(words) > 2:  # "the price rose - ..." is a clause, not a term
        return "", text
    return term, definition


def is_label(text: str) -> bool:
    """A short line with no final stop ("Wave-cut platform and cliffs"): a title for what follows it."""
    return len(text.split()) <= 8 and not text.endswith((".", "!", "?", ";", ",", ":", '"', "'"))


def _last_sentence(text: str) -> str:
    return re.split(r"(?<=[.!?])\s+(?=[A-Z0-9])", text)[-1]


def _is_question(text: str) -> bool:
    return text.endswith("?") and len(text) <= 200


_NUMERIC = re.compile(r"^[\s\d.,%£$€+\-/×x*^()]+$")


def looks_like_header(first: tuple[str, ...], rest: list[tuple[str, ...]]) -> bool:
    """A first row of short labels over rows of longer or numeric cells reads as a header."""
    if not rest or not all(first):
        return False
    short = all(len(c) <= 40 and not c.endswith(".") for c in first)
    numeric_head = any(_NUMERIC.match(c) for c in first)
    return short and not numeric_head
