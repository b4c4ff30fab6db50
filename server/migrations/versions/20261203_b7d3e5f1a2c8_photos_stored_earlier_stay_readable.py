"""Photos stored earlier stay readable: the server vouches for bytes no device of their record's author is known to have sent.

Issue #18: a photo record now opens its bytes only once its author sent
them from one of its devices (`blob_uploaders`). Photos stored before
uploaders were recorded, and the demo's photos, have no such row, and would
go dark for everyone but nobody. For each stored blob that an existing photo
record names and no device of that record's author uploaded, this records
the server itself (the system device) as its uploader, as the demo does for
its own photos now. Records made from here on are checked as they arrive.
Data only: no table changes.

Revision ID: b7d3e5f1a2c8
Revises: 9c41e7a2b6d0
Create Date: 2026-12-03 13:25:00
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "b7d3e5f1a2c8"
down_revision = "9c41e7a2b6d0"
branch_labels = None
depends_on = None

SYSTEM_DEVICE = "00000000-0000-0000-0000-000000000000"  # server.services.accounts.SYSTEM_DEVICE, as it was written


def upgrade():
    op.execute(
        sa.text(
            """
            INSERT INTO blob_uploaders (sha256, device_id)
            SELECT DISTINCT records.blob, :system FROM records
            JOIN blobs ON blobs.sha256 = records.blob
            WHERE records.type = 'photo'
              AND NOT EXISTS (
                SELECT 1 FROM blob_uploaders JOIN devices ON devices.id = blob_uploaders.device_id
                WHERE blob_uploaders.sha256 = records.blob AND devices.user_id = records.owner_id)
              AND NOT EXISTS (SELECT 1 FROM blob_uploaders WHERE blob_uploaders.sha256 = records.blob AND blob_uploaders.device_id = :system)
            """
        ).bindparams(system=SYSTEM_DEVICE)
    )


def downgrade():
    pass  # the rows only widen who reads what earlier releases served to all readers of the record
