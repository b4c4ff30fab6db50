"""The fields of the reference records office staff set up: sites, areas, checkpoints, companies, templates."""

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from schemas.fields import StrictBoolean, StrictInteger, StrictNumber, Text, Uuid
from schemas.records.common import CATEGORIES, ITEM_KEY, NAME, Translations

AREA_KINDS = ("building", "floor", "unit", "zone", "room", "outdoor")
ITEM_KINDS = ("pass_fail", "score", "number", "text", "choice", "photo")
CODE_LENGTH = 32  # a checkpoint's code, as printed on its QR label


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
    # A meter counts up: a reading below the last one, or above it × max_jump_ratio, is a warning to confirm.
    meter = StrictBoolean(load_default=False)
    max_jump_ratio = StrictNumber(allow_none=True)

    @validates_schema
    def check_kind(self, item, **kwargs):
        kind = item.get("kind")
        if item.get("meter") and kind != "number":
            raise ValidationError("Only a number item can be a meter.", "meter")
        if item.get("max_jump_ratio") is not None and item["max_jump_ratio"] <= 1:
            raise ValidationError("max_jump_ratio is above 1.", "max_jump_ratio")
        if kind == "choice" and not item.get("choices"):
            raise ValidationError("A choice item needs its choices.", "choices")
        if kind == "score" and (item.get("min") is None or item.get("max") is None):
            raise ValidationError("A score item needs min and max.", "max")
        low, high = item.get("min"), item.get("max")
        if low is not None and high is not None and low > high:
            raise ValidationError("min is above max.", "min")


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
