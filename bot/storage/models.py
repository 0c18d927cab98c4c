"""Tables. Every schema change goes through an Alembic migration in migrations/versions."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import (
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    true,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator):
    """Timezone-aware UTC datetimes on every backend (SQLite keeps no zone of its own)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect):  # noqa: ANN001
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the database; use UTC-aware datetimes")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect):  # noqa: ANN001
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class UnansweredQuestion(Base):
    """A question the notes did not answer: for the teacher's "gaps in the notes" report. No user identity."""

    __tablename__ = "unanswered_questions"
    __table_args__ = (UniqueConstraint("class_key", "text", name="uq_unanswered_class_text"),)
    __mapper_args__ = {"eager_defaults": False}  # an insert does not read earlier_count back (see below)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    class_key: Mapped[str] = mapped_column(String(200))  # "<platform>:<chat or server id>"
    text: Mapped[str] = mapped_column(String(300))  # normalised: lower-case words only
    count: Mapped[int] = mapped_column(Integer, default=1)
    last_asked: Mapped[datetime] = mapped_column(UTCDateTime())
    # How many of `count` came before the class's current season (/seasonnew): its report counts the rest. Its
    # default is the database's, so recording a gap never names it (and works on a database before 0007 too).
    earlier_count: Mapped[int] = mapped_column(Integer, server_default="0")


class Student(Base):
    """A student: the platform's user id and a display name, nothing more."""

    __tablename__ = "students"
    __table_args__ = (UniqueConstraint("platform", "user_id", name="uq_students_platform_user"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    platform: Mapped[str] = mapped_column(String(20))
    user_id: Mapped[str] = mapped_column(String(100))
    display_name: Mapped[str] = mapped_column(String(100), default="")
    hidden: Mapped[bool] = mapped_column(Boolean, default=False)  # off the leaderboards (/hideme)


class SchoolClass(Base):
    """A class (a Discord server, a Telegram group, a console class name) and its daily quiz settings."""

    __tablename__ = "classes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    daily_enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    daily_time: Mapped[str] = mapped_column(String(5), default="08:00")  # HH:MM in the class's timezone
    daily_count: Mapped[int] = mapped_column(Integer, default=5)
    daily_channel: Mapped[str] = mapped_column(String(100), default="")  # where adapters post it
    teacher_role: Mapped[str] = mapped_column(String(100), default="", server_default="")  # Discord role id/name
    season: Mapped[int] = mapped_column(Integer, default=1)
    season_started: Mapped[datetime] = mapped_column(UTCDateTime())
    # Questions made from the notes are asked too (the teacher may keep to their own).
    generated_questions: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())


class ClassStaff(Base):
    """Someone the platform names a teacher of the class (an admin, a role, --teacher). They may try its quizzes
    (their answers are kept, so one try still holds) but are on none of its leaderboards and not a student in its
    report. The two ids and nothing more."""

    __tablename__ = "class_staff"
    __table_args__ = (UniqueConstraint("class_id", "student_id", name="uq_class_staff_class_student"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    class_id: Mapped[int] = mapped_column(ForeignKey("classes.id", ondelete="CASCADE"))
    student_id: Mapped[int] = mapped_column(ForeignKey("students.id", ondelete="CASCADE"), index=True)


class DailyQuiz(Base):
    """The questions of one class's quiz for one day: chosen once, the same for everyone."""

    __tablename__ = "daily_quizzes"
    __table_args__ = (UniqueConstraint("class_id", "day", name="uq_daily_quizzes_class_day"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    class_id: Mapped[int] = mapped_column(ForeignKey("classes.id", ondelete="CASCADE"))
    day: Mapped[str] = mapped_column(String(10))  # YYYY-MM-DD in the class's timezone
    question_ids: Mapped[str] = mapped_column(Text)  # JSON list, in order
    posted: Mapped[bool] = mapped_column(Boolean, default=False)  # the scheduled post went out


class DailyAnswer(Base):
    """One student's one attempt at one question of a daily quiz (the unique key enforces it)."""

    __tablename__ = "daily_answers"
    __table_args__ = (
        UniqueConstraint("daily_id", "student_id", "position", name="uq_daily_answers_once"),
        Index("ix_daily_answers_class_season", "class_id", "season"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    daily_id: Mapped[int] = mapped_column(ForeignKey("daily_quizzes.id", ondelete="CASCADE"))
    class_id: Mapped[int] = mapped_column(ForeignKey("classes.id", ondelete="CASCADE"))
    student_id: Mapped[int] = mapped_column(ForeignKey("students.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    question_id: Mapped[str] = mapped_column(String(40))
    topic: Mapped[str] = mapped_column(String(200), default="")
    given: Mapped[str] = mapped_column(String(200), default="")
    correct: Mapped[bool] = mapped_column(Boolean)
    points: Mapped[int] = mapped_column(Integer, default=0)
    season: Mapped[int] = mapped_column(Integer)
    day: Mapped[str] = mapped_column(String(10))
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime())


class PracticePrompt(Base):
    """A personal practice question put to a student; answered once."""

    __tablename__ = "practice_prompts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("students.id", ondelete="CASCADE"), index=True)
    class_id: Mapped[int] = mapped_column(ForeignKey("classes.id", ondelete="CASCADE"))
    question_id: Mapped[str] = mapped_column(String(40))
    topic: Mapped[str] = mapped_column(String(200), default="")
    asked_at: Mapped[datetime] = mapped_column(UTCDateTime())
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    given: Mapped[str] = mapped_column(String(200), default="")
    correct: Mapped[bool | None] = mapped_column(Boolean, nullable=True)


class ReviewCard(Base):
    """FSRS memory state of one question for one student (spaced repetition)."""

    __tablename__ = "review_cards"
    __table_args__ = (UniqueConstraint("student_id", "question_id", name="uq_review_cards_student_question"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("students.id", ondelete="CASCADE"))
    question_id: Mapped[str] = mapped_column(String(40))
    due: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    state: Mapped[str] = mapped_column(Text)  # fsrs.Card.to_dict() as JSON
    lapses: Mapped[int] = mapped_column(Integer, default=0)


class DailyCompletion(Base):
    """A student finished a class's daily quiz on that day: streaks are counted from these."""

    __tablename__ = "daily_completions"
    __table_args__ = (UniqueConstraint("class_id", "student_id", "day", name="uq_daily_completions_once"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    class_id: Mapped[int] = mapped_column(ForeignKey("classes.id", ondelete="CASCADE"))
    student_id: Mapped[int] = mapped_column(ForeignKey("students.id", ondelete="CASCADE"), index=True)
    day: Mapped[str] = mapped_column(String(10))


class SeasonResult(Base):
    """The archived standing of a student at the end of a season (/seasonnew)."""

    __tablename__ = "season_results"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    class_id: Mapped[int] = mapped_column(ForeignKey("classes.id", ondelete="CASCADE"))
    season: Mapped[int] = mapped_column(Integer)
    student_id: Mapped[int] = mapped_column(ForeignKey("students.id", ondelete="CASCADE"))
    rank: Mapped[int] = mapped_column(Integer)
    points: Mapped[int] = mapped_column(Integer)
    answered: Mapped[int] = mapped_column(Integer)
    correct: Mapped[int] = mapped_column(Integer)
    ended_at: Mapped[datetime] = mapped_column(UTCDateTime())


class HiddenQuestion(Base):
    """A question the teacher took out of a class's quizzes (/questions hide ID)."""

    __tablename__ = "hidden_questions"
    __table_args__ = (UniqueConstraint("class_id", "question_id", name="uq_hidden_questions_class_question"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    class_id: Mapped[int] = mapped_column(ForeignKey("classes.id", ondelete="CASCADE"))
    question_id: Mapped[str] = mapped_column(String(40))


class ChatRef(Base):
    """Which quiz question a platform's message or poll carries (e.g. a Telegram poll id -> "d:12:3"), so
    an answer that arrives after a restart, or in another process, still finds its question. No user data."""

    __tablename__ = "chat_refs"
    __table_args__ = (UniqueConstraint("platform", "key", name="uq_chat_refs_platform_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    platform: Mapped[str] = mapped_column(String(20))
    key: Mapped[str] = mapped_column(String(100))  # e.g. "poll:5123", "msg:-100123:45"
    ref: Mapped[str] = mapped_column(String(40))
    class_key: Mapped[str] = mapped_column(String(200))
    created: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)


class ClassNote(Base):
    """A note file a teacher gave a class from the chat: its bytes (read again when the readers improve), what it
    gave when it was added, who added it (a display name, and the user key /forgetme finds it by) and when. The
    class's notes are these rows."""

    __tablename__ = "class_notes"
    __table_args__ = (UniqueConstraint("class_key", "name", name="uq_class_notes_class_name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    class_key: Mapped[str] = mapped_column(String(200))  # "<platform>:<chat or server id>", as ClassRef.key
    name: Mapped[str] = mapped_column(String(200))  # the file's name as shown: never a path on the server
    data: Mapped[bytes] = mapped_column(LargeBinary)
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    summary: Mapped[str] = mapped_column(Text, default="{}")  # JSON: facts, topics, questions, warnings
    added_by: Mapped[str] = mapped_column(String(100), default="")
    added_by_key: Mapped[str] = mapped_column(String(130), default="", index=True)  # for /forgetme
    added_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ClassNoteSet(Base):
    """A class's notes revision, moved on by every change in the same transaction: each process compares it with
    the revision its cached index was built from, so a change made through one process is used by all."""

    __tablename__ = "class_note_sets"

    class_key: Mapped[str] = mapped_column(String(200), primary_key=True)
    revision: Mapped[int] = mapped_column(Integer, default=0)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime())
