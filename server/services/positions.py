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
`mark_changed`; the `before_commit` hook does the rest, on any code path.
Rows inserted in bulk, without ORM objects, take a placeholder from
`placeholders` instead: a negative seq, unique in the transaction, which no
pull can match (they read positive ranges) and which one UPDATE turns into
real positions at commit. No other transaction sees the placeholders before
that commit, and none remains after it.
"""

from sqlalchemy import event, select, update
from sqlalchemy.orm import Session

from server.models import ChangeCounter, Record, ScopeExit

COUNTER_ID = 1


def mark_changed(session: Session, item) -> None:
    """Queue a Record or ScopeExit for a new feed position at commit."""
    pending = session.info.setdefault("changed", {})
    pending[id(item)] = item


def placeholders(session: Session, count: int) -> list[int]:
    """Seqs for `count` rows about to be inserted in bulk: -1, -2, ... in the order their positions will follow."""
    taken = session.info.get("placeholders", 0)
    session.info["placeholders"] = taken + count
    return list(range(-taken - 1, -taken - count - 1, -1))


def pending_positions(session: Session) -> tuple[dict, int]:
    """What waits for positions now, to put back if a savepoint is rolled back."""
    return dict(session.info.get("changed", {})), session.info.get("placeholders", 0)


def restore_positions(session: Session, pending: tuple[dict, int]) -> None:
    session.info["changed"], session.info["placeholders"] = dict(pending[0]), pending[1]


def forget_changes(session: Session) -> None:
    session.info.pop("changed", None)
    session.info.pop("placeholders", None)


COUNTER_VALUE = select(ChangeCounter.value).where(ChangeCounter.id == COUNTER_ID)


def current_position(session: Session) -> int:
    """The last position committed (or held by this transaction)."""
    return session.execute(COUNTER_VALUE).scalar_one()


@event.listens_for(Session, "before_commit")
def assign_positions(session: Session) -> None:
    if session.in_nested_transaction():
        return  # a savepoint ending: positions wait for the real commit
    pending = session.info.pop("changed", None) or {}
    inserted = session.info.pop("placeholders", 0)
    items = [item for item in pending.values() if item in session]
    if not items and not inserted:
        return
    # Exits first: when a record leaves one audience and enters another in one
    # commit, its new state must sort after the exit, or a reader in both would drop it.
    items.sort(key=lambda item: 0 if isinstance(item, ScopeExit) else 1)
    count = len(items) + inserted
    session.execute(update(ChangeCounter).where(ChangeCounter.id == COUNTER_ID).values(value=ChangeCounter.value + count))
    first = current_position(session) - count + 1
    for offset, item in enumerate(items):
        item.seq = first + offset
    if inserted:
        # Placeholder -1 takes the first position after the items, -2 the next, and so on.
        # (A row inserted and then changed through the ORM gets the item's position at the flush after this.)
        last_item, seq = first + len(items) - 1, Record.__table__.c.seq
        session.execute(update(Record.__table__).where(seq < 0).values(seq=last_item - seq))
