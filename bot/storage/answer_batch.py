"""One batch of daily answers inside its transaction: the answers whose key is still free are recorded with
their review cards, the quizzes they complete are marked complete, and every answer learns what its student
has now done (positions, right answers, the days they finished), all in six statements whatever the size.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.engine import Connection

from bot.quiz.srs import review
from bot.storage.answer_sql import AnswerKey, ManySql, SetSql


@dataclass(slots=True)
class AnswerRow:
    daily_id: int
    class_id: int
    student_id: int
    position: int
    question_id: str
    topic: str
    given: str
    correct: bool
    points: int
    season: int
    day: str
    answered_at: datetime


@dataclass(frozen=True, slots=True)
class Recorded:
    """What a daily answer came to, read in the transaction that recorded it."""

    recorded: bool  # False for a repeat: the key was taken (a double click, another process)
    done: frozenset[int]  # the positions this student has answered in this quiz, this one included
    right: int  # how many of those were right
    days: frozenset[str]  # once `done` is the whole quiz: every day this student finished the class's quiz


def apply_batch(conn: Connection, sql: SetSql | ManySql, items: Sequence[tuple[AnswerRow, int]]) -> list[Recorded]:
    """Record (row, questions in its quiz) items in this transaction; one Recorded per item, in order."""
    rows = [row for row, _ in items]
    keys: list[AnswerKey] = [(r.daily_id, r.student_id, r.position) for r in rows]
    first: dict[AnswerKey, int] = {}
    for i, key in enumerate(keys):
        first.setdefault(key, i)  # the same answer twice in one batch: the second is a repeat
    inserted = sql.add_answers(conn, [_values(rows[i]) for i in first.values()])
    recorded = [first[key] == i and key in inserted for i, key in enumerate(keys)]
    _review_cards(conn, sql, [r for r, rec in zip(rows, recorded) if rec])
    # Read after the insert: an answer of another process that took a key first has committed by now.
    answered: dict[tuple[int, int], dict[int, bool]] = {(r.daily_id, r.student_id): {} for r in rows}
    for daily_id, student_id, position, correct in sql.answered(conn, sorted(answered)):
        answered[(daily_id, student_id)][position] = correct
    finished = {
        (r.class_id, r.student_id, r.day): {"class_id": r.class_id, "student_id": r.student_id, "day": r.day}
        for r, total in items
        if len(answered[(r.daily_id, r.student_id)]) >= total
    }
    days: dict[tuple[int, int], set[str]] = {}
    if finished:
        # Every finished student, a repeat's too: that repairs a completion two processes both missed.
        sql.add_completions(conn, [finished[k] for k in sorted(finished)])
        days = {(class_id, student_id): set() for class_id, student_id, _day in finished}
        for class_id, student_id, day in sql.completion_days(conn, sorted(days)):
            days[(class_id, student_id)].add(day)
    out = []
    for r, rec in zip(rows, recorded):
        mine = answered[(r.daily_id, r.student_id)]
        out.append(
            Recorded(rec, frozenset(mine), sum(mine.values()), frozenset(days.get((r.class_id, r.student_id), ())))
        )
    return out


def _values(row: AnswerRow) -> dict:
    return {f: getattr(row, f) for f in AnswerRow.__slots__}


def _review_cards(conn: Connection, sql: SetSql | ManySql, rows: list[AnswerRow]) -> None:
    """Review the card of each recorded answer, in answer order (one card may be reviewed twice)."""
    if not rows:
        return
    states = sql.card_states(conn, sorted({(r.student_id, r.question_id) for r in rows}))
    cards: dict[tuple[int, str], dict] = {}
    for r in rows:
        key = (r.student_id, r.question_id)
        state, due = review(states.get(key), r.correct, r.answered_at)
        states[key] = state
        lapses = cards[key]["lapses"] if key in cards else 0
        cards[key] = {
            "student_id": r.student_id,
            "question_id": r.question_id,
            "due": due,
            "state": state,
            "lapses": lapses + (0 if r.correct else 1),
        }
    sql.put_cards(conn, [cards[k] for k in sorted(cards)])  # in key order: two writers lock rows alike
