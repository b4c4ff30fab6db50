"""Write one record: create, update or delete it as one validated mutation says.

Everything about the record's type comes from its declaration in
server/records: fields, fixed and owner fields, place, rights, workflow and
checks. The merge itself is `sync.merge`; the savepoint and exactly-once
guard around a write are in `mutations`.
"""

import uuid

from marshmallow import ValidationError
from sqlalchemy import select

from schemas.fields import format_utc
from schemas.records import load_record_fields
from server.errors import validation_fields
from server.extensions import db
from server.models import ConflictEntry, Record, User, utcnow
from server.records import REGISTRY, RecordType, Rejected
from server.records.base import company_key
from server.services import rights
from server.services.actor import Actor
from server.services.places import move_record, resolve_place
from sync.merge import FieldsState, FieldStamp, Stamp, apply_edit, flatten, unflatten
from sync.stamps import creation_stamps, decode_stamps, encode_stamps
from sync.workflow import Verdict

MISSING = object()


def write_record(batch, actor: Actor, mutation: dict, stamp: Stamp, changes) -> dict:
    """Apply a validated mutation to its record: its result, or raises Rejected; `changes` collects the rows it changed."""
    record = db.session.execute(
        select(Record).where(Record.id == mutation["id"]).with_for_update().execution_options(populate_existing=True)
    ).scalar_one_or_none()
    if record is not None and record.type != mutation["type"]:
        raise Rejected(
            "invalid", f"Record {record.id} is a {record.type}, not a {mutation['type']}.", {"type": ["Does not match the stored record."]}
        )
    if mutation["op"] == "delete":
        return delete_record(batch, actor, record, mutation, stamp, changes)
    if record is None:
        record = Record(**new_record_row(batch, actor, mutation, stamp))
        db.session.add(record)
        changes.add(record)
        return created(mutation)
    return update_record(batch, actor, record, mutation, stamp, changes)


def new_record_row(batch, actor: Actor, mutation: dict, stamp: Stamp) -> dict:
    """The row of a record a create makes, every check passed; raises Rejected."""
    declared = REGISTRY[mutation["type"]]
    fields = load_fields(declared.name, mutation["fields"] or {}, creating=True)
    if declared.owner_field:
        owner_field = declared.owner_field
        if fields.get(owner_field) not in (None, actor.user_id):
            raise Rejected("forbidden", f"{owner_field} can only name yourself.", {owner_field: ["Not your user id."]})
        fields[owner_field] = actor.user_id
        if declared.owner_name_field:
            author = db.session.get(User, actor.user_id)
            fields[declared.owner_name_field] = author.name if author else None
    if declared.check_create:
        declared.check_create(actor, fields)
    if declared.workflow:
        fields["status"] = initial_status(actor, declared, fields.get("status"))
    for name in declared.edit_time_fields:
        if not fields.get(name):
            fields[name] = format_utc(stamp.edited_at)
    now = utcnow()
    if declared.receipt_time_of:
        fields["received_at"] = format_utc(now)  # beside the device's claim, the server's own time
    if declared.status_history:
        fields["status_history"] = [history_entry(actor, fields["status"], now, fields.get("status_note"))]
    fields = unflatten(flatten(fields))  # a merged map keeps no cleared (null) keys
    for name in declared.kept_maps:
        fields.setdefault(name, {})
    place = resolve_place(batch, declared.name, mutation["id"], fields)
    verdict = rights.create_verdict(actor, declared.name, place["site_id"], place["parent"])
    if verdict is Verdict.FORBIDDEN:
        raise Rejected("forbidden", f"You may not create this {declared.name} here.")
    if verdict is Verdict.STALE:
        raise Rejected("stale", f"The {place['parent'].type} can no longer take a {declared.name} from you.")
    if declared.check_values:
        declared.check_values(batch, fields, flatten(fields))
    batch.note_written(declared, mutation["id"], fields)
    return {
        "id": mutation["id"],
        "type": declared.name,
        "version": 1,
        "deleted": False,
        "fields": fields,
        "stamps": creation_stamps(stamp),
        "seq": None,
        "site_id": place["site_id"],
        "company_id": place["company_id"],
        "parent_id": place["parent_id"],
        "owner_id": actor.user_id,
        "blob": fields.get(declared.blob_field) if declared.blob_field else None,
        "created_at": now,
        "updated_at": now,
    }


def history_entry(actor: Actor, status: str, at, note: str | None) -> dict:
    """One line of a record's status history (RecordType.status_history)."""
    entry = {"status": status, "at": format_utc(at), "by": actor.user_id, "role": actor.role}
    if note:
        entry["note"] = note
    return entry


def created(mutation: dict) -> dict:
    return {"mid": mutation["mid"], "status": "applied", "version": 1}


def initial_status(actor: Actor, declared: RecordType, requested: str | None) -> str:
    """A record starts in its workflow's first status, or (`created_later`) as far as the creator's role may take it."""
    start = declared.workflow.initial
    if requested in (None, start):
        return start
    if not declared.created_later:
        raise Rejected("invalid", f"A {declared.name} is created {start}.", {"status": [f"Must be {start} on create."]})
    if declared.workflow.check(actor.role, start, requested) is not Verdict.ALLOWED:
        raise Rejected("forbidden", f"This {declared.name} cannot be created as {requested}.", {"status": ["Not allowed on create."]})
    return requested


def update_record(batch, actor: Actor, record: Record, mutation: dict, stamp: Stamp, changes) -> dict:
    declared = REGISTRY[record.type]
    raw_fields = mutation["fields"] or {}
    if record.deleted:
        return conflict_result(mutation["mid"], record, sorted(raw_fields) or ["deleted"])
    fields = load_fields(record.type, raw_fields, creating=False)
    for name in declared.fixed_fields:
        if name in fields and fields[name] != record.fields.get(name):
            raise Rejected("forbidden", f"{name} cannot be changed once set.", {name: ["Cannot be changed."]})

    current = flatten(record.fields)
    incoming = flatten(fields)
    changed = {path.partition(".")[0] for path, value in incoming.items() if current.get(path, MISSING) != value}
    if declared.check_change:
        declared.check_change(record, changed)
    verdict = rights.update_verdict(actor, record, changed)
    if verdict is Verdict.FORBIDDEN:
        raise Rejected("forbidden", f"You may not change {', '.join(sorted(changed)) or 'this'} on this {record.type}.")
    if verdict is Verdict.STALE:
        return conflict_result(mutation["mid"], record, sorted(changed))

    old_status = record.fields.get("status")
    target = incoming.pop("status", None)
    if target == old_status:
        target = None
    if target is None and declared.implied_status:
        target = declared.implied_status(actor, record, changed)
    status_lost = False
    if target is not None:
        move = declared.workflow.check(actor.role, old_status, target)
        if move is Verdict.ALLOWED and old_status in declared.workflow.settled and mutation.get("base_version") != record.version:
            move = Verdict.STALE  # only an edit made on the current version may reopen
        if move is Verdict.FORBIDDEN:
            raise Rejected("forbidden", f"You may not set this {record.type} to {target}.", {"status": ["Not allowed for your role."]})
        if move is Verdict.STALE:
            status_lost, target = True, None
    if declared.stale_change and declared.stale_change(record, changed, target):
        return conflict_result(mutation["mid"], record, sorted(changed))

    state = FieldsState(record.version, current, decode_stamps(record.stamps, record.fields))
    merged, merge = apply_edit(state, incoming, stamp, mutation.get("base_version"))
    new_paths = dict(merged.values)
    if target is not None:
        new_paths["status"] = target
        if declared.status_history:
            note = new_paths.get("status_note") if "status_note" in changed else None
            new_paths["status_history"] = [*(record.fields.get("status_history") or []), history_entry(actor, target, utcnow(), note)]
    new_fields = unflatten(new_paths)
    for name in declared.kept_maps:
        new_fields.setdefault(name, {})
    if declared.check_values and merge.values:
        declared.check_values(batch, new_fields, merge.values)
    if target is not None and declared.status_needs:
        declared.status_needs(record.id, new_fields, target)

    version = merged.version if target is None or merged.version > record.version else record.version + 1
    stamps = dict(merged.stamps)
    if target is not None:
        stamps["status"] = FieldStamp(stamp, version)
        if declared.status_history:
            stamps["status_history"] = FieldStamp(stamp, version)
    for conflict in merge.conflicts:
        db.session.add(conflict_entry(record, conflict))

    if version != record.version:
        if changed & declared.references.keys():  # it may now sit elsewhere, for another audience
            place = resolve_place(batch, record.type, record.id, new_fields)
            if place["site_id"] is not None and not actor.covers_site(place["site_id"]):
                raise Rejected("forbidden", "You may not move this record to a site outside yours.", {"site_id": ["Not one of your sites."]})
            move_record(record, place, changes)
        elif target is not None and declared.unassigned_statuses:  # a status move may bring it to its company, or take it away
            place = {"site_id": record.site_id, "company_id": company_key(declared, new_fields), "parent_id": record.parent_id}
            move_record(record, place, changes)
        record.fields, record.version, record.updated_at = new_fields, version, utcnow()
        changes.add(record)
        batch.note_written(declared, record.id, new_fields)
    record.stamps = encode_stamps(stamps)  # every earlier stamp is in the merged state already

    lost = sorted(set(merge.lost) | ({"status"} if status_lost else set()))
    if lost:
        return conflict_result(mutation["mid"], record, lost)
    return {"mid": mutation["mid"], "status": "applied", "version": record.version}


def delete_record(batch, actor: Actor, record: Record | None, mutation: dict, stamp: Stamp, changes) -> dict:
    if record is None:
        raise Rejected("not_found", "There is no such record to delete.")
    if record.deleted:
        return {"mid": mutation["mid"], "status": "applied", "version": record.version}
    verdict = rights.delete_verdict(actor, record)
    if verdict is Verdict.FORBIDDEN:
        raise Rejected("forbidden", f"You may not delete this {record.type}.")
    if verdict is Verdict.STALE:
        return conflict_result(mutation["mid"], record, ["deleted"])
    record.deleted = True
    record.version += 1
    record.updated_at = utcnow()
    record.stamps = encode_stamps({**decode_stamps(record.stamps, record.fields), "deleted": FieldStamp(stamp, record.version)})
    changes.add(record)
    batch.note_written(REGISTRY[record.type], record.id, record.fields)  # a deleted schedule's rounds go; a deleted visit leaves its round
    return {"mid": mutation["mid"], "status": "applied", "version": record.version}


def load_fields(record_type: str, raw: dict, creating: bool) -> dict:
    if not isinstance(raw, dict):
        raise Rejected("invalid", "fields must be an object.", {"fields": ["Not an object."]})
    try:
        return load_record_fields(record_type, raw, creating)
    except ValidationError as error:
        raise Rejected("invalid", f"Some fields of this {record_type} are not valid.", validation_fields(error)) from error


def conflict_result(mid: str, record: Record, fields: list[str]) -> dict:
    return {"mid": mid, "status": "conflict", "version": record.version, "conflicts": fields, "record": record_json(record)}


def record_json(record: Record) -> dict:
    """A record as the protocol sends it; a tombstone carries no fields."""
    return {
        "type": record.type,
        "id": record.id,
        "version": record.version,
        "deleted": record.deleted,
        "fields": {} if record.deleted else record.fields,
    }


def conflict_entry(record: Record, conflict) -> ConflictEntry:
    """The office's conflicts list keeps the value that lost a concurrent edit (`sync.merge.FieldConflict`)."""
    return ConflictEntry(
        id=str(uuid.uuid4()),
        record_type=record.type,
        record_id=record.id,
        field=conflict.field,
        kept={"value": conflict.kept_value, "edited_at": format_utc(conflict.kept.edited_at), "user_id": conflict.kept.user_id},
        lost={"value": conflict.lost_value, "edited_at": format_utc(conflict.lost.edited_at), "user_id": conflict.lost.user_id},
        status="open",
        site_id=record.site_id,
        created_at=utcnow(),
    )
