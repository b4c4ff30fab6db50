"""Status state machines: who may move a record from which status to which.

A status is not merged by edit time like other fields: a transition is
checked against the server's current status. A role that may never reach the
target is refused (`Verdict.FORBIDDEN`); a role that may reach it, but not from
the current status, made its edit on a state that no longer holds
(`Verdict.STALE`), so a closed finding is never reopened by an old offline edit.
"""

from enum import Enum
from functools import cache


class Verdict(Enum):
    ALLOWED = "allowed"
    FORBIDDEN = "forbidden"
    STALE = "stale"


OFFICE_ROLES = frozenset({"office", "admin"})

# (from, to) -> roles that may make that move. Office and admin may make every move.
FINDING_MOVES = {
    ("open", "assigned"): OFFICE_ROLES,
    ("open", "cancelled"): OFFICE_ROLES,
    ("assigned", "in_progress"): OFFICE_ROLES | {"contractor"},
    ("assigned", "fixed"): OFFICE_ROLES | {"contractor"},
    ("assigned", "cancelled"): OFFICE_ROLES,
    ("assigned", "assigned"): OFFICE_ROLES,  # reassigned to another company
    ("in_progress", "fixed"): OFFICE_ROLES | {"contractor"},
    ("in_progress", "assigned"): OFFICE_ROLES,  # reassigned to another company
    ("fixed", "closed"): OFFICE_ROLES,
    ("fixed", "assigned"): OFFICE_ROLES,  # the fix is rejected
    ("closed", "assigned"): OFFICE_ROLES,  # reopened, only on the current version
}
FINDING_STATUSES = ("open", "assigned", "in_progress", "fixed", "closed", "cancelled")

INSPECTION_MOVES = {
    ("draft", "submitted"): OFFICE_ROLES | {"inspector"},
    ("submitted", "reviewed"): OFFICE_ROLES,
    ("submitted", "draft"): OFFICE_ROLES,  # sent back to the inspector
}
INSPECTION_STATUSES = ("draft", "submitted", "reviewed")

MOVES = {"finding": FINDING_MOVES, "inspection": INSPECTION_MOVES}
INITIAL_STATUS = {"finding": "open", "inspection": "draft"}


def check_move(record_type: str, role: str, current: str, target: str) -> Verdict:
    """Whether `role` may move a record of `record_type` from `current` to `target`."""
    if target not in reachable(record_type, role):
        return Verdict.FORBIDDEN
    if role in MOVES[record_type].get((current, target), ()):
        return Verdict.ALLOWED
    return Verdict.STALE


@cache
def reachable(record_type: str, role: str) -> frozenset[str]:
    """Every status `role` may move a record of `record_type` to, from some status."""
    return frozenset(to for (_, to), roles in MOVES[record_type].items() if role in roles)
