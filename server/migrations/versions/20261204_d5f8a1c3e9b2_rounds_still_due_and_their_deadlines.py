"""Rounds still due and the moment each is missed, for the missed tick (issue #12).

Revision ID: d5f8a1c3e9b2
Revises: c4a9e2d7f3b1
Create Date: 2026-12-04 14:40:00
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "d5f8a1c3e9b2"
down_revision = "c4a9e2d7f3b1"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "round_deadlines",
        sa.Column("round_id", sa.String(length=36), nullable=False),
        sa.Column("closes_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("round_id"),
    )
    with op.batch_alter_table("round_deadlines") as batch:
        batch.create_index(batch.f("ix_round_deadlines_closes_at"), ["closes_at"], unique=False)


def downgrade():
    with op.batch_alter_table("round_deadlines") as batch:
        batch.drop_index(batch.f("ix_round_deadlines_closes_at"))
    op.drop_table("round_deadlines")
