"""Formulas such as "d = st" or "density = mass ÷ volume", compared as structure: what stands alone, what
multiplies and what divides. A symbol meets the word it stands for ("d" and "distance"); the same equation
rearranged ("s = d/t" for "d = st") is right; a ratio upside down or another quantity alone is wrong.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping

from bot.knowledge.lexicon import STOPWORDS, word_zipf
from bot.quiz.marking.verdict import RIGHT, WRONG, Judgement
from bot.quiz.marking.wordsense import same_word
from bot.text import clean, fold

MAX_CHARS = 120
_TIMES = re.compile(r"\s*(?:[×*·∙⋅]|\bx\b|\btimes\b|\bmultiplied by\b)\s*", re.IGNORECASE)
_DIVIDE = re.compile(r"\s*(?:[/÷]|\bdivided by\b|\bover\b|\bper\b)\s*", re.IGNORECASE)
_TERM = re.compile(r"^[A-Za-z][A-Za-z ]*$")
_EQUALS = re.compile(r"\s*(?:=|\bequals\b|\bis equal to\b)\s*", re.IGNORECASE)
_POWER = re.compile(r"\^\s*(\d)|([²³])")
_CHEMISTRY = re.compile(r"->|→|⇌|⟶|[A-Z][a-z]?\d")  # equations of chemistry are marked elsewhere

Side = Counter  # factor -> power (negative below the line)


def _factors(part: str, sign: int, out: Side) -> bool:
    """Add the factors of a product such as "st", "I × R" or "mass x acceleration" to `out`."""
    pieces = [p for p in _TIMES.split(part) if p.strip()]
    for piece in pieces:
        piece = piece.strip()
        power = 1
        m = _POWER.search(piece)
        if m:
            power = int(m.group(1)) if m.group(1) else (2 if m.group(2) == "²" else 3)
            piece = _POWER.sub("", piece).strip()
        if not _TERM.match(piece):
            return False
        names = piece.split()
        if len(names) == 1 and _symbols(piece):
            names = list(piece)  # "st", "IR", "mgh": symbols written side by side
        elif len(names) > 1:
            names = [" ".join(names)]  # "kinetic energy" is one quantity
        for name in names:
            out[name] += sign * power
    return True


def _symbols(piece: str) -> bool:
    """Two or three letters that are not a word are symbols side by side: "st", "IR", "mgh"."""
    if len(piece) <= 2:
        return True
    return len(piece) == 3 and (not re.search("[aeiou]", piece.lower()) or word_zipf(piece.lower()) is None)


def _side(text: str) -> Side | None:
    parts = _DIVIDE.split(text.strip())
    if not parts or not all(p.strip() for p in parts) or len(parts) > 3:
        return None
    out: Side = Counter()
    for k, part in enumerate(parts):
        if not _factors(part, 1 if k == 0 else -1, out):
            return None
    return out


def parse(text: str) -> tuple[Side, Side] | None:
    """The two sides of a formula, or None when the text is not one."""
    text = clean(text).strip().rstrip(".")
    if len(text) > MAX_CHARS or _CHEMISTRY.search(text):
        return None
    sides = _EQUALS.split(text)
    if len(sides) != 2:
        return None
    left, right = _side(sides[0]), _side(sides[1])
    if not left or not right:
        return None
    return left, right


def _meets(a: str, b: str, names: Mapping[str, str]) -> bool:
    """A symbol and a word for the same quantity: equal, the notes' own pairing, or a word and its initial."""
    fa, fb = fold(a), fold(b)
    if fa == fb or same_word(fa, fb):
        return True
    if fold(names.get(a, "")) == fb or fold(names.get(b, "")) == fa:
        return True
    symbol, word = (a, b) if len(a) <= len(b) else (b, a)
    return len(symbol) == 1 and len(word) > 2 and fold(word)[0] == fold(symbol)


def _balance(left: Side, right: Side) -> Side:
    """The formula as one product equal to 1: left over right."""
    out: Side = Counter(left)
    for k, v in right.items():
        out[k] -= v
    return Counter({k: v for k, v in out.items() if v})


def _same(a: Side, b: Side, names: Mapping[str, str]) -> bool:
    if len(a) != len(b):
        return False
    rest = list(b.items())
    for name, power in a.items():
        hit = next((i for i, (other, p) in enumerate(rest) if p == power and _meets(name, other, names)), None)
        if hit is None:
            return False
        rest.pop(hit)
    return True


def judge(expected: str, given: str, names: Mapping[str, str] | None = None) -> Judgement | None:
    """Mark a formula; None when `expected` is not one. `names` pairs the notes' symbols with their words."""
    exp = parse(expected)
    if exp is None:
        return None
    got = parse(given)
    if got is None:
        return Judgement(WRONG, f"write it as a formula: {expected.strip()}")
    names = names or {}
    if _same(exp[0], got[0], names) and _same(exp[1], got[1], names):
        return Judgement(RIGHT, f"{given.strip()} is {expected.strip()}")
    whole_e, whole_g = _balance(*exp), _balance(*got)
    flipped = Counter({k: -v for k, v in whole_g.items()})
    if _same(whole_e, whole_g, names) or _same(whole_e, flipped, names):
        return Judgement(RIGHT, f"{given.strip()} is {expected.strip()} rearranged")
    return Judgement(WRONG, f"not the formula: {expected.strip()}")


_IN_FORMULA = re.compile(r"(?<![\w])([A-Za-z]{1,3})\s*=\s*([A-Za-z][A-Za-z ×x*/÷·]{0,30})")
_SYMBOL_IS = re.compile(
    r"(?<![\w])([A-Za-z])\s+(?:is|=|represents|stands for|means)\s+(?:the\s+)?([a-z]{3,}(?:\s[a-z]{3,})?)"
)
_WORD_THEN_SYMBOL = re.compile(r"([a-z]{3,}(?:\s[a-z]{3,})?)\s*\(\s*([A-Za-z])\s*\)")
_SYMBOL_THEN_WORD = re.compile(r"(?<![\w])([A-Za-z])\s*\(\s*([a-z]{3,}(?:\s[a-z]{3,})?)\s*\)")


def symbols_in(text: str) -> dict[str, str]:
    """The quantities a note names for the symbols of its formulas: "V = IR, where V is voltage, I is current"
    or "current (I)" -> {"V": "voltage", "I": "current"}. Only letters that appear in a formula of the text."""
    text = clean(text or "")
    letters: set[str] = set()
    for m in _IN_FORMULA.finditer(text):
        for side in m.groups():
            for token in _TIMES.split(side):
                token = token.strip()
                if token and _symbols(token):  # "IR", "mgh": each letter a symbol
                    letters.update(ch for ch in token if ch.isalpha())
    found: dict[str, str] = {}
    pairs = [(m.group(1), m.group(2)) for m in _SYMBOL_IS.finditer(text)]
    pairs += [(m.group(2), m.group(1)) for m in _WORD_THEN_SYMBOL.finditer(text)]
    pairs += [(m.group(1), m.group(2)) for m in _SYMBOL_THEN_WORD.finditer(text)]
    for symbol, name in pairs:
        name_words = [w for w in name.split() if w not in STOPWORDS]
        if symbol in letters and name_words:
            found.setdefault(symbol, " ".join(name_words[:2]))
    return found
