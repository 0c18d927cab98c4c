"""Each class its own notes, added from the chat: the files and the class's notes revision.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

from bot.storage.models import UTCDateTime

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "class_notes",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("class_key", sa.String(200), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("added_by", sa.String(100), nullable=False),
        sa.Column("added_by_key", sa.String(130), nullable=False),
        sa.Column("added_at", UTCDateTime(), nullable=False),
        sa.UniqueConstraint("class_key", "name", name="uq_class_notes_class_name"),
    )
    op.create_index("ix_class_notes_added_by_key", "class_notes", ["added_by_key"])
    op.create_table(
        "class_note_sets",
        sa.Column("class_key", sa.String(200), primary_key=True),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("changed_at", UTCDateTime(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("class_note_sets")
    op.drop_index("ix_class_notes_added_by_key", table_name="class_notes")
    op.drop_table("class_notes")
