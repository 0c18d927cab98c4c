"""Web pages and HTML exports (Notion, Google Docs, OneNote, site generators) with selectolax's Lexbor parser."""

from __future__ import annotations

import re

from selectolax.lexbor import LexborHTMLParser, LexborNode

from bot.knowledge.document import Document, DocumentBuilder, is_label
from bot.knowledge.readers.base import MAX_BLOCKS, MAX_DEPTH, MAX_TEXT_BYTES, NoteError
from bot.knowledge.readers.encoding import decode_text
from bot.knowledge.readers.latex import latex_to_text
from bot.knowledge.readers.lines import add_lines
from bot.knowledge.readers.scripts import to_subscript, to_superscript

_DROP = {"script", "style", "nav", "header", "footer", "aside", "form", "button", "svg", "noscript", "template",
         "iframe", "select", "input", "textarea", "head", "canvas", "video", "audio", "object", "embed"}  # fmt: skip
_FRAME = {"nav", "header", "footer", "aside"}  # the site around the notes
_HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
_LISTS = {"ul", "ol", "menu"}
_BLOCKS = {"p", "div", "section", "article", "main", "blockquote", "figure", "figcaption", "body", "details",
           "summary", "center", "address", "pre", "li", "dd", "dt", "td", "th", "caption", "span", "label"}  # fmt: skip
_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w-]+)""", re.I)
# TeX in a page, as pandoc and MathJax or KaTeX sites leave it: $$...$$, \[...\], \(...\), $...$
_TEX_DELIMITERS = re.compile(r"^\s*(?:\$\$|\\\[|\\\(|\$)(.*?)(?:\$\$|\\\]|\\\)|\$)\s*$", re.S)
# Elements nested deeper than this (hostile or broken pages) are read as their plain text: the walk recurses.
_MAX_NESTING = 120


def read(data: bytes, source: str) -> Document:
    if len(data) > MAX_TEXT_BYTES:
        raise NoteError(f"the page is larger than {MAX_TEXT_BYTES // 1_000_000} MB")
    text = _decode(data)
    try:
        tree = LexborHTMLParser(text)
    except Exception as exc:  # the parser rejects a few pathological inputs
        raise NoteError("this file could not be read as a web page: it may be damaged") from exc
    title_node = tree.css_first("title") or tree.css_first("h1")  # an export without <title> names itself in h1
    b = DocumentBuilder(source, title_node.text(separator=" ", strip=True) if title_node else "")
    body = tree.body or tree.root
    try:
        if body is not None:
            _Walker(b).block(body, 0)
    except RecursionError as exc:  # the nesting caps should prevent it; a page must never crash ingestion
        raise NoteError("this web page is nested too deeply to read") from exc
    return b.build()


def _decode(data: bytes) -> str:
    m = _CHARSET.search(data[:4096])
    if m:
        try:
            return data.decode(m.group(1).decode("ascii", "ignore"))
        except (LookupError, UnicodeDecodeError):
            pass
    return decode_text(data)


class _Walker:
    def __init__(self, builder: DocumentBuilder):
        self.b = builder
        self.full = False

    def block(self, node: LexborNode, depth: int) -> None:
        """Walk the children of a block element: headings, lists, tables and runs of inline text."""
        run: list[str] = []  # inline text gathered until the next block-level child
        for child in node.iter(include_text=True):
            if self._stop():
                return
            tag = child.tag
            if tag == "-text":
                run.append(child.text(deep=False))
                continue
            if tag in _DROP or tag == "-comment":
                if tag in _FRAME:
                    self.b.skip("navigation, headers and footers")
                continue
            if tag == "br":
                run.append("\n")
                continue
            math = _math(child)
            if math is not None and math[1]:  # a formula on its own line
                self._flush(run)
                run = []
                self.b.formula(self.formula(child, math[0], depth + 1))
                continue
            if math is not None:
                run.append(self.formula(child, math[0], depth + 1))
                continue
            if tag in _HEADINGS or tag in _LISTS or tag in ("table", "dl", "hr", "img") or tag in _BLOCKS:
                self._flush(run)
                run = []
            if tag in _HEADINGS:
                self.b.heading(self.inline(child, depth + 1), _HEADINGS[tag])
            elif tag in _LISTS:
                self.list(child, 0, depth + 1)
            elif tag == "table":
                self.table(child, depth + 1)
            elif tag == "dl":
                self.definitions(child, depth + 1)
            elif tag == "img":
                self.b.skip("images")
            elif tag == "hr":
                continue
            elif tag == "p" and _bold_only(child) and is_label(child.text(strip=True)):
                self.b.heading(self.inline(child, depth + 1), 6)  # a bold line alone: a label over what follows
            elif tag in _BLOCKS:
                if depth >= _MAX_NESTING:  # absurd nesting: read what is there as text
                    self._flush([child.text(separator=" ")])
                else:
                    self.block(child, depth + 1)
            else:
                run.append(self.element(child, depth + 1))
        self._flush(run)

    def _flush(self, run: list[str]) -> None:
        text = "".join(run)
        if text.strip():
            add_lines(self.b, text.split("\n"))

    def _stop(self) -> bool:
        if len(self.b.doc.blocks) >= MAX_BLOCKS:
            if not self.full:
                self.b.warn(f"only the first {MAX_BLOCKS} parts of the file were read")
                self.full = True
            return True
        return False

    def inline(self, node: LexborNode, depth: int) -> str:
        """The text of an inline element, with sub- and superscripts kept and scripts dropped."""
        if depth >= _MAX_NESTING:
            return node.text(separator=" ")  # Lexbor's own text walk does not recurse in Python
        out: list[str] = []
        for child in node.iter(include_text=True):
            tag = child.tag
            if tag == "-text":
                out.append(child.text(deep=False))
            elif tag in _DROP or tag == "-comment":
                continue
            elif tag == "br":
                out.append("\n")
            else:
                out.append(self.element(child, depth + 1))
        return "".join(out)

    def formula(self, node: LexborNode, tex: str | None, depth: int) -> str:
        """A formula as plain text: its TeX read, or its HTML (pandoc writes simple ones so: v<sup>2</sup>), in the
        notation of every formula (v^2, 10^(-34), E_k)."""
        if tex is not None:
            return latex_to_text(tex)
        return " ".join(_written_math(node, depth).split())

    def element(self, node: LexborNode, depth: int) -> str:
        tag = node.tag
        math = _math(node)
        if math is not None:
            return self.formula(node, math[0], depth)
        if tag == "sub":
            return to_subscript(node.text())
        if tag == "sup":
            return to_superscript(node.text())
        if tag in _BLOCKS or tag in _LISTS:
            return "\n" + self.inline(node, depth) + "\n"  # steps listed in a table cell stay apart
        return self.inline(node, depth)

    def list(self, node: LexborNode, depth: int, nest: int) -> None:
        """A list's items at `depth`; `nest` counts every element above it, to bound the recursion."""
        items = [li for li in node.iter() if li.tag == "li"]
        if items and all(_only_link(li) for li in items):
            self.b.skip("navigation links")
            return
        for li in items:
            if self._stop():
                return
            text: list[str] = []
            nested: list[LexborNode] = []
            for child in li.iter(include_text=True):
                if child.tag in _LISTS:
                    nested.append(child)
                elif child.tag == "-text":
                    text.append(child.text(deep=False))
                elif child.tag in ("table",):
                    nested.append(child)
                elif child.tag not in _DROP and child.tag != "-comment":
                    text.append(" " + self.inline(child, nest + 2) + (" " if child.tag in _BLOCKS else ""))
            line = " ".join("".join(text).split())
            if line:
                self.b.item(line, min(depth, MAX_DEPTH))
            for sub in nested:
                if nest >= _MAX_NESTING:  # absurd nesting: what is below is read as one line
                    self.b.item(sub.text(separator=" "), min(depth + 1, MAX_DEPTH))
                elif sub.tag == "table":
                    self.table(sub, nest + 2)
                else:
                    self.list(sub, depth + 1, nest + 2)

    def table(self, node: LexborNode, nest: int) -> None:
        header: list[str] = []
        rows: list[list[str]] = []
        for tr in _rows(node):
            cells = [c for c in tr.iter() if c.tag in ("td", "th")]
            texts = [
                "; ".join(x for x in (" ".join(p.split()) for p in self.inline(c, nest + 2).split("\n")) if x)
                for c in cells
            ]
            in_head = tr.parent is not None and tr.parent.tag == "thead"
            if not header and not rows and (in_head or (cells and all(c.tag == "th" for c in cells))):
                header = texts
            else:
                rows.append(texts)
        self.b.table(rows, header or None)

    def definitions(self, node: LexborNode, nest: int) -> None:
        term = ""
        for child in node.iter():
            if child.tag == "dt":
                term = self.inline(child, nest + 1)
            elif child.tag == "dd" and term:
                self.b.definition(term, self.inline(child, nest + 1))


def _rows(table: LexborNode) -> list[LexborNode]:
    """The table's own rows (under thead, tbody, tfoot or itself), not those of tables nested in its cells."""
    rows: list[LexborNode] = []
    for child in table.iter():
        if child.tag == "tr":
            rows.append(child)
        elif child.tag in ("thead", "tbody", "tfoot"):
            rows.extend(r for r in child.iter() if r.tag == "tr")
    return rows


def _bold_only(p: LexborNode) -> bool:
    text = p.text(strip=True)
    bold = "".join(b.text(strip=True) for b in p.iter() if b.tag in ("strong", "b"))
    return bool(text) and text == bold


def _only_link(li: LexborNode) -> bool:
    links = li.css("a")
    if not links:
        return False
    return len(li.text(strip=True)) <= sum(len(a.text(strip=True)) for a in links) + 3


def _math(node: LexborNode) -> tuple[str | None, bool] | None:
    """For a formula, its TeX (None when the page wrote it out in HTML) and whether it is set on its own line: pandoc's
    and MathJax's spans (class "math", "display" or "inline") and MathML with a TeX annotation. None for anything
    else."""
    tag = node.tag
    if tag == "math":
        tex = node.css_first("annotation")
        display = (node.attributes.get("display") or "") == "block"
        return (tex.text() if tex is not None and "tex" in (tex.attributes.get("encoding") or "") else None), display
    classes = (node.attributes.get("class") or "").split() if tag == "span" else ()
    if "math" not in classes:
        return None
    m = _TEX_DELIMITERS.match(node.text())
    return (m.group(1) if m else None), "display" in classes


def _written_math(node: LexborNode, depth: int) -> str:
    out: list[str] = []
    for child in node.iter(include_text=True):
        tag = child.tag
        if tag == "-text":
            out.append(child.text(deep=False))
        elif tag in ("sup", "sub"):
            body = " ".join(child.text().split())
            mark = "^" if tag == "sup" else "_"
            out.append(f"{mark}{body}" if len(body) <= 1 or body.isalnum() else f"{mark}({body})")
        elif tag not in _DROP and tag != "-comment":
            out.append(_written_math(child, depth + 1) if depth < _MAX_NESTING else child.text())
    return "".join(out)
