"""From the document model to fact snippets that stand on their own, each under its heading path.

A snippet is a sentence of a paragraph, a list item (a short one with the line it hangs from; a
list of short items as one snippet), a table row with its headers, "Term: definition", a question
with its answer, or the formulas of a section. Headings, lead-ins and debris are never snippets.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from bot.knowledge.document import CELL_JOIN, Block, Document, is_label
from bot.knowledge.model import MAX_SNIPPET_CHARS, Snippet
from bot.text import fold, squash

TOPIC_SEP = " › "
SHORT_ITEM_WORDS = 8  # a list of items this short stays one snippet
CONTEXT_ITEM_WORDS = 12  # an item this short carries the line it hangs from
MAX_CONTEXT_CHARS = 150  # a longer lead-in is not repeated in front of its items
SHORT_SENTENCE_CHARS = 40  # a sentence this short is read with the one before it
_DEFINITION_HEADERS = {"definition", "definitions", "meaning", "description", "explanation", "what it means"}

_SENTENCE_END = re.compile(r"""(?<=[.!?])["')\]]*\s+(?=["'(\[]?[A-Z0-9$£€])""")
_ABBREV = re.compile(
    r"(?:\b(?:Mr|Mrs|Ms|Dr|Prof|St|Sr|Jr|Gen|Col|Lt|Capt|Sgt|Pres|Gov|Sen|Rep|vs|etc|cf|al|approx|no|No|"
    r"Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|c|ca|e\.g|i\.e|fig|Fig|eq|Eq)|\b[A-Z]|\b(?:[A-Z]\.){1,3}[A-Z])\.$"
)
_LETTERS = re.compile(r"[^\W\d_]")
_DOT_LEADER = re.compile(r"(?:\.\s?){4,}\s*\d+\s*$")


def title_from_filename(name: str) -> str:
    stem = Path(name).stem
    stem = re.sub(r"^\d+[_-]+", "", stem)
    return squash(re.sub(r"[_-]+", " ", stem)).capitalize()


def segment(doc: Document) -> list[Snippet]:
    """The snippets of one document, in reading order."""
    title, dropped = _title(doc)
    out: list[Snippet] = []
    for path, text, *shape in _pieces(doc.blocks):
        if dropped and path[:1] == (dropped,):
            path = path[1:]
        topic = TOPIC_SEP.join(path) or title
        kind, parts = shape if shape else ("text", ())
        out.append(Snippet(id=f"{doc.source}#{len(out)}", text=text, topic=topic, source=doc.source,
                           position=len(out), title=title, kind=kind, parts=parts))  # fmt: skip
    return out


def _title(doc: Document) -> tuple[str, str]:
    """The note's title, and the heading it comes from when that heading should leave the topic paths.

    A single top-level heading that opens the note names the note, not a section."""
    headings = [b for b in doc.blocks if b.kind == "heading"]
    top = [h for h in headings if h.level == min((h.level for h in headings), default=0)]
    first = doc.blocks[0] if doc.blocks else None
    opener = first if first is not None and first.kind == "heading" and len(top) == 1 and first is top[0] else None
    if doc.title:
        if opener is not None and fold(opener.text) == fold(doc.title):
            return doc.title, opener.text
        return doc.title, ""
    if opener is not None:
        return opener.text, opener.text
    return title_from_filename(doc.source), ""


Piece = tuple  # (heading path, text) or (heading path, text, kind, parts): see Snippet.kind


def _pieces(blocks: list[Block]) -> Iterator[Piece]:
    i = 0
    n = len(blocks)
    while i < n:
        b = blocks[i]
        if b.kind == "heading":
            i += 1
        elif b.kind == "paragraph" and is_label(b.text) and _labels_next(blocks, i):
            i += 1  # "**Reduces real income**" over its items: every item carries it ("Reduces real income: ...")
        elif b.kind == "paragraph":
            # A lead-in ("The Big Three agreed on:") is read with its items, never alone.
            for piece in _sentences(b.text):
                # A lead-in is read with its items; an exclamation before any heading is the teacher's preamble.
                if not piece.endswith(":") and _is_fact(piece) and not (not b.path and piece.endswith("!")):
                    yield b.path, piece
            i += 1
        elif b.kind == "item" or (b.kind == "definition" and (b.parent or b.depth or _next_is_sibling(blocks, i))):
            j = i
            while j < n and blocks[j].kind in ("item", "definition") and blocks[j].group == b.group:
                j += 1
            yield from _list(blocks[i:j])
            i = j
        elif b.kind == "definition":
            yield b.path, _fit_one(f"{b.term}: {b.text}"), "definition", (b.term, b.text)
            i += 1
        elif b.kind == "table":
            for row, kind, parts in _table_rows(b):
                yield b.path, row, kind, parts
            i += 1
        elif b.kind == "qa":
            question = b.term if b.term.endswith("?") else b.term + "?"
            yield b.path, _fit_one(f"{question} {b.text}"), "qa", (question, b.text)
            i += 1
        elif b.kind == "formula":
            j = i
            while j < n and blocks[j].kind == "formula" and blocks[j].path == b.path:
                j += 1
            formulas = tuple(f.text for f in blocks[i:j])
            for chunk in _pack(list(formulas), "; "):
                yield b.path, chunk, "formula", formulas
            i = j
        else:
            i += 1


def _labels_next(blocks: list[Block], i: int) -> bool:
    """Whether the list that follows hangs from this paragraph."""
    nxt = blocks[i + 1] if i + 1 < len(blocks) else None
    return nxt is not None and nxt.kind in ("item", "definition") and nxt.parent == blocks[i].text


def _next_is_sibling(blocks: list[Block], i: int) -> bool:
    return (
        i + 1 < len(blocks) and blocks[i + 1].kind in ("item", "definition") and blocks[i + 1].group == blocks[i].group
    )


def _list(items: list[Block]) -> Iterator[Piece]:
    """A run of list items under one heading: short siblings stay together, short items keep their context."""
    # A short item with items under it is their label ("1903 Schlieffen Plan"): its children carry it.
    labels = {k for k in range(len(items) - 1) if items[k + 1].depth > items[k].depth and _short_item(items[k])}
    k = 0
    while k < len(items):
        first = items[k]
        m = k
        while m < len(items) and (items[m].parent, items[m].depth, items[m].group) == (
            first.parent,
            first.depth,
            first.group,
        ):
            m += 1
        siblings = [items[x] for x in range(k, m) if x not in labels]
        parent = _context(first.parent)
        if first.depth == 0 and parent.endswith((".", "!", "?")) and not _quoted(parent):
            parent = ""  # prose before a list ("... so the war grew large."): not a lead-in its items need
        texts = [_item_text(s) for s in siblings]
        if len(siblings) > 1 and all(_short_item(s) for s in siblings):
            joined = _pack(texts, "; ", prefix=f"{parent}: " if parent else "")
            for chunk in joined:
                if _is_fact(chunk):
                    yield first.path, chunk, "list", (parent, *texts)
        else:
            for s, text in zip(siblings, texts):
                if parent and parent.endswith((".", "!", "?", '"', "'")):
                    text = f"{parent} {text}"  # a quotation and a note on it
                elif parent and (is_label(parent) or len(text.split()) <= CONTEXT_ITEM_WORDS and s.kind == "item"):
                    text = f"{parent}: {text}"  # a label goes with every item; a long lead-in with short ones
                shape = ("definition", (s.term, s.text)) if s.kind == "definition" else ("text", ())
                for piece in _fit(text):
                    if _is_fact(piece) and not piece.endswith(":"):  # a lead-in is read with its items
                        yield first.path, piece, *shape
        k = m


def _quoted(text: str) -> bool:
    return text.startswith(('"', "'")) or text.endswith(('"', "'"))  # (the builder made curly quotes straight)


def _short_item(block: Block) -> bool:
    """An item too short to stand alone ("light intensity"), or a short "Key: value" line ("Into: Glycerol")."""
    if block.kind == "definition":
        return len(block.term.split()) <= 3 and len(block.text.split()) <= SHORT_ITEM_WORDS // 2
    return len(block.text.split()) <= SHORT_ITEM_WORDS and not block.text.endswith((".", "!"))  # not a sentence


def _item_text(block: Block) -> str:
    return f"{block.term}: {block.text}" if block.kind == "definition" else block.text


def _context(parent: str) -> str:
    """The line a short item hangs from, as its context: the lead-in sentence of a paragraph, or a parent item."""
    parent = split_sentences(parent)[-1].rstrip(" :") if parent else ""
    return parent if 0 < len(parent) <= MAX_CONTEXT_CHARS else ""


def _table_rows(table: Block) -> Iterator[tuple[str, str, tuple[str, ...]]]:
    """Each row as text, with its shape: a definition (a Term | Definition table), or a row with its headers."""
    header = table.header
    width = max((len(r) for r in table.rows), default=0)
    as_definitions = len(header) == 2 and fold(header[1]).strip(" :") in _DEFINITION_HEADERS
    # The row labels are the column whose header is blank: usually the first, but a table comparing two
    # things often has its labels in the middle ("Intrusive rock | | Extrusive rock": "formed from", "where").
    blank = [k for k, h in enumerate(header) if not h.strip()]
    key = blank[0] if len(blank) == 1 and header[0].strip() and len(header) >= 3 else 0
    if key:
        header = (header[key], *header[:key], *header[key + 1 :])
    repeated = [fold(h) for h in table.header]
    for row in table.rows:
        cells = [c for c in row]
        if not any(cells) or (header and [fold(c) for c in cells] == repeated):
            continue  # an empty row, or the header again (a table over several pages repeats it)
        if key and len(cells) > key:
            cells = [cells[key], *cells[:key], *cells[key + 1 :]]
        label, rest = cells[0], cells[1:]
        if header and not as_definitions:
            pairs = [f"{h}: {c}" if h else c for h, c in zip(header[1:], rest) if c]
        else:
            pairs = [c for c in rest if c]
        if as_definitions and label and rest and rest[0]:
            shape: tuple[str, tuple[str, ...]] = ("definition", (label, rest[0]))
        elif header and label and not as_definitions:
            cells_by_header = [x for h, c in zip(header[1:], rest) if h.strip() and c for x in (h, c)]
            shape = ("row", (header[0], label, *cells_by_header)) if cells_by_header else ("text", ())
        else:
            shape = ("text", ())
        if not label:
            text = CELL_JOIN.join(pairs)
        elif not pairs:
            text = f"{header[0]}: {label}" if header and width == 1 else label
        else:
            text = (
                f"{label}: {CELL_JOIN.join(pairs)}"
                if as_definitions or not header
                else f"{label} - " + CELL_JOIN.join(pairs)
            )
        for piece in _fit(text):
            if _is_fact(piece) or len(text.split()) >= 2:
                yield piece, *shape


def split_sentences(text: str) -> list[str]:
    parts: list[str] = []
    start = 0
    for m in _SENTENCE_END.finditer(text):
        head = text[start : m.start()].rstrip()
        if _ABBREV.search(head):
            continue
        parts.append(text[start : m.start()].strip())
        start = m.end()
    parts.append(text[start:].strip())
    return [p for p in parts if p]


def _tidy(text: str) -> str:
    text = re.sub(r"\s+([.,;:!?])(?=\s|$)", r"\1", squash(text))
    return re.sub(r"([.!?])[.,]+$", r"\1", text).strip()


def _sentences(text: str) -> list[str]:
    """A paragraph, one sentence a snippet; a very short sentence ("This made it hard.") joins the one before."""
    text = _tidy(text)
    out: list[str] = []
    for s in split_sentences(text):
        if (
            out
            and len(s) < SHORT_SENTENCE_CHARS
            and not out[-1].endswith(":")
            and (len(out[-1]) + len(s) + 1 <= MAX_SNIPPET_CHARS)
        ):
            out[-1] += " " + s
        else:
            out.extend(_hard_cut(s))
    return out


def _fit(text: str) -> list[str]:
    """One statement, whole when it fits; else packed sentence by sentence."""
    text = _tidy(text)
    if len(text) <= MAX_SNIPPET_CHARS:
        return [text] if text else []
    return _pack(split_sentences(text), " ")


def _fit_one(text: str) -> str:
    return _fit(text)[0] if _fit(text) else ""


def _pack(parts: list[str], sep: str, prefix: str = "") -> list[str]:
    """Join parts with `sep` into snippets of at most MAX_SNIPPET_CHARS, each starting with `prefix`."""
    out: list[str] = []
    for part in parts:
        for piece in _hard_cut(part, MAX_SNIPPET_CHARS - len(prefix)):
            if out and len(out[-1]) + len(sep) + len(piece) <= MAX_SNIPPET_CHARS:
                out[-1] += sep + piece
            else:
                out.append(prefix + piece)
    return out


def _hard_cut(sentence: str, limit: int = MAX_SNIPPET_CHARS) -> list[str]:
    """A sentence over the limit is cut at ';', ',' or a space, never mid-word."""
    limit = max(limit, 100)
    out: list[str] = []
    rest = sentence
    while len(rest) > limit:
        window = rest[: limit - 1]
        cut = max(window.rfind("; "), window.rfind(", "))
        if cut < limit // 3:
            cut = window.rfind(" ")
        if cut <= 0:
            cut = limit - 1
        out.append(rest[: cut + 1].strip())
        rest = rest[cut + 1 :].strip()
    if rest:
        out.append(rest)
    return out


def _is_fact(piece: str) -> bool:
    """Drop debris: lone punctuation, single words, a question with no answer, table-of-contents lines."""
    if not piece or (". ." in piece or "...." in piece) and _DOT_LEADER.search(piece):
        return False
    if piece.rstrip("\"' )").endswith("?") or piece.count(" ") < 2:
        return False
    return len(_LETTERS.findall(piece)) >= 8
