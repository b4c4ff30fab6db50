"""Login failures keep the address they came from, so a lockout is per address and not per username (issue #18).

Revision ID: c4a9e2d7f3b1
Revises: b7d3e5f1a2c8
Create Date: 2026-12-03 13:55:00
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "c4a9e2d7f3b1"
down_revision = "b7d3e5f1a2c8"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("login_failures") as batch:
        batch.add_column(sa.Column("address", sa.String(length=45), nullable=True))
        batch.create_index(batch.f("ix_login_failures_address"), ["address"], unique=False)


def downgrade():
    with op.batch_alter_table("login_failures") as batch:
        batch.drop_index(batch.f("ix_login_failures_address"))
        batch.drop_column("address")
