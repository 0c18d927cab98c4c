"""Quiz questions carried by platform messages and polls (Telegram quiz polls, typed-answer prompts).

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24
"""

import sqlalchemy as sa
from alembic import op

from bot.storage.models import UTCDateTime

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "chat_refs",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("platform", sa.String(20), nullable=False),
        sa.Column("key", sa.String(100), nullable=False),
        sa.Column("ref", sa.String(40), nullable=False),
        sa.Column("class_key", sa.String(200), nullable=False),
        sa.Column("created", UTCDateTime(), nullable=False),
        sa.UniqueConstraint("platform", "key", name="uq_chat_refs_platform_key"),
    )
    op.create_index("ix_chat_refs_created", "chat_refs", ["created"])


def downgrade() -> None:
    op.drop_index("ix_chat_refs_created", table_name="chat_refs")
    op.drop_table("chat_refs")
