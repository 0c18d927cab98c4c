"""OpenDocument text (.odt: LibreOffice, and Google Docs' download): headings, lists, tables from content.xml.
OpenDocument slides (.odp: LibreOffice Impress) the same way: each slide's title a heading over its text boxes,
outline lists and tables, then its speaker notes.

The XML is read with lxml (already there for python-docx): odfpy's loader also parses the styles part,
fails on files pandoc and some editors write, and prints to stdout when it does."""

from __future__ import annotations

import re

from bot.knowledge.document import Document, DocumentBuilder, is_label
from bot.knowledge.readers.base import MAX_BLOCKS, MAX_DEPTH, NoteError, open_package
from bot.knowledge.readers.latex import latex_to_text
from bot.knowledge.readers.lines import add_lines
from bot.knowledge.readers.scripts import to_subscript, to_superscript

_TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
_TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
_DRAW = "urn:oasis:names:tc:opendocument:xmlns:drawing:1.0"
_OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
_DC = "http://purl.org/dc/elements/1.1/"
_XLINK = "http://www.w3.org/1999/xlink"
_MATH = "http://www.w3.org/1998/Math/MathML"
_STYLE = "urn:oasis:names:tc:opendocument:xmlns:style:1.0"
_FO = "urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0"
_PRESENTATION = "urn:oasis:names:tc:opendocument:xmlns:presentation:1.0"
_WHITESPACE = re.compile(r"[ \t\r\n]+")


def read(data: bytes, source: str) -> Document:
    archive = open_package(data, "OpenDocument", "content.xml")
    from lxml import etree  # imported here: only teachers with .odt notes pay for loading it

    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        root = etree.fromstring(archive.read("content.xml"), parser)
        title = ""
        if "meta.xml" in archive.namelist():
            found = etree.fromstring(archive.read("meta.xml"), parser).find(f".//{{{_DC}}}title")
            title = _text(found) if found is not None else ""
        b = DocumentBuilder(source, title)
        body = root.find(f"{{{_OFFICE}}}body/{{{_OFFICE}}}text")
        slides = root.find(f"{{{_OFFICE}}}body/{{{_OFFICE}}}presentation")
        if body is None and slides is None:
            raise NoteError("this OpenDocument file holds no text (is it a spreadsheet?)")
        walker = _Walker(b, _bold_styles(root), _code_styles(root), _formulas(archive, parser), _script_styles(root))
        if body is not None:
            walker.children(body, 0)
        else:
            _slides(walker, slides)
    except NoteError:
        raise
    except Exception as exc:  # odfpy and its XML parser raise many kinds on malformed parts
        raise NoteError("this file could not be read as an OpenDocument text: it may be damaged") from exc
    return b.build()


def _name(node) -> tuple[str, str]:  # noqa: ANN001 (an lxml element)
    tag = node.tag if isinstance(node.tag, str) else ""
    ns, _, name = tag[1:].partition("}")
    return ns, name


def _text(node, formulas: dict[str, str] | None = None, scripts: dict[str, str] | None = None) -> str:  # noqa: ANN001
    """The text of an element: spans, links and fields read through; <text:s> and tabs as spaces, line breaks as
    "\\n", embedded formulas as their plain text, spans in sub- or superscript styles as H₂O, x²."""
    # ODF white-space rule: newlines, tabs and runs of spaces in the XML are one space (only <text:line-break>
    # breaks a line); files written by tools that pretty-print their XML would otherwise break mid-sentence.
    out: list[str] = [_WHITESPACE.sub(" ", node.text or "")]
    for child in node:
        ns, name = _name(child)
        if ns == _DRAW and name == "object" and formulas is not None:
            href = (child.get(f"{{{_XLINK}}}href") or "").removeprefix("./").rstrip("/")
            out.append(" " + formulas.get(href, "") + " ")
            out.append(_WHITESPACE.sub(" ", child.tail or ""))
            continue
        if ns == _TEXT and name == "line-break":
            out.append("\n")
        elif ns == _TEXT and name in ("s", "tab"):
            count = child.get(f"{{{_TEXT}}}c") if name == "s" else None
            out.append(" " * min(int(count or 1) if str(count or 1).isdigit() else 1, 100))
        elif ns == _TEXT and name in ("note", "tracked-changes", "bookmark", "bookmark-start", "bookmark-end"):
            pass
        elif ns == _TEXT and name == "span" and scripts and child.get(f"{{{_TEXT}}}style-name") in scripts:
            inner = _text(child, formulas, scripts)
            if inner.strip():
                sub = scripts[child.get(f"{{{_TEXT}}}style-name")] == "sub"
                inner = to_subscript(inner) if sub else to_superscript(inner)
            out.append(inner)
        else:
            out.append(_text(child, formulas, scripts))
        out.append(_WHITESPACE.sub(" ", child.tail or ""))
    return "".join(out)


def _formula_only(p) -> bool:  # noqa: ANN001
    """A paragraph holding only equations (display maths)."""
    objects = p.findall(f".//{{{_DRAW}}}object")
    return bool(objects) and not "".join(p.itertext()).strip()


def _formulas(archive, parser) -> dict[str, str]:  # noqa: ANN001
    """Each embedded formula object ("Object 1/", "Formula-12/") as text, from its TeX annotation or its MathML."""
    from lxml import etree

    out: dict[str, str] = {}
    for name in archive.namelist():
        if not name.endswith("/content.xml") or name.count("/") != 1 or len(out) >= MAX_BLOCKS:
            continue
        try:
            math = etree.fromstring(archive.read(name), parser)
        except etree.XMLSyntaxError:
            continue
        tex = next((a.text for a in math.iter(f"{{{_MATH}}}annotation") if "tex" in (a.get("encoding") or "")), None)
        out[name.split("/")[0]] = latex_to_text(tex) if tex else _mathml(math)
    return out


def _mathml(node) -> str:  # noqa: ANN001
    """Presentation MathML as the plain notation used for LaTeX: a/b, x^2, x_i, √(x)."""
    name = _name(node)[1]
    kids = [k for k in node if _name(k)[1] not in ("annotation", "annotation-xml")]
    parts = [_mathml(k) for k in kids]
    if name in ("mi", "mn", "mo", "mtext", "ms"):
        return (node.text or "").strip()
    if name == "mfrac" and len(parts) == 2:
        return "/".join(f"({p})" if len(p) > 1 and not p.isalnum() else p for p in parts)
    if name in ("msup", "msub") and len(parts) == 2:
        mark = "^" if name == "msup" else "_"
        return (
            f"{parts[0]}{mark}{parts[1] if len(parts[1]) <= 1 or parts[1].lstrip('-').isalnum() else f'({parts[1]})'}"
        )
    if name == "msubsup" and len(parts) == 3:
        return f"{parts[0]}_{parts[1]}^{parts[2]}"
    if name in ("msqrt", "mroot"):
        return f"√({parts[0] if parts else ''})"
    joined = "".join(parts)
    return joined


def _code_styles(root) -> set[str]:  # noqa: ANN001
    """Paragraph styles of preformatted text: a code block, one paragraph a line, read as one block of lines."""
    out: set[str] = set()
    for style in root.iter(f"{{{_STYLE}}}style"):
        name = style.get(f"{{{_STYLE}}}name") or ""
        parent = style.get(f"{{{_STYLE}}}parent-style-name") or ""
        if any(k in f"{name} {parent}".lower() for k in ("preformatted", "source_20_text", "source text", "code")):
            out.add(name)
    return out


def _script_styles(root) -> dict[str, str]:  # noqa: ANN001
    """Text styles set as subscript or superscript ("sub"/"sup"): LibreOffice writes style:text-position as
    "super 58%", "sub 58%", or a raised or lowered percentage ("33% 58%", "-33% 58%")."""
    out: dict[str, str] = {}
    for style in root.iter(f"{{{_STYLE}}}style"):
        name = style.get(f"{{{_STYLE}}}name") or ""
        props = style.find(f"{{{_STYLE}}}text-properties")
        position = (props.get(f"{{{_STYLE}}}text-position") or "") if props is not None else ""
        first = position.split()[0] if position.split() else ""
        if first == "super" or name.lower() == "superscript":
            out[name] = "sup"
        elif first == "sub" or name.lower() == "subscript":
            out[name] = "sub"
        elif first.endswith("%"):
            try:
                shift = float(first[:-1])
            except ValueError:
                continue
            if shift:
                out[name] = "sup" if shift > 0 else "sub"
    return out


def _bold_styles(root) -> set[str]:  # noqa: ANN001
    """Names of the text styles that set bold type (LibreOffice's automatic "T1", pandoc's "Strong Emphasis")."""
    out: set[str] = set()
    for style in root.iter(f"{{{_STYLE}}}style"):
        name = style.get(f"{{{_STYLE}}}name") or ""
        props = style.find(f"{{{_STYLE}}}text-properties")
        if "strong" in name.lower() or (props is not None and props.get(f"{{{_FO}}}font-weight") == "bold"):
            out.add(name)
    return out


class _Walker:
    def __init__(
        self,
        builder: DocumentBuilder,
        bold: set[str],
        code: set[str],
        formulas: dict[str, str],
        scripts: dict[str, str],
    ):
        self.b = builder
        self.formulas = formulas
        self.bold = bold
        self.code = code
        self.lines: list[str] = []  # lines of a code block being gathered
        self.scripts = scripts  # text style name -> "sub" / "sup"

    def text(self, node) -> str:  # noqa: ANN001
        return _text(node, self.formulas, self.scripts)

    def flush(self) -> None:
        if self.lines:
            add_lines(self.b, self.lines)
            self.lines = []

    def bold_only(self, p) -> bool:  # noqa: ANN001
        """Every word of the paragraph in bold spans: a label, like "**Arteries**" alone on a line."""
        if (p.text or "").strip() or not len(p):
            return False
        return all(
            _name(c) == (_TEXT, "span") and c.get(f"{{{_TEXT}}}style-name") in self.bold and not (c.tail or "").strip()
            for c in p
        )

    def children(self, node, depth: int) -> None:  # noqa: ANN001
        for child in node:
            if len(self.b.doc.blocks) >= MAX_BLOCKS:
                self.b.warn(f"only the first {MAX_BLOCKS} parts of the file were read")
                return
            ns, name = _name(child)
            if ns == _TEXT and name == "p" and child.get(f"{{{_TEXT}}}style-name") in self.code:
                self.lines.extend(self.text(child).split("\n"))
                continue
            self.flush()
            if ns == _TEXT and name == "h":
                level = child.get(f"{{{_TEXT}}}outline-level") or "1"
                self.b.heading(self.text(child), int(level) if level.isdigit() else 1)
            elif ns == _TEXT and name == "p":
                if child.find(f".//{{{_DRAW}}}image") is not None:
                    self.b.skip("images")
                if _formula_only(child):
                    self.b.formula(self.text(child))
                    continue
                text = self.text(child)
                if self.bold_only(child) and is_label(text.strip()):
                    self.b.heading(text, 6)
                    continue
                self.b.end_list()
                add_lines(self.b, text.split("\n"))
            elif ns == _TEXT and name == "list":
                self.list(child, 0)
            elif ns == _TABLE and name == "table":
                self.table(child)
            elif ns == _TEXT and name in ("section", "index-body") and depth < 50:
                self.children(child, depth + 1)
            elif ns == _TEXT and name in ("table-of-content", "alphabetical-index", "illustration-index"):
                self.b.skip("table of contents")
        self.flush()

    def list(self, node, depth: int) -> None:  # noqa: ANN001
        for item in node:
            if _name(item)[1] not in ("list-item", "list-header"):
                continue
            if len(self.b.doc.blocks) >= MAX_BLOCKS:  # one huge list must not slip past the cap
                self.b.warn(f"only the first {MAX_BLOCKS} parts of the file were read")
                return
            for part in item:
                ns, name = _name(part)
                if ns == _TEXT and name in ("p", "h"):
                    self.b.item(self.text(part), min(depth, MAX_DEPTH))
                elif ns == _TEXT and name == "list" and depth < 200:
                    self.list(part, depth + 1)

    def table(self, node) -> None:  # noqa: ANN001
        header: list[str] | None = None
        rows: list[list[str]] = []
        for row_parent in node:
            name = _name(row_parent)[1]
            group = [row_parent] if name == "table-row" else [r for r in row_parent if _name(r)[1] == "table-row"]
            for row in group:
                cells = [
                    "; ".join(t for t in (self.text(p).strip() for p in cell) if t)
                    for cell in row
                    if _name(cell)[1] == "table-cell"
                ]
                if name == "table-header-rows" and header is None:
                    header = cells
                else:
                    rows.append(cells)
        self.b.end_list()
        self.b.table(rows, header)


def _slides(walker: _Walker, presentation) -> None:  # noqa: ANN001
    """Each slide: its title as a heading, then the text of its other frames (text boxes, outlines, tables, in the
    order they were drawn, groups read through) and its speaker notes."""
    b = walker.b
    for page in presentation:
        if _name(page) != (_DRAW, "page"):
            continue
        if len(b.doc.blocks) >= MAX_BLOCKS:
            b.warn(f"only the first {MAX_BLOCKS} parts of the file were read")
            return
        shapes = list(_shapes(page, 0))
        kinds = [f.get(f"{{{_PRESENTATION}}}class") for f in shapes]
        title = " ".join(
            walker.text(p).strip() for f, kind in zip(shapes, kinds) if kind == "title" for p in f.iter(f"{{{_TEXT}}}p")
        ).strip()
        if title and not b.doc.blocks and not b.doc.title and "subtitle" in kinds:
            b.doc.title = title  # a title slide names the deck
        elif title:
            b.heading(title, 1)
        for shape, kind in zip(shapes, kinds):
            if kind == "title":
                continue
            if _name(shape)[1] != "frame":  # a text box drawn as a shape: its paragraphs are its children
                walker.children(shape, 0)
                b.end_list()
                continue
            parts = {_name(part): part for part in shape}
            if (_DRAW, "text-box") in parts:
                walker.children(parts[(_DRAW, "text-box")], 0)
                b.end_list()
            elif (_TABLE, "table") in parts:
                walker.table(parts[(_TABLE, "table")])
            elif (_DRAW, "image") in parts:
                b.skip("images")
        notes = page.find(f"{{{_PRESENTATION}}}notes")
        if notes is not None:
            for frame in _shapes(notes, 0):
                if frame.get(f"{{{_PRESENTATION}}}class") == "notes":
                    for box in frame.iter(f"{{{_DRAW}}}text-box"):
                        walker.children(box, 0)
                        b.end_list()


def _shapes(node, depth: int):  # noqa: ANN001, ANN202
    """The frames and text-holding shapes of a slide in drawing order, those inside groups too."""
    for child in node:
        ns, name = _name(child)
        if ns != _DRAW:
            continue
        if name == "g" and depth < 20:
            yield from _shapes(child, depth + 1)
        elif name == "frame" or any(_name(c)[0] == _TEXT for c in child):
            yield child
