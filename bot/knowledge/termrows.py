"""Compact sets of the notes' stems for the search index.

The index keeps, for every fact, topic section and note, the set of its key stems (and for every fact the pairs of
neighbouring stems). As Python sets of strings these cost about 80 bytes an entry and most of a large index's
memory; here each stem is a number in one dictionary (`Terms`) and each set a run of sorted numbers in one array
(`StemRows`, CSR-style): 4 bytes an entry (8 for a pair). A set is turned back into strings only when a question
reaches it, for the few dozen candidates a question looks at.
"""

from __future__ import annotations

import math
from array import array
from bisect import bisect_left
from collections.abc import Iterable

import numpy as np

_LOW = (1 << 32) - 1
_NONE: frozenset[int] = frozenset()


class Terms:
    """The stems of the notes, each with a number."""

    __slots__ = ("ids", "names")

    def __init__(self) -> None:
        self.ids: dict[str, int] = {}
        self.names: list[str] = []

    def intern(self, stems: Iterable[str]) -> list[int]:
        out = []
        for s in stems:
            i = self.ids.get(s)
            if i is None:
                i = self.ids[s] = len(self.names)
                self.names.append(s)
            out.append(i)
        return out

    def __contains__(self, stem: object) -> bool:
        return stem in self.ids

    def __len__(self) -> int:
        return len(self.names)


class Weights:
    """A weight for some of the notes' stems (their idf), kept by stem number in one array: a dictionary of stems
    to floats costs five times more, once per class."""

    __slots__ = ("_terms", "_values")

    def __init__(self, terms: Terms, weights: dict[int, float]):
        self._terms = terms
        self._values = array("d", [math.nan]) * len(terms)
        for t, w in weights.items():
            self._values[t] = w

    def get(self, stem: str, default: float | None = None) -> float | None:
        t = self._terms.ids.get(stem)
        if t is None or t >= len(self._values):
            return default
        w = self._values[t]
        return default if w != w else w  # NaN: a stem of the notes with no weight

    def __contains__(self, stem: object) -> bool:
        return self.get(stem) is not None  # type: ignore[arg-type]


class StemRows:
    """Sets of stems, one row each (a fact, a section, a note), read back as frozensets of strings."""

    __slots__ = ("_terms", "_ptr", "_flat")

    def __init__(self, terms: Terms) -> None:
        self._terms = terms
        self._ptr = array("q", [0])
        self._flat = array("i")

    def add(self, ids: Iterable[int]) -> int:
        """Append a row; returns its number."""
        self._flat.extend(sorted(set(ids)))
        self._ptr.append(len(self._flat))
        return len(self._ptr) - 2

    def add_many(self, seq: array, lengths: array) -> None:
        """Append a row per length: the numbers of that stretch of `seq` (an array of int), end to end. The same
        as `add` for each stretch, at once."""
        self.add_unions(_rows(lengths), _int64(seq), len(lengths))

    def ids(self, row: int) -> array:
        return self._flat[self._ptr[row] : self._ptr[row + 1]]

    def entries(self) -> tuple[np.ndarray, np.ndarray]:
        """Every (row, number) of the rows, as two arrays."""
        return _entries(self._ptr, self._flat)

    def add_unions(self, row_of: np.ndarray, ids: np.ndarray, n: int) -> None:
        """Append `n` rows, row k the union of the `ids` whose `row_of` is k."""
        keys = sorted_unique(row_of.astype(np.int64) << 32 | ids.astype(np.int64))[0]
        _append(self._ptr, self._flat, keys >> 32, (keys & _LOW).astype(np.int32), n)

    def __getitem__(self, row: int) -> frozenset[str]:
        names = self._terms.names
        return frozenset([names[i] for i in self.ids(row)])

    def holding(self, row: int, stems: Iterable[str]) -> frozenset[str]:
        """Those of `stems` the row holds, found by bisection: a note's row may hold thousands of stems."""
        lo, hi = self._ptr[row], self._ptr[row + 1]
        flat, ids = self._flat, self._terms.ids
        out = []
        for stem in stems:
            i = ids.get(stem)
            if i is not None:
                k = bisect_left(flat, i, lo, hi)
                if k < hi and flat[k] == i:
                    out.append(stem)
        return frozenset(out)

    def __len__(self) -> int:
        return len(self._ptr) - 1


class PairRows:
    """Sets of pairs of neighbouring stems, one row per fact."""

    __slots__ = ("_terms", "_ptr", "_flat")

    def __init__(self, terms: Terms) -> None:
        self._terms = terms
        self._ptr = array("q", [0])
        self._flat = array("q")

    def add(self, ids: list[int]) -> None:
        self._flat.extend(sorted({a << 32 | b for a, b in zip(ids, ids[1:])}))
        self._ptr.append(len(self._flat))

    def add_many(self, seq: array, lengths: array) -> None:
        """`add` for each stretch of `seq` (an array of int) of the given lengths, at once."""
        rows, ids = _rows(lengths), _int64(seq)
        within = rows[:-1] == rows[1:]  # neighbours in the same stretch
        pair_rows, codes = rows[:-1][within], ids[:-1][within] << 32 | ids[1:][within]
        order = np.lexsort((codes, pair_rows))
        pair_rows, codes = pair_rows[order], codes[order]
        first = np.ones(len(codes), dtype=bool)
        first[1:] = (pair_rows[1:] != pair_rows[:-1]) | (codes[1:] != codes[:-1])
        _append(self._ptr, self._flat, pair_rows[first], codes[first], len(lengths))

    def codes(self) -> array:
        return self._flat

    def __getitem__(self, row: int) -> frozenset[tuple[str, str]]:
        names = self._terms.names
        return frozenset([(names[c >> 32], names[c & _LOW]) for c in self._flat[self._ptr[row] : self._ptr[row + 1]]])


def _rows(lengths: array) -> np.ndarray:
    """The row of each item of rows of these lengths laid end to end."""
    return np.repeat(np.arange(len(lengths), dtype=np.int64), np.asarray(lengths, dtype=np.int64))


def _int64(seq: array) -> np.ndarray:
    return np.frombuffer(seq, dtype=np.dtype(f"i{seq.itemsize}")).astype(np.int64)


def _entries(ptr: array, flat: array) -> tuple[np.ndarray, np.ndarray]:
    return _rows(np.diff(np.frombuffer(ptr, dtype=np.int64))), _int64(flat)


def _append(ptr: array, flat: array, row_of: np.ndarray, values: np.ndarray, n: int) -> None:
    """Append `n` rows: `values` in row order, `row_of` the row (0..n-1) of each."""
    ends = ptr[-1] + np.cumsum(np.bincount(row_of, minlength=n))
    ptr.extend(ends.tolist())
    flat.frombytes(values.astype(np.dtype(f"i{flat.itemsize}")).tobytes())


def sorted_unique(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct values, in order, and how often each occurs. (np.unique takes its hash-table path without
    counts: ten times slower than sorting on millions of integers.)"""
    ordered = np.sort(values)
    edges = np.empty(len(ordered) + 1, dtype=bool)
    edges[0] = edges[-1] = True
    np.not_equal(ordered[1:], ordered[:-1], out=edges[1:-1])
    starts = np.flatnonzero(edges)
    return ordered[starts[:-1]], np.diff(starts)


class PairSet:
    """Every pair of neighbouring stems in the notes, for `("warsaw", "pact") in pairs`."""

    __slots__ = ("_terms", "_codes")

    def __init__(self, terms: Terms, codes: Iterable[array]) -> None:
        self._terms = terms
        parts = [np.frombuffer(c, dtype=np.int64) for c in codes if len(c)]
        self._codes = sorted_unique(np.concatenate(parts))[0] if parts else np.zeros(0, np.int64)

    def __contains__(self, pair: object) -> bool:
        a, b = pair  # type: ignore[misc]
        ia, ib = self._terms.ids.get(a), self._terms.ids.get(b)
        if ia is None or ib is None:
            return False
        code = ia << 32 | ib
        at = int(np.searchsorted(self._codes, code))
        return at < len(self._codes) and int(self._codes[at]) == code


class KeyedRows:
    """Rows found by a key (a topic, a note's name) instead of a number."""

    __slots__ = ("_rows", "_row_of")

    def __init__(self, rows: StemRows, row_of: dict[str, int]) -> None:
        self._rows = rows
        self._row_of = row_of

    def __getitem__(self, key: str) -> frozenset[str]:
        return self._rows[self._row_of[key]]

    def holding(self, key: str, stems: Iterable[str]) -> frozenset[str]:
        return self._rows.holding(self._row_of[key], stems)


class FactStems:
    """The stems of a fact with its context: its own text's, its topic's and its note title's."""

    __slots__ = ("_text", "_parts", "_topic_of", "_title_of")

    def __init__(self, text: StemRows, parts: StemRows, topic_of: array, title_of: array) -> None:
        self._text, self._parts, self._topic_of, self._title_of = text, parts, topic_of, title_of

    def ids(self, idx: int) -> set[int]:
        out = set(self._text.ids(idx))
        out.update(self._parts.ids(self._topic_of[idx]))
        out.update(self._parts.ids(self._title_of[idx]))
        return out

    def __getitem__(self, idx: int) -> frozenset[str]:
        names = self._text._terms.names
        return frozenset([names[i] for i in self.ids(idx)])


class PartStems:
    """One part (the deepest heading) of each fact, by the part's row."""

    __slots__ = ("_parts", "_part_of")

    def __init__(self, parts: StemRows, part_of: array) -> None:
        self._parts, self._part_of = parts, part_of

    def __getitem__(self, idx: int) -> frozenset[str]:
        return self._parts[self._part_of[idx]]


class GroupRows:
    """Sets of alias group numbers, one row per fact or section, end to end (most facts name none)."""

    __slots__ = ("_ptr", "_flat")

    def __init__(self) -> None:
        self._ptr = array("q", [0])
        self._flat = array("i")

    def add(self, groups: set[int]) -> None:
        self._flat.extend(sorted(groups))
        self._ptr.append(len(self._flat))

    def entries(self) -> tuple[np.ndarray, np.ndarray]:
        """Every (row, group) of the rows, as two arrays."""
        return _entries(self._ptr, self._flat)

    add_unions = StemRows.add_unions

    def __getitem__(self, idx: int) -> frozenset[int]:
        a, b = self._ptr[idx], self._ptr[idx + 1]
        return frozenset(self._flat[a:b]) if b > a else _NONE
