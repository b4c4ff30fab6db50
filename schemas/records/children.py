"""The fields of what hangs on an inspection or a finding: photos and comments."""

from marshmallow import Schema, fields, validate

from schemas.fields import Sha256, Text, UtcDateTime, Uuid
from schemas.records.common import ITEM_KEY, LocationSchema

PHOTO_ROLES = ("evidence", "before", "after")
PHOTO_PARENTS = ("inspection", "finding")
COMMENT_PARENTS = ("inspection", "finding", "photo")


class CommentFields(Schema):
    parent_type = Text(required=True, validate=validate.OneOf(COMMENT_PARENTS))
    parent_id = Uuid(required=True)
    body = Text(required=True, min_length=1)
    author_id = Uuid(allow_none=True)
    author_name = Text(dump_only=True)  # set by the server (RecordType.owner_name_field)
    created_at = UtcDateTime(as_text=True, allow_none=True)
    received_at = UtcDateTime(as_text=True, dump_only=True)


class PhotoFields(Schema):
    blob = Sha256(required=True)
    parent_type = Text(required=True, validate=validate.OneOf(PHOTO_PARENTS))
    parent_id = Uuid(required=True)
    item_key = Text(validate=ITEM_KEY, allow_none=True)
    role = Text(required=True, validate=validate.OneOf(PHOTO_ROLES))
    caption = Text(max_length=1000, allow_none=True)
    taken_at = UtcDateTime(as_text=True, allow_none=True)
    received_at = UtcDateTime(as_text=True, dump_only=True)
    location = fields.Nested(LocationSchema, allow_none=True)
