"""A teacher role per class (Discord servers name the role whose members may use teacher commands).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("classes") as batch:
        batch.add_column(sa.Column("teacher_role", sa.String(100), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("classes") as batch:
        batch.drop_column("teacher_role")
