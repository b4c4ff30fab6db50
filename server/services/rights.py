"""Who may read and who may change which record.

Reads mirror the pull scopes of the protocol (§6); writes follow §5. Each
record type declares its rules (server/records); this module applies them.
A write check answers with a `Verdict`: FORBIDDEN when the role may never
make the change (the mutation is rejected), STALE when it could have, but not
in the record's current state (the mutation is a conflict).
"""

from dataclasses import dataclass
from typing import Any

from sqlalchemy import false, or_

from server.models import Record
from server.records import REGISTRY
from server.services.actor import Actor
from sync.workflow import Verdict


def can_read(actor: Actor, record: Record) -> bool:
    """Whether `record` is within what the actor may pull."""
    return REGISTRY[record.type].reads.rule(actor).check(actor, record)


def create_verdict(actor: Actor, record_type: str, site_id: str | None, parent: Record | None) -> Verdict:
    """Whether the actor may create a record of this type at this place."""
    if REGISTRY[record_type].server_written and not actor.is_system:
        return Verdict.FORBIDDEN
    return REGISTRY[record_type].rights.create(actor, site_id, parent)


def update_verdict(actor: Actor, record: Record, changed: set[str]) -> Verdict:
    """Whether the actor may change these fields of `record` as it stands now; office staff change what they read."""
    if not can_read(actor, record) or (REGISTRY[record.type].server_written and not actor.is_system):
        return Verdict.FORBIDDEN
    if actor.is_office:
        return Verdict.ALLOWED
    return REGISTRY[record.type].rights.update(actor, record, changed)


def delete_verdict(actor: Actor, record: Record) -> Verdict:
    """Whether the actor may delete `record`; office staff delete what they read, but for the kept types (an alert)."""
    declared = REGISTRY[record.type]
    if not can_read(actor, record) or ((declared.server_written or declared.kept) and not actor.is_system):
        return Verdict.FORBIDDEN
    if actor.is_office:
        return Verdict.ALLOWED
    return declared.rights.delete(actor, record)


@dataclass(frozen=True)
class Reader:
    """What the read rules' SQL needs of a caller: values, or bound parameters of a statement built once."""

    sites: Any = None  # None: every site
    company: Any = None
    places: Any = ()


def read_condition(contractor: bool, reader: Reader):
    """The read rules of every type as one SQL condition for a pull; True when the audience reads every record."""
    by_rule: dict = {}
    for record_type in REGISTRY.values():
        rule = record_type.reads.contractor if contractor else record_type.reads.staff
        by_rule.setdefault(rule, []).append(record_type.name)
    clauses, unconditional = [], []
    for rule, types in by_rule.items():
        condition = rule.where(reader)
        if condition is True:
            unconditional.extend(types)
        elif condition is not False:
            clauses.append(Record.type.in_(types) & condition)
    if len(unconditional) == len(REGISTRY):
        return True
    if unconditional:
        clauses.insert(0, Record.type.in_(unconditional))
    return or_(*clauses) if clauses else false()
