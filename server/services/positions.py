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
"""

from sqlalchemy import event, select, update
from sqlalchemy.orm import Session

from server.models import ChangeCounter, ScopeExit

COUNTER_ID = 1


def mark_changed(session: Session, item) -> None:
    """Queue a Record or ScopeExit for a new feed position at commit."""
    pending = session.info.setdefault("changed", {})
    pending[id(item)] = item


def forget_changes(session: Session) -> None:
    session.info.pop("changed", None)


def current_position(session: Session) -> int:
    """The last position committed (or held by this transaction)."""
    return session.execute(select(ChangeCounter.value).where(ChangeCounter.id == COUNTER_ID)).scalar_one()


@event.listens_for(Session, "before_commit")
def assign_positions(session: Session) -> None:
    if session.in_nested_transaction():
        return  # a savepoint ending: positions wait for the real commit
    pending = session.info.pop("changed", None)
    if not pending:
        return
    items = [item for item in pending.values() if item in session]
    if not items:
        return
    # Exits first: when a record leaves one audience and enters another in one
    # commit, its new state must sort after the exit, or a reader in both would drop it.
    items.sort(key=lambda item: 0 if isinstance(item, ScopeExit) else 1)
    session.execute(
        update(ChangeCounter).where(ChangeCounter.id == COUNTER_ID).values(value=ChangeCounter.value + len(items))
    )
    top = current_position(session)
    for offset, item in enumerate(items):
        item.seq = top - len(items) + 1 + offset
