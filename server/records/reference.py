"""Reference data office staff set up: sites, areas, checkpoints, companies and checklist templates.

Staff read the places of their sites and every company and template; a
contractor reads its own company and the places its findings hang on.
Only office staff write them.
"""

from sqlalchemy import select

from schemas.records.reference import AreaFields, CheckpointFields, CompanyFields, SiteFields, TemplateFields
from server.extensions import db
from server.models import Record
from server.records.base import NOWHERE, ON_SITE, OWN_COMPANY, OWN_SITE, Reads, RecordType, Rejected, Rights, office_creates, office_only
from server.records.read import EVERYONE, NOBODY, THEIR_COMPANY, THEIR_FINDINGS_PLACES, THEIR_SITES

OFFICE_WRITES = Rights(create=office_creates, update=office_only, delete=office_only)
A_PLACE = Reads(staff=THEIR_SITES, contractor=THEIR_FINDINGS_PLACES)

SITE = RecordType("site", SiteFields, OWN_SITE, A_PLACE, OFFICE_WRITES)

AREA = RecordType(
    "area",
    AreaFields,
    ON_SITE,
    A_PLACE,
    OFFICE_WRITES,
    references={"site_id": "site", "parent_id": "area"},
    same_site=("parent_id",),
    parent_field="parent_id",
    fixed_fields=("site_id",),
)

CHECKPOINT = RecordType(
    "checkpoint",
    CheckpointFields,
    ON_SITE,
    A_PLACE,
    OFFICE_WRITES,
    references={"site_id": "site", "area_id": "area"},
    same_site=("area_id",),
    fixed_fields=("site_id",),
)

COMPANY = RecordType("company", CompanyFields, OWN_COMPANY, Reads(staff=EVERYONE, contractor=THEIR_COMPANY), OFFICE_WRITES)


def check_template_change(record: Record, changed: set[str]) -> None:
    """A template's items are fixed once an inspection used them: an edit is a new revision."""
    if "items" in changed and template_in_use(record.id):
        raise Rejected(
            "invalid", "Inspections were made with this template; save its items as a new revision.", {"items": ["Fixed once inspections use them."]}
        )


def template_in_use(template_id: str) -> bool:
    used = select(Record.id).where(Record.type == "inspection", Record.fields["template_id"].as_string() == template_id).limit(1)
    return db.session.execute(used).first() is not None


TEMPLATE = RecordType(
    "template",
    TemplateFields,
    NOWHERE,
    Reads(staff=EVERYONE, contractor=NOBODY),
    OFFICE_WRITES,
    fixed_fields=("family_id", "revision"),
    check_change=check_template_change,
)
