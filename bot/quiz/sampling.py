"""Seeded randomness and bounded draws for questions made from the notes: the same seed gives the same
questions in any process, and choosing wrong options costs the same whatever the size of the notes."""

from __future__ import annotations

import hashlib
import random
from collections.abc import Hashable, Iterable, Iterator, Sequence
from typing import TypeVar

T = TypeVar("T", bound=Hashable)
SCAN_ALL = 64  # a pool up to this size is read whole, in a random order; a larger one is sampled


def seeded_rng(seed: int, *parts: str) -> random.Random:
    """A random generator for one question, fixed by the seed and what the question is made from."""
    digest = hashlib.blake2s("\x1f".join((str(seed), *parts)).encode("utf-8"), digest_size=8).digest()
    return random.Random(int.from_bytes(digest, "big"))


def draw(pools: Iterable[Sequence[T]], rng: random.Random) -> Iterator[T]:
    """Candidates in a random order, pool after pool (the question's own section or note first, then wider):
    each pool read whole when small, else at most 2 x SCAN_ALL random picks of it; none given twice."""
    given: set[T] = set()
    for pool in pools:
        if len(pool) <= SCAN_ALL:
            order: Iterable[T] = rng.sample(list(pool), len(pool))
        else:
            order = (pool[rng.randrange(len(pool))] for _ in range(2 * SCAN_ALL))
        for item in order:
            if item not in given:
                given.add(item)
                yield item
