"""The fields of each record type, as a device may send them.

On create, a type's required fields must be present; on an update every field
is optional and only the named ones change. Fields the server owns (version,
deleted) live outside `fields`; owner fields are checked by the server.
"""

import re

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from schemas.fields import (
    MAX_TEXT,
    DateText,
    Scalar,
    Sha256,
    StrictBoolean,
    StrictInteger,
    StrictNumber,
    Text,
    UtcDateTime,
    Uuid,
    scalar_problem,
)
from schemas.loader import Loader

CATEGORIES = ("cleaning", "greening", "fire", "decoration", "other")
AREA_KINDS = ("building", "floor", "unit", "zone", "room", "outdoor")
ITEM_KINDS = ("pass_fail", "score", "number", "text", "choice", "photo")
SEVERITIES = ("low", "medium", "high", "critical")
PHOTO_ROLES = ("evidence", "before", "after")
PHOTO_PARENTS = ("inspection", "finding")
COMMENT_PARENTS = ("inspection", "finding", "photo")
ITEM_KEY_PATTERN = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")
ITEM_KEY_ERROR = "Item keys are 1-64 letters, digits, '_', '-' or '.'."
ITEM_KEY = validate.Regexp(ITEM_KEY_PATTERN, error=ITEM_KEY_ERROR)

NAME = dict(max_length=200, min_length=1)
CODE_LENGTH = 32  # a checkpoint's code, as printed on its QR label
Translations = lambda: fields.Dict(keys=Text(max_length=20), values=Text(max_length=1000), allow_none=True)  # noqa: E731


class LocationSchema(Schema):
    """Where something was, from the device's positioning."""

    lat = StrictNumber(minimum=-90, maximum=90, required=True)
    lng = StrictNumber(minimum=-180, maximum=180, required=True)
    accuracy = StrictNumber(minimum=0, allow_none=True)
    captured_at = UtcDateTime(as_text=True, allow_none=True)


class ItemSchema(Schema):
    """One checklist item of a template."""

    key = Text(required=True, validate=ITEM_KEY)
    label = Text(required=True, max_length=500, min_length=1)
    labels = Translations()
    kind = Text(required=True, validate=validate.OneOf(ITEM_KINDS))
    required = StrictBoolean(load_default=False)
    min = StrictNumber(allow_none=True)
    max = StrictNumber(allow_none=True)
    unit = Text(max_length=20, allow_none=True)
    choices = fields.List(Text(max_length=200, min_length=1), allow_none=True)
    choice_labels = fields.Dict(keys=Text(max_length=20), values=fields.Dict(keys=Text(max_length=200), values=Text(max_length=200)), allow_none=True)
    help = Text(max_length=2000, allow_none=True)
    helps = Translations()

    @validates_schema
    def check_kind(self, item, **kwargs):
        kind = item.get("kind")
        if kind == "choice" and not item.get("choices"):
            raise ValidationError("A choice item needs its choices.", "choices")
        if kind == "score" and (item.get("min") is None or item.get("max") is None):
            raise ValidationError("A score item needs min and max.", "max")
        low, high = item.get("min"), item.get("max")
        if low is not None and high is not None and low > high:
            raise ValidationError("min is above max.", "min")


class AnswerSchema(Schema):
    """An inspector's answer to one item."""

    value = Scalar(load_default=None)
    note = Text(allow_none=True)


class Answers(fields.Dict):
    """An inspection's answers: item key to {value, note}, or null to clear it.

    Documented as a mapping of AnswerSchema, but checked by hand: a patrol
    pushed at once carries thousands of answers, and a nested schema load per
    answer was half the cost of a push (bench/sync_speed.py, profiled).
    """

    def __init__(self, **kwargs):
        super().__init__(keys=Text(validate=ITEM_KEY), values=fields.Nested(AnswerSchema, allow_none=True), **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, dict):
            raise ValidationError("Not an object of item keys.")
        answers, problems = {}, {}
        for key, answer in value.items():
            if not isinstance(key, str) or not ITEM_KEY_PATTERN.match(key):
                problems[str(key)] = [ITEM_KEY_ERROR]
            elif answer is None:
                answers[key] = None
            elif not isinstance(answer, dict):
                problems[key] = ["An answer is an object with a value and a note."]
            elif errors := answer_errors(answer):
                problems[key] = errors
            else:
                answers[key] = answer if "value" in answer else {"value": None, **answer}
        if problems:
            raise ValidationError(problems)
        return answers


ANSWER_KEYS = frozenset(("value", "note"))


def answer_errors(answer: dict) -> dict:
    value, note = answer.get("value"), answer.get("note")
    note_fits = note is None or (isinstance(note, str) and len(note) <= MAX_TEXT)
    if note_fits and ANSWER_KEYS.issuperset(answer) and scalar_problem(value) is None:
        return {}  # the usual case, told without building anything
    errors = {name: ["Unknown field."] for name in answer if name not in ANSWER_KEYS}
    if (problem := scalar_problem(value)) is not None:
        errors["value"] = [problem]
    if note is not None and not isinstance(note, str):
        errors["note"] = ["Not a valid string."]
    elif not note_fits:
        errors["note"] = [f"At most {MAX_TEXT} characters."]
    return errors


class SiteFields(Schema):
    name = Text(required=True, **NAME)
    names = Translations()
    address = Text(max_length=500, allow_none=True)


class AreaFields(Schema):
    site_id = Uuid(required=True)
    parent_id = Uuid(allow_none=True)
    name = Text(required=True, **NAME)
    names = Translations()
    kind = Text(required=True, validate=validate.OneOf(AREA_KINDS))


class CheckpointFields(Schema):
    site_id = Uuid(required=True)
    area_id = Uuid(allow_none=True)
    name = Text(required=True, **NAME)
    names = Translations()
    category = Text(required=True, validate=validate.OneOf(CATEGORIES))
    code = Text(max_length=CODE_LENGTH, allow_none=True)


class CompanyFields(Schema):
    name = Text(required=True, **NAME)
    trade = Text(max_length=200, allow_none=True)


class TemplateFields(Schema):
    name = Text(required=True, **NAME)
    names = Translations()
    category = Text(required=True, validate=validate.OneOf(CATEGORIES))
    items = fields.List(fields.Nested(ItemSchema), required=True, validate=validate.Length(max=200))
    active = StrictBoolean(load_default=True)
    # A template's items are fixed once an inspection used them: an edit is a new
    # template record, the next revision of the same family (the first one's id).
    family_id = Uuid(allow_none=True)
    revision = StrictInteger(minimum=1, load_default=1)

    @validates_schema
    def check_unique_keys(self, template, **kwargs):
        keys = [item["key"] for item in template.get("items") or []]
        if len(keys) != len(set(keys)):
            raise ValidationError("Item keys must be unique.", "items")


class InspectionFields(Schema):
    template_id = Uuid(required=True)
    site_id = Uuid(required=True)
    area_id = Uuid(allow_none=True)
    checkpoint_id = Uuid(allow_none=True)
    inspector_id = Uuid(allow_none=True)
    status = Text(validate=validate.OneOf(("draft", "submitted", "reviewed")))
    started_at = UtcDateTime(as_text=True, allow_none=True)
    completed_at = UtcDateTime(as_text=True, allow_none=True)
    answers = Answers(load_default=None)
    score = StrictNumber(minimum=0, maximum=100, allow_none=True)
    location = fields.Nested(LocationSchema, allow_none=True)
    review_note = Text(allow_none=True)


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
    status = Text(validate=validate.OneOf(("open", "assigned", "in_progress", "fixed", "closed", "cancelled")))
    company_id = Uuid(allow_none=True)
    due_date = DateText(allow_none=True)
    fix_note = Text(allow_none=True)
    created_by = Uuid(allow_none=True)
    reported_at = UtcDateTime(as_text=True, allow_none=True)
    received_at = UtcDateTime(as_text=True, dump_only=True)  # set by the server (RECEIPT_TIMES)
    location = fields.Nested(LocationSchema, allow_none=True)


class CommentFields(Schema):
    parent_type = Text(required=True, validate=validate.OneOf(COMMENT_PARENTS))
    parent_id = Uuid(required=True)
    body = Text(required=True, min_length=1)
    author_id = Uuid(allow_none=True)
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
}
RECORD_TYPES = tuple(RECORD_FIELDS)
# Evidence whose time the device claims (the field named here) gets `received_at` beside it: the
# server's time when it took the record, which no client sets. Where the two differ by more than
# the clock tolerance (sync/clock.py), the desk shows both.
RECEIPT_TIMES = {"finding": "reported_at", "comment": "created_at", "photo": "taken_at"}
# Fields a device may not change after the record was made: they fix where it hangs.
IMMUTABLE_FIELDS = {
    "area": ("site_id",),
    "checkpoint": ("site_id",),
    "comment": ("parent_type", "parent_id", "author_id", "created_at"),
    "photo": ("blob", "parent_type", "parent_id"),
    "inspection": ("inspector_id", "template_id"),
    "finding": ("created_by", "reported_at"),
    "template": ("family_id", "revision"),
}


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
