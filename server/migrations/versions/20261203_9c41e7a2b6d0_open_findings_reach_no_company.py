"""Open findings reach no company: the scope key of one stored by an earlier release is cleared.

Issue #17: until now a finding's company scope key was its `company_id`
whatever its status, so an open finding that named a company (an inspector
could set one on create, office ahead of assigning) was pulled by that
company's contractors. The server now keys an open finding, and its photos
and comments, to no company until office assigns it. Rows stored earlier
keep the old key; this clears it and records the company's exit for each of
them, so the contractors' phones drop what they should never have had at
their next pull. Data only: no table changes.

Revision ID: 9c41e7a2b6d0
Revises: 5b2e0c1d9a47
Create Date: 2026-12-03 08:25:00
"""

import json

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "9c41e7a2b6d0"
down_revision = "5b2e0c1d9a47"
branch_labels = None
depends_on = None


def upgrade():
    connection = op.get_bind()
    findings = connection.execute(
        sa.text("SELECT id, company_id, fields FROM records WHERE type = 'finding' AND company_id IS NOT NULL AND deleted = :no"), {"no": False}
    ).all()
    open_findings = [(row.id, row.company_id) for row in findings if fields_of(row.fields).get("status") == "open"]
    if not open_findings:
        return
    # Positions for the exits, taken from the feed counter as a commit would (the upgrade holds the schema lock).
    position = connection.execute(sa.text("SELECT value FROM change_counter WHERE id = 1")).scalar_one()
    for finding_id, company_id in open_findings:
        for member_id, member_type in family(connection, finding_id):
            position += 1
            connection.execute(sa.text("UPDATE records SET company_id = NULL WHERE id = :id"), {"id": member_id})
            connection.execute(
                sa.text(
                    "INSERT INTO scope_exits (seq, record_id, record_type, audience, audience_id) VALUES (:seq, :id, :type, 'company', :company)"
                ),
                {"seq": position, "id": member_id, "type": member_type, "company": company_id},
            )
    connection.execute(sa.text("UPDATE change_counter SET value = :value WHERE id = 1"), {"value": position})


def downgrade():
    """Nothing to undo: the earlier release reads a cleared key as "no company", which is what an open finding is."""


def fields_of(value) -> dict:
    return json.loads(value) if isinstance(value, str) else value


def family(connection, record_id: str) -> list[tuple[str, str]]:
    """The finding and the photos and comments hanging on it, at any depth."""
    members = [(record_id, "finding")]
    queue = [record_id]
    while queue:
        parent = queue.pop()
        children = connection.execute(
            sa.text("SELECT id, type FROM records WHERE parent_id = :parent AND type IN ('photo', 'comment')"), {"parent": parent}
        ).all()
        for child in children:
            members.append((child.id, child.type))
            queue.append(child.id)
    return members
