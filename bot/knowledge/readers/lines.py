"""Lines of plain text to blocks: wrapped lines joined back into statements, bullets told from paragraphs.

Used where a format gives only lines: plain-text notes, Markdown code fences, PDF text.
"""

from __future__ import annotations

import re

from bot.knowledge.document import DocumentBuilder
from bot.text import BULLET_GLYPHS

BULLET = re.compile(r"^\s*(?:[" + re.escape(BULLET_GLYPHS) + r"]|\d{1,2}[.)]|[a-z][.)]|\(\w{1,3}\))\s+")
_SENTENCE_END = re.compile(r"""[.!?;:]["')\]]*$""")
# Words a broken line can end on when its sentence goes on in the next line.
CONTINUES = set(
    """a an the of to and or but nor with by from between that which who whom whose is are was were be
    been being his her its their our your my as in on at for into onto than then had has have did do does
    would could should will can may might must not no this these those such very more most less so if
    when while where after before because since until about over under against during without within
    upon per via also both either neither each every some any many much few several other another own
    same whether once though although how what why""".split()
)
# Finite verbs and auxiliaries: a line containing one reads as a statement, not a title.
VERBS = set(
    """is are was were be been being had has have did do does would could should will can may might
    must shall said says wanted wants became become made makes took takes gave gives tried agreed
    decided felt saw met led left kept sent called claimed believed hoped feared argued
    turn turns turned goes went give contain contains react reacts""".split()
)


def ends_sentence(line: str) -> bool:
    return bool(_SENTENCE_END.search(line))


def is_heading_like(line: str) -> bool:
    """A short capitalised line with no verb and no final stop reads as a title."""
    if not line or BULLET.match(line) or len(line) > 80:
        return False
    if line.endswith("?"):
        return True
    if ends_sentence(line) or line.endswith(","):
        return False
    toks = line.split()
    if len(toks) > 9 or not line[0].isupper() and not line[0].isdigit():
        return False
    lowered = [t.lower().strip(",.()'\"") for t in toks]
    if any(t in VERBS for t in lowered):
        return False
    # A lower-case past participle ("convinced", "removed") makes it a statement.
    return not any(t.endswith("ed") and len(t) > 4 and tok[0].islower() for t, tok in zip(lowered, toks))


# A subordinate clause makes a line in capitals a statement ("BECAUSE IT IS DENSER"), not a title.
_CLAUSE = re.compile(r"\b(?:since|because|although|though|unless|whereas|so that|which|that)\b", re.I)
_CONNECTIVES = frozenset({"hence", "therefore", "thus"})


def is_capitals_title(line: str) -> bool:
    """A short line in capitals that reads as a title ("KEY QUOTES", "CONTEXT", "KEY TERMS"), not a statement set
    in capitals for emphasis ("HENCE SINISTER OR CHILDLIKE", "CAN BE COMBINED TO MAKE POLYMERS", "FROM BLUE")."""
    letters = [c for c in line if c.isalpha()]
    if len(letters) < 4 or not all(c.isupper() for c in letters) or len(line.split()) > 8:
        return False
    first = line.split()[0].lower().strip(",.()'\"")
    return is_heading_like(line) and not _CLAUSE.search(line) and first not in _CONNECTIVES and first not in CONTINUES


def joins(prev: str, line: str) -> bool:
    """Does `line` carry on the statement of `prev` (a sentence broken across lines)?"""
    if not prev or not line or BULLET.match(line):
        return False
    first = line[:1]
    if prev.endswith((";", ":", ",")) and first.islower():
        return True
    if ends_sentence(prev):
        return False
    if first.islower() or first in "(),;:%&$-":
        return True
    last = prev.split()[-1].lower().strip("'\"")
    if last in CONTINUES or prev.endswith((",", "-", "(", "&", "+", "=")):
        return True
    return prev.count("(") > prev.count(")")


SHORT_LINE_WORDS = 8


def statements(lines: list[str]) -> list[list[str]]:
    """Rejoin lines broken mid-statement; blank lines end a run of statements. Inside a list (a bullet or
    number before and after), a line without a mark carries on the item above it: steps typed with hard line
    breaks ("1. In the upper course there is more erosion." / "The river cuts downwards ..." / "2. ...")."""
    blocks: list[list[str]] = [[]]
    for raw in lines:
        line = raw.strip()
        if line:
            blocks[-1].append(line)
        elif blocks[-1]:
            blocks.append([])
    runs: list[list[str]] = []
    for block in blocks:
        out: list[str] = []
        item = False  # the last statement is a list item
        for k, line in enumerate(block):
            bullet = BULLET.match(line) is not None
            if (
                out
                and not is_capitals_title(out[-1])  # "KEY QUOTES" over "unsex me here": a title, not a broken line
                and (joins(out[-1], line) or (item and not bullet and _more_items(block, k)))
            ):
                out[-1] += " " + line
                continue
            out.append(line)
            item = bullet
        if out:
            runs.append(out)
    return runs


def _more_items(block: list[str], k: int) -> bool:
    return any(BULLET.match(line) for line in block[k + 1 :])


# "Good{" ... "}": a label and the lines it groups, a pseudo-structure students type in plain text.
_OPEN_BRACE = re.compile(r"^([^{}]{1,40}?)\s*\{\s*$")


def add_lines(builder: DocumentBuilder, lines: list[str], line: int = 0) -> None:
    """Lines of one block of text: bullets, and runs of short unfinished lines (steps, labels), become
    list items; other statements paragraphs. A blank line ends a list. A line in capitals over more text
    ("KEY QUOTES", "CONTEXT") is a title, as a bold line alone is in Markdown."""
    in_braces = False
    runs = statements(lines)
    for r, run in enumerate(runs):
        for k, st in enumerate(run):
            after = run[k + 1] if k + 1 < len(run) else (runs[r + 1][0] if r + 1 < len(runs) else "")
            if after and is_capitals_title(st) and not is_capitals_title(after):
                builder.end_list()
                builder.heading(st, 6, line)
                continue
            opened = _OPEN_BRACE.match(st)
            if opened:
                builder.paragraph(opened.group(1).strip() + ":", line)
                in_braces = True
                continue
            if st == "}":
                in_braces = False
                builder.end_list()
                continue
            closes = st.endswith("}") and "{" not in st
            st = st.rstrip("} ") if closes else st
            m = BULLET.match(st)
            near = run[max(0, k - 1) : k + 2]
            if in_braces and not m:
                builder.item(st, 0, line)
            elif m:
                builder.item(st[m.end() :], 0, line)
            elif len(near) > 1 and all(_short_line(x) for x in near):
                builder.item(st, 0, line)
            else:
                nxt = run[k + 1] if k + 1 < len(run) else ""
                builder.paragraph(st, line, introduces=bool(nxt and BULLET.match(nxt)))
            if closes:
                in_braces = False
                builder.end_list()
        builder.end_list()


def _short_line(text: str) -> bool:
    return len(text.split()) <= SHORT_LINE_WORDS and not text.endswith((".", "!", "?", ":"))
