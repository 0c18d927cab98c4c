"""The teacher's control over a class's questions: hidden questions, and generated questions on or off.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("classes") as batch:
        batch.add_column(sa.Column("generated_questions", sa.Boolean(), nullable=False, server_default=sa.true()))
    op.create_table(
        "hidden_questions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("class_id", sa.Integer(), sa.ForeignKey("classes.id", ondelete="CASCADE"), nullable=False),
        sa.Column("question_id", sa.String(40), nullable=False),
        sa.UniqueConstraint("class_id", "question_id", name="uq_hidden_questions_class_question"),
    )


def downgrade() -> None:
    op.drop_table("hidden_questions")
    with op.batch_alter_table("classes") as batch:
        batch.drop_column("generated_questions")
