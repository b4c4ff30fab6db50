"""Status state machines: who may move a record from which status to which.

A status is not merged by edit time like other fields: a transition is
checked against the server's current status. A role that may never reach the
target is refused (`Verdict.FORBIDDEN`); a role that may reach it, but not from
the current status, made its edit on a state that no longer holds
(`Verdict.STALE`), so a closed finding is never reopened by an old offline edit.

The move tables are plain data; a record type names its `Workflow` in the
server's registry (server/records).
"""

from dataclasses import dataclass, field
from enum import Enum


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

INSPECTION_MOVES = {
    ("draft", "submitted"): OFFICE_ROLES | {"inspector"},
    ("submitted", "reviewed"): OFFICE_ROLES,
    ("submitted", "draft"): OFFICE_ROLES,  # sent back to the inspector
}

ROUND_STATUSES = ("due", "done", "late", "missed", "cancelled")  # cancelled: its schedule was edited or ended before it began
# Rounds are judged by the server alone (server/services/rounds.py): no device writes one. A missed round stays
# missed when the work is handed in after its grace (attached, labelled); it becomes done or late only when work
# done in time reaches the server after the missed tick (a phone offline past the grace). Its alert stays.
ROUND_MOVES = (
    {("due", to): OFFICE_ROLES for to in ("done", "late", "missed", "cancelled")}
    | {("missed", to): OFFICE_ROLES for to in ("done", "late")}
    | {("late", "done"): OFFICE_ROLES}  # an earlier visit, made in the window on a phone that was offline, reaches the server later
    | {("cancelled", "due"): OFFICE_ROLES}  # the schedule edited back
)

ALERT_MOVES = {
    ("unread", "read"): OFFICE_ROLES,
    ("read", "unread"): OFFICE_ROLES,
}


@dataclass(frozen=True)
class Workflow:
    """A record type's statuses, the one a new record starts in, and the moves between them."""

    statuses: tuple[str, ...]
    initial: str
    moves: dict[tuple[str, str], frozenset[str]]
    settled: tuple[str, ...] = ()  # left only by an edit made on the record's current version (a reopening)
    reachable: dict[str, frozenset[str]] = field(init=False, repr=False)  # role -> every status it may move a record to

    def __post_init__(self):
        unknown = {self.initial, *self.settled, *(status for move in self.moves for status in move)} - set(self.statuses)
        if unknown:
            raise ValueError(f"moves name statuses not declared: {sorted(unknown)}")
        roles = {role for allowed in self.moves.values() for role in allowed}
        object.__setattr__(self, "reachable", {role: frozenset(to for (_, to), allowed in self.moves.items() if role in allowed) for role in roles})

    def check(self, role: str, current: str, target: str) -> Verdict:
        """Whether `role` may move a record from `current` to `target`."""
        if target not in self.reachable.get(role, ()):
            return Verdict.FORBIDDEN
        if role in self.moves.get((current, target), ()):
            return Verdict.ALLOWED
        return Verdict.STALE


FINDING_WORKFLOW = Workflow(("open", "assigned", "in_progress", "fixed", "closed", "cancelled"), "open", FINDING_MOVES, settled=("closed",))
INSPECTION_WORKFLOW = Workflow(("draft", "submitted", "reviewed"), "draft", INSPECTION_MOVES)
ROUND_WORKFLOW = Workflow(ROUND_STATUSES, "due", ROUND_MOVES)
ALERT_WORKFLOW = Workflow(("unread", "read"), "unread", ALERT_MOVES)
WORKFLOWS = {"finding": FINDING_WORKFLOW, "inspection": INSPECTION_WORKFLOW, "round": ROUND_WORKFLOW, "alert": ALERT_WORKFLOW}


def check_move(record_type: str, role: str, current: str, target: str) -> Verdict:
    """Whether `role` may move a record of `record_type` from `current` to `target`."""
    return WORKFLOWS[record_type].check(role, current, target)
