"""Chemical names, symbols, formulas and equations: "NH3" is ammonia, "K" is potassium, "H₂O" and "h2o" are
water; "HO2" is not; an equation is right when each side has the right substances in any order, wrong when the
sides are swapped, and "close" when it is right but not balanced.

Names and formulas come from elements.txt (generated from the periodictable package by scripts/gen_elements.py)
and from the compounds the class's notes write as "name (formula)".
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from rapidfuzz import process
from rapidfuzz.distance import DamerauLevenshtein

from bot.quiz.marking.verdict import CLOSE, RIGHT, WRONG, Judgement
from bot.quiz.marking.wordsense import other_word
from bot.text import clean, fold

TABLE = Path(__file__).resolve().parent / "elements.txt"
MAX_CHARS = 160
MAX_TERMS = 8
_SUBSCRIPTS = str.maketrans("₀₁₂₃₄₅₆₇₈₉", "0123456789")
_FORMULA = re.compile(r"^(?:[A-Z][a-z]?\d*|\((?:[A-Z][a-z]?\d*)+\)\d*)+$")
_PART = re.compile(r"([A-Z][a-z]?)(\d*)|\(([^()]*)\)(\d*)")
_ARROW = re.compile(r"\s*(?:-+>|→|⟶|⇌|⇄|=+>?|\bgives\b|\bforms\b|\bmakes\b|\bproduces\b)\s*")
_PLUS = re.compile(r"\s+\+\s+|\s*\+\s*(?=\d*\s*[A-Za-z(])")
_COEFFICIENT = re.compile(r"^(\d+)\s*(.+)$")
_NAME_WORD = re.compile(r"^[a-z]+(?:\([ivx]+\))?$")
# Endings of the words of chemical names, for finding the name before "(CaCl2)" in a teacher's sentence.
_CHEMICAL_ENDINGS = ("ide", "ate", "ite", "ium", "ine", "ane", "ene", "yne", "ol", "acid", "ic", "ous", "gen", "on")


@dataclass(frozen=True, slots=True)
class _Table:
    names: dict[str, tuple[str, ...]]  # formula or symbol -> names
    formulas: dict[str, tuple[str, ...]]  # folded name -> formulas ("oxygen" -> ("O", "O2"))
    folded: dict[str, tuple[str, ...]]  # lower-case formula -> formulas ("co" -> ("Co", "CO"))


@lru_cache(maxsize=1)
def _base_table() -> _Table:
    rows: list[tuple[str, list[str]]] = []
    for line in TABLE.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            formula, *names = line.split("\t")
            rows.append((formula, names))
    return _build(rows)


def _build(rows: list[tuple[str, list[str]]]) -> _Table:
    names: dict[str, tuple[str, ...]] = {}
    formulas: dict[str, list[str]] = {}
    folded: dict[str, list[str]] = {}
    for formula, row_names in rows:
        names[formula] = tuple(dict.fromkeys(names.get(formula, ()) + tuple(row_names)))
        for name in row_names:
            formulas.setdefault(fold(name), []).append(formula)
        folded.setdefault(formula.lower(), []).append(formula)
    return _Table(
        names, {k: tuple(dict.fromkeys(v)) for k, v in formulas.items()}, {k: tuple(v) for k, v in folded.items()}
    )


@lru_cache(maxsize=64)
def _table(compounds: tuple[tuple[str, str], ...]) -> _Table:
    if not compounds:
        return _base_table()
    base = _base_table()
    rows = [(f, list(n)) for f, n in base.names.items()] + [(f, [n]) for f, n in compounds]
    return _build(rows)


@lru_cache(maxsize=8192)
def atoms(formula: str) -> tuple[tuple[str, int], ...] | None:
    """The atoms of a formula ("Ca(OH)2" -> Ca 1, O 2, H 2), or None when it is not made of real element symbols."""
    formula = formula.translate(_SUBSCRIPTS).replace(" ", "")
    if not formula or len(formula) > 40 or not _FORMULA.match(formula):
        return None
    counts = _count(formula)
    if counts is None:
        return None
    return tuple(sorted(counts.items()))


def _count(formula: str, depth: int = 0) -> Counter | None:
    if depth > 3:
        return None
    counts: Counter = Counter()
    elements = _base_table().names
    for m in _PART.finditer(formula):
        symbol, n, group, gn = m.groups()
        if symbol:
            if symbol not in elements:
                return None
            counts[symbol] += int(n or 1)
        else:
            inner = _count(group, depth + 1)
            if inner is None:
                return None
            for k, v in inner.items():
                counts[k] += v * int(gn or 1)
    return counts


def _looks_like_formula(text: str, table: _Table) -> bool:
    """A formula as a teacher writes one: a digit or a two-letter symbol ("H2O", "NaCl"), or a known one ("CO", "K").
    "US", "UN", "NATO" and "I" are not chemistry."""
    if text in table.names:
        return True
    return atoms(text) is not None and bool(re.search(r"\d|[a-z]|[₀-₉]", text))


def _species(text: str, table: _Table, prefer: tuple[str, ...] = ()) -> tuple[str, ...] | None:
    """The formulas a written substance may be: a formula, a symbol or a name (slips forgiven)."""
    text = clean(text).strip().strip(".").translate(_SUBSCRIPTS)
    if not text or len(text) > 60:
        return None
    compact = text.replace(" ", "")
    if _looks_like_formula(compact, table):
        return (compact,)
    lowered = table.folded.get(compact.lower())
    if lowered and any(c.isdigit() for c in compact) or (lowered and len(compact) > 1 and compact.islower()):
        preferred = [f for f in lowered if f in prefer]  # "co": CO or Co, whichever the question is about
        return tuple(preferred or lowered)
    name = fold(text)
    if name.startswith("the "):
        name = name[4:]
    if name in table.formulas:
        return table.formulas[name]
    if len(name) < 4:
        return None
    limit = 1 if len(name) <= 7 else 2
    hit = process.extractOne(name, table.formulas.keys(), scorer=DamerauLevenshtein.distance, score_cutoff=limit)
    if hit is None:
        return None
    near = hit[0]
    if any(other_word(a, b) for a, b in zip(near.split(), name.split(), strict=False)) or (
        len(near.split()) != len(name.split())
    ):
        return None  # "chloride" is not a slip for "chlorine", nor "sulfite" for "sulfate"
    return table.formulas[near]


def _key(formula: str) -> tuple[tuple[str, int], ...] | None:
    return atoms(formula)


def _show(formula: str, table: _Table) -> str:
    names = table.names.get(formula)
    return names[0] if names else formula


def _same_substance(exp: tuple[str, ...], got: tuple[str, ...]) -> bool:
    """One substance: the same formula, or a name of it ("oxygen" is both O and O2)."""
    return bool(set(exp) & set(got))


def _order_only(exp: tuple[str, ...], got: tuple[str, ...]) -> bool:
    """The right atoms in another order ("OH2" for "H2O")."""
    return any(_key(e) == _key(g) and _key(e) is not None for e in exp for g in got)


# ---------------------------------------------------------------------------------------------------------------
# Equations


def _terms(side: str, table: _Table) -> list[tuple[int, tuple[str, ...], bool]] | None:
    out = []
    for raw in _PLUS.split(side.strip()):
        raw = raw.strip()
        if not raw:
            return None
        coefficient, written = 1, False
        m = _COEFFICIENT.match(raw)
        if m and _species(m.group(2), table) is not None:
            coefficient, written, raw = int(m.group(1)), True, m.group(2)
        species = _species(raw, table)
        if species is None:
            return None
        out.append((coefficient, species, written))
    return out if len(out) <= MAX_TERMS else None


def _equation(text: str, table: _Table) -> tuple[list, list] | None:
    text = clean(text).strip().rstrip(".")
    if len(text) > MAX_CHARS:
        return None
    sides = _ARROW.split(text)
    if len(sides) != 2:
        return None
    left, right = _terms(sides[0], table), _terms(sides[1], table)
    if not left or not right:
        return None
    return left, right


def _match_side(exp: list, got: list, *, coefficients: bool) -> bool:
    if len(exp) != len(got):
        return False
    rest = list(got)
    for coef, species, _ in exp:
        hit = next(
            (i for i, (c, s, _) in enumerate(rest) if _same_substance(species, s) and (not coefficients or c == coef)),
            None,
        )
        if hit is None:
            return False
        rest.pop(hit)
    return True


def _judge_equation(exp: tuple[list, list], got: tuple[list, list] | None, shown: str) -> Judgement:
    if got is None:
        return Judgement(WRONG, f"write the equation: {shown}")
    # A word equation has no coefficients to check; a symbol equation's are part of the answer.
    balanced = any(written for side in exp for _, _, written in side)
    if _match_side(exp[0], got[0], coefficients=balanced) and _match_side(exp[1], got[1], coefficients=balanced):
        return Judgement(RIGHT, f"the same equation: {shown}")
    if _match_side(exp[0], got[1], coefficients=False) and _match_side(exp[1], got[0], coefficients=False):
        return Judgement(WRONG, "reactants and products are swapped")
    if _match_side(exp[0], got[0], coefficients=False) and _match_side(exp[1], got[1], coefficients=False):
        if not any(written for side in got for _, _, written in side):
            return Judgement(CLOSE, f"balance it: {shown}")
        return Judgement(WRONG, f"not balanced as {shown}")
    return Judgement(WRONG, f"not the equation: {shown}")


# ---------------------------------------------------------------------------------------------------------------
# Public API


@lru_cache(maxsize=4096)
def _expected(expected: str, key: tuple[tuple[str, str], ...]) -> tuple[str, object]:
    """What an expected answer is ("equation", "species" or "" for no chemistry), read once: a class marks the same
    answer many times."""
    table = _table(key)
    if _ARROW.search(expected) and ("+" in expected or re.search(r"\d", expected)):
        equation = _equation(expected, table)
        if equation is not None:
            return "equation", equation
    species = _species(expected, table)
    return ("species", species) if species is not None else ("", None)


def judge(expected: str, given: str, *, compounds: Mapping[str, str] | None = None) -> Judgement | None:
    """Mark a chemical name, symbol, formula or equation; None when `expected` is none of those."""
    if not isinstance(expected, str) or not isinstance(given, str):
        return None
    if len(expected) > MAX_CHARS or not re.search(r"[A-Za-z]", expected):
        return None
    key = tuple(sorted((compounds or {}).items()))
    kind, exp = _expected(expected, key)
    if kind == "":
        return None
    table = _table(key)
    if kind == "equation":
        return _judge_equation(exp, _equation(given, table), clean(expected).strip())
    shown = clean(expected).strip()
    got = _species(given, table, prefer=exp) if len(given) <= MAX_CHARS else None
    if got is None:
        return Judgement(WRONG, f"not {shown}")
    typed = clean(given).strip()
    if _same_substance(exp, got):
        return Judgement(RIGHT, shown if fold(typed) == fold(shown) else f"{typed} is {shown}")
    if _order_only(exp, got):
        return Judgement(CLOSE, f"the right atoms, written in another order: {shown}")
    other = _show(got[0], table)
    return Judgement(WRONG, f"{typed} is {other}, not {shown}" if fold(other) != fold(typed) else f"not {shown}")


_FORMULA_TOKEN = re.compile(r"(?<![\w(])((?:[A-Z][a-z]?[0-9₀-₉]*|\([A-Z][A-Za-z0-9]*\)[0-9]*){1,8})(?![\w)])")


def names_for(text: str, compounds: Mapping[str, str] | None = None) -> str:
    """The text with its formulas written as names ("CO2 and water" -> "carbon dioxide and water")."""
    table = _table(tuple(sorted((compounds or {}).items())))

    def name(m: re.Match[str]) -> str:
        token = m.group(1)
        if not re.search(r"\d|[₀-₉]", token) or atoms(token) is None:
            return token
        formula = token.translate(_SUBSCRIPTS)
        return table.names[formula][0] if formula in table.names else token

    return _FORMULA_TOKEN.sub(name, text)


_IN_NOTES = re.compile(r"([A-Za-z][A-Za-z()]*(?:[ -][A-Za-z()]+){0,3})\s*\(\s*([A-Z][A-Za-z0-9₀-₉()]{0,24})\s*\)")
_IN_NOTES_REVERSED = re.compile(r"(?<![\w(])([A-Z][A-Za-z0-9₀-₉()]{0,24})\s*\(\s*([a-z][a-z ()-]{2,40})\)")


def compounds_in(text: str) -> dict[str, str]:
    """Compounds a teacher's notes write with their formulas: "calcium chloride (CaCl2)", "NH3 (ammonia)"."""
    found: dict[str, str] = {}
    for m in _IN_NOTES.finditer(text or ""):
        name, formula = _chemical_name(m.group(1)), m.group(2).translate(_SUBSCRIPTS)
        if name and _real_formula(formula):
            found.setdefault(formula, name)
    for m in _IN_NOTES_REVERSED.finditer(text or ""):
        formula, name = m.group(1).translate(_SUBSCRIPTS), _chemical_name(m.group(2))
        if name and _real_formula(formula):
            found.setdefault(formula, name)
    return found


def _real_formula(formula: str) -> bool:
    counts = atoms(formula)
    return counts is not None and (any(c.isdigit() for c in formula) or len(counts) >= 2)


def _chemical_name(words_before: str) -> str:
    """The chemical name at the end of the words before a formula: "plants absorb carbon dioxide" -> "carbon
    dioxide"; "" when the last word is no chemical name."""
    words = fold(words_before).split()
    elements = {fold(n) for names in _base_table().names.values() for n in names}
    kept: list[str] = []
    for word in reversed(words[-4:]):
        bare = re.sub(r"\([ivx]+\)$", "", word)
        if bare in elements or bare.endswith(_CHEMICAL_ENDINGS) or re.fullmatch(r"\([ivx]+\)", word):
            kept.insert(0, word)
        else:
            break
    name = " ".join(kept)
    return name if kept and all(_NAME_WORD.match(w) or w.startswith("(") for w in kept) else ""
