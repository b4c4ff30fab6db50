"""Read a request's JSON body without trusting it.

`request.get_json()` would accept lone surrogates (which the database then
refuses) and crash with RecursionError on deeply nested input. This reader
checks the content type, parses once (with orjson when it reads the body
exactly as the standard parser would), bounds the nesting and rejects NUL
characters and lone surrogates anywhere, keys included, before any schema
sees the data.
"""

import json
import re
from datetime import date, timedelta

import orjson
from flask import request

from server.errors import InvalidText, MalformedJson, Unprocessable, UnsupportedMediaType

MAX_DEPTH = 32
# A NUL or a lone surrogate can only come from a \u escape: raw ones fail the
# UTF-8 decoding or the JSON parser. Strings are walked only when one is there.
SUSPECT_ESCAPE = re.compile(rb"\\u(?:0000|[dD][89a-fA-F])")
# orjson reads an integer outside 64 bits (19 digits or more) as a float, where
# the standard parser keeps it whole for the schemas to refuse. Such a run of digits is
# found by mapping every digit to "0" (bytes.translate, faster than a regex).
DIGITS_AS_ZERO = bytes(0x30 if 0x30 <= byte <= 0x39 else 0x20 for byte in range(256))
LONG_DIGIT_RUN = b"0" * 19


def read_json():
    """The request body as JSON values; a clear 4xx for anything else."""
    if request.mimetype != "application/json":
        raise UnsupportedMediaType("Send the body as application/json.")
    raw = request.get_data(cache=True)
    value = quick_parse(raw)
    if value is None:
        value = standard_parse(raw)
    check_depth(value)
    if SUSPECT_ESCAPE.search(raw):
        check_strings(value)
    return value


def quick_parse(raw: bytes):
    """The body as orjson reads it (a third of the standard parser's time), or None to use that parser.

    orjson refuses all the standard parser refuses, and more (NaN, lone
    surrogates, numbers beyond a double). Whatever it refuses, and any body
    with a long integer, is read by the standard parser, so a request means
    the same and gets the same errors as without orjson. (A body that is
    JSON null is read twice, which costs nothing.)
    """
    if LONG_DIGIT_RUN in raw.translate(DIGITS_AS_ZERO):
        return None
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError:
        return None


def standard_parse(raw: bytes):
    try:
        return json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as error:
        raise MalformedJson("The body is not valid UTF-8.") from error
    except RecursionError as error:
        raise MalformedJson("The JSON is nested too deeply.") from error
    except ValueError as error:
        raise MalformedJson(f"The body is not valid JSON: {error}") from error


def check_depth(value) -> None:
    """Bound the nesting, level by level without recursion: later code may recurse over what it is given."""
    level = [value] if type(value) is dict or type(value) is list else []
    depth = 0
    while level:
        depth += 1
        if depth > MAX_DEPTH:
            raise MalformedJson(f"The JSON is nested more than {MAX_DEPTH} levels deep.")
        children = []
        for item in level:
            children.extend(item.values() if type(item) is dict else item)
        level = [child for child in children if type(child) is dict or type(child) is list]


def check_strings(value) -> None:
    """Refuse NULs and lone surrogates in any string or key (the depth is already bounded)."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            check_text(item)
        elif isinstance(item, dict):
            for key in item:
                check_text(key)
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


def check_text(text: str) -> None:
    if "\x00" in text:
        raise InvalidText("Text may not contain NUL characters.")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as error:
        raise InvalidText("Text may not contain lone surrogates.") from error


def date_range(query: dict, days: int, today: date) -> tuple[date, date]:
    """A query's `from` and `to` (loaded as `first`, `last`): `days` days ending today, or from or to the one given; at most a year."""
    span = timedelta(days=days - 1)
    if query.get("first"):
        first = date.fromisoformat(query["first"])
        last = date.fromisoformat(query["last"]) if query.get("last") else first + span
    else:
        last = date.fromisoformat(query["last"]) if query.get("last") else today
        first = last - span
    if last < first:
        raise Unprocessable("to is before from.", {"to": ["Before from."]})
    if (last - first).days > 366:
        raise Unprocessable("At most a year at a time.", {"to": ["More than a year after from."]})
    return first, last
