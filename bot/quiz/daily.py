"""Choosing a class's daily quiz: deterministic for a class and a day, weak topics first, no recent repeats."""

from __future__ import annotations

import hashlib
import logging
import random
from collections.abc import Mapping, Sequence
from datetime import date, datetime, timedelta
from functools import cache, lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from bot.quiz.model import Question

log = logging.getLogger(__name__)

UNSEEN_TOPIC_ACCURACY = 0.5
WEAKNESS_WEIGHT = 3.0  # a topic the class gets all wrong is 4x as likely as one it gets all right


def seed_for(*parts: str) -> int:
    return int.from_bytes(hashlib.blake2s("\x1f".join(parts).encode(), digest_size=8).digest(), "big")


@lru_cache(maxsize=512)
@cache
def _zones_by_folded_name() -> dict[str, str]:
    return {z.casefold(): z for z in available_timezones()}


def canonical_zone(name: str) -> str | None:
    """The time zone's proper name, whatever the case it was typed in ("europe/london" -> "Europe/London");
    None when there is no such zone."""
    name = name.strip().replace(" ", "_")
    found = _zones_by_folded_name().get(name.casefold())
    if found is None and name.upper() == "UTC":
        return "UTC"
    return found


def zone(name: str) -> ZoneInfo:
    """A class's time zone; one stored wrong (an old setting, a hand-edited database) counts as UTC and is
    logged once, so it never stops the class's quiz or another class's daily post."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        log.warning("unknown time zone %r in a class's settings: using UTC", name[:60])
        return ZoneInfo("UTC")


def class_day(now: datetime, timezone: str) -> date:
    return now.astimezone(zone(timezone)).date()


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def pick_daily(
    questions: Sequence[Question],
    class_key: str,
    day: str,
    count: int,
    topic_accuracy: Mapping[str, float],
    recent: set[str],
) -> list[str]:
    """The ids of the day's questions. The same inputs give the same list in any process.

    The teacher's own questions come first, then those made from the notes. Within each, weighted
    sampling without replacement: weight = 1 + WEAKNESS_WEIGHT * (1 - class accuracy on the question's
    topic); questions used in recent days are left out while enough others remain; at most one question
    per source snippet, so two questions never give each other away.
    """
    pool = sorted((q for q in questions if q.id not in recent), key=lambda q: q.id)
    if len(pool) < count:
        pool = sorted(questions, key=lambda q: q.id)
    rng = random.Random(seed_for(class_key, day))
    chosen: list[str] = []
    used_snippets: set[str] = set()
    for candidates in ([q for q in pool if q.authored], [q for q in pool if not q.authored]):
        while candidates and len(chosen) < count:
            weights = [
                1.0 + WEAKNESS_WEIGHT * (1.0 - topic_accuracy.get(q.topic, UNSEEN_TOPIC_ACCURACY)) for q in candidates
            ]
            q = rng.choices(candidates, weights=weights, k=1)[0]
            candidates.remove(q)
            if q.snippet_id and q.snippet_id in used_snippets:
                continue
            if q.snippet_id:
                used_snippets.add(q.snippet_id)
            chosen.append(q.id)
    return chosen


def streak_from(days: set[str], today: date) -> int:
    """Consecutive days with a finished daily quiz, ending today (or yesterday, while today is still open)."""
    day = today if today.isoformat() in days else today - timedelta(days=1)
    n = 0
    while day.isoformat() in days:
        n += 1
        day -= timedelta(days=1)
    return n
