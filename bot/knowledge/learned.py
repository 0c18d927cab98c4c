"""Aliases the notes teach themselves: acronyms with their expansions, and hyphenated words written as one.

"short term memory (STM)", "STM - short term memory" and "STM: short term memory" make STM and
"short term memory" one name; "e-mail" in the notes also answers "email". Added to the teacher's
alias file at start-up, so nobody has to write them down."""

from __future__ import annotations

import re
from collections.abc import Iterable

from bot.text import words

_ACRONYM = r"[A-Z][A-Za-z]?[A-Z]{1,5}s?"
# "long form (ACR)" and "ACR (long form)"
_LONG_THEN_SHORT = re.compile(r"((?:[A-Za-z][\w'-]*\s+){1,7}[A-Za-z][\w'-]*)\s*\(\s*(" + _ACRONYM + r")\s*\)")
_SHORT_THEN_LONG = re.compile(r"\b(" + _ACRONYM + r")\s*(?:\(\s*|[-:=]\s+)((?:[A-Za-z][\w'-]*\s+){1,7}[A-Za-z][\w'-]*)")
_HYPHENATED = re.compile(r"\b([A-Za-z]{1,12})-([A-Za-z]{2,12})\b")
_MINOR = {"of", "the", "and", "for", "to", "in", "on", "a", "an", "by", "with", "&"}


def learned_aliases(texts: Iterable[str]) -> list[list[str]]:
    groups: dict[str, set[str]] = {}
    for text in texts:
        for m in _LONG_THEN_SHORT.finditer(text):
            toks = m.group(1).split()
            _add_acronym(groups, m.group(2), [toks[k:] for k in range(len(toks))])  # "... the short term memory"
        for m in _SHORT_THEN_LONG.finditer(text):
            toks = m.group(2).split()
            _add_acronym(groups, m.group(1), [toks[:k] for k in range(len(toks), 0, -1)])  # "memory ... holds"
        for m in _HYPHENATED.finditer(text):
            a, b = m.group(1), m.group(2)
            groups.setdefault(f"{a}-{b}".lower(), set()).add(f"{a}{b}".lower())
    return [[key, *sorted(names)] for key, names in groups.items()]


def _add_acronym(groups: dict[str, set[str]], short: str, spans: list[list[str]]) -> None:
    """Keep the first span of words whose initials spell `short` ("the central processing unit (CPU)")."""
    letters = short[:-1] if short.endswith("s") and len(short) > 2 else short
    for span in spans:
        if not span or span[0].lower() in _MINOR or span[-1].lower() in _MINOR:
            continue
        initials = "".join(t[0] for t in span if t.lower() not in _MINOR).upper()
        if initials == letters.upper() or _crossed(initials, letters.upper()):
            groups.setdefault(short, set()).add(" ".join(words(" ".join(span))))
            return


def _crossed(initials: str, letters: str) -> bool:
    """A leading X stands for a word by its sound ("cross elasticity of demand (XED)", "extensible markup language
    (XML)")."""
    return len(letters) >= 3 and letters[0] == "X" and len(initials) == len(letters) and initials[1:] == letters[1:]
