"""What a record type declares, and the pieces several types share.

A `RecordType` holds everything the server knows about one type: its field
schema, where it sits (its scope keys), who reads it, who may write it, its
workflow, the checks its values must pass and what hangs on it. The writes
(server/services/writes.py), the pull (server/services/pull.py) and the rights
(server/services/rights.py) read only this declaration; tests/unit/test_registry.py
fails on a type that leaves a piece out.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from marshmallow import Schema
from sqlalchemy import select

from server.extensions import db
from server.models import Record
from server.services.actor import Actor
from sync.workflow import Verdict, Workflow

# Where a record's scope keys (site_id, company_id, parent_id of its row) come from.
OWN_SITE = "own site"  # a site: its own id is its site key
OWN_COMPANY = "own company"  # a company: its own id is its company key
NOWHERE = "nowhere"  # no site, no company: read by every office and inspector (a template)
ON_SITE = "on site"  # its site_id field; optionally a company field and a parent field
ON_PARENT = "on parent"  # the keys of the record its parent_type/parent_id fields name
PLACES = (OWN_SITE, OWN_COMPANY, NOWHERE, ON_SITE, ON_PARENT)


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


@dataclass(frozen=True)
class ReadRule:
    """Which records of a type one audience reads: the check of one record and the pull's SQL filter, side by side.

    `check(actor, record)` answers for one record. `where(reader)` is the same
    rule as a SQL condition, or True (every record) or False (none), where
    `reader` carries the caller's `sites`, `company` and `places` as values or
    bound parameters. tests/api/test_read_scope.py checks both agree.
    """

    name: str
    check: Callable
    where: Callable


@dataclass(frozen=True)
class Reads:
    """Who reads a type: office staff and inspectors (`staff`, within their sites), and contractors."""

    staff: ReadRule
    contractor: ReadRule

    def rule(self, actor: Actor) -> ReadRule:
        return self.contractor if actor.is_contractor else self.staff


@dataclass(frozen=True)
class Rights:
    """Who may write a type, as a `Verdict` (FORBIDDEN: rejected; STALE: a conflict).

    `create(actor, site_id, parent)` decides every create. `update(actor, record,
    changed)` and `delete(actor, record)` decide only for a caller who can read
    the record and is not office staff: office staff change and delete
    whatever they can read (server/services/rights.py).
    """

    create: Callable
    update: Callable
    delete: Callable


def company_key(record_type: "RecordType", fields: dict) -> str | None:
    """The company scope key of an ON_SITE record: its company field, unless its status keeps it from that company."""
    if record_type.company_field is None or fields.get("status") in record_type.unassigned_statuses:
        return None
    return fields.get(record_type.company_field)


@dataclass(frozen=True)
class RecordType:
    """Everything the server knows about one record type."""

    name: str
    schema: type[Schema]  # its fields, as a device sends them (schemas/records/)
    place: str  # one of PLACES
    reads: Reads
    rights: Rights
    references: dict[str, str] = field(default_factory=dict)  # field -> the type of record it names
    same_site: tuple[str, ...] = ()  # references that must be on the record's own site
    company_field: str | None = None  # ON_SITE: the field whose company the record is given to
    unassigned_statuses: tuple[str, ...] = ()  # with company_field: statuses in which that company does not read it yet
    parent_field: str | None = None  # ON_SITE: the field naming the record it hangs under (an area's parent)
    fixed_fields: tuple[str, ...] = ()  # set on create, never changed after
    owner_field: str | None = None  # names its author; the server sets it to the creator
    # With owner_field: the author's display name as well, set by the server on create, for the
    # devices that cannot list people (contractors, inspectors) to say who wrote it. No client sets it.
    owner_name_field: str | None = None
    workflow: Workflow | None = None  # its statuses, when its fields have a status
    created_later: bool = False  # a create may name a later status, if the creator could move it there
    children: tuple[str, ...] = ()  # types that hang on it (parent_type/parent_id) and move with it
    edit_time_fields: tuple[str, ...] = ()  # set to the edit's time on create when left out
    kept_maps: tuple[str, ...] = ()  # merged maps stored as an object even when empty
    blob_field: str | None = None  # the field naming its image, copied to the row's blob column
    # Evidence whose time the device claims (this field) gets `received_at` beside it on create: the
    # server's time when it took the record, which no client sets. Where the two differ by more than
    # the clock tolerance (sync/clock.py), the desk shows both.
    receipt_time_of: str | None = None
    # With a workflow: the server keeps the field `status_history`, a list of {status, at (its own time), by
    # (user id), role, note (the `status_note` sent with the move)}, one entry per status the record takes,
    # so who verified a fix, when and with what result stays on the record. No client sets it.
    status_history: bool = False
    # Written by the server's own jobs alone (rounds): every device's create, change or delete is refused, office's too.
    server_written: bool = False
    # A record of what happened (a missed round's alert): nobody but the server deletes it, office included.
    kept: bool = False
    # Records the server derives from this type's: (fields) -> [(type, id), ...] to bring up to date once the push
    # (or server edit) that wrote it is applied, by that type's `refresh(record_id)`. An inspection names its round.
    follow_ups: Callable | None = None
    refresh: Callable | None = None
    # Checks, each optional, each raising Rejected:
    check_create: Callable | None = None  # (actor, fields), on a create before its place and rights
    check_change: Callable | None = None  # (record, changed field names), on an update before its rights
    check_values: Callable | None = None  # (batch, fields, written paths), on create and after an update's merge
    status_needs: Callable | None = None  # (record_id, fields, target status): what a status requires
    implied_status: Callable | None = None  # (actor, record, changed) -> a status a change moves the record to, or None
    stale_change: Callable | None = None  # (record, changed, target status) -> True: the change no longer fits its status, a conflict


# Shared rights.


def office_creates(actor: Actor, site_id: str | None, parent) -> Verdict:
    """Reference data: office staff create it, on one of their sites if it has one."""
    if not actor.is_office:
        return Verdict.FORBIDDEN
    return Verdict.ALLOWED if site_id is None or actor.covers_site(site_id) else Verdict.FORBIDDEN


def system_only(actor: Actor, *args) -> Verdict:
    """Only the server itself writes it (RecordType.server_written)."""
    return Verdict.ALLOWED if actor.is_system else Verdict.FORBIDDEN


def office_only(actor: Actor, record: Record, changed: set[str] | None = None) -> Verdict:
    """Only office staff change or delete it."""
    return Verdict.FORBIDDEN


def fieldwork_creates(actor: Actor, site_id: str | None, parent) -> Verdict:
    """Office staff and inspectors create it on their sites."""
    if actor.role not in ("office", "admin", "inspector"):
        return Verdict.FORBIDDEN
    return Verdict.ALLOWED if actor.covers_site(site_id) else Verdict.FORBIDDEN


def author_only(actor: Actor, record: Record, changed: set[str] | None = None) -> Verdict:
    """Its author changes or deletes it (and office staff)."""
    return Verdict.ALLOWED if record.owner_id == actor.user_id else Verdict.FORBIDDEN


def live_children(parent_id: str, child_type: str) -> list[dict]:
    """The fields of the records of `child_type` that hang on a record."""
    query = select(Record.fields).where(Record.parent_id == parent_id, Record.type == child_type, Record.deleted.is_(False))
    return list(db.session.execute(query).scalars())
