"""Findings: a problem seen on patrol, assigned to a contractor's company, fixed and closed.

A finding starts open; office staff assign it to a company with a due date,
the company's contractor starts and fixes it (a fix note and an "after"
photo), office staff close it or send the fix back (`sync.workflow.FINDING_MOVES`).
Its company reads it, with the places it hangs on.
"""

from schemas.records.finding import FindingFields
from server.records.base import ON_SITE, Reads, RecordType, Rejected, Rights, fieldwork_creates, live_children, office_only
from server.records.read import THEIR_COMPANY, THEIR_SITES
from server.services.actor import Actor
from sync.workflow import FINDING_WORKFLOW, Verdict

# Fields each role may change on a finding it can write. "photo" stands for adding a photo.
INSPECTOR_FIELDS = frozenset({"title", "description", "severity", "photo"})
CONTRACTOR_FIELDS = frozenset({"status", "fix_note", "photo"})
# A contractor's evidence (its note, its photos) is written only while the work is open;
# once the finding is fixed, closed or cancelled it is frozen for all but office.
CONTRACTOR_EVIDENCE = frozenset({"fix_note", "photo"})
CONTRACTOR_WORK_STATUSES = ("assigned", "in_progress")
# Finding fields that only office sets: the assignment. Refused on anyone else's create.
OFFICE_FIELDS = ("company_id", "due_date")


def finding_updates(actor: Actor, record, changed: set[str]) -> Verdict:
    """Its inspector corrects it while it is open; the company's contractor reports the work."""
    if actor.role == "inspector":
        if record.owner_id != actor.user_id or not changed <= INSPECTOR_FIELDS:
            return Verdict.FORBIDDEN
        return Verdict.ALLOWED if record.fields.get("status") == "open" else Verdict.STALE
    if actor.is_contractor:
        if not changed <= CONTRACTOR_FIELDS:
            return Verdict.FORBIDDEN
        if changed & CONTRACTOR_EVIDENCE and record.fields.get("status") not in CONTRACTOR_WORK_STATUSES:
            return Verdict.STALE
        return Verdict.ALLOWED
    return Verdict.FORBIDDEN


def only_office_assigns(actor: Actor, fields: dict) -> None:
    """A create by anyone but office staff names no company and no due date."""
    if actor.is_office:
        return
    if forbidden := [name for name in OFFICE_FIELDS if fields.get(name) is not None]:
        raise Rejected("forbidden", "Only office assigns a finding.", {name: ["Set by office when it assigns."] for name in forbidden})


REASSIGNABLE = ("assigned", "in_progress")  # a company's work not yet reported done


def reassignment(actor: Actor, record, changed: set[str]) -> str | None:
    """Office staff giving an assigned finding to another company assign it again."""
    if actor.is_office and "company_id" in changed and record.fields.get("status") in REASSIGNABLE:
        return "assigned"
    return None


def company_changed_after_the_work(record, changed: set[str], target: str | None) -> bool:
    """A finding fixed, closed or cancelled keeps the company that did (or did not do) the work.

    Only a move back to assigned (a fix sent back, a reopening) gives it to
    another company; before the assignment office may name one ahead.
    """
    return "company_id" in changed and target != "assigned" and record.fields.get("status") not in ("open", *REASSIGNABLE)


def status_needs(record_id: str, fields: dict, target: str) -> None:
    """Assigning needs a company and a due date; a fix needs a note and an "after" photo."""
    if target == "assigned" and not (fields.get("company_id") and fields.get("due_date")):
        raise Rejected(
            "invalid",
            "Assigning a finding needs a company_id and a due_date.",
            {"company_id": ["Needed to assign."], "due_date": ["Needed to assign."]},
        )
    if target == "fixed":
        if not (fields.get("fix_note") or "").strip():
            raise Rejected("invalid", "Marking a finding fixed needs a fix_note.", {"fix_note": ["Say what was done."]})
        if not any(photo.get("role") == "after" for photo in live_children(record_id, "photo")):
            raise Rejected("invalid", "Marking a finding fixed needs at least one 'after' photo.", {"status": ["Add an after photo first."]})


FINDING = RecordType(
    "finding",
    FindingFields,
    ON_SITE,
    Reads(staff=THEIR_SITES, contractor=THEIR_COMPANY),
    Rights(create=fieldwork_creates, update=finding_updates, delete=office_only),
    references={"site_id": "site", "area_id": "area", "checkpoint_id": "checkpoint", "inspection_id": "inspection", "company_id": "company"},
    same_site=("area_id", "checkpoint_id"),
    company_field="company_id",
    unassigned_statuses=("open",),  # its company reads it (and what hangs on it) once office has assigned it
    fixed_fields=("created_by", "reported_at"),
    owner_field="created_by",
    receipt_time_of="reported_at",
    status_history=True,
    workflow=FINDING_WORKFLOW,
    children=("photo", "comment"),
    check_create=only_office_assigns,
    status_needs=status_needs,
    implied_status=reassignment,
    stale_change=company_changed_after_the_work,
)
