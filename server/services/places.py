"""Where a record sits: the records it points at, its scope keys, and moving it with what hangs on it.

A record row carries denormalised scope keys (site_id, company_id,
parent_id) so a pull filters without reading JSON. They are worked out from
the type's declared place (server/records/base.py `PLACES`) and kept in step
when a change moves the record; its old audiences then get a `ScopeExit`.
"""

from sqlalchemy import select

from server.extensions import db
from server.models import Record, ScopeExit
from server.records import REGISTRY
from server.records.base import ON_PARENT, ON_SITE, OWN_COMPANY, OWN_SITE, Rejected, company_key


def resolve_place(batch, record_type: str, record_id: str, fields: dict) -> dict:
    """Check what the record points at and work out its scope keys; raises Rejected."""
    declared = REGISTRY[record_type]
    place = {"site_id": None, "company_id": None, "parent_id": None, "parent": None}
    for field_name, target_type in declared.references.items():
        if fields.get(field_name):
            batch.require(fields[field_name], target_type, field_name)
    if declared.place == OWN_SITE:
        place["site_id"] = record_id
    elif declared.place == OWN_COMPANY:
        place["company_id"] = record_id
    elif declared.place == ON_SITE:
        place["site_id"] = fields["site_id"]
        place["company_id"] = company_key(declared, fields)
        place["parent_id"] = fields.get(declared.parent_field) if declared.parent_field else None
        for field_name in declared.same_site:
            target_type = declared.references[field_name]
            if fields.get(field_name) and batch.require(fields[field_name], target_type, field_name).site_id != fields["site_id"]:
                raise Rejected("invalid", f"The {target_type} is on another site.", {field_name: ["On another site."]})
        if declared.parent_field and declared.references[declared.parent_field] == declared.name and fields.get(declared.parent_field):
            check_no_loop(batch, declared.name, record_id, fields[declared.parent_field], declared.parent_field)
    elif declared.place == ON_PARENT:
        parent = batch.require(fields["parent_id"], fields["parent_type"], "parent_id")
        place.update(site_id=parent.site_id, company_id=parent.company_id, parent_id=parent.id, parent=parent)
    return place


def check_no_loop(batch, record_type: str, record_id: str, parent_id: str, field_name: str) -> None:
    """A record of a tree (an area) may not hang under itself or anything below it."""
    seen = set()
    while parent_id and parent_id not in seen:
        if parent_id == record_id:
            raise Rejected("invalid", f"The {record_type} would hang under itself.", {field_name: [f"Is this {record_type} or one below it."]})
        seen.add(parent_id)
        parent = batch.referenced.get(parent_id) or db.session.get(Record, parent_id)
        parent_id = parent.parent_id if parent is not None else None


def move_record(record: Record, place: dict, changes) -> None:
    """Give a record new scope keys; its old audiences learn it left, and what hangs on it follows."""
    old_site, old_company = record.site_id, record.company_id
    record.site_id, record.company_id, record.parent_id = place["site_id"], place["company_id"], place["parent_id"]
    if (old_site, old_company) == (record.site_id, record.company_id):
        return
    for child, exits in moved_family(record, old_site, old_company):
        for exit in exits:
            db.session.add(exit)
            changes.add(exit)
        if child is not record:
            changes.add(child)


def moved_family(record: Record, old_site: str | None, old_company: str | None):
    """The record and everything hanging on it (its type's `children`, and theirs), with their new keys set and the exits due."""
    family = [record]
    queue = [record]
    while queue:
        parent = queue.pop()
        child_types = REGISTRY[parent.type].children
        if not child_types:
            continue
        children = db.session.execute(select(Record).where(Record.parent_id == parent.id, Record.type.in_(child_types))).scalars().all()
        for child in children:
            child.site_id, child.company_id = record.site_id, record.company_id
            family.append(child)
            queue.append(child)
    for member in family:
        exits = []
        if old_company and old_company != record.company_id:
            exits.append(ScopeExit(record_id=member.id, record_type=member.type, audience="company", audience_id=old_company))
        if old_site and old_site != record.site_id:
            exits.append(ScopeExit(record_id=member.id, record_type=member.type, audience="site", audience_id=old_site))
        yield member, exits
