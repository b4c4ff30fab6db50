"""What several record types' fields share: names, translations, locations, categories."""

import re

from marshmallow import Schema, fields, validate

from schemas.fields import StrictNumber, Text, UtcDateTime

CATEGORIES = ("cleaning", "greening", "fire", "decoration", "other")
ITEM_KEY_PATTERN = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")
ITEM_KEY_ERROR = "Item keys are 1-64 letters, digits, '_', '-' or '.'."
ITEM_KEY = validate.Regexp(ITEM_KEY_PATTERN, error=ITEM_KEY_ERROR)

NAME = dict(max_length=200, min_length=1)
Translations = lambda: fields.Dict(keys=Text(max_length=20), values=Text(max_length=1000), allow_none=True)  # noqa: E731


class LocationSchema(Schema):
    """Where something was, from the device's positioning."""

    lat = StrictNumber(minimum=-90, maximum=90, required=True)
    lng = StrictNumber(minimum=-180, maximum=180, required=True)
    accuracy = StrictNumber(minimum=0, allow_none=True)
    captured_at = UtcDateTime(as_text=True, allow_none=True)
