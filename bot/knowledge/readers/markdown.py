"""Markdown notes (CommonMark with tables, front matter, $math$, Obsidian and Notion syntax) with markdown-it-py."""

from __future__ import annotations

import re
from functools import lru_cache

from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.dollarmath import dollarmath_plugin
from mdit_py_plugins.front_matter import front_matter_plugin
from selectolax.lexbor import LexborHTMLParser

from bot.knowledge.document import EMBED, Document, DocumentBuilder, link_text
from bot.knowledge.readers.base import MAX_BLOCKS, MAX_DEPTH, MAX_TEXT_BYTES, NoteError
from bot.knowledge.readers.encoding import decode_text
from bot.knowledge.readers.latex import latex_to_text
from bot.knowledge.readers.lines import add_lines
from bot.knowledge.readers.scripts import to_subscript, to_superscript

_HIGHLIGHT = re.compile(r"==(?=\S)([^=\n]+?)==")
_LIQUID = re.compile(r"\{%.*?%\}|\{\{.*?\}\}", re.S)
_CALLOUT = re.compile(r"^\s*\[![\w-]+\][+-]?\s*")
_TAGS_ONLY = re.compile(r"^(?:\s*#[\w/-]+)+\s*$")
_CHECKBOX = re.compile(r"^\[[ xX]\]\s+")
_INLINE_QA = re.compile(r"^(.{3,300}?)\s*:{2,3}\s*(.+)$", re.S)
# Fenced blocks tagged with these hold code or widgets (```react <Advert />```), not notes.
_CODE_LANGS = re.compile(
    r"^(?:react|jsx|tsx|js|javascript|ts|typescript|html|xml|css|scss|json|yaml|yml|toml|sh|bash|shell|zsh|"
    r"ps1|powershell|dataview|dataviewjs|mermaid|tikz|svg|vue|svelte|php|sql|py|python|java|c|cpp|c\+\+|cs|"
    r"csharp|go|rust|ruby|rb|kotlin|swift|r|matlab|query|button|meta-bind|chart|excalidraw)\b",
    re.I,
)
_TOC_HEADING = re.compile(r"^(?:table of )?contents$|^toc$|^index$", re.I)


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
    return md.use(front_matter_plugin).use(dollarmath_plugin, allow_space=True, double_inline=True)


def read(data: bytes, source: str) -> Document:
    if len(data) > MAX_TEXT_BYTES:
        raise NoteError(f"the file is larger than {MAX_TEXT_BYTES // 1_000_000} MB")
    return read_text(decode_text(data), source)


def read_text(text: str, source: str) -> Document:
    b = DocumentBuilder(source)
    text, embeds = EMBED.subn("", text)
    if embeds:
        b.skip("embedded images and files", embeds)
    text = link_text(text)
    text = _HIGHLIGHT.sub(r"\1", text)
    text = _LIQUID.sub("", text)
    _Walker(b).walk(_parser().parse(text))
    return b.build()


class _Walker:
    """Turns markdown-it's token stream into builder calls."""

    def __init__(self, builder: DocumentBuilder):
        self.b = builder
        self.depth = -1  # current list depth (-1: not in a list)
        self.item_open: list[bool] = []  # per open list item: its first paragraph is still to come
        self.in_toc = False
        self.heading_level = 0

    def walk(self, tokens: list[Token]) -> None:
        i = 0
        n = len(tokens)
        while i < n:
            if len(self.b.doc.blocks) >= MAX_BLOCKS:
                self.b.warn(f"only the first {MAX_BLOCKS} parts of the file were read")
                return
            t = tokens[i]
            line = (t.map[0] + 1) if t.map else 0
            kind = t.type
            if kind == "front_matter":
                self._front_matter(t.content)
            elif kind == "heading_open":
                text = render_inline(tokens[i + 1])
                level = int(t.tag[1])
                self.in_toc = bool(_TOC_HEADING.match(text.strip(" :")))
                self.heading_level = level
                self.b.heading(text, level, line)
                i += 3
                continue
            elif self.in_toc and kind not in ("heading_open",):
                if kind in ("paragraph_open", "bullet_list_open", "ordered_list_open") and t.level == 0:
                    self.b.skip("table of contents")
            elif kind in ("bullet_list_open", "ordered_list_open"):
                self.depth += 1
            elif kind in ("bullet_list_close", "ordered_list_close"):
                self.depth -= 1
                if self.depth < 0:
                    self.b.end_list()
            elif kind == "list_item_open":
                self.item_open.append(True)
            elif kind == "list_item_close":
                self.item_open.pop()
            elif kind == "inline" and i > 0 and tokens[i - 1].type == "paragraph_open":
                self._paragraph(t, line)
            elif kind == "table_open":
                i = self._table(tokens, i, line)
                continue
            elif kind == "fence" or kind == "code_block":
                self._fence(t, line)
            elif kind in ("math_block", "math_block_label"):
                self.b.formula(latex_to_text(t.content), line)
            elif kind == "html_block":
                text = LexborHTMLParser(t.content).text(separator=" ") if t.content.strip() else ""
                if text.strip():
                    self._lines(text.split("\n"), line)
            i += 1

    def _front_matter(self, content: str) -> None:
        self.b.skip("front matter")
        m = re.search(r"^title:\s*(.+?)\s*$", content, re.M)
        if m and not self.b.doc.title:
            self.b.doc.title = m.group(1).strip("'\" ")

    def _paragraph(self, token: Token, line: int) -> None:
        text = render_inline(token)
        if not text.strip():
            if token.children and any(c.type == "image" for c in token.children):
                self.b.skip("images")
            return
        if _only_links(token):
            self.b.skip("link lines")
            return
        if _TAGS_ONLY.match(text):
            self.b.skip("tag lines")
            return
        text = _CALLOUT.sub("", text)
        if self.depth >= 0 and self.item_open and self.item_open[-1]:
            # The first paragraph of a list item is the item; its other lines are wrapped parts of it.
            self.item_open[-1] = False
            lines = [ln for ln in text.split("\n") if ln.strip()]
            first = _CHECKBOX.sub("", lines[0]) if lines else ""
            self.b.item(" ".join([first, *lines[1:]]), min(self.depth, MAX_DEPTH), line)
            return
        if self.depth < 0 and _emphasis_only(token) and _short_label(text):
            # "**Arteries**" alone on a line: a label heading the lines that follow.
            self.b.heading(text, 6, line)
            return
        self._lines(text.split("\n"), line)

    def _lines(self, lines: list[str], line: int) -> None:
        """A paragraph's lines: a flashcard ("question", "?", "answer"), or facts one per line or wrapped."""
        lines = [ln.strip() for ln in lines]
        marks = [k for k, ln in enumerate(lines) if ln in ("?", "??")]
        if marks:
            k = marks[0]
            self.b.qa(" ".join(lines[:k]), " ".join(x for x in lines[k + 1 :] if x), line)
            return
        joined = " ".join(x for x in lines if x)
        m = _INLINE_QA.match(joined)
        if m and "::" in joined and "http" not in joined:
            self.b.qa(m.group(1), m.group(2), line)
            return
        add_lines(self.b, lines, line)

    def _fence(self, token: Token, line: int) -> None:
        info = token.info.strip()
        if info and _CODE_LANGS.match(info):
            self.b.skip("code blocks")
            return
        if info.lower() in ("math", "latex", "tex"):
            self.b.formula(latex_to_text(token.content), line)
            return
        # Many students keep plain notes inside ``` fences: read them as text lines.
        self._lines(token.content.split("\n"), line)

    def _table(self, tokens: list[Token], i: int, line: int) -> int:
        header: list[str] = []
        rows: list[list[str]] = []
        row: list[str] = []
        in_head = False
        i += 1
        while i < len(tokens) and tokens[i].type != "table_close":
            t = tokens[i]
            if t.type == "thead_open":
                in_head = True
            elif t.type == "thead_close":
                in_head = False
            elif t.type == "tr_open":
                row = []
            elif t.type == "tr_close":
                if in_head:
                    header = row
                else:
                    rows.append(row)
            elif t.type == "inline":
                row.append(render_inline(t, cell=True))
            i += 1
        if any(header) and header:
            self.b.table(rows, header, line)
        else:
            self.b.table(rows, None, line)
        return i + 1


def render_inline(token: Token, cell: bool = False) -> str:
    """The plain text of an inline token: markup dropped, <sub>/<sup> and math kept readable.

    Line breaks come back as "\\n" (or "; " inside a table cell)."""
    out: list[str] = []
    script: str | None = None
    buf: list[str] = []
    for c in token.children or []:
        kind = c.type
        if kind == "html_inline":
            tag = c.content.lower()
            if re.match(r"<(sub|sup)\b", tag):
                script = tag[1:4]
                buf = []
            elif re.match(r"</(sub|sup)>", tag) and script:
                piece = "".join(buf)
                out.append(to_subscript(piece) if script == "sub" else to_superscript(piece))
                script = None
            elif re.match(r"<br\s*/?>", tag):
                out.append("; " if cell else "\n")
            continue
        if kind in ("softbreak", "hardbreak"):
            piece = " " if cell else "\n"
        elif kind in ("text", "code_inline"):
            piece = c.content
        elif kind == "math_inline" or kind == "math_inline_double":
            piece = latex_to_text(c.content)
        else:
            piece = ""  # images, link and emphasis markers: their text comes as text tokens
        if script:
            buf.append(piece)
        else:
            out.append(piece)
    text = "".join(out)
    if "**" in text or "__" in text:  # emphasis the parser could not close ("**Term: **text"): its markers only
        text = re.sub(r"\*\*|(?<!\w)__|__(?!\w)", "", text)
    return text.replace("\\", "") if "\\" in text else text


def _only_links(token: Token) -> bool:
    """A paragraph made only of links (navigation, "see also", a bare URL): no fact."""
    kids = [c for c in token.children or [] if c.type not in ("softbreak", "hardbreak")]
    if not any(c.type == "link_open" or (c.type == "text" and "://" in c.content) for c in kids):
        return False
    depth = 0
    outside: list[str] = []
    for c in kids:
        if c.type == "link_open":
            depth += 1
        elif c.type == "link_close":
            depth -= 1
        elif depth == 0 and c.type == "text":
            outside.append(re.sub(r"https?://\S+", " ", c.content))
    # "See also [the BBC page](...)": a pointer elsewhere, not a fact
    return len(" ".join(outside).split()) <= 3


def _emphasis_only(token: Token) -> bool:
    kids = [c for c in token.children or [] if not (c.type == "text" and not c.content.strip(" :"))]
    return (
        len(kids) >= 3 and kids[0].type in ("strong_open", "em_open") and kids[-1].type in ("strong_close", "em_close")
    )


def _short_label(text: str) -> bool:
    text = text.strip()
    return 0 < len(text) <= 80 and "\n" not in text and len(text.split()) <= 10 and not text.endswith((".", "!"))
