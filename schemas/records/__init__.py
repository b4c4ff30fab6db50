"""The fields of each record type, as a device may send them, one module per family.

On create, a type's required fields must be present; on an update every field
is optional and only the named ones change. Fields the server owns (version,
deleted) live outside `fields`; owner fields are checked by the server.
Everything else the server knows about a type is its declaration in
server/records; tests/unit/test_registry.py checks that both list the same types.
"""

from schemas.loader import Loader
from schemas.records.children import PHOTO_ROLES, CommentFields, PhotoFields
from schemas.records.common import CATEGORIES
from schemas.records.finding import SEVERITIES, FindingFields
from schemas.records.inspection import Answers, InspectionFields
from schemas.records.reference import AREA_KINDS, CODE_LENGTH, AreaFields, CheckpointFields, CompanyFields, SiteFields, TemplateFields
from schemas.records.rounds import AlertFields, RoundFields, ScheduleFields

__all__ = ["AREA_KINDS", "CATEGORIES", "CODE_LENGTH", "PHOTO_ROLES", "SEVERITIES", "Answers", "RECORD_FIELDS", "RECORD_TYPES", "load_record_fields"]

RECORD_FIELDS = {
    "site": SiteFields,
    "area": AreaFields,
    "checkpoint": CheckpointFields,
    "company": CompanyFields,
    "template": TemplateFields,
    "inspection": InspectionFields,
    "finding": FindingFields,
    "comment": CommentFields,
    "photo": PhotoFields,
    "schedule": ScheduleFields,
    "round": RoundFields,
    "alert": AlertFields,
}
RECORD_TYPES = tuple(RECORD_FIELDS)
# Schemas hold no state between loads, so one instance per type serves every request.
FIELD_LOADERS = {record_type: Loader(schema()) for record_type, schema in RECORD_FIELDS.items()}


def load_record_fields(record_type: str, raw: dict, creating: bool) -> dict:
    """Validate a mutation's fields for `record_type`; raises ValidationError."""
    loader = FIELD_LOADERS[record_type]
    if not creating:
        # Defaults belong to creation only; an update names just what it changes.
        loaded = loader.load(raw, partial=True)
        return {name: value for name, value in loaded.items() if name in raw}
    return loader.load(raw)
