"""Gaps in the notes are counted per season: how many askings came before the class's current season.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("unanswered_questions") as batch_op:
        batch_op.add_column(sa.Column("earlier_count", sa.Integer(), nullable=False, server_default="0"))
    # A question last asked before its class's second or later season began was asked in earlier seasons only;
    # one asked since keeps counting whole (how its askings split between the seasons was not recorded). In a
    # first season everything counts: a class may ask questions before its row exists.
    op.execute(
        "UPDATE unanswered_questions SET earlier_count = count WHERE last_asked < ("
        "SELECT classes.season_started FROM classes"
        " WHERE classes.key = unanswered_questions.class_key AND classes.season > 1)"
    )


def downgrade() -> None:
    with op.batch_alter_table("unanswered_questions") as batch_op:
        batch_op.drop_column("earlier_count")
