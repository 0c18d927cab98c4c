"""The statements of a batch of daily answers, one set per database.

On PostgreSQL every statement takes the whole batch as arrays (`unnest`): one round trip each, and one SQL
text whatever the batch's size, prepared once per connection. On SQLite, which has no round trips and no
arrays, the same statements are executemany and IN lists.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import Column, Table, and_, bindparam, column, func, select, tuple_
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection
from sqlalchemy.sql import Insert

from bot.storage.cards import card_states_query, card_upsert
from bot.storage.models import DailyAnswer, DailyCompletion, ReviewCard

ANSWER_COLUMNS = (
    "daily_id",
    "class_id",
    "student_id",
    "position",
    "question_id",
    "topic",
    "given",
    "correct",
    "points",
    "season",
    "day",
    "answered_at",
)
CARD_COLUMNS = ("student_id", "question_id", "due", "state", "lapses")
COMPLETION_COLUMNS = ("class_id", "student_id", "day")

AnswerKey = tuple[int, int, int]  # daily_id, student_id, position
Answered = tuple[int, int, int, bool]  # daily_id, student_id, position, correct


def completion_insert(dialect: str) -> Insert:
    """Record that a student finished a day's quiz; a second time changes nothing. Parameters: class_id,
    student_id, day."""
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    return insert(DailyCompletion).on_conflict_do_nothing(index_elements=list(COMPLETION_COLUMNS))


def batch_sql(dialect: str) -> SetSql | ManySql:
    return SetSql() if dialect == "postgresql" else ManySql()


class ManySql:
    """SQLite: each statement executemany, or one IN list."""

    def __init__(self) -> None:
        self._add_answers = (
            sqlite.insert(DailyAnswer)
            .on_conflict_do_nothing(index_elements=["daily_id", "student_id", "position"])
            .returning(DailyAnswer.daily_id, DailyAnswer.student_id, DailyAnswer.position)
        )
        self._card_states = card_states_query()
        self._put_cards = card_upsert("sqlite")
        self._answered = select(
            DailyAnswer.daily_id, DailyAnswer.student_id, DailyAnswer.position, DailyAnswer.correct
        ).where(tuple_(DailyAnswer.daily_id, DailyAnswer.student_id).in_(bindparam("pairs", expanding=True)))
        self._add_completions = completion_insert("sqlite")
        self._completion_days = select(DailyCompletion.class_id, DailyCompletion.student_id, DailyCompletion.day).where(
            tuple_(DailyCompletion.class_id, DailyCompletion.student_id).in_(bindparam("pairs", expanding=True))
        )

    def add_answers(self, conn: Connection, rows: Sequence[dict]) -> set[AnswerKey]:
        """Insert the answers whose key is free; the keys of those inserted."""
        return {tuple(r) for r in conn.execute(self._add_answers, list(rows))}

    def card_states(self, conn: Connection, pairs: Sequence[tuple[int, str]]) -> dict[tuple[int, str], str]:
        return {(sid, qid): state for sid, qid, state in conn.execute(self._card_states, {"pairs": list(pairs)})}

    def put_cards(self, conn: Connection, cards: Sequence[dict]) -> None:
        conn.execute(self._put_cards, list(cards))

    def answered(self, conn: Connection, pairs: Sequence[tuple[int, int]]) -> Iterable[Answered]:
        """Every answer the students of (daily_id, student_id) pairs have given to those quizzes."""
        return conn.execute(self._answered, {"pairs": list(pairs)})

    def add_completions(self, conn: Connection, rows: Sequence[dict]) -> None:
        conn.execute(self._add_completions, list(rows))

    def completion_days(self, conn: Connection, pairs: Sequence[tuple[int, int]]) -> Iterable[tuple[int, int, str]]:
        """(class_id, student_id, day) of every day these (class_id, student_id) finished the daily quiz."""
        return conn.execute(self._completion_days, {"pairs": list(pairs)})


def _unnest(table: Table, names: Sequence[str], alias: str):  # noqa: ANN202
    """FROM unnest($1::type[], $2::type[], ...) AS alias(name1, name2, ...): one array parameter per column,
    named after it, typed as the table's column."""
    cols: list[Column] = [table.c[n] for n in names]
    fn = func.unnest(*(bindparam(c.name, type_=postgresql.ARRAY(c.type)) for c in cols))
    return fn.table_valued(*(column(c.name, c.type) for c in cols)).render_derived(name=alias)


def _columns(rows: Sequence[dict], names: Sequence[str]) -> dict[str, list]:
    return {n: [r[n] for r in rows] for n in names}


class SetSql:
    """PostgreSQL: each statement takes the batch's values as one array per column."""

    def __init__(self) -> None:
        answers, cards, completions = DailyAnswer.__table__, ReviewCard.__table__, DailyCompletion.__table__
        new = _unnest(answers, ANSWER_COLUMNS, "new")
        self._add_answers = (
            postgresql.insert(answers)
            .from_select(list(ANSWER_COLUMNS), select(*new.c))
            .on_conflict_do_nothing(index_elements=["daily_id", "student_id", "position"])
            .returning(answers.c.daily_id, answers.c.student_id, answers.c.position)
        )
        wanted = _unnest(cards, ("student_id", "question_id"), "wanted")
        self._card_states = select(cards.c.student_id, cards.c.question_id, cards.c.state).join(
            wanted, and_(cards.c.student_id == wanted.c.student_id, cards.c.question_id == wanted.c.question_id)
        )
        reviewed = _unnest(cards, CARD_COLUMNS, "reviewed")
        upsert = postgresql.insert(cards).from_select(list(CARD_COLUMNS), select(*reviewed.c))
        self._put_cards = upsert.on_conflict_do_update(
            index_elements=["student_id", "question_id"],
            set_={
                "due": upsert.excluded.due,
                "state": upsert.excluded.state,
                "lapses": cards.c.lapses + upsert.excluded.lapses,
            },
        )
        quizzes = _unnest(answers, ("daily_id", "student_id"), "quizzes")
        self._answered = select(answers.c.daily_id, answers.c.student_id, answers.c.position, answers.c.correct).join(
            quizzes, and_(answers.c.daily_id == quizzes.c.daily_id, answers.c.student_id == quizzes.c.student_id)
        )
        finished = _unnest(completions, COMPLETION_COLUMNS, "finished")
        self._add_completions = (
            postgresql.insert(completions)
            .from_select(list(COMPLETION_COLUMNS), select(*finished.c))
            .on_conflict_do_nothing(index_elements=list(COMPLETION_COLUMNS))
        )
        members = _unnest(completions, ("class_id", "student_id"), "members")
        self._completion_days = select(completions.c.class_id, completions.c.student_id, completions.c.day).join(
            members,
            and_(completions.c.class_id == members.c.class_id, completions.c.student_id == members.c.student_id),
        )

    def add_answers(self, conn: Connection, rows: Sequence[dict]) -> set[AnswerKey]:
        return {tuple(r) for r in conn.execute(self._add_answers, _columns(rows, ANSWER_COLUMNS))}

    def card_states(self, conn: Connection, pairs: Sequence[tuple[int, str]]) -> dict[tuple[int, str], str]:
        params = {"student_id": [p[0] for p in pairs], "question_id": [p[1] for p in pairs]}
        return {(sid, qid): state for sid, qid, state in conn.execute(self._card_states, params)}

    def put_cards(self, conn: Connection, cards: Sequence[dict]) -> None:
        conn.execute(self._put_cards, _columns(cards, CARD_COLUMNS))

    def answered(self, conn: Connection, pairs: Sequence[tuple[int, int]]) -> Iterable[Answered]:
        return conn.execute(self._answered, {"daily_id": [p[0] for p in pairs], "student_id": [p[1] for p in pairs]})

    def add_completions(self, conn: Connection, rows: Sequence[dict]) -> None:
        conn.execute(self._add_completions, _columns(rows, COMPLETION_COLUMNS))

    def completion_days(self, conn: Connection, pairs: Sequence[tuple[int, int]]) -> Iterable[tuple[int, int, str]]:
        params = {"class_id": [p[0] for p in pairs], "student_id": [p[1] for p in pairs]}
        return conn.execute(self._completion_days, params)
