"""Positions in the change feed, handed out in commit order.

A pull returns changes after a cursor, so positions must never be taken by a
transaction that commits after a later position became visible: with several
workers, change 101 could commit after 102 was already pulled, and a reader
past 102 would never see it. So positions are not taken while a request
works but at its commit: one counter row is incremented just before the
commit, and its row lock is held until the commit ends. Transactions
therefore take positions in the order they commit, and whatever a reader can
see of the counter, every position up to it is already committed.

Code that changes a record (or records that it left an audience) calls
`mark_changed`; code that inserted records without the ORM calls
`mark_inserted`; the `before_commit` hook does the rest, on any code path.
"""

from sqlalchemy import bindparam, event, select, update
from sqlalchemy.orm import Session

from server.models import ChangeCounter, Record, ScopeExit

COUNTER_ID = 1


def mark_changed(session: Session, item) -> None:
    """Queue a Record or ScopeExit for a new feed position at commit."""
    pending = session.info.setdefault("changed", {})
    pending[id(item)] = item


def mark_inserted(session: Session, record_ids: list[str]) -> None:
    """Queue records written by a Core INSERT (no ORM object to set) for new feed positions at commit."""
    session.info.setdefault("inserted", []).extend(record_ids)


def pending_positions(session: Session) -> tuple[dict, list]:
    """What waits for positions now, to put back if a savepoint is rolled back."""
    return dict(session.info.get("changed", {})), list(session.info.get("inserted", []))


def restore_positions(session: Session, pending: tuple[dict, list]) -> None:
    session.info["changed"], session.info["inserted"] = dict(pending[0]), list(pending[1])


def forget_changes(session: Session) -> None:
    session.info.pop("changed", None)
    session.info.pop("inserted", None)


def current_position(session: Session) -> int:
    """The last position committed (or held by this transaction)."""
    return session.execute(select(ChangeCounter.value).where(ChangeCounter.id == COUNTER_ID)).scalar_one()


@event.listens_for(Session, "before_commit")
def assign_positions(session: Session) -> None:
    if session.in_nested_transaction():
        return  # a savepoint ending: positions wait for the real commit
    pending = session.info.pop("changed", None) or {}
    inserted = session.info.pop("inserted", None) or []
    items = [item for item in pending.values() if item in session]
    # A record inserted and then changed in the same transaction needs one position, not two.
    changed_ids = {item.id for item in items if isinstance(item, Record)}
    inserted = [record_id for record_id in dict.fromkeys(inserted) if record_id not in changed_ids]
    if not items and not inserted:
        return
    # Exits first: when a record leaves one audience and enters another in one
    # commit, its new state must sort after the exit, or a reader in both would drop it.
    items.sort(key=lambda item: 0 if isinstance(item, ScopeExit) else 1)
    count = len(items) + len(inserted)
    session.execute(
        update(ChangeCounter).where(ChangeCounter.id == COUNTER_ID).values(value=ChangeCounter.value + count)
    )
    first = current_position(session) - count + 1
    for offset, item in enumerate(items):
        item.seq = first + offset
    if inserted:
        first += len(items)
        table = Record.__table__
        session.execute(
            update(table).where(table.c.id == bindparam("record_id")).values(seq=bindparam("position")),
            [{"record_id": record_id, "position": first + offset} for offset, record_id in enumerate(inserted)],
        )
