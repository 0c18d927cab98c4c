"""Review cards (spaced repetition): the one statement that writes a student's card after an answer.

The daily writer and practice both call it inside the transaction that records the answer, so an
answer is never committed without its card (a crash between the two would lose the card for good:
the retry is a repeat and the question never comes back).
"""

from __future__ import annotations

from sqlalchemy import bindparam, select, tuple_
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.sql import Insert, Select

from bot.storage.models import ReviewCard


def card_state_query() -> Select:
    """The stored FSRS state of one card; parameters sid, qid."""
    return select(ReviewCard.state).where(
        ReviewCard.student_id == bindparam("sid"), ReviewCard.question_id == bindparam("qid")
    )


def card_states_query() -> Select:
    """The stored FSRS states of many cards at once; parameter pairs: a list of (student_id, question_id)."""
    return select(ReviewCard.student_id, ReviewCard.question_id, ReviewCard.state).where(
        tuple_(ReviewCard.student_id, ReviewCard.question_id).in_(bindparam("pairs", expanding=True))
    )


def card_upsert(dialect: str) -> Insert:
    """Insert a card or update it (a lapse adds to its lapses); parameters: student_id, question_id, due,
    state, lapses (0 or 1)."""
    upsert = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(ReviewCard)
    return upsert.on_conflict_do_update(
        index_elements=["student_id", "question_id"],
        set_={
            "due": upsert.excluded.due,
            "state": upsert.excluded.state,
            "lapses": ReviewCard.lapses + upsert.excluded.lapses,
        },
    )
