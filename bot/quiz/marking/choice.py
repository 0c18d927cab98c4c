"""Marking of multiple-choice answers given as a letter, a number or the option's text."""

from __future__ import annotations

import re
from collections.abc import Sequence

from bot.quiz.marking.parse import FILLER, MAX_CHARS
from bot.quiz.marking.typed import mark
from bot.quiz.model import Marking
from bot.text import clean, fold, words

_LETTER = re.compile(r"^(?:(?:option|answer|choice|letter)\s*:?\s*)?[(\[]?([a-z]|\d{1,2})(?:[)\].:]\s*(.*)|\s*)$")
_CHOICE_WORDS = frozenset({"i", "option", "answer", "choice", "letter", "number"})
_TRUE = frozenset({"t", "true", "yes", "y", "right", "correct"})
_FALSE = frozenset({"f", "false", "no", "n", "wrong", "incorrect"})


def mark_choice(options: Sequence[str], answer: str, given: str) -> Marking:
    """Mark a multiple-choice answer given as a letter ("b", "B)", "(c)"), a 1-based number or the option's text."""
    options = [o for o in options]
    if not options or not isinstance(given, str):
        return Marking(False, reason="no answer given")
    target = _resolve_answer(options, answer)
    text = clean(given).strip()
    if not text:
        return Marking(False, reason="no answer given")
    if len(text) > MAX_CHARS:
        return Marking(False, reason="too long: give just the letter or the option")
    chosen = _chosen_option(options, text)
    if chosen is None:
        return Marking(False, reason="pick one of the options")
    if chosen == target:
        return Marking(True, reason="correct")
    return Marking(False, reason="not the right option")


def _resolve_answer(options: list[str], answer: str) -> int:
    for i, option in enumerate(options):
        if option == answer:
            return i
    for i, option in enumerate(options):
        if fold(option.strip()) == fold(answer.strip()):
            return i
    index = _index_of(answer.strip(), len(options))
    return index if index is not None else -1


def _index_of(token: str, count: int) -> int | None:
    token = token.strip().lower()
    if len(token) == 1 and "a" <= token <= "z" and ord(token) - ord("a") < count:
        return ord(token) - ord("a")
    if token.isdigit() and 1 <= int(token) <= count:
        return int(token) - 1
    return None


def _chosen_option(options: list[str], text: str) -> int | None:
    """The option a student picked, or None when the answer names none or several."""
    folded = [fold(o.strip()) for o in options]
    simple = fold(text).strip(" .!?\"'")
    # The option's text exactly (also when an option is itself a number, such as "1955").
    if simple in folded:
        return folded.index(simple)
    # True/false questions: "t", "yes", "no".
    if set(folded) <= {"true", "false"}:
        if simple in _TRUE and "true" in folded:
            return folded.index("true")
        if simple in _FALSE and "false" in folded:
            return folded.index("false")
    # A letter or number, maybe wrapped: "b)", "(c)", "option 2", "I think it's b".
    m = _LETTER.match(simple)
    if m:
        index = _index_of(m.group(1), len(options))
        rest = (m.group(2) or "").strip()
        if index is not None and not words(rest):
            return index
        if index is not None:
            # "b) Potsdam": the letter and the text must name the same option.
            return index if _by_text(options, rest) == index else None
    tokens = words(simple)
    if 0 < len(tokens) <= 8:
        # "I think it's a": one letter or number among filler words ("a" is filler and a letter).
        singles = [t for t in tokens[:-1] if len(t) == 1 and t != "i" or t.isdigit()] + [tokens[-1]]
        singles = [t for t in singles if len(t) == 1 or t.isdigit()]
        others = [t for t in tokens if t not in singles and t not in FILLER and t not in _CHOICE_WORDS]
        if len(singles) == 1 and not others and (index := _index_of(singles[0], len(options))) is not None:
            return index
    return _by_text(options, text)


def _by_text(options: list[str], text: str) -> int | None:
    """The one option the typed text matches, with the same tolerance as typed answers."""
    hits = [i for i, option in enumerate(options) if mark(option, text).correct]
    if len(hits) == 1:
        return hits[0]
    # Several options read alike ("1955", "1955-56"): prefer the exact one.
    exact = [i for i in hits if fold(options[i].strip()) == fold(text.strip())]
    return exact[0] if len(exact) == 1 else None
