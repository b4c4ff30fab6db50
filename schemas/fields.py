"""Strict JSON field types shared by every schema.

Marshmallow's own fields coerce: "1" becomes 1, "yes" becomes True. A sync
protocol must not guess, so these fields take only the JSON type they name
and hand back plain JSON values, ready to be stored and sent on unchanged.
"""

import math
import re
from datetime import UTC, date, datetime

from marshmallow import ValidationError, fields

MAX_TEXT = 10_000
# Integers are kept within 64 bits: the JavaScript app cannot hold more, and
# the database's JSON writer (orjson) refuses more.
MAX_INTEGER = 2**63 - 1
UUID_PATTERN = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
SHA256_PATTERN = re.compile(r"^[0-9a-f]{64}$")
CANONICAL_UTC = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z")  # what format_utc writes


class Text(fields.String):
    """A JSON string of at most 10,000 code points, kept exactly as sent."""

    def __init__(self, max_length: int = MAX_TEXT, min_length: int = 0, **kwargs):
        super().__init__(**kwargs)
        self.max_length = max_length
        self.min_length = min_length

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        if len(text) > self.max_length:
            raise ValidationError(f"At most {self.max_length} characters.")
        if len(text) < self.min_length:
            raise ValidationError("Must not be empty." if self.min_length == 1 else f"At least {self.min_length} characters.")
        return text


class Uuid(fields.Field):
    """A UUID string in its canonical 8-4-4-4-12 form, returned lower-case."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, str) or not UUID_PATTERN.match(value):
            raise ValidationError("Not a valid UUID.")
        return value.lower()


class Sha256(fields.Field):
    """A SHA-256 digest as 64 lower-case hex digits."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, str) or not SHA256_PATTERN.match(value):
            raise ValidationError("Not a SHA-256 hex digest (64 lower-case hex digits).")
        return value


def parse_utc(value) -> datetime:
    """An RFC 3339 time with an offset, as an aware datetime in UTC."""
    if not isinstance(value, str) or len(value) > 40:
        raise ValidationError("Not an RFC 3339 time.")
    try:
        moment = datetime.fromisoformat(value)
    except ValueError as error:
        raise ValidationError("Not an RFC 3339 time.") from error
    if moment.tzinfo is None:
        raise ValidationError("A time needs its UTC offset, as in 2026-11-26T08:30:00.000Z.")
    return moment.astimezone(UTC)


def format_utc(moment: datetime) -> str:
    """The protocol's time format: UTC with milliseconds and a Z."""
    if moment.tzinfo is None:  # SQLite hands back naive datetimes; they were stored in UTC
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


class UtcDateTime(fields.Field):
    """An RFC 3339 time; loads as an aware datetime, or as normalised text with as_text."""

    def __init__(self, as_text: bool = False, **kwargs):
        super().__init__(**kwargs)
        self.as_text = as_text

    def _deserialize(self, value, attr, data, **kwargs):
        moment = parse_utc(value)
        if not self.as_text:
            return moment
        # Phones send JavaScript's toISOString(), already the protocol's form.
        return value if CANONICAL_UTC.fullmatch(value) else format_utc(moment)

    def _serialize(self, value, attr, obj, **kwargs):
        if isinstance(value, datetime):
            return format_utc(value)
        return value


FIRST_YEAR, LAST_YEAR = 1900, 2200


class DateText(fields.Field):
    """A calendar date, YYYY-MM-DD."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            raise ValidationError("Not a date (YYYY-MM-DD).")
        try:
            day = date.fromisoformat(value)
        except ValueError as error:
            raise ValidationError("Not a date (YYYY-MM-DD).") from error
        if not FIRST_YEAR <= day.year <= LAST_YEAR:  # far dates overflow the arithmetic done on them (ranges, zones)
            raise ValidationError(f"A date from {FIRST_YEAR} to {LAST_YEAR}.")
        return value


class StrictInteger(fields.Field):
    """A JSON integer (not a float, string or boolean)."""

    def __init__(self, minimum: int | None = None, maximum: int | None = None, **kwargs):
        super().__init__(**kwargs)
        self.minimum, self.maximum = minimum, maximum

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValidationError("Not an integer.")
        if abs(value) > MAX_INTEGER:
            raise ValidationError("Must fit in 64 bits.")
        if self.minimum is not None and value < self.minimum:
            raise ValidationError(f"Must be at least {self.minimum}.")
        if self.maximum is not None and value > self.maximum:
            raise ValidationError(f"Must be at most {self.maximum}.")
        return value


class StrictNumber(fields.Field):
    """A finite JSON number (not a string or boolean)."""

    def __init__(self, minimum: float | None = None, maximum: float | None = None, **kwargs):
        super().__init__(**kwargs)
        self.minimum, self.maximum = minimum, maximum

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            raise ValidationError("Not a number.")
        if isinstance(value, int) and abs(value) > MAX_INTEGER:
            raise ValidationError("Must fit in 64 bits.")
        if self.minimum is not None and value < self.minimum:
            raise ValidationError(f"Must be at least {self.minimum}.")
        if self.maximum is not None and value > self.maximum:
            raise ValidationError(f"Must be at most {self.maximum}.")
        return value


class StrictBoolean(fields.Field):
    """A JSON true or false."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, bool):
            raise ValidationError("Not a boolean.")
        return value


def scalar_problem(value) -> str | None:
    """Why a value is not a JSON string, number, boolean or null (None when it is one)."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int):
        return None if abs(value) <= MAX_INTEGER else "An integer must fit in 64 bits."
    if isinstance(value, float) and math.isfinite(value):
        return None
    if isinstance(value, str) and len(value) <= MAX_TEXT:
        return None
    return "Must be a string, number, boolean or null."


class Scalar(fields.Field):
    """A JSON string, number, boolean or null: an answer's value."""

    def _deserialize(self, value, attr, data, **kwargs):
        if (problem := scalar_problem(value)) is not None:
            raise ValidationError(problem)
        return value
