"""The conflicts list: values that lost a concurrent edit, kept for office staff."""

from sqlalchemy import select

from server.errors import BadRequest, EditRejected, NotFound, StaleValue
from server.extensions import db
from server.models import ConflictEntry, Record, utcnow
from server.services.actor import Actor
from server.services.mutations import apply_server_edit

STATUSES = ("open", "resolved")


def conflict_json(conflict: ConflictEntry) -> dict:
    return {
        "id": conflict.id,
        "type": conflict.record_type,
        "record_id": conflict.record_id,
        "field": conflict.field,
        "kept": conflict.kept,
        "lost": conflict.lost,
        "status": conflict.status,
        "created_at": conflict.created_at,
        "resolved_at": conflict.resolved_at,
        "resolved_by": conflict.resolved_by,
    }


def list_conflicts(actor: Actor, status: str | None, record_id: str | None = None) -> list[dict]:
    if status is not None and status not in STATUSES:
        raise BadRequest("status is open or resolved.", {"status": ["Unknown status."]})
    query = select(ConflictEntry).order_by(ConflictEntry.created_at.desc())
    if status:
        query = query.where(ConflictEntry.status == status)
    if record_id:
        query = query.where(ConflictEntry.record_id == record_id)
    if actor.site_ids is not None:
        query = query.where(ConflictEntry.site_id.in_(actor.site_ids) | ConflictEntry.site_id.is_(None))
    return [conflict_json(conflict) for conflict in db.session.execute(query).scalars()]


def resolve_conflict(actor: Actor, conflict_id: str, value) -> dict:
    """Write the chosen value as a new edit on the current version, then close the conflict."""
    conflict = db.session.get(ConflictEntry, conflict_id)
    if conflict is None or (actor.site_ids is not None and conflict.site_id not in actor.site_ids):
        raise NotFound("There is no such conflict.")
    record = db.session.get(Record, conflict.record_id)
    name, _, key = conflict.field.partition(".")
    fields = {name: {key: value}} if key else {name: value}
    result = apply_server_edit(actor, conflict.record_type, fields, record_id=conflict.record_id, base_version=record.version)
    if result["status"] == "rejected":
        raise EditRejected(result["error"])
    if result["status"] == "conflict":
        raise StaleValue("The record can no longer take that value.", {"record": result["record"]})
    conflict.status, conflict.resolved_at, conflict.resolved_by = "resolved", utcnow(), actor.user_id
    return conflict_json(conflict)
