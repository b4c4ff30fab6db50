"""Apply pushed mutations to records, each exactly once.

A mutation's id (`mid`) is inserted into `mutations` before anything else;
the primary key makes a second insert of the same mid fail or wait for the
first, so however often and on however many workers a batch is pushed, a
mutation changes state once and later pushes get its first outcome back.

Each mutation runs in its own savepoint: a rejected one leaves no trace but
its outcome, and never stops the others. Writing one record is `writes`;
who may do what is `rights`; each type's rules are its declaration in
server/records. Edits made on the server itself (the demo, the shell,
resolving a conflict) go through `apply_server_edit`, the same path.
"""

import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from types import SimpleNamespace

from marshmallow import ValidationError
from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError

from schemas.api import MutationSchema
from schemas.loader import Loader
from server.errors import validation_fields
from server.extensions import db
from server.models import Mutation, Record, utcnow
from server.records import Rejected
from server.services.actor import Actor
from server.services.positions import forget_changes, mark_changed, pending_positions, placeholders, restore_positions
from server.services.writes import created, new_record_row, write_record
from sync.clock import clock_offset, corrected_edit_time
from sync.merge import Stamp

MUTATION_LOADER = Loader(MutationSchema())


class Batch:
    """What one push (or one server edit) refers to, loaded once: the records its mutations point at.

    The session's identity map holds records weakly; the batch keeps the ones
    its mutations refer to, so each loads once. A quick create puts its row
    here until it is written, so a later mutation of the batch (a finding of
    a new inspection, its photo) finds it.
    """

    def __init__(self):
        self.referenced: dict[str, object] = {}
        # Derived records to refresh once the batch is applied: (type, id) -> ids of the records written that bear on it.
        self.follow_ups: dict[tuple[str, str], set[str]] = {}

    def note_written(self, declared, record_id: str, fields: dict) -> None:
        """A record of the batch was written: remember what the server derives from it (RecordType.follow_ups)."""
        if declared.follow_ups:
            for key in declared.follow_ups(record_id, fields):
                self.follow_ups.setdefault(key, set()).add(record_id)

    def refresh_follow_ups(self) -> None:
        """Bring the derived records up to date, in the batch's transaction (a round judged from its inspections)."""
        from server.records import REGISTRY

        pending, self.follow_ups = self.follow_ups, {}
        for (record_type, record_id), sources in sorted(pending.items()):
            REGISTRY[record_type].refresh(record_id, sources)

    def require(self, record_id: str, record_type: str, field_name: str) -> Record:
        """The live record of this type and id; raises Rejected(unknown_reference) if there is none."""
        found = self.referenced.get(record_id) or db.session.get(Record, record_id)
        if found is not None:
            self.referenced[record_id] = found
        if found is None or found.type != record_type or found.deleted:
            raise Rejected("unknown_reference", f"There is no {record_type} {record_id}.", {field_name: [f"No such {record_type}."]})
        return found


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
    savepoint per mutation, with a fresh `Batch` (the first may hold records
    whose insert was just rolled back).
    """
    offset = clock_offset(sent_at, received_at)
    mids = {raw["mid"].lower() for raw in mutations}
    stored = dict(db.session.execute(select(Mutation.mid, Mutation.result).where(Mutation.mid.in_(mids))).all())
    positions_before = pending_positions(db.session)
    try:
        with db.session.begin_nested():
            batch = Batch()
            results = apply_in_order(batch, actor, mutations, dict(stored), offset, received_at, QuickCreates(batch))
    except IntegrityError:
        restore_positions(db.session, positions_before)
        batch = Batch()
        results = apply_in_order(batch, actor, mutations, dict(stored), offset, received_at, None)
    batch.refresh_follow_ups()
    return results


def apply_in_order(
    batch: Batch, actor: Actor, mutations: list[dict], outcomes: dict, offset: timedelta, received_at: datetime, quick: "QuickCreates | None"
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
            outcomes[mid] = apply_mutation(batch, actor, raw, offset, received_at, quick)
        else:
            if quick:
                quick.write()  # so a refused quick create fails here, not inside this mutation's savepoint
            outcomes[mid] = apply_mutation(batch, actor, raw, offset, received_at)
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
    (bench/profile_push.py). Until written, a new record is kept in the
    batch's referenced records.
    """

    batch: Batch
    records: list[dict] = field(default_factory=list)
    outcomes: list[dict] = field(default_factory=list)

    def add_record(self, row: dict) -> None:
        self.records.append(row)
        self.batch.referenced[row["id"]] = SimpleNamespace(**row)

    def add_outcome(self, guard: dict, outcome: dict) -> dict:
        self.outcomes.append({**guard, "result": outcome, "received_at": utcnow()})
        return outcome

    def write(self) -> None:
        if self.records:
            for row, seq in zip(self.records, placeholders(db.session, len(self.records)), strict=True):
                row["seq"] = seq
            db.session.execute(insert(Record.__table__), self.records)
            for row in self.records:
                self.batch.referenced.pop(row["id"], None)  # from now on the database has it
        if self.outcomes:
            db.session.execute(insert(Mutation.__table__), self.outcomes)
        self.records, self.outcomes = [], []


def forget_batch() -> None:
    """After a rollback of the whole transaction: nothing of the batch waits for positions."""
    forget_changes(db.session)


def duplicate_of(mid: str, first: dict | None) -> dict:
    """A duplicate's result: the first outcome, with its status kept as first_status."""
    result = dict(first or {})
    if result.get("status") != "duplicate":  # a duplicate of a duplicate keeps the original status
        result["first_status"] = result.get("status")
    result.update(mid=mid, status="duplicate")
    return result


def existing_record_ids(ids: set[str]) -> set[str]:
    return set(db.session.execute(select(Record.id).where(Record.id.in_(ids))).scalars())


def apply_mutation(batch: Batch, actor: Actor, raw: dict, offset: timedelta, received_at: datetime, quick: QuickCreates | None = None) -> dict:
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
        return create_quickly(batch, actor, mutation, stamp, guard, quick)
    return write(batch, actor, mutation, stamp, Mutation(**guard))


def create_quickly(batch: Batch, actor: Actor, mutation: dict, stamp: Stamp, guard: dict, quick: QuickCreates) -> dict:
    """Create a record no one has, without a savepoint: a create adds nothing until it is accepted."""
    try:
        row = new_record_row(batch, actor, mutation, stamp)
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


def write(batch: Batch, actor: Actor, mutation: dict, stamp: Stamp, guard: Mutation | None = None) -> dict:
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
                result = write_record(batch, actor, mutation, stamp, changes)
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


def apply_server_edit(
    actor: Actor,
    record_type: str,
    fields: dict | None,
    record_id: str | None = None,
    op: str = "upsert",
    base_version: int | None = None,
    batch: Batch | None = None,
    edited_at: datetime | None = None,
) -> dict:
    """An edit made on the server (demo data, the shell, a conflict resolved), applied as a push applies one.

    The same schema, rights, workflow and checks as a device's mutation, in a
    savepoint of its own, stamped now by the actor's device (or at `edited_at`:
    the demo's history, as a phone offline then would have stamped it). Its
    result is what a push would answer; nothing is stored under its mid.
    """
    mid = str(uuid.uuid4())
    mutation = {"mid": mid, "type": record_type, "id": record_id or str(uuid.uuid4()), "op": op, "fields": fields, "base_version": base_version}
    batch = batch or Batch()
    result = write(batch, actor, mutation, Stamp(edited_at or utcnow(), actor.device_id, mid, actor.user_id))
    batch.refresh_follow_ups()
    return result
