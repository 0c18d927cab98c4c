"""Answers that are lists ("nucleus, cytoplasm and cell membrane"): the right items in any order and with any
separators, each item marked as an answer of its own; a missing item is "close", a wrong extra item cancels."""

from __future__ import annotations

import re
from collections.abc import Callable

from bot.quiz.marking.parse import FILLER
from bot.quiz.marking.verdict import CLOSE, RIGHT, WRONG, Judgement
from bot.text import clean, fold

# Between items: commas, semicolons, slashes, ampersands, pluses, bullets and line breaks.
_SEPARATORS = re.compile(r"\s*(?:[,;/&+|\n\u2022]|\s(?:and|or|plus|then|also|as well as)\s)\s*", re.IGNORECASE)
# An expected answer is a list when a comma or semicolon splits it, or " and " joins two short items.
_LIST_MARK = re.compile(r"[,;]|\sand\s", re.IGNORECASE)
MAX_ITEMS = 12
MAX_ITEM_WORDS = 4
_WORD = re.compile(r"[^\s,;/&+|]+")

Marker = Callable[[str, str], bool]  # (expected item, given piece) -> right


def items(text: str) -> list[str]:
    """The items of a list answer, or [] when it is not a list of a few short items."""
    text = clean(text).strip().rstrip(".")
    if not _LIST_MARK.search(text):
        return []
    parts = [p.strip() for p in _SEPARATORS.split(text) if p and p.strip()]
    parts = [p for p in parts if fold(p) not in FILLER]
    if not 2 <= len(parts) <= MAX_ITEMS or any(len(p.split()) > MAX_ITEM_WORDS for p in parts):
        return []
    return parts


_ASKED = re.compile(
    r"\b(?:name|give|list|state|identify|suggest|write down|outline)\s+(?:any\s+)?(two|three|four|five|six|2|3|4|5|6)\b"
    r"|\b(two|three|four|five|six|2|3|4|5|6)\s+(?:of\s+the|examples|reasons|ways|types|features|things)\b",
    re.IGNORECASE,
)
_COUNTS = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6}


def asked_count(prompt: str) -> int | None:
    """How many items a question asks for ("Name two of the three states of matter"), if it says."""
    m = _ASKED.search(prompt or "")
    if not m:
        return None
    word = (m.group(1) or m.group(2)).lower()
    return _COUNTS.get(word) or int(word)


def judge(expected: str, given: str, same: Marker, asked: int | None = None) -> Judgement | None:
    """Mark a list answer item by item; None when `expected` is not a list. `asked`: how many items the question
    asks for, when fewer than all of them will do."""
    wanted = items(expected)
    if not wanted:
        return None
    chunks = [c for c in _SEPARATORS.split(clean(given)) if c and c.strip()]
    found: list[int] = []
    extras: list[str] = []
    sizes = [len(w.split()) for w in wanted]
    order = sorted(range(len(wanted)), key=lambda k: -sizes[k])  # "cell membrane" before "cell"
    for chunk in chunks:
        toks = _WORD.findall(chunk)
        i = 0
        while i < len(toks):
            # A run of words as long as one of the items (or one word more or less, for a word typed in two or
            # a two-word name given short): items typed without separators still count.
            hit = next(
                (
                    (k, size)
                    for k in order
                    if k not in found
                    for size in (sizes[k], sizes[k] + 1, sizes[k] - 1)
                    if 0 < size <= len(toks) - i and same(wanted[k], " ".join(toks[i : i + size]))
                ),
                None,
            )
            if hit is not None:
                found.append(hit[0])
                i += hit[1]
            else:
                if fold(toks[i]) not in FILLER:
                    extras.append(toks[i])
                i += 1
    missing = [w for k, w in enumerate(wanted) if k not in found]
    if extras:
        return Judgement(WRONG, f"{' '.join(extras)} is not one of them")
    if not missing:
        return Judgement(RIGHT, f"all {len(wanted)}: {', '.join(wanted)}")
    if asked is not None and len(found) >= asked:
        return Judgement(RIGHT, f"{len(found)} of {', '.join(wanted)}, as asked")
    if found:
        return Judgement(CLOSE, f"{len(found)} of {len(wanted)}: missing {', '.join(missing)}")
    return Judgement(WRONG, f"none of {', '.join(wanted)}")
