"""Who may read and who may change which record.

Reads mirror the pull scopes of the protocol (§6); writes follow §5. A write
check answers with a `Verdict`: FORBIDDEN when the role may never make the
change (the mutation is rejected), STALE when it could have, but not in the
record's current state (the mutation is a conflict).
"""

from sqlalchemy import select

from server.extensions import db
from server.models import Record
from server.services.actor import Actor
from sync.workflow import Verdict

REFERENCE_TYPES = ("site", "area", "checkpoint", "company", "template")
GLOBAL_TYPES = ("template", "company")  # read by every non-contractor, whatever its sites
CONTRACTOR_TYPES = ("finding", "photo", "comment", "company")

# Fields each role may change on a record it can write. "photo" stands for adding a photo.
INSPECTOR_FINDING_FIELDS = frozenset({"title", "description", "severity", "photo"})
CONTRACTOR_FINDING_FIELDS = frozenset({"status", "fix_note", "photo"})
# A contractor's evidence (its note, its photos) is written only while the work is open;
# once the finding is fixed, closed or cancelled it is frozen for all but office.
CONTRACTOR_EVIDENCE = frozenset({"fix_note", "photo"})
CONTRACTOR_WORK_STATUSES = ("assigned", "in_progress")
# Finding fields that only office sets: the assignment. Refused on anyone else's create.
OFFICE_FINDING_FIELDS = ("company_id", "due_date")
# A finding reaches its company once office has assigned it, and stays with it whatever its status.
UNASSIGNED_STATUSES = ("open",)


def can_read(actor: Actor, record: Record) -> bool:
    """Whether `record` is within what the actor may pull."""
    if actor.is_contractor:
        if record.type in CONTRACTOR_TYPES:
            return record.company_id is not None and record.company_id == actor.company_id
        if record.type in ("site", "area", "checkpoint"):
            return record.id in contractor_references(actor.company_id)
        return False
    if record.type in GLOBAL_TYPES:
        return True
    return actor.covers_site(record.site_id)


def contractor_references(company_id: str | None) -> set[str]:
    """Ids of the sites, areas (with their ancestors) and checkpoints a company's findings hang on."""
    if company_id is None:
        return set()
    findings = db.session.execute(
        select(Record.fields).where(Record.type == "finding", Record.company_id == company_id, Record.deleted.is_(False))
    ).scalars()
    return references_of(list(findings))


def references_of(finding_fields: list[dict]) -> set[str]:
    """The site, area chain and checkpoint ids that these findings point at."""
    ids: set[str] = set()
    area_ids: set[str] = set()
    for fields in finding_fields:
        ids.update(value for value in (fields.get("site_id"), fields.get("checkpoint_id")) if value)
        if fields.get("area_id"):
            area_ids.add(fields["area_id"])
    # Walk up the area tree so a device can show "Block A / 3F / Unit 301".
    seen: set[str] = set()
    while area_ids - seen:
        batch = area_ids - seen
        seen |= batch
        parents = db.session.execute(select(Record.parent_id).where(Record.id.in_(batch), Record.type == "area")).scalars()
        area_ids |= {parent for parent in parents if parent}
    return ids | seen


def create_verdict(actor: Actor, record_type: str, site_id: str | None, parent: Record | None) -> Verdict:
    """Whether the actor may create a record of this type at this place."""
    if record_type in REFERENCE_TYPES:
        if not actor.is_office:
            return Verdict.FORBIDDEN
        return Verdict.ALLOWED if site_id is None or actor.covers_site(site_id) else Verdict.FORBIDDEN
    if record_type in ("inspection", "finding"):
        if actor.role not in ("office", "admin", "inspector"):
            return Verdict.FORBIDDEN
        return Verdict.ALLOWED if actor.covers_site(site_id) else Verdict.FORBIDDEN
    if record_type == "comment":
        return Verdict.ALLOWED if parent is not None and can_read(actor, parent) else Verdict.FORBIDDEN
    if record_type == "photo":
        if parent is None:
            return Verdict.FORBIDDEN
        return update_verdict(actor, parent, {"photo"})
    return Verdict.FORBIDDEN


def forbidden_create_fields(actor: Actor, record_type: str, fields: dict) -> list[str]:
    """Fields a create names that the actor's role may not set: only office assigns a finding."""
    if record_type != "finding" or actor.is_office:
        return []
    return [name for name in OFFICE_FINDING_FIELDS if fields.get(name) is not None]


def finding_company(fields: dict) -> str | None:
    """A finding's company scope key: its company once assigned, none while it is open.

    Photos and comments take their parent's key, so an open finding's
    company (set by office ahead of the assignment) reads none of them.
    """
    return None if fields.get("status") in UNASSIGNED_STATUSES else fields.get("company_id")


def update_verdict(actor: Actor, record: Record, changed: set[str]) -> Verdict:
    """Whether the actor may change these fields of `record` as it stands now."""
    if not can_read(actor, record):
        return Verdict.FORBIDDEN
    if actor.is_office:
        return Verdict.ALLOWED
    if record.type in REFERENCE_TYPES:
        return Verdict.FORBIDDEN
    if record.type == "inspection":
        if actor.role != "inspector" or record.owner_id != actor.user_id:
            return Verdict.FORBIDDEN
        return Verdict.STALE if record.fields.get("status") == "reviewed" else Verdict.ALLOWED
    if record.type == "finding":
        if actor.role == "inspector":
            if record.owner_id != actor.user_id or not changed <= INSPECTOR_FINDING_FIELDS:
                return Verdict.FORBIDDEN
            return Verdict.ALLOWED if record.fields.get("status") == "open" else Verdict.STALE
        if actor.is_contractor:
            if not changed <= CONTRACTOR_FINDING_FIELDS:
                return Verdict.FORBIDDEN
            if changed & CONTRACTOR_EVIDENCE and record.fields.get("status") not in CONTRACTOR_WORK_STATUSES:
                return Verdict.STALE
            return Verdict.ALLOWED
        return Verdict.FORBIDDEN
    if record.type in ("comment", "photo"):
        return authors_verdict(actor, record)
    return Verdict.FORBIDDEN


def authors_verdict(actor: Actor, record: Record) -> Verdict:
    """An author changes its own comment or photo; a photo only while it could still be added to its parent."""
    if record.owner_id != actor.user_id:
        return Verdict.FORBIDDEN
    if record.type != "photo":
        return Verdict.ALLOWED
    parent = db.session.get(Record, record.parent_id) if record.parent_id else None
    if parent is None or parent.deleted:
        return Verdict.STALE
    return update_verdict(actor, parent, {"photo"})


def delete_verdict(actor: Actor, record: Record) -> Verdict:
    """Office deletes anything it can read; authors their comments and photos (a photo while its parent takes photos); inspectors their drafts."""
    if not can_read(actor, record):
        return Verdict.FORBIDDEN
    if actor.is_office:
        return Verdict.ALLOWED
    if record.type in ("comment", "photo") and record.owner_id == actor.user_id:
        return authors_verdict(actor, record)
    if record.type == "inspection" and actor.role == "inspector" and record.owner_id == actor.user_id:
        return Verdict.ALLOWED if record.fields.get("status") == "draft" else Verdict.STALE
    return Verdict.FORBIDDEN
