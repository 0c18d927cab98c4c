"""Word documents (.docx) with python-docx: heading styles, lists with their levels, tables, in reading order."""

from __future__ import annotations

import io
import re

from bot.knowledge.document import Document, DocumentBuilder, is_label
from bot.knowledge.readers.base import MAX_BLOCKS, MAX_DEPTH, NoteError, open_package
from bot.knowledge.readers.lines import add_lines
from bot.knowledge.readers.omml import M, omml_text
from bot.knowledge.readers.scripts import to_subscript, to_superscript

_HEADING = re.compile(r"^heading\s*(\d)$", re.I)
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_M = M


def read(data: bytes, source: str) -> Document:
    open_package(data, "Word", "word/document.xml")  # refuses what is not a Word file before python-docx opens it
    import docx  # imported here: only teachers with Word notes pay for loading it

    try:
        word = docx.Document(io.BytesIO(data))
        b = DocumentBuilder(source, word.core_properties.title or "")
        _walk(word, b)
    except NoteError:
        raise
    except Exception as exc:  # python-docx and lxml raise many kinds on malformed parts
        raise NoteError("this file could not be read as a Word document: it may be damaged") from exc
    return b.build()


def _walk(word, b: DocumentBuilder) -> None:  # noqa: ANN001 (python-docx's Document)
    for part in _blocks(word.element.body, word._body, 0):
        if len(b.doc.blocks) >= MAX_BLOCKS:
            b.warn(f"only the first {MAX_BLOCKS} parts of the file were read")
            return
        if hasattr(part, "rows"):
            _table(part, b)
        else:
            _paragraph(part, b)


def _blocks(element, parent, depth: int):  # noqa: ANN001, ANN202
    """Paragraphs and tables in reading order, also those inside content controls (w:sdt), which templates,
    forms and exported documents wrap around whole sections and python-docx's own iteration passes over."""
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    for child in element.iterchildren():
        if child.tag == f"{_W}p":
            yield Paragraph(child, parent)
        elif child.tag == f"{_W}tbl":
            yield Table(child, parent)
        elif child.tag == f"{_W}sdt" and depth < MAX_DEPTH:
            content = child.find(f"{_W}sdtContent")
            if content is not None:
                yield from _blocks(content, parent, depth + 1)


def _paragraph(p, b: DocumentBuilder) -> None:  # noqa: ANN001
    text = _text(p)
    if p._p.xpath(".//w:drawing") or p._p.xpath(".//w:pict"):
        b.skip("images")
    if not text.strip():
        return
    style = (p.style.name if p.style is not None else "") or ""
    m = _HEADING.match(style)
    if style.lower() == "title":
        if not b.doc.title or b.doc.title.casefold() == text.strip().casefold():
            b.doc.title = text.strip()
        else:
            b.heading(text, 1)
    elif m:
        b.heading(text, int(m.group(1)))
    elif style.lower().startswith("list") or p._p.pPr is not None and p._p.pPr.numPr is not None:
        b.item(text, min(_level(p), MAX_DEPTH))
    elif _bold_label(p, text):
        b.heading(text, 6)  # "**Arteries**" alone on a line: a label over what follows, as in Markdown
    elif _math_only(p):
        b.end_list()
        b.formula(text)  # an equation on its own line, as a display formula in Markdown
    else:
        b.end_list()
        add_lines(b, text.split("\n"))  # a code block or hand-broken lines: one statement a line


def _bold_label(p, text: str) -> bool:  # noqa: ANN001
    runs = [r for r in p.runs if r.text.strip()]
    return bool(runs) and all(r.bold for r in runs) and is_label(text)


def _math_only(p) -> bool:  # noqa: ANN001
    """An equation on its own line: Office Math and no words around it."""
    kids = list(p._p.iterchildren())
    if not any(el.tag in (f"{_M}oMath", f"{_M}oMathPara") for el in kids):
        return False
    return not any(el.tag == f"{_W}r" and _run(el).strip() for el in kids)


def _level(p) -> int:  # noqa: ANN001
    num = p._p.pPr.numPr if p._p.pPr is not None else None
    if num is not None and num.ilvl is not None and num.ilvl.val is not None:
        return int(num.ilvl.val)
    m = re.search(r"(\d)$", p.style.name or "") if p.style is not None else None
    return int(m.group(1)) - 1 if m else 0


def _text(p) -> str:  # noqa: ANN001
    """The paragraph's text in order: runs (sub- and superscripts kept: H₂O, x²), line breaks as "\\n",
    hyperlinks' runs, and equations (Office Math) as their plain characters."""
    out: list[str] = []
    for el in p._p.iterchildren():
        tag = el.tag
        if tag == f"{_W}r":
            out.append(_run(el))
        elif tag in (f"{_W}hyperlink", f"{_W}smartTag", f"{_W}ins", f"{_W}fldSimple"):
            out.extend(_run(r) for r in el.iterchildren(f"{_W}r"))
        elif tag in (f"{_M}oMath", f"{_M}oMathPara"):
            out.append(" " + omml_text(el) + " ")
    return "".join(out)


def _run(r) -> str:  # noqa: ANN001 (a w:r element)
    parts: list[str] = []
    for el in r.iterchildren():
        if el.tag == f"{_W}t":
            parts.append(el.text or "")
        elif el.tag in (f"{_W}br", f"{_W}cr"):
            parts.append("\n")
        elif el.tag == f"{_W}tab":
            parts.append(" ")
    text = "".join(parts)
    align = r.find(f"{_W}rPr/{_W}vertAlign")
    value = align.get(f"{_W}val") if align is not None else None
    if value == "subscript" and text.strip():
        return to_subscript(text)
    if value == "superscript" and text.strip():
        return to_superscript(text)
    return text


def _table(table, b: DocumentBuilder) -> None:  # noqa: ANN001
    rows: list[list[str]] = []
    header: list[str] | None = None
    for k, row in enumerate(table.rows):
        cells: list[str] = []
        seen: set[int] = set()
        for cell in row.cells:
            if id(cell._tc) in seen:  # a merged cell repeats in every column it spans
                continue
            seen.add(id(cell._tc))
            cells.append(_cell_text(cell, 0))
        trpr = row._tr.trPr
        marked = trpr is not None and trpr.find(f"{_W}tblHeader") is not None
        if k == 0 and (marked or _all_bold(row)):
            header = cells
        else:
            rows.append(cells)
    b.end_list()
    if header and len(header) == 2 and header[1].strip().lower() in ("definition", "meaning", "description"):
        for term, text in (r for r in rows if len(r) >= 2):
            b.definition(term, text)
        return
    b.table(rows, header)


def _cell_text(cell, depth: int) -> str:  # noqa: ANN001
    """A cell's paragraphs joined with "; ", a table inside it row by row ("Term - definition")."""
    parts: list[str] = []
    for item in cell.iter_inner_content():
        if hasattr(item, "rows"):
            if depth >= MAX_DEPTH:
                continue
            for row in item.rows:
                texts = list(dict.fromkeys(_cell_text(c, depth + 1) for c in row.cells))  # merged cells repeat
                parts.append(" - ".join(t for t in texts if t))
        else:
            parts.append(_text(item).strip())
    return "; ".join(t for t in parts if t)


def _all_bold(row) -> bool:  # noqa: ANN001
    runs = [r for cell in row.cells for p in cell.paragraphs for r in p.runs if r.text.strip()]
    return bool(runs) and all(r.bold for r in runs)
