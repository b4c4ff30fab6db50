"""Read rules: which records of a type an audience may read (protocol §6).

Each rule is written once, as the check of one record and, beside it, the
same condition in SQL for the pull. A type picks one rule for office staff
and inspectors and one for contractors (its `Reads`).
"""

from sqlalchemy import select

from server.extensions import db
from server.models import Record
from server.records.base import ReadRule

EVERYONE = ReadRule("everyone", check=lambda actor, record: True, where=lambda reader: True)
NOBODY = ReadRule("nobody", check=lambda actor, record: False, where=lambda reader: False)
# A caller with no site limit (reader.sites is None) covers every site.
THEIR_SITES = ReadRule(
    "their sites",
    check=lambda actor, record: actor.covers_site(record.site_id),
    where=lambda reader: True if reader.sites is None else Record.site_id.in_(reader.sites),
)
THEIR_COMPANY = ReadRule(
    "their company",
    check=lambda actor, record: record.company_id is not None and record.company_id == actor.company_id,
    where=lambda reader: Record.company_id == reader.company,
)
# The places (site, area chain, checkpoint) that a contractor's findings hang on: `contractor_places`.
THEIR_FINDINGS_PLACES = ReadRule(
    "the places of their findings",
    check=lambda actor, record: record.id in contractor_places(actor.company_id),
    where=lambda reader: Record.id.in_(reader.places),
)


def contractor_places(company_id: str | None) -> set[str]:
    """Ids of the sites, areas (with their ancestors) and checkpoints a company's findings hang on."""
    if company_id is None:
        return set()
    findings = db.session.execute(
        select(Record.fields).where(Record.type == "finding", Record.company_id == company_id, Record.deleted.is_(False))
    ).scalars()
    return places_of(list(findings))


def places_of(finding_fields: list[dict]) -> set[str]:
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
