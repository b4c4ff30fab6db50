"""Apply pushed mutations to records, each exactly once.

A mutation's id (`mid`) is inserted into `mutations` before anything else;
the primary key makes a second insert of the same mid fail or wait for the
first, so however often and on however many workers a batch is pushed, a
mutation changes state once and later pushes get its first outcome back.

Each mutation runs in its own savepoint: a rejected one leaves no trace but
its outcome, and never stops the others. The merge itself is `sync.merge`;
the status rules are `sync.workflow`; who may do what is `rights`.
"""

import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from types import SimpleNamespace

from marshmallow import ValidationError
from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError

from schemas.api import MutationSchema
from schemas.fields import format_utc
from schemas.loader import Loader
from schemas.records import IMMUTABLE_FIELDS, RECEIPT_TIMES, load_record_fields
from server.errors import validation_fields
from server.extensions import db
from server.models import Conflict, Mutation, Record, ScopeExit, utcnow
from server.services import rights
from server.services.actor import Actor
from server.services.positions import forget_changes, mark_changed, pending_positions, placeholders, restore_positions
from sync.checklist import answer_problem
from sync.clock import clock_offset, corrected_edit_time
from sync.merge import FieldsState, FieldStamp, Stamp, apply_edit, flatten, unflatten
from sync.workflow import INITIAL_STATUS, Verdict, check_move

OWNER_FIELDS = {"inspection": "inspector_id", "finding": "created_by", "comment": "author_id"}
# Fields whose change moves a record to another place (and maybe another audience).
PLACE_FIELDS = frozenset({"site_id", "area_id", "checkpoint_id", "parent_id", "company_id", "template_id", "inspection_id"})
REFERENCES = {
    "area": {"site_id": "site", "parent_id": "area"},
    "checkpoint": {"site_id": "site", "area_id": "area"},
    "inspection": {"template_id": "template", "site_id": "site", "area_id": "area", "checkpoint_id": "checkpoint"},
    "finding": {"site_id": "site", "area_id": "area", "checkpoint_id": "checkpoint", "inspection_id": "inspection", "company_id": "company"},
}


MUTATION_LOADER = Loader(MutationSchema())


class Rejected(Exception):
    """Nothing of the mutation was taken; `code` and `message` say why."""

    def __init__(self, code: str, message: str, fields: dict | None = None):
        super().__init__(message)
        self.code, self.message, self.fields = code, message, fields

    def result(self, mid: str) -> dict:
        error = {"code": self.code, "message": self.message}
        if self.fields:
            error["fields"] = self.fields
        return {"mid": mid, "status": "rejected", "error": error}


@dataclass
class Changes:
    """Rows changed by one mutation; they get feed positions only if it succeeds."""

    items: list = field(default_factory=list)

    def add(self, item) -> None:
        self.items.append(item)


def apply_batch(actor: Actor, mutations: list[dict], sent_at: datetime, received_at: datetime) -> list[dict]:
    """Apply a device's mutations in order; one result each, in the same order.

    A batch is first tried with its creates of new records written together
    (`QuickCreates`: one INSERT a table, no savepoint each), which is what a
    phone back from a patrol mostly sends. Should another worker push the
    same mids or create the same ids meanwhile, the database refuses the
    insert; then the whole try is rolled back and the batch runs again one
    savepoint per mutation.
    """
    offset = clock_offset(sent_at, received_at)
    mids = {raw["mid"].lower() for raw in mutations}
    stored = dict(db.session.execute(select(Mutation.mid, Mutation.result).where(Mutation.mid.in_(mids))).all())
    positions_before = pending_positions(db.session)
    try:
        with db.session.begin_nested():
            return apply_in_order(actor, mutations, dict(stored), offset, received_at, QuickCreates())
    except IntegrityError:
        restore_positions(db.session, positions_before)
        db.session.info.pop("referenced", None)  # it may hold records whose insert was just rolled back
    return apply_in_order(actor, mutations, dict(stored), offset, received_at, None)


def apply_in_order(
    actor: Actor, mutations: list[dict], outcomes: dict, offset: timedelta, received_at: datetime, quick: "QuickCreates | None"
) -> list[dict]:
    existing = existing_record_ids({str(raw.get("id")).lower() for raw in mutations}) if quick else set()
    results = []
    for raw in mutations:
        mid = raw["mid"].lower()
        if mid in outcomes:
            results.append(duplicate_of(mid, outcomes[mid]))
            continue
        record_id = str(raw.get("id")).lower()
        if quick and raw.get("op") == "upsert" and record_id not in existing:
            outcomes[mid] = apply_mutation(actor, raw, offset, received_at, quick)
        else:
            if quick:
                quick.write()  # so a refused quick create fails here, not inside this mutation's savepoint
            outcomes[mid] = apply_mutation(actor, raw, offset, received_at)
        existing.add(record_id)
        results.append(outcomes[mid])
    if quick:
        quick.write()
    return results


@dataclass
class QuickCreates:
    """New records and mutation outcomes of the quick try, written with one INSERT a table.

    Built as plain rows rather than ORM objects: for a batch of 500 new
    inspections the unit of work's bookkeeping cost more than the inserts
    (bench/profile_push.py). Until written, a new record is kept in
    the batch's reference cache, so a later mutation of the batch (a finding
    of a new inspection, its photo) finds it.
    """

    records: list[dict] = field(default_factory=list)
    outcomes: list[dict] = field(default_factory=list)

    def add_record(self, row: dict) -> None:
        self.records.append(row)
        db.session.info.setdefault("referenced", {})[row["id"]] = SimpleNamespace(**row)

    def add_outcome(self, guard: dict, outcome: dict) -> dict:
        self.outcomes.append({**guard, "result": outcome, "received_at": utcnow()})
        return outcome

    def write(self) -> None:
        if self.records:
            for row, seq in zip(self.records, placeholders(db.session, len(self.records)), strict=True):
                row["seq"] = seq
            db.session.execute(insert(Record.__table__), self.records)
            referenced = db.session.info.get("referenced", {})
            for row in self.records:
                referenced.pop(row["id"], None)  # from now on the database has it
        if self.outcomes:
            db.session.execute(insert(Mutation.__table__), self.outcomes)
        self.records, self.outcomes = [], []


def forget_batch() -> None:
    """After a rollback of the whole transaction: nothing of the batch waits for positions or may be referred to."""
    forget_changes(db.session)
    db.session.info.pop("referenced", None)


def duplicate_of(mid: str, first: dict | None) -> dict:
    """A duplicate's result: the first outcome, with its status kept as first_status."""
    result = dict(first or {})
    if result.get("status") != "duplicate":  # a duplicate of a duplicate keeps the original status
        result["first_status"] = result.get("status")
    result.update(mid=mid, status="duplicate")
    return result


def existing_record_ids(ids: set[str]) -> set[str]:
    return set(db.session.execute(select(Record.id).where(Record.id.in_(ids))).scalars())


def apply_mutation(actor: Actor, raw: dict, offset: timedelta, received_at: datetime, quick: QuickCreates | None = None) -> dict:
    """Validate and apply one new mutation, recording its outcome under its mid."""
    mid = raw["mid"].lower()
    guard = {"mid": mid, "device_id": actor.device_id, "record_id": str(raw.get("id"))[:36]}
    try:
        mutation = MUTATION_LOADER.load(raw)
    except ValidationError as error:
        outcome = Rejected("invalid", "The mutation is not valid.", validation_fields(error)).result(mid)
        return quick.add_outcome(guard, outcome) if quick else remember(Mutation(**guard), outcome)
    stamp = Stamp(corrected_edit_time(mutation["edited_at"], offset, received_at), actor.device_id, mid, actor.user_id)
    if quick:
        return create_quickly(actor, mutation, stamp, guard, quick)
    return write(actor, mutation, stamp, Mutation(**guard))


def create_quickly(actor: Actor, mutation: dict, stamp: Stamp, guard: dict, quick: QuickCreates) -> dict:
    """Create a record no one has, without a savepoint: a create adds nothing until it is accepted."""
    try:
        row = new_record_row(actor, mutation, stamp)
    except Rejected as rejection:
        return quick.add_outcome(guard, rejection.result(mutation["mid"]))
    quick.add_record(row)
    return quick.add_outcome(guard, created(mutation))


def remember(guard: Mutation, outcome: dict) -> dict:
    """Store a mutation's outcome alone (it changed nothing); a concurrent twin's outcome wins."""
    guard.result = outcome
    try:
        with db.session.begin_nested():
            db.session.add(guard)
    except IntegrityError:
        return duplicate_of(guard.mid, stored_outcome(guard.mid))
    return outcome


def stored_outcome(mid: str) -> dict | None:
    """The committed outcome of a mid (another worker's insert made ours wait, then fail)."""
    return db.session.execute(select(Mutation.result).where(Mutation.mid == mid)).scalar_one_or_none()


def write(actor: Actor, mutation: dict, stamp: Stamp, guard: Mutation | None = None) -> dict:
    """Apply a validated mutation and record its guard row, in one savepoint.

    Whoever inserts a mid's guard second, in any worker, waits for the first
    to commit and then fails here, and its savepoint (its changes with it) is
    rolled back: so a mutation changes state once. A concurrent create of the
    same record id fails the same way and is run again as an update. A
    rejection rolls the savepoint back too, and its outcome is stored alone.
    """
    for attempt in range(2):
        changes = Changes()
        try:
            with db.session.begin_nested():
                result = write_record(actor, mutation, stamp, changes)
                if guard is not None:
                    guard.result = result
                    db.session.add(guard)
        except Rejected as rejection:
            outcome = rejection.result(mutation["mid"])
            return remember(fresh_guard(guard), outcome) if guard is not None else outcome
        except IntegrityError:
            if guard is not None and (first := stored_outcome(mutation["mid"])) is not None:
                return duplicate_of(mutation["mid"], first)
            if attempt:
                raise
            guard = fresh_guard(guard) if guard is not None else None
            continue
        for item in changes.items:
            mark_changed(db.session, item)
        return result
    raise AssertionError("unreachable")


def fresh_guard(guard: Mutation) -> Mutation:
    """A new guard row like one whose savepoint was rolled back (that object is spent)."""
    return Mutation(mid=guard.mid, device_id=guard.device_id, record_id=guard.record_id, result=None)


def write_record(actor: Actor, mutation: dict, stamp: Stamp, changes: Changes) -> dict:
    record = db.session.execute(
        select(Record).where(Record.id == mutation["id"]).with_for_update().execution_options(populate_existing=True)
    ).scalar_one_or_none()
    if record is not None and record.type != mutation["type"]:
        raise Rejected(
            "invalid", f"Record {record.id} is a {record.type}, not a {mutation['type']}.", {"type": ["Does not match the stored record."]}
        )
    if mutation["op"] == "delete":
        return delete_record(actor, record, mutation, stamp, changes)
    if record is None:
        record = Record(**new_record_row(actor, mutation, stamp))
        db.session.add(record)
        changes.add(record)
        return created(mutation)
    return update_record(actor, record, mutation, stamp, changes)


def new_record_row(actor: Actor, mutation: dict, stamp: Stamp) -> dict:
    """The row of a record a create makes, every check passed; raises Rejected."""
    record_type = mutation["type"]
    fields = load_fields(record_type, mutation["fields"] or {}, creating=True)
    owner_field = OWNER_FIELDS.get(record_type)
    if owner_field:
        if fields.get(owner_field) not in (None, actor.user_id):
            raise Rejected("forbidden", f"{owner_field} can only name yourself.", {owner_field: ["Not your user id."]})
        fields[owner_field] = actor.user_id
    if forbidden := rights.forbidden_create_fields(actor, record_type, fields):
        raise Rejected("forbidden", "Only office assigns a finding.", {name: ["Set by office when it assigns."] for name in forbidden})
    if record_type in INITIAL_STATUS:
        fields["status"] = initial_status(actor, record_type, fields.get("status"))
    if record_type == "comment" and not fields.get("created_at"):
        fields["created_at"] = format_utc(stamp.edited_at)
    now = utcnow()
    if record_type in RECEIPT_TIMES:
        fields["received_at"] = format_utc(now)  # beside the device's claim, the server's own time
    fields = unflatten(flatten(fields))  # a merged map keeps no cleared (null) keys
    if record_type == "inspection":
        fields.setdefault("answers", {})
    place = resolve_place(record_type, mutation["id"], fields)
    verdict = rights.create_verdict(actor, record_type, place["site_id"], place["parent"])
    if verdict is Verdict.FORBIDDEN:
        raise Rejected("forbidden", f"You may not create this {record_type} here.")
    if verdict is Verdict.STALE:
        raise Rejected("stale", f"The {place['parent'].type} can no longer take a {record_type} from you.")
    if record_type == "inspection":
        check_answers(fields["template_id"], fields.get("answers"))
    return {
        "id": mutation["id"],
        "type": record_type,
        "version": 1,
        "deleted": False,
        "fields": fields,
        "stamps": creation_stamps(stamp),
        "seq": None,
        "site_id": place["site_id"],
        "company_id": place["company_id"],
        "parent_id": place["parent_id"],
        "owner_id": actor.user_id,
        "blob": fields.get("blob") if record_type == "photo" else None,
        "created_at": now,
        "updated_at": now,
    }


def created(mutation: dict) -> dict:
    return {"mid": mutation["mid"], "status": "applied", "version": 1}


def initial_status(actor: Actor, record_type: str, requested: str | None) -> str:
    """A finding starts open; an inspection starts as a draft, or as far as the role may take it."""
    start = INITIAL_STATUS[record_type]
    if requested in (None, start):
        return start
    if record_type == "finding":
        raise Rejected("invalid", "A finding is created open.", {"status": ["Must be open on create."]})
    if check_move(record_type, actor.role, start, requested) is not Verdict.ALLOWED:
        raise Rejected("forbidden", f"An inspection cannot be created as {requested}.", {"status": ["Not allowed on create."]})
    return requested


def update_record(actor: Actor, record: Record, mutation: dict, stamp: Stamp, changes: Changes) -> dict:
    raw_fields = mutation["fields"] or {}
    if record.deleted:
        return conflict_result(mutation["mid"], record, sorted(raw_fields) or ["deleted"])
    fields = load_fields(record.type, raw_fields, creating=False)
    for name in IMMUTABLE_FIELDS.get(record.type, ()):
        if name in fields and fields[name] != record.fields.get(name):
            raise Rejected("forbidden", f"{name} cannot be changed once set.", {name: ["Cannot be changed."]})

    current = flatten(record.fields)
    incoming = flatten(fields)
    changed = {path.partition(".")[0] for path, value in incoming.items() if current.get(path, MISSING) != value}
    if record.type == "template" and "items" in changed and template_in_use(record.id):
        raise Rejected(
            "invalid", "Inspections were made with this template; save its items as a new revision.", {"items": ["Fixed once inspections use them."]}
        )
    verdict = rights.update_verdict(actor, record, changed)
    if verdict is Verdict.FORBIDDEN:
        raise Rejected("forbidden", f"You may not change {', '.join(sorted(changed)) or 'this'} on this {record.type}.")
    if verdict is Verdict.STALE:
        return conflict_result(mutation["mid"], record, sorted(changed))

    old_status = record.fields.get("status")
    target = incoming.pop("status", None)
    if target == old_status:
        target = None
    if record.type == "finding" and actor.is_office and target is None and "company_id" in changed and old_status in ("assigned", "in_progress"):
        target = "assigned"  # reassigned to another company
    status_lost = False
    if target is not None:
        move = check_move(record.type, actor.role, old_status, target)
        if move is Verdict.ALLOWED and old_status == "closed" and mutation.get("base_version") != record.version:
            move = Verdict.STALE  # only an edit made on the current version may reopen
        if move is Verdict.FORBIDDEN:
            raise Rejected("forbidden", f"You may not set this {record.type} to {target}.", {"status": ["Not allowed for your role."]})
        if move is Verdict.STALE:
            status_lost, target = True, None

    state = FieldsState(record.version, current, decode_stamps(record.stamps, record.fields))
    merged, merge = apply_edit(state, incoming, stamp, mutation.get("base_version"))
    new_paths = dict(merged.values)
    if target is not None:
        new_paths["status"] = target
    new_fields = unflatten(new_paths)
    if record.type == "inspection":
        new_fields.setdefault("answers", {})
        if any(path.startswith("answers.") for path in merge.values):
            check_answers(new_fields["template_id"], {p[8:]: v for p, v in merge.values.items() if p.startswith("answers.")})
    if target is not None:
        check_status_needs(record, new_fields, target)

    version = merged.version if target is None or merged.version > record.version else record.version + 1
    stamps = dict(merged.stamps)
    if target is not None:
        stamps["status"] = FieldStamp(stamp, version)
    for conflict in merge.conflicts:
        db.session.add(conflict_row(record, conflict))

    if version != record.version:
        if changed & PLACE_FIELDS:
            place = resolve_place(record.type, record.id, new_fields)
            if place["site_id"] is not None and not actor.covers_site(place["site_id"]):
                raise Rejected("forbidden", "You may not move this record to a site outside yours.", {"site_id": ["Not one of your sites."]})
            move_record(record, place, changes)
        elif record.type == "finding" and target is not None:  # assigned: it now reaches its company
            move_record(record, {**place_of(record), "company_id": rights.finding_company(new_fields)}, changes)
        record.fields, record.version, record.updated_at = new_fields, version, utcnow()
        changes.add(record)
    record.stamps = encode_stamps(stamps)  # every earlier stamp is in the merged state already

    lost = sorted(set(merge.lost) | ({"status"} if status_lost else set()))
    if lost:
        return conflict_result(mutation["mid"], record, lost)
    return {"mid": mutation["mid"], "status": "applied", "version": record.version}


def delete_record(actor: Actor, record: Record | None, mutation: dict, stamp: Stamp, changes: Changes) -> dict:
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
    return {"mid": mutation["mid"], "status": "applied", "version": record.version}


MISSING = object()


def load_fields(record_type: str, raw: dict, creating: bool) -> dict:
    if not isinstance(raw, dict):
        raise Rejected("invalid", "fields must be an object.", {"fields": ["Not an object."]})
    try:
        return load_record_fields(record_type, raw, creating)
    except ValidationError as error:
        raise Rejected("invalid", f"Some fields of this {record_type} are not valid.", validation_fields(error)) from error


def require(record_id: str, record_type: str, field_name: str) -> Record:
    # The session's identity map holds records weakly; keep the ones a batch refers to, so each loads once.
    loaded = db.session.info.setdefault("referenced", {})
    found = loaded.get(record_id) or db.session.get(Record, record_id)
    if found is not None:
        loaded[record_id] = found
    if found is None or found.type != record_type or found.deleted:
        raise Rejected("unknown_reference", f"There is no {record_type} {record_id}.", {field_name: [f"No such {record_type}."]})
    return found


def resolve_place(record_type: str, record_id: str, fields: dict) -> dict:
    """Check what the record points at and work out its scope keys."""
    place = {"site_id": None, "company_id": None, "parent_id": None, "parent": None}
    for field_name, target_type in REFERENCES.get(record_type, {}).items():
        if fields.get(field_name):
            require(fields[field_name], target_type, field_name)
    if record_type == "site":
        place["site_id"] = record_id
    elif record_type == "company":
        place["company_id"] = record_id
    elif record_type in ("area", "checkpoint", "inspection", "finding"):
        place["site_id"] = fields["site_id"]
        place["company_id"] = rights.finding_company(fields) if record_type == "finding" else None
        place["parent_id"] = fields.get("parent_id") if record_type == "area" else None
        for field_name, target_type in (("parent_id", "area"), ("area_id", "area"), ("checkpoint_id", "checkpoint")):
            if record_type != "area" and field_name == "parent_id":
                continue
            if fields.get(field_name) and require(fields[field_name], target_type, field_name).site_id != fields["site_id"]:
                raise Rejected("invalid", f"The {target_type} is on another site.", {field_name: ["On another site."]})
    elif record_type in ("comment", "photo"):
        parent = require(fields["parent_id"], fields["parent_type"], "parent_id")
        place.update(site_id=parent.site_id, company_id=parent.company_id, parent_id=parent.id, parent=parent)
    return place


def place_of(record: Record) -> dict:
    return {"site_id": record.site_id, "company_id": record.company_id, "parent_id": record.parent_id}


def set_place(record: Record, place: dict) -> None:
    record.site_id, record.company_id, record.parent_id = place["site_id"], place["company_id"], place["parent_id"]


def move_record(record: Record, place: dict, changes: Changes) -> None:
    """Give a record new scope keys; its old audiences learn it left, and what hangs on it follows."""
    old_site, old_company = record.site_id, record.company_id
    set_place(record, place)
    if (old_site, old_company) == (record.site_id, record.company_id):
        return
    for child, exits in moved_family(record, old_site, old_company):
        for exit in exits:
            db.session.add(exit)
            changes.add(exit)
        if child is not record:
            changes.add(child)


def moved_family(record: Record, old_site: str | None, old_company: str | None):
    """The record and everything hanging on it, with their new keys set and the exits due."""
    family = [record]
    queue = [record]
    while queue:
        parent = queue.pop()
        children = db.session.execute(select(Record).where(Record.parent_id == parent.id, Record.type.in_(("photo", "comment")))).scalars().all()
        for child in children:
            child.site_id, child.company_id = record.site_id, record.company_id
            family.append(child)
            queue.append(child)
    for member in family:
        exits = []
        if old_company and old_company != record.company_id:
            exits.append(ScopeExit(record_id=member.id, record_type=member.type, audience="company", audience_id=old_company))
        if old_site and old_site != record.site_id:
            exits.append(ScopeExit(record_id=member.id, record_type=member.type, audience="site", audience_id=old_site))
        yield member, exits


def template_in_use(template_id: str) -> bool:
    used = select(Record.id).where(Record.type == "inspection", Record.fields["template_id"].as_string() == template_id).limit(1)
    return db.session.execute(used).first() is not None


def check_answers(template_id: str, answers: dict | None) -> None:
    if not answers:
        return
    template = require(template_id, "template", "template_id")
    items = {item["key"]: item for item in template.fields.get("items", [])}
    problems = {}
    for key, answer in answers.items():
        if answer is None:
            continue
        if key not in items:
            problems[key] = ["No such item in the template."]
        elif (problem := answer_problem(items[key], answer.get("value"))) is not None:
            problems[key] = [problem]
    if problems:
        raise Rejected("invalid", "Some answers do not fit their items.", {"answers": problems})


def check_status_needs(record: Record, fields: dict, target: str) -> None:
    if record.type != "finding":
        return
    if target == "assigned" and not (fields.get("company_id") and fields.get("due_date")):
        raise Rejected(
            "invalid",
            "Assigning a finding needs a company_id and a due_date.",
            {"company_id": ["Needed to assign."], "due_date": ["Needed to assign."]},
        )
    if target == "fixed":
        if not (fields.get("fix_note") or "").strip():
            raise Rejected("invalid", "Marking a finding fixed needs a fix_note.", {"fix_note": ["Say what was done."]})
        photos = db.session.execute(
            select(Record.fields).where(Record.parent_id == record.id, Record.type == "photo", Record.deleted.is_(False))
        ).scalars()
        if not any(photo.get("role") == "after" for photo in photos):
            raise Rejected("invalid", "Marking a finding fixed needs at least one 'after' photo.", {"status": ["Add an after photo first."]})


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


def encode_stamps(stamps: dict[str, FieldStamp]) -> dict:
    """A record's stamps as stored: each edit once, and per field path [edit, version, agreeing edits?].

    One mutation stamps every path it writes with the same edit; stored per
    path, the stamps of a new inspection were four times the size of its fields.
    """
    index: dict[Stamp, int] = {}
    paths = {}
    for path, field_state in stamps.items():
        entry = [index.setdefault(field_state.stamp, len(index)), field_state.version]
        if field_state.agreeing:
            entry.append([index.setdefault(other, len(index)) for other in field_state.agreeing])
        paths[path] = entry
    return {"edits": [edit_json(stamp) for stamp in index], "paths": paths}


def creation_stamps(stamp: Stamp) -> dict:
    """A new record's stamps: its one edit wrote every path of its fields, at version 1.

    Stored as that, not path by path: most records are never edited again, and
    the first edit stores every path (`encode_stamps`). This halved the cost of
    a new record's stamps in a push and their size on disk.
    """
    return {"edits": [edit_json(stamp)], "paths": {}, "rest": [0, 1]}


def decode_stamps(data: dict, fields: dict) -> dict[str, FieldStamp]:
    """The stamps of a record whose fields are `fields`, from any stored form."""
    if "edits" not in data:  # stored by an earlier version: one whole stamp per path
        return {path: field_stamp(value) for path, value in data.items()}
    edits = [Stamp(datetime.fromisoformat(edit["at"]), edit["device"], edit["mid"], edit.get("user")) for edit in data["edits"]]

    def entry_stamp(entry: list) -> FieldStamp:
        return FieldStamp(edits[entry[0]], entry[1], tuple(edits[i] for i in entry[2]) if len(entry) > 2 else ())

    stamps = {path: entry_stamp(entry) for path, entry in data["paths"].items()}
    if "rest" in data:
        rest = entry_stamp(data["rest"])
        for path in flatten(fields):
            stamps.setdefault(path, rest)
    return stamps


def edit_json(stamp: Stamp) -> dict:
    return {"at": stamp.edited_at.isoformat(), "device": stamp.device_id, "mid": stamp.mid, "user": stamp.user_id}


def field_stamp(data: dict) -> FieldStamp:
    agreeing = tuple(field_stamp(other).stamp for other in data.get("agreeing", ()))
    return FieldStamp(Stamp(datetime.fromisoformat(data["at"]), data["device"], data["mid"], data.get("user")), data["v"], agreeing)


def conflict_row(record: Record, conflict) -> Conflict:
    return Conflict(
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
