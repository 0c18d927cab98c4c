"""Ingestion: turn messy note files (essays with bullets, prose, mind-map exports) into fact snippets."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from pathlib import Path

from bot.knowledge.model import MAX_SNIPPET_CHARS, KnowledgeBase, Snippet
from bot.text import BULLET_GLYPHS, clean, fold, squash

log = logging.getLogger(__name__)

NOTE_SUFFIXES = {".txt", ".md", ".markdown"}
# Files in knowledge/ that are not notes: its README, the alias file, quiz question files.
NOT_NOTES = {"readme.md", "aliases.txt", "questions.txt"}
NOT_NOTES_SUFFIX = ".questions.txt"
MAX_FILE_BYTES = 5_000_000

_BULLET = re.compile(r"^\s*(?:[" + re.escape(BULLET_GLYPHS) + r"]|\d{1,2}[.)]|[a-z][.)])\s+")
_MD_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
_MD_RULE = re.compile(r"^\s*([-*_=])(\s*\1){2,}\s*$")
_AUTHOR = re.compile(r"\s+(?:[-,]\s*)?(?i:by)\s+[A-Z][\w.'-]*(?:\s+[A-Z][\w.'-]*){0,3}\s*$")
_CITATION = re.compile(r"\s*\[\d+\]")
# Words a broken line can end on when its sentence goes on in the next line.
_CONTINUES = set(
    """a an the of to and or but nor with by from between that which who whom whose is are was were be
    been being his her its their our your my as in on at for into onto than then had has have did do does
    would could should will can may might must not no this these those such very more most less so if
    when while where after before because since until about over under against during without within
    upon per via also both either neither each every some any many much few several other another own
    same whether once though although how what why""".split()
)
# Finite verbs and auxiliaries: a line containing one reads as a statement, not a branch title.
_VERBS = set(
    """is are was were be been being had has have did do does would could should will can may might
    must shall said says wanted wants became become made makes took takes gave gives tried agreed
    decided felt saw met led left kept sent called claimed believed hoped feared argued""".split()
)
_SENTENCE_END = re.compile(r"""(?<=[.!?])["')\]]*\s+(?=["'(\[]?[A-Z0-9$£€])""")
_ABBREV = re.compile(
    r"(?:\b(?:Mr|Mrs|Ms|Dr|Prof|St|Sr|Jr|Gen|Col|Lt|Capt|Sgt|Pres|Gov|Sen|Rep|vs|etc|cf|al|approx|no|No|"
    r"Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|c|ca|e\.g|i\.e)|\b[A-Z]|\b(?:[A-Z]\.){1,3}[A-Z])\.$"
)


@dataclass(slots=True)
class _Block:
    kind: str  # "heading", "bullet", "text"
    text: str


def load_knowledge(folder: Path) -> KnowledgeBase:
    """Read every note in `folder` (sorted, so snippet ids are stable). Bad files are skipped with a warning."""
    kb = KnowledgeBase()
    if not folder.is_dir():
        kb.warnings.append(f"knowledge folder {folder} does not exist")
        log.warning("knowledge folder %s does not exist", folder)
        return kb
    for path in sorted(folder.iterdir()):
        name = path.name.lower()
        if name in NOT_NOTES or name.endswith(NOT_NOTES_SUFFIX) or name.startswith("."):
            continue
        if not path.is_file() or path.suffix.lower() not in NOTE_SUFFIXES:
            continue
        try:
            text = read_note(path)
            snippets = segment(text, source=path.name)
        except NoteError as exc:
            kb.warnings.append(f"{path.name}: {exc}")
            log.warning("note %s skipped: %s", path, exc)
            continue
        except Exception as exc:  # a note must never stop the bot from starting
            kb.warnings.append(f"{path.name}: could not be read ({exc.__class__.__name__})")
            log.exception("note %s skipped", path)
            continue
        if not snippets:
            kb.warnings.append(f"{path.name}: no text found")
            log.warning("note %s skipped: no text found", path)
            continue
        kb.snippets.extend(snippets)
    return kb


class NoteError(ValueError):
    """A note file that cannot be used, with a reason a teacher understands."""


def read_note(path: Path) -> str:
    data = path.read_bytes()
    if not data.strip():
        raise NoteError("the file is empty")
    if len(data) > MAX_FILE_BYTES:
        raise NoteError(f"the file is larger than {MAX_FILE_BYTES // 1_000_000} MB")
    if b"\x00" in data[:8192]:
        raise NoteError("this looks like a binary file, not text (save notes as .txt or .md)")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise NoteError(f"not UTF-8 text (byte {exc.start}); save it as UTF-8") from exc
    return text


def title_from_filename(name: str) -> str:
    stem = Path(name).stem
    stem = re.sub(r"^\d+[_-]+", "", stem)
    return squash(re.sub(r"[_-]+", " ", stem)).capitalize()


def segment(text: str, source: str) -> list[Snippet]:
    """Split one note into snippets, whatever its layout."""
    lines = [squash(line) for line in clean(text).split("\n")]
    title, body = _take_title(lines)
    if not title:
        title = title_from_filename(source)
    body = _drop_export_metadata(body)
    if _looks_like_mind_map(body):
        blocks = _mind_map_blocks(body, title)
    else:
        blocks = _essay_blocks(_drop_repeats(body))
    snippets: list[Snippet] = []
    topic = title
    for block in blocks:
        if block.kind == "heading":
            topic = _heading_text(block.text)
            continue
        for piece in _fit(block.text, block.kind):
            if not _is_fact(piece):
                continue
            snippets.append(
                Snippet(
                    id=f"{source}#{len(snippets)}",
                    text=piece,
                    topic=topic,
                    source=source,
                    position=len(snippets),
                    title=title,
                )
            )
    return snippets


def _drop_repeats(lines: list[str]) -> list[str]:
    """A short line repeated at once is a picture caption pasted twice: keep neither copy."""
    out: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        if line and i + 1 < len(lines) and lines[i + 1] == line and len(line) < 60 and not _ends_sentence(line):
            j = i
            while j < len(lines) and lines[j] == line:
                j += 1
            i = j
            continue
        out.append(line)
        i += 1
    return out


_METADATA_LABELS = {"description", "descripcion", "beschreibung", "descrizione", "descricao", "resume"}


def _drop_export_metadata(lines: list[str]) -> list[str]:
    """Mind-map sites export a "Description" label and a line about the map itself: not notes."""
    out: list[str] = []
    skip_next = False
    for line in lines:
        if skip_next and line:
            skip_next = False
            continue
        if fold(line).strip(" :") in _METADATA_LABELS:
            skip_next = True
            continue
        out.append(line)
    return out


def _take_title(lines: list[str]) -> tuple[str, list[str]]:
    """The first line is the note's title when it is short and followed by more text."""
    idx = next((i for i, line in enumerate(lines) if line), None)
    if idx is None:
        return "", []
    first = lines[idx]
    rest = lines[idx + 1 :]
    m = _MD_HEADING.match(first)
    if m:
        first = m.group(2)
    elif len(first) > 120 or not any(rest) or (first.endswith(".") and not m):
        return "", lines
    first = _AUTHOR.sub("", first).strip(" -:")
    return first, rest


def _ends_sentence(line: str) -> bool:
    return bool(re.search(r"""[.!?;:]["')\]]*$""", line))


def _is_heading_like(line: str) -> bool:
    if not line or _BULLET.match(line) or len(line) > 80:
        return False
    if line.endswith("?"):
        return len(line) <= 80
    if _ends_sentence(line) or line.endswith(","):
        return False
    toks = line.split()
    if len(toks) > 9 or not line[0].isupper() and not line[0].isdigit():
        return False
    lowered = [t.lower().strip(",.()'\"") for t in toks]
    if any(t in _VERBS for t in lowered):
        return False
    # A lower-case past participle ("convinced", "removed") makes it a statement.
    if any(t.endswith("ed") and len(t) > 4 and tok[0].islower() for t, tok in zip(lowered, toks)):
        return False
    return True


def _heading_text(text: str) -> str:
    m = _MD_HEADING.match(text)
    text = m.group(2) if m else text
    return text.strip(" -:#*").strip()


def _looks_like_mind_map(lines: list[str]) -> bool:
    """Mind-map exports: many short lines, few blank lines, most lines not ending a sentence."""
    body = [line for line in lines if line]
    if len(body) < 8:
        return False
    short = sum(1 for line in body if len(line) <= 90)
    unfinished = sum(1 for line in body if not _ends_sentence(line))
    blank = len(lines) - len(body)
    return short / len(body) > 0.8 and unfinished / len(body) > 0.6 and blank < len(body) / 4


def _essay_blocks(lines: list[str]) -> list[_Block]:
    """Essays and prose: markdown or short headings, bullets, and paragraphs (blank-line separated)."""
    blocks: list[_Block] = []
    para: list[str] = []

    def flush() -> None:
        if para:
            blocks.append(_Block("text", " ".join(para)))
            para.clear()

    for i, line in enumerate(lines):
        if not line or _MD_RULE.match(line):
            flush()
            continue
        m = _MD_HEADING.match(line)
        nxt = next((x for x in lines[i + 1 :] if x), "")
        if m:
            flush()
            blocks.append(_Block("heading", m.group(2)))
        elif _BULLET.match(line):
            flush()
            blocks.append(_Block("bullet", _BULLET.sub("", line, count=1)))
        elif not para and _is_heading_like(line) and nxt and (not blocks or blocks[-1].kind != "heading" or True):
            blocks.append(_Block("heading", line))
        elif blocks and blocks[-1].kind == "bullet" and not para and line[:1].islower():
            # a bullet wrapped onto the next line
            blocks[-1].text += " " + line
        else:
            para.append(line)
    flush()
    return blocks


def _joins(prev: str, line: str) -> bool:
    """Does `line` carry on the statement of `prev` (a sentence broken across mind-map lines)?"""
    if not prev or _ends_sentence(prev):
        return False
    first = line[:1]
    if first.islower() or first in "(),;:%&$-":
        return True
    last = prev.split()[-1].lower().strip("'\"")
    if last in _CONTINUES or prev.endswith((",", "-", "(", "&", "+")):
        return True
    if prev.count("(") > prev.count(")"):
        return True
    # A lone word finishing a title cut in two ("Key Measures of Soviet Peaceful" / "Coexistence").
    if len(line.split()) == 1 and not first.isdigit() and _is_heading_like(prev + " " + line):
        return True
    return False


def _mind_map_blocks(lines: list[str], title: str) -> list[_Block]:
    statements: list[str] = []
    for line in lines:
        if not line:
            continue
        line = _BULLET.sub("", line, count=1)
        if statements and _joins(statements[-1], line):
            statements[-1] += " " + line
        else:
            statements.append(line)
    # Mind maps repeat their root (the title) as the first node, often broken across lines.
    key = _key(title)
    statements = [st for st in statements if _key(st) != key]
    blocks: list[_Block] = []
    for i, st in enumerate(statements):
        nxt = statements[i + 1] if i + 1 < len(statements) else ""
        if nxt and _is_heading_like(st) and not (len(st.split()) == 1 and _is_heading_like(nxt)):
            blocks.append(_Block("heading", st))
        else:
            blocks.append(_Block("bullet", st))
    return blocks


def _key(text: str) -> str:
    return re.sub(r"[^0-9a-z]+", "", fold(text))


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


def _fit(text: str, kind: str) -> list[str]:
    """Cut a block into snippets of at most MAX_SNIPPET_CHARS, on sentence (then clause) boundaries.

    Paragraphs give one snippet per sentence; a bullet stays whole when it fits.
    """
    text = _CITATION.sub("", squash(text))
    text = re.sub(r"\s+([.,;:!?])", r"\1", text)
    text = re.sub(r"([.!?])[.,]+$", r"\1", text).strip()
    if not text:
        return []
    if kind == "bullet" and len(text) <= MAX_SNIPPET_CHARS:
        return [text]
    sentences = split_sentences(text)
    if kind == "bullet":
        return _pack(sentences)
    out: list[str] = []
    for s in sentences:
        # A very short sentence ("This made it hard.") means little alone: attach it to the one before.
        if out and len(s) < 40 and len(out[-1]) + len(s) + 1 <= MAX_SNIPPET_CHARS:
            out[-1] += " " + s
        else:
            out.extend(_hard_cut(s))
    return out


def _pack(sentences: list[str]) -> list[str]:
    out: list[str] = []
    for s in sentences:
        for piece in _hard_cut(s):
            if out and len(out[-1]) + 1 + len(piece) <= MAX_SNIPPET_CHARS:
                out[-1] += " " + piece
            else:
                out.append(piece)
    return out


def _hard_cut(sentence: str) -> list[str]:
    """A sentence over the limit is cut at ';', ',' or a space, never mid-word."""
    out: list[str] = []
    rest = sentence
    while len(rest) > MAX_SNIPPET_CHARS:
        window = rest[: MAX_SNIPPET_CHARS - 1]
        cut = max(window.rfind("; "), window.rfind(", "))
        if cut < MAX_SNIPPET_CHARS // 3:
            cut = window.rfind(" ")
        if cut <= 0:
            cut = MAX_SNIPPET_CHARS - 1
        out.append(rest[: cut + 1].strip())
        rest = rest[cut + 1 :].strip()
    if rest:
        out.append(rest)
    return out


def _is_fact(piece: str) -> bool:
    """Drop debris: lone punctuation, single words, metadata lines."""
    letters = sum(c.isalpha() for c in piece)
    # A question in the notes ("What did each of the big three expect?") asks, it does not tell.
    return letters >= 8 and len(piece.split()) >= 3 and not piece.rstrip("\"' )").endswith("?")
