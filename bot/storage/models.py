"""Tables. Every schema change goes through an Alembic migration in migrations/versions."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import DateTime, Integer, MetaData, String, TypeDecorator, UniqueConstraint
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

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    class_key: Mapped[str] = mapped_column(String(200))  # "<platform>:<chat or server id>"
    text: Mapped[str] = mapped_column(String(300))  # normalised: lower-case words only
    count: Mapped[int] = mapped_column(Integer, default=1)
    last_asked: Mapped[datetime] = mapped_column(UTCDateTime())
