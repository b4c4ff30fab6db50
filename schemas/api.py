"""Request and response payloads of the API (beyond the record fields)."""

from marshmallow import Schema, fields, validate

from schemas.fields import DateText, StrictInteger, Text, UtcDateTime, Uuid
from schemas.records import RECORD_TYPES

MAX_MUTATIONS = 500


class ErrorDetailSchema(Schema):
    code = fields.String(required=True)
    message = fields.String(required=True)
    fields = fields.Dict()


class ErrorSchema(Schema):
    error = fields.Nested(ErrorDetailSchema, required=True)


class LoginSchema(Schema):
    username = Text(required=True, max_length=150, min_length=1)
    password = Text(required=True, max_length=1000)
    device_name = Text(required=True, max_length=200)


class PasswordChangeSchema(Schema):
    current_password = Text(required=True, max_length=1000)
    new_password = Text(required=True, min_length=10, max_length=1000)


class UserSchema(Schema):
    id = fields.String()
    username = fields.String()
    name = fields.String()
    role = fields.String()
    company_id = fields.String(allow_none=True)
    site_ids = fields.List(fields.String())


class LoginResultSchema(Schema):
    token = fields.String()
    device_id = fields.String()
    user = fields.Nested(UserSchema)


class DeviceSchema(Schema):
    device_id = fields.String()
    name = fields.String()
    user = fields.Nested(UserSchema)
    created_at = UtcDateTime()
    last_seen_at = UtcDateTime(allow_none=True)
    revoked_at = UtcDateTime(allow_none=True)


class NewUserSchema(Schema):
    """An account made by an admin from the office screens (the shell has create-user)."""

    username = Text(
        required=True, max_length=150, min_length=1, validate=validate.Regexp(r"^[A-Za-z0-9_.@-]+$", error="Letters, digits and _ . @ - only.")
    )
    name = Text(max_length=200, allow_none=True)
    role = fields.String(required=True, validate=validate.OneOf(("admin", "office", "inspector", "contractor")))
    password = Text(required=True, min_length=10, max_length=1000)
    company_id = Uuid(allow_none=True)
    site_ids = fields.List(Uuid(), load_default=list)


class UserListSchema(Schema):
    users = fields.List(fields.Nested(UserSchema))


class DeviceListSchema(Schema):
    devices = fields.List(fields.Nested(DeviceSchema))


class MutationSchema(Schema):
    """One queued edit. Its envelope is checked here; its fields by the record schemas."""

    mid = Uuid(required=True)
    type = fields.String(required=True, validate=validate.OneOf(RECORD_TYPES, error="Unknown record type."))
    id = Uuid(required=True)
    op = fields.String(required=True, validate=validate.OneOf(("upsert", "delete")))
    fields = fields.Dict(load_default=None, allow_none=True)
    base_version = StrictInteger(minimum=0, allow_none=True, load_default=None)
    edited_at = UtcDateTime(required=True)


class PushSchema(Schema):
    sent_at = UtcDateTime(required=True)
    mutations = fields.List(fields.Raw(), required=True)


class RecordSchema(Schema):
    type = fields.String()
    id = fields.String()
    version = fields.Integer()
    deleted = fields.Boolean()
    revoked = fields.Boolean()
    fields = fields.Dict()


class MutationResultSchema(Schema):
    mid = fields.String()
    status = fields.String(validate=validate.OneOf(("applied", "conflict", "rejected", "duplicate")))
    first_status = fields.String(metadata={"description": "On a duplicate: the status of the first outcome (extension)."})
    version = fields.Integer()
    record = fields.Nested(RecordSchema)
    conflicts = fields.List(fields.String())
    error = fields.Nested(ErrorDetailSchema)


class PushResultSchema(Schema):
    results = fields.List(fields.Nested(MutationResultSchema))


class PullResultSchema(Schema):
    changes = fields.List(fields.Nested(RecordSchema))
    cursor = fields.String()
    has_more = fields.Boolean()


class StampedValueSchema(Schema):
    value = fields.Raw(allow_none=True)
    edited_at = fields.String()
    user_id = fields.String(allow_none=True)


class ConflictSchema(Schema):
    id = fields.String()
    type = fields.String()
    record_id = fields.String()
    field = fields.String()
    kept = fields.Nested(StampedValueSchema)
    lost = fields.Nested(StampedValueSchema)
    status = fields.String()
    created_at = UtcDateTime()
    resolved_at = UtcDateTime(allow_none=True)
    resolved_by = fields.String(allow_none=True)


class ConflictListSchema(Schema):
    conflicts = fields.List(fields.Nested(ConflictSchema))


class ResolveSchema(Schema):
    value = fields.Raw(required=True, allow_none=True)


class ComplianceQuerySchema(Schema):
    """?from=&to=: local dates (the server's TIME_ZONE); server/api/payload.py date_range fills in and checks the range."""

    first = DateText(data_key="from")
    last = DateText(data_key="to")


class ComplianceRowSchema(Schema):
    site_id = fields.String()
    schedule_id = fields.String()
    due = fields.Integer()
    done = fields.Integer()
    late = fields.Integer()
    missed = fields.Integer()
    open = fields.Integer()
    on_time = fields.Float(allow_none=True)  # done ÷ (done + late + missed); None while none is judged
    missed_round_ids = fields.List(fields.String())


class ComplianceSchema(Schema):
    first = fields.String(data_key="from")
    last = fields.String(data_key="to")
    time_zone = fields.String()
    rows = fields.List(fields.Nested(ComplianceRowSchema))


class ExportQuerySchema(Schema):
    """?format=&from=&to=&site_id=&lang=: local dates, as ComplianceQuerySchema's."""

    format = Text(load_default="xlsx", validate=validate.OneOf(("xlsx", "csv")))
    first = DateText(data_key="from")
    last = DateText(data_key="to")
    site_id = Uuid()
    lang = Text(load_default="en", validate=validate.OneOf(("en", "zh")))
