"""Questions the notes did not answer (the teacher's gaps report).

Revision ID: 0001
Revises:
Create Date: 2026-11-24
"""

import sqlalchemy as sa
from alembic import op

from bot.storage.models import UTCDateTime

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "unanswered_questions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("class_key", sa.String(200), nullable=False),
        sa.Column("text", sa.String(300), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("last_asked", UTCDateTime(), nullable=False),
        sa.UniqueConstraint("class_key", "text", name="uq_unanswered_class_text"),
    )


def downgrade() -> None:
    op.drop_table("unanswered_questions")
