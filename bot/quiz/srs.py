"""Spaced repetition with FSRS: wrong = Again, right = Good, in days (no minute-long learning steps)."""

from __future__ import annotations

import json
from datetime import datetime

from fsrs import Card, Rating, Scheduler

# The bot works in days: a missed fact comes back the next day, not in ten minutes.
SCHEDULER = Scheduler(learning_steps=(), relearning_steps=(), enable_fuzzing=False)


def new_card(now: datetime) -> Card:
    return Card(card_id=1, due=now)


def review(state: str | None, correct: bool, now: datetime) -> tuple[str, datetime]:
    """Review a card (given as stored JSON, or None for a first sight); returns the new JSON and due time."""
    card = Card.from_dict(json.loads(state)) if state else new_card(now)
    card, _log = SCHEDULER.review_card(card, Rating.Good if correct else Rating.Again, review_datetime=now)
    return json.dumps(card.to_dict()), card.due
