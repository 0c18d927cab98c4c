"""PDF notes with pypdf: lines rebuilt from positioned text, headings from type size and weight,
two-column Term | Definition layouts, lists, and ligatures that text extraction loses repaired."""

from __future__ import annotations

import io
import logging
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

from bot.knowledge.document import Document, DocumentBuilder
from bot.knowledge.readers.base import MAX_BLOCKS, MAX_DEPTH, MAX_FILE_BYTES, MAX_PAGES, NoteError
from bot.knowledge.readers.lines import BULLET, add_lines, ends_sentence, is_capitals_title, joins
from bot.knowledge.readers.scripts import to_subscript

# pypdf warns on every oddity of a malformed file; the teacher gets one clear message instead.
logging.getLogger("pypdf").setLevel(logging.ERROR)

MAX_PAGE_CHARS = 200_000
HEADING_RATIO = 1.15  # a line this much larger than the body text is a heading
COLUMN_GAP = 2.5  # a gap of this many type sizes between runs of one line starts a new column
CHAR_WIDTH = 0.5  # estimated width of a character, in type sizes
EDGE_LINES = 2  # lines at the top and at the bottom of a page where running headers, footers and numbers sit
ROW_GAP = 1.25  # lines of one table cell follow at about 1.15 type sizes; a new row starts further down
SCRIPT_RATIO = 0.8  # type this much smaller than a line's, set just off its baseline: sub- or superscripts
_PUA = re.compile("[\ue000-\uf8ff]")
_LIGATURES = ("Th", "th", "ff", "fi", "fl", "ffi", "ffl", "ft", "tt", "ti", "tf", "st", "ct")
_DOT_LEADER = re.compile(r"(?:\.\s?){4,}\s*\d+\s*$")
_PAGE_NUMBER = re.compile(r"^(?:page\s*)?\d{1,4}(?:\s*(?:/|of)\s*\d{1,4})?$", re.I)
_CODE_FACE = re.compile(r"mono|courier|code|consol", re.I)
_MATH_FACE = re.compile(r"symbol|math|italic|oblique|-it\b|cmmi|cmsy", re.I)


@dataclass(slots=True)
class _Run:
    x: float
    y: float
    size: float
    bold: bool
    text: str
    font: str = ""
    script: bool = False  # a sub- or superscript joined to its line: no space before it


@dataclass(slots=True)
class _Line:
    y: float
    size: float
    runs: list[_Run] = field(default_factory=list)
    cells: list[tuple[float, str]] = field(default_factory=list)  # (x, text) per column

    @property
    def x(self) -> float:
        return self.cells[0][0] if self.cells else 0.0

    @property
    def text(self) -> str:
        return " ".join(t for _, t in self.cells)

    @property
    def bold(self) -> bool:
        letters = [r for r in self.runs if r.text.strip()]
        return bool(letters) and all(r.bold for r in letters)

    @property
    def fixed(self) -> bool:
        """Set in a fixed-width (code) face: preformatted text, where each line was written as a line."""
        letters = [r for r in self.runs if r.text.strip()]
        return bool(letters) and all(_CODE_FACE.search(r.font) for r in letters)


def read(data: bytes, source: str) -> Document:
    if len(data) > MAX_FILE_BYTES:
        raise NoteError(f"the PDF is larger than {MAX_FILE_BYTES // 1_000_000} MB")
    import pypdf  # imported here: only teachers with PDF notes pay for loading it

    try:
        reader = pypdf.PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            try:
                if not reader.decrypt(""):
                    raise NoteError("the PDF is password-protected: save a copy without a password")
            except NoteError:
                raise
            except Exception as exc:
                raise NoteError("the PDF is password-protected: save a copy without a password") from exc
        total = len(reader.pages)
        title = ""
        try:
            title = str((reader.metadata or {}).get("/Title") or "")
        except Exception:  # a broken info dictionary: the title comes from the text instead
            title = ""
        b = DocumentBuilder(source, "")
        pages = []
        for n, page in enumerate(reader.pages):
            if n >= MAX_PAGES:
                b.warn(f"only the first {MAX_PAGES} of {total} pages were read")
                break
            lines = _page_lines(page, b, n + 1)
            pages.append(lines)
    except NoteError:
        raise
    except Exception as exc:  # pypdf raises many kinds on damaged files
        raise NoteError("this file could not be read as a PDF: it may be damaged") from exc
    if not any(pages):
        raise NoteError("no text found in the PDF: it may be scanned pages; export the notes as text instead")
    pages = _drop_repeated(pages, b)
    _repair_ligatures(pages)
    _Layout(b, pages).run()
    if title and len(title) < 120 and not b.doc.title:
        b.doc.title = title
    return b.build()


def _page_lines(page, b: DocumentBuilder, number: int) -> list[_Line]:  # noqa: ANN001 (a pypdf page)
    runs: list[_Run] = []

    def visit(text: str, cm, tm, font: dict | None, size: float) -> None:  # noqa: ANN001
        if not text or not text.strip():
            return
        scale = ((tm[0] ** 2 + tm[1] ** 2) ** 0.5) * ((cm[0] ** 2 + cm[1] ** 2) ** 0.5)
        x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
        y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
        name = str((font or {}).get("/BaseFont", ""))
        bold = _is_bold(name)
        runs.append(
            _Run(float(x), float(y), round(float(size) * scale, 1) or 10.0, bold, text.replace("\n", " "), name)
        )

    text = page.extract_text(visitor_text=visit) or ""
    if len(text) > MAX_PAGE_CHARS:
        b.warn(f"page {number} holds too much text to be notes and was skipped")
        return []
    lines: list[_Line] = []
    # Top to bottom (a table cell's second line may come before the next cell of its row in the stream).
    for run in sorted(runs, key=lambda r: -r.y):
        line = lines[-1] if lines else None
        if line is not None and abs(run.y - line.y) <= max(2.0, 0.4 * min(run.size, line.size)):
            line.runs.append(run)
            line.size = max(line.size, run.size)
        else:
            lines.append(_Line(run.y, run.size, [run]))
    lines = _attach_scripts(lines)
    for line in lines:
        line.cells = _cells(line.runs)
    return [ln for ln in lines if ln.text.strip()]


def _attach_scripts(lines: list[_Line]) -> list[_Line]:
    """Small type set just above or below a line's baseline is its superscripts ("10" + "−34") or subscripts
    ("ε" + "0"), not a line of its own: they join that line as 10^-34 (the form formulas take in every reader)
    and ε₀."""
    out: list[_Line] = []
    fraction: set[int] = set()  # small lines over and under one line, one above the other: a fraction's parts
    for k, ln in enumerate(lines):
        below = lines[k + 1] if k + 1 < len(lines) else None
        above = out[-1] if out else None
        small = max(r.size for r in ln.runs)
        under = lines[k + 2] if k + 2 < len(lines) else None
        if (
            below is not None
            and under is not None
            and small <= SCRIPT_RATIO * below.size
            and 0 < ln.y - below.y <= 0.6 * below.size
            and max(r.size for r in under.runs) <= SCRIPT_RATIO * below.size
            and 0 < below.y - under.y <= 0.6 * below.size
            and _overlaps(under, ln)
        ):
            fraction.update((k, k + 2))
        if k in fraction:
            out.append(ln)
            continue
        if below is not None and small <= SCRIPT_RATIO * below.size and 0 < ln.y - below.y <= 0.6 * below.size:
            target, script = below, "sup"
        elif above is not None and small <= SCRIPT_RATIO * above.size and 0 < above.y - ln.y <= 0.5 * above.size:
            target, script = above, "sub"
        else:
            out.append(ln)
            continue
        if not _overlaps(ln, target):
            out.append(ln)
            continue
        for group in _touching(ln.runs):
            text = "".join(r.text for r in group).strip()
            text = "^" + text.replace("\u2212", "-") if script == "sup" else to_subscript(text)
            first = group[0]
            target.runs.append(_Run(first.x, target.y, target.size, first.bold, text, first.font, script=True))
    return out


def _overlaps(small: _Line, line: _Line) -> bool:
    left = min(r.x for r in line.runs)
    right = max(r.x + CHAR_WIDTH * r.size * len(r.text) for r in line.runs)
    return all(left - line.size <= r.x <= right + line.size for r in small.runs)


def _touching(runs: list[_Run]) -> list[list[_Run]]:
    """Runs side by side with no gap between them (one exponent set in two fonts: "−" and "34")."""
    groups: list[list[_Run]] = []
    end = -1e9
    for run in sorted(runs, key=lambda r: r.x):
        if groups and run.x - end <= CHAR_WIDTH * run.size:
            groups[-1].append(run)
        else:
            groups.append([run])
        end = run.x + CHAR_WIDTH * run.size * len(run.text)
    return groups


def _cells(runs: list[_Run]) -> list[tuple[float, str]]:
    """Runs of one line split into columns where a wide gap separates them."""
    cells: list[tuple[float, str]] = []
    end = -1e9
    font = ""
    for run in sorted(runs, key=lambda r: r.x):
        # A wide gap starts a new column, unless the run carries on a sentence (it starts with a space).
        if cells and run.x - end > COLUMN_GAP * run.size and not run.text[:1].isspace():
            cells.append((run.x, run.text))
        elif cells:
            prev = cells[-1][1]
            # Runs change where the font does ("up and down" in bold, "while ..." not): the space between
            # them is a gap on the page, not a character.
            space = (
                run.font != font
                and not run.script
                and prev[-1:].isalnum()
                and run.text[:1].isalnum()
                and not _one_word(prev, run.text)
            ) or (_bullet_only(prev) and not run.text[:1].isspace())
            cells[-1] = (cells[-1][0], prev + (" " if space else "") + run.text)
        else:
            cells.append((run.x, run.text))
        end = max(end, run.x + CHAR_WIDTH * run.size * len(run.text))
        font = run.font
    return [(x, " ".join(t.split())) for x, t in cells if t.strip()]


def _join_wrapped(before: str, after: str) -> str:
    """Two lines of wrapped text as one: a word hyphenated at the line's end is whole again ("quan-" + "tity"),
    a word with a hyphen of its own keeps it ("Stefan-" + "Boltzmann", "well-" + "known")."""
    head = re.search(r"([^\W\d_]+)-$", before)
    tail = re.match(r"[^\W\d_]+", after)
    if head and tail:
        whole = head.group(1) + tail.group(0)
        if tail.group(0)[:1].islower() and whole.casefold() in _dictionary():
            return before[:-1] + after
        return before + after
    return f"{before} {after}"


def _bullet_only(text: str) -> bool:
    """A cell that so far holds only a bullet mark: its text follows after a space."""
    m = BULLET.match(text.strip() + " ")
    return m is not None and m.end() >= len(text.strip())


def _one_word(before: str, after: str) -> bool:
    """Two runs that one word spans ("A" in bold italic, then "tomicity"): the second part alone is no word, and
    joined they make one, or the first is a capital letter alone."""
    head = re.search(r"[^\W\d_]+$", before)
    tail = re.match(r"[^\W\d_]+", after)
    if not head or not tail:
        return False
    english = _dictionary()
    head, tail = head.group(0), tail.group(0)
    if tail.casefold() in english:
        return False
    # a word whose first letter is set apart ("A" + "tomicity", "C" + "onsistency"), even one the dictionary lacks
    initial = len(head) == 1 and head.isupper() and tail[:1].islower() and len(tail) >= 3
    return initial or (head + tail).casefold() in english


def _drop_repeated(pages: list[list[_Line]], b: DocumentBuilder) -> list[list[_Line]]:
    """Page headers, footers and page numbers: at a page's top or bottom, the same line at the same height on most
    pages, or a number alone. A heading that recurs in every section ("Uses", "Summary") is not a page header."""

    def key(line: _Line) -> tuple[str, int]:  # the same words at the same height on the page
        return re.sub(r"\d+", "#", line.text.strip().casefold()), round(line.y / 4)

    def margins(lines: list[_Line]) -> list[_Line]:  # where running headers and footers sit
        return lines[:EDGE_LINES] + lines[-EDGE_LINES:]

    counts = Counter(k for lines in pages for k in {key(ln) for ln in margins(lines)})
    often = {k for k, c in counts.items() if len(pages) >= 3 and c >= 0.6 * len(pages)}
    out: list[list[_Line]] = []
    dropped = 0
    for lines in pages:
        edge = {id(ln) for ln in margins(lines)}
        kept = [
            ln
            for ln in lines
            if id(ln) not in edge or (key(ln) not in often and not _PAGE_NUMBER.match(ln.text.strip()))
        ]
        dropped += len(lines) - len(kept)
        out.append(kept)
    if dropped:
        b.skip("page headers and numbers", dropped)
    return out


@lru_cache(maxsize=1)
def _dictionary() -> frozenset[str]:
    from bot.knowledge.lexicon import english_words

    return frozenset(english_words())


def _repair_ligatures(pages: list[list[_Line]]) -> None:
    """Fonts that map a ligature ("Th", "ff") to a private glyph lose it in extraction: "\\ue049e" for "The".

    Each private glyph is read as the ligature that turns most of the words it appears in into English words."""
    words = Counter(
        w for lines in pages for ln in lines for w in re.findall(r"\w*[\ue000-\uf8ff][\w\ue000-\uf8ff]*", ln.text)
    )
    if not words:
        return
    english = _dictionary()
    votes: dict[str, Counter[str]] = {}
    for word, n in words.items():
        for glyph in set(_PUA.findall(word)):
            for lig in _LIGATURES:
                candidate = _PUA.sub("", word.replace(glyph, lig))
                if candidate.casefold() in english:
                    votes.setdefault(glyph, Counter())[lig] += n
    mapping = {g: c.most_common(1)[0][0] for g, c in votes.items()}
    for lines in pages:
        for ln in lines:
            if _PUA.search(ln.text):
                ln.cells = [(x, _fix(t, mapping)) for x, t in ln.cells]


def _fix(text: str, mapping: dict[str, str]) -> str:
    def one(m: re.Match[str]) -> str:
        lig = mapping.get(m.group(0), "")
        start = m.start() == 0 or not text[m.start() - 1].isalpha()
        # "Th" opens a word; inside one, the same glyph reads "th"
        return lig if start or not lig[:1].isupper() else lig.lower()

    return _PUA.sub(one, text)


# A bold face by its name: a weight word ("Arial,Bold", "Inter-SemiBold"), a weight letter after the family
# ("LinLibertineB", "LinLibertineBI"), or TeX's bold extended ("CMBX12", "SFBX1000", "LMRomanBX")
_BOLD_WORD = re.compile(r"bold|black|heavy|semibold|-bd|\.b\b", re.I)
_BOLD_LETTER = re.compile(r"[a-z](?:B|BI|BO|Bd|BdIt)$")
_TEX_BOLD = re.compile(r"^(?:CM|SF|EC|LM)\w*BX", re.I)


@lru_cache(maxsize=256)  # a document has few fonts and many runs
def _is_bold(font: str) -> bool:
    name = font.lstrip("/").split("+", 1)[-1]
    return bool(_BOLD_WORD.search(name) or _BOLD_LETTER.search(name) or _TEX_BOLD.search(name))


def _family(font: str) -> str:
    """A font family without subset prefix, weight or style: "ABCDEE+DejaVuSerif-Bold" -> "dejavuserif"."""
    name = font.split("+", 1)[-1].casefold()
    return re.split(r"[-,]", name, maxsplit=1)[0]


@dataclass(slots=True)
class _Table:
    columns: list[float]  # where each column starts
    rows: list[list[str]]
    size: float
    filled: int = 0  # how many cells the first line of the last row filled

    def column(self, x: float) -> int | None:
        """The column a cell starting at `x` falls in (a cell may start a little left of its column: centred
        or right-aligned text), or None left of the table."""
        if x < self.columns[0] - 2 * self.size:
            return None
        k = 0
        while k + 1 < len(self.columns) and x >= self.columns[k + 1] - self.size:
            k += 1
        return k


class _Layout:
    """Lines of every page to blocks: headings by size and weight, definitions from two columns, lists, paragraphs."""

    def __init__(self, builder: DocumentBuilder, pages: list[list[_Line]]):
        self.b = builder
        self.pages = pages
        # the body's type size: the one most prose is set in (code and formulas may be set smaller or larger)
        sizes: Counter[float] = Counter()
        prose: Counter[float] = Counter()
        for lines in pages:
            for ln in lines:
                for r in ln.runs:
                    sizes[round(r.size)] += len(r.text)
                    if not _CODE_FACE.search(r.font) and not _MATH_FACE.search(r.font):
                        prose[round(r.size)] += len(r.text)
        self.body = (prose or sizes).most_common(1)[0][0] if sizes else 10.0
        # the body's face: the one most text is set in at body size, regular weight, outside formulas and code
        faces = Counter(
            _family(r.font)
            for lines in pages
            for ln in lines
            for r in ln.runs
            if round(r.size) == self.body
            and not r.bold
            and not _MATH_FACE.search(r.font)
            and not _CODE_FACE.search(r.font)
            for _ in r.text
        )
        self.body_font = faces.most_common(1)[0][0] if faces else ""
        # Heading levels from how headings are set: larger type first, then bold before regular.
        kinds = {self._kind(ln) for lines in pages for ln in lines if self._large(ln) or self._label(ln)}
        self.levels = {k: n + 1 for n, k in enumerate(sorted(kinds, key=lambda k: (-k[0], not k[1])))}
        # the first line is the document's title when no other line is set like it; else it is the first section
        self.tops = sum(
            1 for lines in pages for ln in lines if self._large(ln) and self.levels.get(self._kind(ln)) == 1
        )
        self.para: list[_Line] = []
        starts = sorted(ln.x for lines in pages for ln in lines if BULLET.match(ln.text.strip()))
        self.indents: list[float] = []  # the distinct x where bullets start, 4 points apart or more
        for x in starts:
            if not self.indents or x - self.indents[-1] > 4:
                self.indents.append(x)
        self.table: _Table | None = None  # a table of three columns or more being read
        self.definition: list[str] | None = None  # [term, text] of the row being read
        self.def_x = 0.0  # where the definition column starts, once a page shows a table of terms
        self.term_x = 0.0

    @staticmethod
    def _kind(ln: _Line) -> tuple[float, bool]:
        return round(ln.size * 2) / 2, ln.bold

    def _large(self, ln: _Line) -> bool:
        return ln.size >= HEADING_RATIO * self.body and len(ln.text.split()) <= 14 and len(ln.cells) == 1

    def run(self) -> None:
        first = True
        for lines in self.pages:
            for k, ln in enumerate(lines):
                if len(self.b.doc.blocks) >= MAX_BLOCKS:
                    self.b.warn(f"only the first {MAX_BLOCKS} parts of the file were read")
                    return
                prev = lines[k - 1] if k else None
                if k == 0 and self.para and not ln.text[:1].islower() and not (ln.fixed and self.para[-1].fixed):
                    self._flush_paragraph_only()  # the next page carries on neither the sentence nor the code
                if _DOT_LEADER.search(ln.text):
                    self.b.skip("table of contents")
                    if prev is not None:  # "Contents" over them titles the skipped lines, not the notes that follow
                        self.b.drop_heading(prev.text)
                    continue
                if self.table is not None and self._table_line(ln, prev):
                    first = False
                    continue
                if self.table is None and len(ln.cells) >= 3 and not self._large(ln):
                    self._flush()  # three columns or more: a table, read row by row with its header
                    self.table = _Table([x for x, _ in ln.cells], [[t for _, t in ln.cells]], ln.size, len(ln.cells))
                    first = False
                    continue
                if self._term_goes_on(ln, prev):
                    self.definition[0] += " " + ln.text  # "Angle of" / "Refraction": the term wrapped in its cell
                elif self._large(ln):
                    self._flush()
                    level = self.levels.get(self._kind(ln), 1)
                    if first and level == 1 and self.tops == 1 and not self.b.doc.title:
                        self.b.doc.title = ln.text
                    elif ln.text.casefold() != self.b.doc.title.casefold():  # a title page repeats the title
                        self.b.heading(ln.text, level)
                elif self._label(ln):
                    self._flush()
                    if not (self._heading_wraps(ln, prev) and self.b.heading_goes_on(ln.text)):
                        self.b.heading(ln.text, self.levels.get(self._kind(ln), 6))
                elif self._definition_row(ln) and self._same_row(ln, prev):
                    # the second line of a row: a term and its definition both wrapped
                    self.definition[0] += " " + ln.cells[0][1]
                    self.definition[1] += " " + " ".join(t for _, t in ln.cells[1:])
                elif self._definition_row(ln):
                    self._flush()
                    self.definition = [ln.cells[0][1], " ".join(t for _, t in ln.cells[1:])]
                    self.def_x, self.term_x = ln.cells[1][0], ln.x
                elif self.definition is not None and abs(ln.x - self.term_x) < 6 and self._bold_lead(ln, self.def_x):
                    self._flush()  # a term in bold with its definition close beside it, in a table of terms
                    term, rest = self._bold_lead(ln, self.def_x)
                    self.definition = [term, rest]
                elif self._same_row(ln, prev) and ln.x > self.term_x - 4 and not BULLET.match(ln.text):
                    for x, text in ln.cells:  # cells of one row wrapped onto the next line
                        if abs(x - self.term_x) < 12:
                            self.definition[0] += " " + text
                        else:
                            self.definition[1] += " " + text
                elif self.definition is not None and len(ln.cells) == 1 and abs(ln.x - self.def_x) < 12:
                    self.definition[1] += " " + ln.text  # the definition wraps onto the next line
                elif (
                    self.definition is not None
                    and len(ln.cells) == 1
                    and ln.x < self.def_x - 12
                    and (len(ln.text.split()) <= 3 and not ln.text.endswith("."))
                ):
                    self.definition[0] += " " + ln.text  # a term broken over two lines
                else:
                    if self.definition is not None:
                        self._flush()
                    if prev is not None and self.para and prev.y - ln.y > 1.8 * max(ln.size, 1):
                        self._flush()  # a blank line's gap ends a paragraph
                    self.para.append(ln)
                first = False
            if self.para and ends_sentence(self.para[-1].text) and not self.para[-1].fixed:
                self._flush_paragraph_only()  # else it may go on over the page break (checked on the next page)
        self._flush()

    def _label(self, ln: _Line) -> bool:
        """A short line alone in bold, or in capitals: a section title set in body size."""
        text = ln.text.strip()
        if len(ln.cells) != 1 or not text or len(text.split()) > 12 or text.endswith((".", ",", ";")):
            return False
        if BULLET.match(text):
            return False
        letters = [c for c in text if c.isalpha()]
        # in capitals, a title reads as one ("KEY TERMS"), not as a statement ("CAN BE COMBINED TO MAKE POLYMERS")
        capitals = is_capitals_title(text)
        fonts = {_family(r.font) for r in ln.runs if r.text.strip()}
        # set in another typeface than the body (a code font is code, not a heading)
        other_face = (
            len(fonts) == 1
            and self.body_font not in fonts
            and len(letters) >= 3
            and text[:1].isalpha()
            and not any(_CODE_FACE.search(f) or _MATH_FACE.search(f) for f in fonts)
        )
        if text.endswith(":") and not other_face:
            return False  # a lead-in in the body's face ("**Advantages:**" over a list); in a heading's face, a title
        return (ln.bold or capitals) and len(text.split()) <= 8 or other_face

    def _term_goes_on(self, ln: _Line, prev: _Line | None) -> bool:
        """A few words alone under a term, in its column, at line spacing: the term goes on (not a heading)."""
        return (
            self._same_row(ln, prev)
            and not self._large(ln)
            and len(ln.cells) == 1
            and abs(ln.x - self.term_x) < 6
            and ln.x < self.def_x - 12
            and len(ln.text.split()) <= 3
            and not ln.text.endswith(".")
            and not BULLET.match(ln.text)
        )

    def _heading_wraps(self, ln: _Line, prev: _Line | None) -> bool:
        """This title line carries on the one just above it: set alike, at the same place, at line spacing."""
        return (
            prev is not None
            and self._label(prev)
            and not self._large(prev)
            and self._kind(prev) == self._kind(ln)
            and abs(prev.x - ln.x) < 2
            and prev.y - ln.y < 1.5 * max(ln.size, 1)
        )

    def _same_row(self, ln: _Line, prev: _Line | None) -> bool:
        """Within a row of a table of terms, lines follow at line spacing; rows are further apart."""
        return self.definition is not None and prev is not None and prev.y - ln.y < 1.5 * max(ln.size, 1)

    @staticmethod
    def _bold_lead(ln: _Line, column: float) -> tuple[str, str] | None:
        """A line that starts in bold and goes on in regular type: (the bold words, the rest). Bold that starts in
        the definitions' column (from `column` on) is the definition's ("Speed of Sound | **340 m/s** in air")."""
        runs = sorted(ln.runs, key=lambda r: r.x)
        k = 0
        while k < len(runs) and (runs[k].bold or not runs[k].text.strip()) and (k == 0 or runs[k].x < column - 6):
            k += 1
        if k == 0 or k == len(runs):
            return None
        term = " ".join("".join(r.text for r in runs[:k]).split())
        rest = " ".join(" ".join(r.text for r in runs[k:]).split())
        return (term, rest) if term and rest and len(term.split()) <= 6 else None

    def _definition_row(self, ln: _Line) -> bool:
        if len(ln.cells) < 2:
            return False
        term = ln.cells[0][1]
        return len(term.split()) <= 6 and not term.endswith(".") and not BULLET.match(term)

    def _flush_paragraph_only(self) -> None:
        self._flush_lines()

    def _table_line(self, ln: _Line, prev: _Line | None) -> bool:
        """Add a line to the table being read, if it belongs there: cells under the table's columns, at most a
        paragraph's gap below. A line with text in the first column and another starts a row; other lines
        carry on the cells of the row above (wrapped text)."""
        table = self.table
        assert table is not None
        cols = table.columns
        near = prev is None or prev.y - ln.y <= 2.5 * max(ln.size, 1)  # a table goes on over a page break
        by_column: dict[int, list[_Run]] = {}
        for run in ln.runs:
            k = table.column(run.x)
            if k is None:
                by_column.clear()
                break
            by_column.setdefault(k, []).append(run)
        placed = [(k, " ".join(t for _, t in _cells(runs))) for k, runs in sorted(by_column.items())]
        fits = bool(placed) and all(
            k + 1 >= len(cols) or max(r.x + CHAR_WIDTH * r.size * len(r.text) for r in by_column[k]) <= cols[k + 1]
            for k, _ in placed
        )
        if not near or not fits or self._large(ln) or BULLET.match(ln.text):
            self._flush()
            return False
        # A row starts further below the last line than the lines of a wrapped cell follow each other (cells
        # have padding), or fills as many cells as the row above began with.
        gap = prev.y - ln.y if prev is not None else 0.0
        if placed[0][0] == 0 and (gap > ROW_GAP * ln.size or len(placed) >= max(2, table.filled)):
            table.rows.append([""] * len(cols))
            table.filled = len(placed)
        row = table.rows[-1]
        if len(row) < len(cols):
            row.extend([""] * (len(cols) - len(row)))
        for k, text in placed:  # wrapped cell text
            row[k] = _join_wrapped(row[k], text) if row[k] else text
        return True

    def _flush(self) -> None:
        if self.table is not None:
            self.b.table(self.table.rows)
            self.table = None
        if self.definition is not None:
            self.b.definition(self.definition[0], self.definition[1])
            self.definition = None
        self._flush_lines()

    def _flush_lines(self) -> None:
        """A block of lines: wrapped lines joined, bullets become items at the depth of their indent."""
        if not self.para:
            return
        lines, self.para = self.para, []
        k = 0
        while k < len(lines):  # preformatted lines as the Markdown reader reads a fence; the rest as wrapped text
            end = k + 1
            while end < len(lines) and lines[end].fixed == lines[k].fixed:
                end += 1
            if lines[k].fixed:
                add_lines(self.b, [ln.text.strip() for ln in lines[k:end]])
            else:
                self._add_wrapped(lines[k:end])
            k = end

    def _add_wrapped(self, lines: list[_Line]) -> None:
        statements: list[tuple[float, str]] = []
        for ln in lines:
            text = ln.text.strip()
            # Lines of a PDF paragraph are wrapped text: only a finished sentence or a bullet starts anew.
            prev = statements[-1] if statements else None
            if (
                prev is not None
                and not BULLET.match(text)
                and (not ends_sentence(prev[1]) or joins(prev[1], text) or ln.x > prev[0] + 4)
            ):
                statements[-1] = (statements[-1][0], _join_wrapped(statements[-1][1], text))
            else:
                statements.append((ln.x, text))
        for x, text in statements:
            m = BULLET.match(text)
            if m:
                self.b.item(text[m.end() :], self._depth(x))
            else:
                self.b.paragraph(text)

    def _depth(self, x: float) -> int:
        """A bullet's nesting, from where bullets start across the whole document (lists span page gaps)."""
        return min(sum(1 for level in self.indents if level < x - 4), MAX_DEPTH)
