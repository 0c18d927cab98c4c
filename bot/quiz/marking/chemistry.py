"""Chemical names, symbols, formulas and equations, marked as a chemistry teacher would.

"NH3" is ammonia and "K" is potassium, either way round; "H₂O" and "h2o" are H2O, "HO2" is not, and "OH2" has the
right atoms in another order. An equation is right when each side has the right substances (in any order) with the
right coefficients, wrong when its sides are swapped, close when it only needs balancing; a word equation meets a
symbol equation through the names.

Names and formulas come from elements.txt (generated from the periodictable package by scripts/gen_elements.py)
and from the compounds the class's notes write with their formulas (`compounds_in`).

The rule must leave other subjects alone: "US", "UN", "NHS" and "I" parse as element symbols, "No" and "He" are
symbols, "COP26" and "HS2" look like formulas. So an expected answer is claimed outright only when it is a name or
formula of the table, or a formula with a digit or a two-letter symbol when the student answered in chemistry too;
a bare symbol or a run of capitals only when the student answered with a chemical name.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType

from rapidfuzz import process
from rapidfuzz.distance import DamerauLevenshtein

from bot.quiz.marking.verdict import CLOSE, RIGHT, WRONG, Judgement
from bot.quiz.marking.wordsense import other_word, tolerance
from bot.text import clean, fold

TABLE = Path(__file__).resolve().parent / "elements.txt"
MAX_CHARS = 200  # no name, formula or school equation is longer
MAX_TERMS = 8  # per side of an equation
NO_COMPOUNDS: Mapping[str, str] = MappingProxyType({})

Atoms = tuple[tuple[str, int], ...]  # a formula's atoms, sorted: (("Ca", 1), ("H", 2), ("O", 2))

# How sure it is that an expected answer is chemistry: outright; only when the student answered in chemistry too
# ("COP26", "HS2" look like formulas); only when the student answered with a chemical name ("K", "I", "US", "NO").
_SURE, _IF_CHEMISTRY, _IF_NAME = 0, 1, 2
_EVERYDAY_FORMULAS = frozenset({"no"})  # "No"/"NO" is the answer to a yes-or-no question before it is nobelium
_SPELLINGS = (("sulph", "sulf"), ("aluminum", "aluminium"), ("cesium", "caesium"))
# A slip never changes a name's chemical ending: chlorine/chloride, sulfate/sulfite, nitrate/nitrite are different.
_ENDINGS = ("ide", "ine", "ate", "ite", "ous", "ic", "ane", "ene", "yne", "ol", "ium", "ose")
_NOT_SUBSTANCES = frozenset({"energy", "heat", "light", "sunlight", "light energy", "heat energy"})
_ARROW = re.compile(r"<={1,2}>|<-{1,2}>|⇌|⇄|-{1,3}>|={1,2}>|→|⟶|⟹|=")
_PLUS = re.compile(r"\s*\+\s*|\s+and\s+")
_COEFFICIENT = re.compile(r"(\d{1,3})\s*(?=[A-Za-z(])")
_STATE = re.compile(r"\s*\((?:aq|g|l|s)\)$", re.IGNORECASE)
_MARKUP = re.compile(r"<[^<>]{0,60}>|\*\*|__|`")
_HYDRATE = re.compile(r"[·•∙⋅*.]")
_WORDS = re.compile(r"[a-z]+(?: [a-z]+){0,2}")  # a substance the table does not know, in an equation
_ROMAN = re.compile(r"\((?:i|ii|iii|iv|v|vi|vii)\)$")  # "iron(iii)"


@dataclass(frozen=True, slots=True, eq=False)  # compared and hashed by identity: one per set of notes
class _Table:
    names: dict[str, tuple[str, ...]]  # formula or symbol -> its names, the usual one first
    formulas: dict[str, tuple[str, ...]]  # name key -> formulas ("oxygen" -> ("O", "O2"))
    squeezed: dict[str, tuple[str, ...]]  # name key without spaces ("sodiumchloride") -> formulas
    folded: dict[str, tuple[str, ...]]  # lower-case formula -> formulas ("co" -> ("Co", "CO"))
    words: frozenset[str]  # every word of every name: a slip never lands on one ("cadmium" for "calcium")


@lru_cache(maxsize=1)
def _rows() -> tuple[tuple[str, tuple[str, ...], bool], ...]:
    """elements.txt as (formula, names, is an element) rows, read once."""
    rows, element = [], True
    for line in TABLE.read_text(encoding="utf-8").splitlines():
        if line.startswith("# compounds"):
            element = False
        elif line and not line.startswith("#"):
            formula, *names = line.split("\t")
            rows.append((formula, tuple(names), element))
    return tuple(rows)


@lru_cache(maxsize=1)
def _symbols() -> frozenset[str]:
    return frozenset(f for f, _, element in _rows() if element)


@lru_cache(maxsize=32)
def _table(extra: tuple[tuple[str, str], ...] = ()) -> _Table:
    """The table, with the notes' own compounds (formula, name) added."""
    rows = [(f, names) for f, names, _ in _rows()] + [(f, (n,)) for f, n in extra]
    names: dict[str, tuple[str, ...]] = {}
    formulas: dict[str, tuple[str, ...]] = {}
    folded: dict[str, tuple[str, ...]] = {}
    for formula, row in rows:
        names[formula] = tuple(dict.fromkeys(names.get(formula, ()) + row))
        for name in row:
            formulas[_name_key(name)] = tuple(dict.fromkeys(formulas.get(_name_key(name), ()) + (formula,)))
        folded[formula.lower()] = tuple(dict.fromkeys(folded.get(formula.lower(), ()) + (formula,)))
    return _Table(
        names=names,
        formulas=formulas,
        squeezed={k.replace(" ", ""): v for k, v in formulas.items()},
        folded=folded,
        words=frozenset(w for k in formulas for w in re.split(r"[ ()]+", k) if w),
    )


def _name_key(text: str) -> str:
    """A name as compared: folded, one spelling ("sulphate" -> "sulfate"), "copper (II)" -> "copper(ii)"."""
    key = " ".join(fold(text).replace("-", " ").split()).replace(" (", "(")
    for a, b in _SPELLINGS:
        key = key.replace(a, b)
    return key


def _extra(compounds: object) -> tuple[tuple[str, str], ...]:
    """The notes' compounds that are real formulas with a name, in a hashable order."""
    if not isinstance(compounds, Mapping) or not compounds:
        return ()
    pairs = {
        (f, n.strip())
        for f, n in compounds.items()
        if isinstance(f, str) and isinstance(n, str) and 0 < len(n.strip()) <= 60 and atoms(f) is not None
    }
    return tuple(sorted(pairs))


# ---------------------------------------------------------------------------------------------------------------
# Formulas


def _number(text: str, i: int) -> tuple[int, int]:
    """A subscript or multiplier at `i` (1 when none is written) and the index after it."""
    j = i
    while j < len(text) and j - i < 3 and "0" <= text[j] <= "9":
        j += 1
    return (int(text[i:j]) if j > i else 1), j


def _group(text: str, i: int, symbols: frozenset[str], depth: int) -> tuple[Counter[str], int] | None:
    """The atoms from `i` up to a closing bracket or the end, and the index where it stopped."""
    counts: Counter[str] = Counter()
    while i < len(text) and text[i] != ")":
        if text[i] == "(" and depth < 3:
            inner = _group(text, i + 1, symbols, depth + 1)
            if inner is None or inner[1] >= len(text):
                return None
            n, i = _number(text, inner[1] + 1)
            for symbol, k in inner[0].items():
                counts[symbol] += k * n
        elif "A" <= text[i] <= "Z":
            j = i + 2 if i + 1 < len(text) and "a" <= text[i + 1] <= "z" else i + 1
            symbol = text[i:j]
            if symbol not in symbols:
                return None
            n, i = _number(text, j)
            counts[symbol] += n
        else:
            return None
        if n == 0:
            return None
    return (counts, i) if counts else None


@lru_cache(maxsize=8192)
def atoms(formula: str) -> Atoms | None:
    """The atoms of a formula ("Ca(OH)2": Ca 1, H 2, O 2; "CuSO4·5H2O" with its water), or None when it is not
    written with real element symbols."""
    if not formula or len(formula) > 40:
        return None
    symbols = _symbols()
    total: Counter[str] = Counter()
    for k, part in enumerate(_HYDRATE.split(formula)):
        n, start = _number(part, 0) if k else (1, 0)
        found = _group(part, start, symbols, 0)
        if n == 0 or found is None or found[1] != len(part):
            return None
        for symbol, count in found[0].items():
            total[symbol] += count * n
    return tuple(sorted(total.items()))


def _strength(formula: str, table: _Table) -> int:
    """How sure it is that a written formula is chemistry: see _SURE."""
    counts = atoms(formula) or ()
    if (len(counts) == 1 and counts[0][1] == 1) or formula.lower() in _EVERYDAY_FORMULAS:
        return _IF_NAME  # "K", "I", "Na", "No": a letter, a word or an abbreviation as often as an element
    if formula in table.names:
        return _SURE
    if len(counts) >= 2 and re.search(r"[a-z0-9]", formula):
        return _IF_CHEMISTRY  # "LiF", "C3H8O3", but also "COP26"
    return _IF_NAME  # "US", "NHS", "WW2"


# ---------------------------------------------------------------------------------------------------------------
# Reading a substance: a formula, a symbol or a name


@dataclass(frozen=True, slots=True)
class _Read:
    formulas: tuple[str, ...]  # what the text may be: ("NH3",); ("O", "O2") for "oxygen"; ("Co", "CO") for "co"
    name: str = ""  # the name key it was written as; "" for a formula
    slip: bool = False  # a misspelt name


def _plain(text: str) -> str:
    """The answer without typographic noise, markup and surrounding punctuation; subscripts as digits."""
    return " ".join(_MARKUP.sub("", clean(text)).split()).strip(" .!?;:,'\"*_~")


def _tidy(text: str) -> str:
    """A substance without its state symbol and the words around it: "it is oxygen gas", "NaCl(aq)"."""
    words = _STATE.sub("", text).split()
    while len(words) > 1 and fold(words[0]) in ("the", "a", "an", "it", "is", "it's", "its"):
        words = words[1:]
    while len(words) > 1 and fold(words[-1]) in ("gas", "solution"):
        words = words[:-1]
    return " ".join(words)


def _pick(formulas: tuple[str, ...], prefer: tuple[str, ...]) -> tuple[str, ...]:
    """ "co" is Co or CO: the one the question is about, when it is one of them."""
    return tuple(f for f in formulas if f in prefer) or formulas


@lru_cache(maxsize=8192)
def _read(text: str, table: _Table, prefer: tuple[str, ...] = (), exact: bool = False) -> _Read | None:
    """What a written substance is, or None. `exact` (for expected answers): no slips, and case folded only for a
    formula with a digit ("h2o"), never for "no", "he" or "in"."""
    text = _tidy(text)
    if not text or len(text) > 60:
        return None
    compact = text.replace(" ", "")
    lower = table.folded.get(compact.lower(), ()) + tuple(p for p in prefer if p.lower() == compact.lower())
    if atoms(compact) is not None:
        if compact in table.names or not lower:
            return _Read((compact,))
        return _Read(_pick(lower, prefer))  # "Nh3", "Co2": a slip of case for a known formula
    key = _name_key(text)
    if key in table.formulas or key.replace(" ", "") in table.squeezed:
        return _Read(table.formulas.get(key) or table.squeezed[key.replace(" ", "")], name=key)
    if lower and (not exact or any(c.isdigit() for c in compact)):
        return _Read(_pick(tuple(dict.fromkeys(lower)), prefer))  # "h2o", "nacl", "co"
    both = re.fullmatch(r"([^(),]+?)\s*(?:\((.+)\)|,(.+))", text)  # "ammonia (NH3)", "NH3 (ammonia)", "NH3, ammonia"
    if both:
        first = _read(both[1], table, prefer, exact)
        second = _read(both[2] or both[3], table, prefer, exact)
        common = tuple(f for f in first.formulas if f in second.formulas) if first and second else ()
        return _Read(common, name=first.name or second.name) if common else None
    return None if exact else _misspelt(key, table, prefer)


def _misspelt(key: str, table: _Table, prefer: tuple[str, ...]) -> _Read | None:
    """A name with a slip: 1 edit up to 7 letters, 2 beyond, never onto another chemical word or ending."""
    letters = key.replace(" ", "")
    if len(letters) < 4 or not re.fullmatch(r"[a-z ]+", key):
        return None
    limit = tolerance(letters)
    hits = process.extract(
        key, list(table.formulas), scorer=DamerauLevenshtein.distance, score_cutoff=limit, limit=None
    )
    best = min((d for _, d, _ in hits), default=None)
    near = [name for name, d, _ in hits if d == best and _slip(name, key, table)]
    preferred = [name for name in near if set(table.formulas[name]) & set(prefer)]
    if preferred:
        return _Read(_pick(table.formulas[preferred[0]], prefer), name=preferred[0], slip=True)
    if len({table.formulas[name] for name in near}) != 1:
        return None  # no name near, or near two substances: no guess
    return _Read(table.formulas[near[0]], name=near[0], slip=True)


def _ending(word: str) -> str:
    return next((e for e in _ENDINGS if word.endswith(e)), "")


def _slip(name: str, typed: str, table: _Table) -> bool:
    """`typed` is `name` misspelt, word for word, and not another chemical word ("chloride" for "chlorine")."""
    a, b = name.split(), typed.split()
    if len(a) != len(b):
        return False
    for x, y in zip(a, b):
        if x == y:
            continue
        if y in table.words or (_ending(x) and _ending(y) and _ending(x) != _ending(y)) or other_word(x, y):
            return False
    return True


def _chemistry(read: _Read | None, table: _Table) -> bool:
    """The student answered in chemistry: a chemical name, or a formula that is not only a letter or capitals."""
    return read is not None and (bool(read.name) or any(_strength(f, table) != _IF_NAME for f in read.formulas))


def _name(formula: str, table: _Table) -> str:
    return table.names.get(formula, ("",))[0]


def _judge_substance(exp: _Read, got: _Read | None, typed: str, shown: str, table: _Table) -> Judgement:
    if got is None:  # "chloride" for "chlorine", "sodium chlorine"
        return Judgement(WRONG, f"{typed} is not {shown}" if re.fullmatch(r"[\w ()]{1,40}", typed) else f"not {shown}")
    common = [f for f in exp.formulas if f in got.formulas]
    if common:
        name = shown if exp.name else got.name or _name(common[0], table)
        if got.slip:
            return Judgement(RIGHT, f"{name}, spelt {typed}")
        return Judgement(RIGHT, f"{common[0]} is {name}" if name else common[0])
    for e in exp.formulas:
        if atoms(e) is not None and any(atoms(g) == atoms(e) for g in got.formulas):
            return Judgement(CLOSE, f"same atoms, written in another order: {e}")
    g = got.formulas[0]
    gname = got.name or _name(g, table)
    if gname and gname in {_name(e, table) for e in exp.formulas}:
        return Judgement(WRONG, f"{shown}, not {typed}")  # "O2, not O"
    if got.name:
        return Judgement(WRONG, f"{gname}, not {shown}" if exp.name else f"{gname} is {g}, not {shown}")
    return Judgement(WRONG, f"{g} is {gname}, not {shown}" if gname else f"{g} is not {shown}")


# ---------------------------------------------------------------------------------------------------------------
# Equations


@dataclass(frozen=True, slots=True)
class _Term:
    coefficient: int
    written: bool  # the coefficient was written ("2H2O"), not implied ("O2")
    read: _Read | None  # None: a substance the table does not know ("lactic acid"), compared by its words
    words: str
    shown: str


_Matched = tuple[list[tuple[_Term, _Term]], list[_Term], list[_Term]]


@dataclass(frozen=True, slots=True)
class _Equation:
    left: tuple[_Term, ...]
    right: tuple[_Term, ...]
    reversible: bool
    in_words: bool  # a word equation: nothing in it to balance


def _side(text: str, table: _Table, prefer: tuple[str, ...], exact: bool) -> tuple[_Term, ...] | None:
    terms = []
    for raw in _PLUS.split(text):
        raw = raw.strip().removesuffix("(").strip()  # "water (+ energy)"
        if raw.endswith(")") and raw.count(")") > raw.count("("):
            raw = raw[:-1].strip()
        if not raw:
            return None
        if _name_key(raw) in _NOT_SUBSTANCES:
            continue  # "+ energy" and "light" are written beside the substances, not among them
        m = _COEFFICIENT.match(raw)
        body = _tidy(raw[m.end() :] if m else raw)
        read = _read(body, table, prefer, exact)
        if (m and int(m[1]) == 0) or (read is None and not _WORDS.fullmatch(_name_key(body))):
            return None
        terms.append(_Term(int(m[1]) if m else 1, m is not None, read, _name_key(body), body))
    return tuple(terms) if 0 < len(terms) <= MAX_TERMS else None


@lru_cache(maxsize=4096)
def _equation(text: str, table: _Table, prefer: tuple[str, ...] = (), exact: bool = False) -> _Equation | None:
    """The two sides of a chemical equation, or None when the text is not one ("F = ma", "KE + PE = total")."""
    arrows = _ARROW.findall(text)
    if len(arrows) != 1 or len(text) > MAX_CHARS:
        return None
    left_text, right_text = _ARROW.split(text)
    left, right = _side(left_text, table, prefer, exact), _side(right_text, table, prefer, exact)
    if not left or not right:
        return None
    terms = left + right
    if not any(_chemistry(t.read, table) for t in terms) or (arrows[0] == "=" and len(terms) < 3):
        return None
    reversible = arrows[0] in ("⇌", "⇄") or arrows[0].startswith("<")
    return _Equation(left, right, reversible, all(t.read is None or t.read.name for t in terms))


def _same(a: _Term, b: _Term, table: _Table) -> bool:
    if a.read is not None and b.read is not None:
        return bool(set(a.read.formulas) & set(b.read.formulas))
    if a.read is not None or b.read is not None:
        return False
    limit = tolerance(a.words.replace(" ", ""))
    return a.words == b.words or (
        DamerauLevenshtein.distance(a.words, b.words) <= limit and _slip(a.words, b.words, table)
    )


def _match(exp: tuple[_Term, ...], got: tuple[_Term, ...], table: _Table) -> _Matched:
    """Terms paired in any order: (pairs, expected terms missing, given terms extra)."""
    rest, pairs, missing = list(got), [], []
    for e in exp:
        i = next((i for i, g in enumerate(rest) if _same(e, g, table)), None)
        if i is None:
            missing.append(e)
        else:
            pairs.append((e, rest.pop(i)))
    return pairs, missing, rest


def _counted(term: _Term) -> str:
    return f"{term.coefficient}{term.shown}" if term.coefficient != 1 else term.shown


def _judge_equation(exp: _Equation, got: _Equation | None, shown: str, table: _Table) -> Judgement:
    if got is None:
        return Judgement(WRONG, f"the equation is {shown}")
    left, right = _match(exp.left, got.left, table), _match(exp.right, got.right, table)
    if not (left[1] or left[2] or right[1] or right[2]):
        return _balance(left[0] + right[0], got, shown)
    back, forth = _match(exp.left, got.right, table), _match(exp.right, got.left, table)
    if not (back[1] or back[2] or forth[1] or forth[2]):
        return Judgement(CLOSE if exp.reversible else WRONG, "reactants and products are swapped")
    for side, (_, missing, extra) in (("reactants", left), ("products", right)):
        if missing and extra:
            return Judgement(WRONG, f"{extra[0].shown}, not {missing[0].shown}, in the {side}")
        if missing:
            return Judgement(WRONG, f"{missing[0].shown} is missing from the {side}")
        if extra:
            return Judgement(WRONG, f"{extra[0].shown} is not one of the {side}")
    return Judgement(WRONG, f"the equation is {shown}")


def _balance(pairs: list[tuple[_Term, _Term]], got: _Equation, shown: str) -> Judgement:
    """The right substances on each side: now the coefficients, when the expected equation writes them (a word
    equation, expected or given, has none to compare)."""
    if got.in_words or not any(e.written for e, _ in pairs):
        return Judgement(RIGHT, "the right substances on each side")
    if all(e.coefficient == g.coefficient for e, g in pairs):
        return Judgement(RIGHT, "the right substances, balanced")
    if not any(g.written for _, g in pairs):
        return Judgement(CLOSE, f"balance it: {shown}")
    ratios = {Fraction(g.coefficient, e.coefficient) for e, g in pairs}
    if len(ratios) == 1:  # "4H2 + 2O2 -> 4H2O": balanced, with numbers twice as big
        if ratios.pop() < 1:
            return Judgement(RIGHT, "the right substances, balanced")
        return Judgement(CLOSE, f"balanced, but use the smallest numbers: {shown}")
    e, g = next((e, g) for e, g in pairs if e.coefficient != g.coefficient)
    return Judgement(WRONG, f"not balanced: {_counted(e)}, not {_counted(g)}")


# ---------------------------------------------------------------------------------------------------------------
# Public API


@lru_cache(maxsize=4096)
def _expected(text: str, table: _Table) -> tuple[int, _Read | None, _Equation | None] | None:
    """What an expected answer is (how sure, the substance or the equation), or None; read once, as a class
    marks the same answer many times."""
    if not re.search(r"[A-Za-z]", text):
        return None
    if _ARROW.search(text):
        equation = _equation(text, table, (), True)
        return (_SURE, None, equation) if equation else None
    read = _read(text, table, (), True)
    if read is None:
        return None
    return (_SURE if read.name else min(_strength(f, table) for f in read.formulas)), read, None


def judge(expected: str, given: str, *, compounds: Mapping[str, str] = NO_COMPOUNDS) -> Judgement | None:
    """Mark a chemical name, symbol, formula or equation. None when neither answer is one, and for an expected
    bare symbol or run of capitals ("K", "US") unless the student answered with a chemical name."""
    if not isinstance(expected, str) or not isinstance(given, str) or len(expected) > MAX_CHARS:
        return None
    expected = _plain(expected)
    table = _table(_extra(compounds))
    exp = _expected(expected, table)
    if len(given) > MAX_CHARS:
        return Judgement(WRONG, "too long: give just the answer") if exp and exp[0] == _SURE else None
    given = _plain(given)
    if exp is None:
        return _stray(given, expected, table)
    claim, read, equation = exp
    if equation is not None:
        prefer = tuple(f for t in equation.left + equation.right if t.read for f in t.read.formulas)
        return _judge_equation(equation, _equation(given, table, prefer), expected, table)
    assert read is not None
    got = _read(given, table, read.formulas)
    if (claim == _IF_NAME and not (got and got.name)) or (claim == _IF_CHEMISTRY and not _chemistry(got, table)):
        return _stray(given, expected, table)
    if got is None and read.name and _wrapped(read.name, given, table):
        return None  # "the planet Mercury", "liquid nitrogen": words around the name are for the word marker
    return _judge_substance(read, got, given, expected, table)


def _wrapped(name: str, given: str, table: _Table) -> bool:
    """`given` is the name with other words around it, none of them chemistry."""
    words = _name_key(given).split()
    n = len(name.split())
    at = next((i for i in range(len(words) - n + 1) if " ".join(words[i : i + n]) == name), None)
    rest = words[:at] + words[at + n :] if at is not None else []
    formulas = (f for w in rest for f in table.folded.get(w, ()))
    return bool(rest) and not any(w in table.words for w in rest) and not _chemistry(_Read(tuple(formulas)), table)


def _stray(given: str, expected: str, table: _Table) -> Judgement | None:
    """The expected answer is no chemistry: wrong when the given one is chemistry (never right), else None."""
    if _ARROW.search(given) and _equation(given, table) is not None:
        return Judgement(WRONG, f"an equation, not {expected}")
    got = _read(given, table)
    if got is None or not _chemistry(got, table):
        return None
    name = got.name or _name(got.formulas[0], table)
    return Judgement(WRONG, f"{got.formulas[0]} is {name}, not {expected}" if name else f"not {expected}")


_FORMULA_TOKEN = re.compile(r"(?<![\w(])((?:[A-Z][a-z]?[0-9₀-₉]*|\([A-Z][A-Za-z0-9]*\)[0-9₀-₉]*){1,8})(?![\w)])")
_SUBSCRIPTS = str.maketrans("₀₁₂₃₄₅₆₇₈₉", "0123456789")


def names_for(text: str, compounds: Mapping[str, str] = NO_COMPOUNDS) -> str:
    """The text with its known formulas written as names ("CO2 and water" -> "carbon dioxide and water"), so that
    a definition written in formulas meets one written in words."""
    if not isinstance(text, str):
        return ""
    table = _table(_extra(compounds))

    def name(m: re.Match[str]) -> str:
        formula = m[1].translate(_SUBSCRIPTS)
        known = re.search(r"\d", formula) and table.names.get(formula)
        return known[0] if known else m[1]

    return _FORMULA_TOKEN.sub(name, text)


# ---------------------------------------------------------------------------------------------------------------
# Compounds in the notes

_PARENS = re.compile(r"\(((?:[^()\n]|\([^()\n]{0,12}\)){1,40})\)")  # one level of brackets inside: "Ca(OH)2"
_AFTER_COMMA = re.compile(r",[ \t]{0,3}([A-Z][A-Za-z0-9()]{0,24})(?=[ \t]{0,3}(?:[,;.)]|$))", re.MULTILINE)
_NAME_ENDINGS = ("ide", "ate", "ite", "ine", "ane", "ene", "yne", "ol", "ium", "ose", "ic")
_NAME_WORDS = frozenset({"acid", "nitrous", "ferrous", "ferric", "cuprous", "cupric", "sulfurous", "sulphurous"})
_MORE_STEMS = {"N": ("ammon",), "Fe": ("ferr",), "Cu": ("cupr",)}


def compounds_in(text: str) -> dict[str, str]:
    """Compounds a teacher's notes write with their formulas: "calcium chloride (CaCl2)", "NH3 (ammonia)",
    "sodium chloride, NaCl," -> {formula: name}. A formula is real element symbols with a digit or two elements;
    a name is 1-4 chemical words, so "the United Nations (UN)" and "products are water, CO2, ..." are not pairs."""
    if not isinstance(text, str) or ("(" not in text and "," not in text):
        return {}
    text = clean(text)
    found: dict[str, str] = {}
    for m in _PARENS.finditer(text):
        inside, before = m[1].strip(), text[max(0, m.start() - 80) : m.start()]
        if _real_formula(inside):
            formula, name = inside, _chemical_name(before.split())
        else:  # "NH3 (ammonia)"
            formula, name = (before.split() or [""])[-1].strip("\"'*:"), _chemical_name(inside.split(), whole=True)
        if name and _real_formula(formula) and _named(name, formula, strict=False):
            found.setdefault(formula, name)
    for m in _AFTER_COMMA.finditer(text):
        name = _chemical_name(text[max(0, m.start() - 80) : m.start()].split())
        if name and _real_formula(m[1]) and _named(name, m[1], strict=True):
            found.setdefault(m[1], name)
    return found


def _real_formula(formula: str) -> bool:
    counts = atoms(formula)
    return counts is not None and (any(c.isdigit() for c in formula) or len(counts) >= 2)


@lru_cache(maxsize=1)
def _chemical_words() -> frozenset[str]:
    """Element names and one-word compound names ("water", "ammonia", "glucose")."""
    return frozenset(_name_key(n) for _, names, _ in _rows() for n in names if " " not in n and "(" not in n)


def _chemical_name(words: list[str], whole: bool = False) -> str:
    """The chemical name the words end with ("plants absorb carbon dioxide" -> "carbon dioxide"); with `whole`,
    only when all the words are one. "" when there is none."""
    kept: list[str] = []
    for word in reversed(words[-4:]):
        w = fold(word)
        bare = _ROMAN.sub("", w)
        chemical = bare.isalpha() and (
            bare in _chemical_words() or bare in _NAME_WORDS or (len(bare) > 4 and bare.endswith(_NAME_ENDINGS))
        )
        if not (chemical or _ROMAN.fullmatch(w)):
            break
        kept.insert(0, w)
    if not kept or (whole and len(kept) != len(words)) or kept[-1].endswith("ic") or _ROMAN.fullmatch(kept[0]):
        return ""  # "ionic (NaCl)" names no compound
    return " ".join(kept)


def _named(name: str, formula: str, strict: bool) -> bool:
    """The elements a name mentions ("sodium", "chloride") are in the formula; `strict`: and all of the formula's
    elements but hydrogen and oxygen are mentioned ("water, CO2," is a list, not a pair)."""
    key = _name_key(name)
    elements = {s for s, _ in atoms(formula) or ()}
    mentioned = set()
    for symbol, names, is_element in _rows():
        if is_element:
            stems = (names[0][:4],) if len(names[0]) > 4 else ()
            if any(s in key for s in stems + _MORE_STEMS.get(symbol, ())) or names[0] in key.split():
                mentioned.add(symbol)
    return mentioned <= elements and (not strict or elements - {"H", "O"} <= mentioned)
