"""The teachers of a class who try its quizzes: kept off its leaderboards and out of its report's students.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "class_staff",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("class_id", sa.Integer(), sa.ForeignKey("classes.id", ondelete="CASCADE"), nullable=False),
        sa.Column("student_id", sa.Integer(), sa.ForeignKey("students.id", ondelete="CASCADE"), nullable=False),
        sa.UniqueConstraint("class_id", "student_id", name="uq_class_staff_class_student"),
    )
    op.create_index("ix_class_staff_student_id", "class_staff", ["student_id"])


def downgrade() -> None:
    op.drop_index("ix_class_staff_student_id", table_name="class_staff")
    op.drop_table("class_staff")
