"""PowerPoint slides (.pptx) with python-pptx: slide titles as headings, outline levels as list depth,
tables, and the speaker notes, where teachers often keep the facts."""

from __future__ import annotations

import io
import re
import zipfile

from bot.knowledge.document import Document, DocumentBuilder
from bot.knowledge.readers.base import MAX_BLOCKS, MAX_DEPTH, MAX_SLIDES, NoteError, open_package
from bot.knowledge.readers.lines import add_lines
from bot.knowledge.readers.omml import M, omml_text
from bot.knowledge.readers.scripts import to_subscript, to_superscript

_A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
_M = M
_TITLES = {"TITLE", "CENTER_TITLE", "VERTICAL_TITLE"}
_SUBTITLE = "SUBTITLE"


def read(data: bytes, source: str) -> Document:
    archive = open_package(data, "PowerPoint", "ppt/presentation.xml")
    import pptx  # imported here: only teachers with slides pay for loading it

    try:
        deck = pptx.Presentation(io.BytesIO(_repaired(archive, data)))
        b = DocumentBuilder(source, deck.core_properties.title or "")
        _Deck(b).read(deck)
    except NoteError:
        raise
    except Exception as exc:  # python-pptx and lxml raise many kinds on malformed parts
        raise NoteError("this file could not be read as PowerPoint slides: it may be damaged") from exc
    return b.build()


def _repaired(archive, data: bytes) -> bytes:  # noqa: ANN001 (a zipfile.ZipFile)
    """The deck with namespace prefixes that a part uses without declaring them (as some converters write for
    equations) declared, so one such slide does not cost the whole deck; what they mark is then ignored."""
    from lxml import etree

    strict = etree.XMLParser(resolve_entities=False, no_network=True)
    fixed: dict[str, bytes] = {}
    for name in archive.namelist():
        if name.startswith("ppt/") and name.endswith(".xml"):
            raw = archive.read(name)
            try:
                etree.fromstring(raw, strict)
            except etree.XMLSyntaxError:
                raw = fixed[name] = _declare_prefixes(raw)
            if b"AlternateContent" in raw and name.startswith("ppt/slides/slide"):
                fixed[name] = _unwrap_alternates(etree.fromstring(raw, strict))
    if not fixed:
        return data
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in archive.infolist():
            z.writestr(info, fixed.get(info.filename) or archive.read(info.filename))
    return out.getvalue()


_PREFIX_USED = re.compile(rb"</?([A-Za-z][\w.-]*):")
_PREFIX_DECLARED = re.compile(rb"xmlns:([A-Za-z][\w.-]*)=")
_ROOT_TAG = re.compile(rb"<(?![?!])[^>]*?(?=/?>)")


def _unwrap_alternates(root) -> bytes:  # noqa: ANN001
    """Shapes that a slide offers in two renderings (mc:AlternateContent, used for equations) as their first one,
    which python-pptx otherwise does not see."""
    from lxml import etree

    for alt in list(root.iter("{http://schemas.openxmlformats.org/markup-compatibility/2006}AlternateContent")):
        choice = alt[0] if len(alt) else None
        parent = alt.getparent()
        if choice is None or parent is None or not any(k.tag.endswith("}sp") for k in choice):
            continue
        at = parent.index(alt)
        for k, child in enumerate(list(choice)):
            parent.insert(at + k, child)
        parent.remove(alt)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _declare_prefixes(raw: bytes) -> bytes:
    missing = set(_PREFIX_USED.findall(raw)) - set(_PREFIX_DECLARED.findall(raw)) - {b"xml"}
    if not missing:
        return raw
    declarations = b"".join(b' xmlns:%s="urn:undeclared:%s"' % (p, p) for p in sorted(missing))
    return _ROOT_TAG.sub(lambda m: m.group(0) + declarations, raw, count=1)


class _Deck:
    def __init__(self, builder: DocumentBuilder):
        self.b = builder
        self.level = 1  # a slide title's heading level: 2 once the deck has section header slides above them

    def read(self, deck) -> None:  # noqa: ANN001 (python-pptx's Presentation)
        ids = deck.slides._sldIdLst  # the slide list, without opening every slide yet
        if len(ids) > MAX_SLIDES:
            self.b.warn(f"only the first {MAX_SLIDES} of {len(ids)} slides were read")
        bad: list[int] = []
        for n, sld_id in enumerate(list(ids)[:MAX_SLIDES]):
            if len(self.b.doc.blocks) >= MAX_BLOCKS:
                self.b.warn(f"only the first {MAX_BLOCKS} parts of the file were read")
                return
            try:
                slide = deck.part.related_slide(sld_id.rId)
                self.slide(slide, n)
            except Exception:  # one damaged slide (invalid XML) costs that slide, not the deck
                bad.append(n + 1)
        if bad:
            self.b.warn(f"slide{'s' if len(bad) > 1 else ''} {', '.join(map(str, bad))} could not be read")

    def slide(self, slide, n: int) -> None:  # noqa: ANN001
        shapes = list(slide.shapes)
        title_shape = next((s for s in shapes if _placeholder(s) in _TITLES), None)
        title = _frame_text(title_shape) if title_shape is not None else ""
        subtitle = any(_placeholder(s) == _SUBTITLE for s in shapes)
        before = len(self.b.doc.blocks)
        if n == 0 and title and subtitle and not self.b.doc.title:
            self.b.doc.title = title  # a title slide names the deck
        elif title and _section_header(slide):
            self.level = 2
            self.b.heading(title, 1)  # "Ionic" over the slides "Melting/Boiling", "Electrical conductivity"
        elif title:
            self.b.heading(title, self.level)
        for shape in sorted((s for s in shapes if s is not title_shape), key=_position):
            self.shape(shape)
        if slide.has_notes_slide:
            notes = slide.notes_slide.notes_text_frame
            if notes is not None:
                for paragraph in notes.paragraphs:
                    self.b.paragraph(_runs_text(paragraph))
        if len(self.b.doc.blocks) == before + (1 if title and not (n == 0 and subtitle) else 0) and not (
            n == 0 and subtitle
        ):
            self.b.skip("slides with no text")

    def shape(self, shape) -> None:  # noqa: ANN001
        if shape.shape_type is not None and int(shape.shape_type) == 6:  # a group: read its shapes
            for inner in sorted(shape.shapes, key=_position):
                self.shape(inner)
            return
        if getattr(shape, "has_table", False) and shape.has_table:
            rows = [[_frame_text(cell) for cell in row.cells] for row in shape.table.rows]
            header = rows[0] if rows and shape.table.first_row else None
            self.b.end_list()
            self.b.table(rows[1:] if header else rows, header)
            return
        if getattr(shape, "shape_type", None) is not None and int(shape.shape_type) == 13:
            self.b.skip("images")
            return
        if not getattr(shape, "has_text_frame", False) or not shape.has_text_frame:
            return
        body = _placeholder(shape) in ("BODY", "OBJECT") or _placeholder(shape) == ""
        bulleted = _placeholder(shape) in ("BODY", "OBJECT")
        lines: list[str] = []  # plain lines, read together: wrapped statements joined, labels over their lists

        def flush() -> None:
            if any(x.strip() for x in lines):
                add_lines(self.b, lines)
            lines.clear()

        paragraphs = list(shape.text_frame.paragraphs)
        ahead = 0  # the next paragraph with text, looked for only after a bold line (it moves forward only)

        def parent(k: int, level: int) -> bool:
            """Whether the next paragraph with text after the k-th is a point deeper than `level`."""
            nonlocal ahead
            ahead = max(ahead, k + 1)
            while ahead < len(paragraphs) and not paragraphs[ahead].text.strip():
                ahead += 1
            return ahead < len(paragraphs) and paragraphs[ahead].level > level

        for k, paragraph in enumerate(paragraphs):
            if len(self.b.doc.blocks) >= MAX_BLOCKS:  # one text box with a whole book in it
                self.b.warn(f"only the first {MAX_BLOCKS} parts of the file were read")
                break
            text = _runs_text(paragraph)
            if not text.strip():
                lines.append("")
                continue
            item = (bulleted and not _no_bullet(paragraph)) or (body and paragraph.level > 0)
            if (
                _bold(paragraph)
                and len(text.split()) <= 10
                and paragraph.level == 0
                and not (item and parent(k, paragraph.level))
            ):
                flush()
                # a bold line alone is a label: a heading on the slide, or a lead-in when it ends in ":" (a bold
                # point over its sub-points, "Spartacist Revolt" or "Exception!", is an item of the list)
                if text.rstrip().endswith(":"):
                    self.b.paragraph(text)
                else:
                    self.b.heading(text, self.level + 1)
            elif item:
                flush()
                self.b.item(text, min(paragraph.level, MAX_DEPTH))
            else:
                lines.extend(text.split("\n"))
        flush()
        self.b.end_list()


def _section_header(slide) -> bool:  # noqa: ANN001
    """A slide made with a section header layout: it heads the slides after it."""
    try:
        return "section" in (slide.slide_layout.name or "").casefold()
    except Exception:  # a damaged or missing layout part: an ordinary slide
        return False


def _no_bullet(paragraph) -> bool:  # noqa: ANN001
    """A body paragraph set without a bullet (a:buNone): prose, not a list item."""
    ppr = paragraph._p.pPr
    return ppr is not None and ppr.find("{http://schemas.openxmlformats.org/drawingml/2006/main}buNone") is not None


def _bold(paragraph) -> bool:  # noqa: ANN001
    runs = [r for r in paragraph.runs if r.text.strip()]
    return bool(runs) and all(r.font.bold for r in runs)


def _placeholder(shape) -> str:  # noqa: ANN001
    if not getattr(shape, "is_placeholder", False):
        return ""
    try:
        return str(shape.placeholder_format.type).split(".")[-1].split(" ")[0].upper()
    except (ValueError, AttributeError):
        return ""


def _position(shape) -> tuple[int, int]:  # noqa: ANN001
    """Reading order on a slide: top to bottom, then left to right."""
    return (shape.top or 0) // 50000, shape.left or 0


def _frame_text(shape) -> str:  # noqa: ANN001
    frame = getattr(shape, "text_frame", None)
    if frame is None:
        return ""
    return "; ".join(t for t in (_runs_text(p).strip() for p in frame.paragraphs) if t)


def _runs_text(paragraph) -> str:  # noqa: ANN001
    """A paragraph's text in order: runs (sub- and superscripts from their baseline offset), line breaks, and
    equations (Office Math inside the slide XML) as their plain characters."""
    out: list[str] = []
    for el in paragraph._p.iterchildren():
        tag = el.tag
        if tag == f"{_A}r":
            t = el.find(f"{_A}t")
            text = t.text or "" if t is not None else ""
            rpr = el.find(f"{_A}rPr")
            baseline = rpr.get("baseline") if rpr is not None else None
            if text.strip() and baseline and baseline.lstrip("-").isdigit() and int(baseline) != 0:
                text = to_superscript(text) if int(baseline) > 0 else to_subscript(text)
            out.append(text)
        elif tag == f"{_A}br":
            out.append("\n")
        elif tag == f"{_A}fld":
            out.append("".join(el.itertext()))
        else:
            maths = list(el.iter(f"{_M}oMath"))
            if maths:  # an equation (in a14:m or mc:AlternateContent): its first rendering, as text
                out.append(" " + omml_text(maths[0]) + " ")
    return "".join(out)
