"""The fields of a finding: a problem seen on patrol, through its assignment and fix."""

from marshmallow import Schema, fields, validate

from schemas.fields import DateText, Text, UtcDateTime, Uuid
from schemas.records.common import CATEGORIES, ITEM_KEY, LocationSchema
from sync.workflow import FINDING_WORKFLOW

SEVERITIES = ("low", "medium", "high", "critical")


class FindingFields(Schema):
    inspection_id = Uuid(allow_none=True)
    site_id = Uuid(required=True)
    area_id = Uuid(allow_none=True)
    checkpoint_id = Uuid(allow_none=True)
    item_key = Text(validate=ITEM_KEY, allow_none=True)
    category = Text(required=True, validate=validate.OneOf(CATEGORIES))
    title = Text(required=True, max_length=500, min_length=1)
    description = Text(allow_none=True)
    severity = Text(required=True, validate=validate.OneOf(SEVERITIES))
    status = Text(validate=validate.OneOf(FINDING_WORKFLOW.statuses))
    company_id = Uuid(allow_none=True)
    due_date = DateText(allow_none=True)
    fix_note = Text(allow_none=True)
    created_by = Uuid(allow_none=True)
    reported_at = UtcDateTime(as_text=True, allow_none=True)
    received_at = UtcDateTime(as_text=True, dump_only=True)  # set by the server (RecordType.receipt_time_of)
    # Office's word on the status move it sends with: why a fix goes back, what the return visit found.
    status_note = Text(allow_none=True, max_length=2000)
    # Every status the finding has had, oldest first: {status, at, by, role, note?}; set by the server (RecordType.status_history).
    status_history = fields.List(fields.Dict(), dump_only=True)
    location = fields.Nested(LocationSchema, allow_none=True)
