"""Read a request's JSON body without trusting it.

`request.get_json()` would accept lone surrogates (which the database then
refuses) and crash with RecursionError on deeply nested input. This reader
checks the content type, parses once, bounds the nesting and rejects NUL
characters and lone surrogates anywhere, keys included, before any schema
sees the data.
"""

import json
import re

from flask import request

from server.errors import BadRequest, Unprocessable, UnsupportedMediaType

MAX_DEPTH = 32
# A NUL or a lone surrogate can only come from a \u escape: raw ones fail the
# UTF-8 decoding or the JSON parser. Strings are walked only when one is there.
SUSPECT_ESCAPE = re.compile(r"\\u(?:0000|[dD][89a-fA-F])")


def read_json():
    """The request body as JSON values; a clear 4xx for anything else."""
    if request.mimetype != "application/json":
        raise UnsupportedMediaType("Send the body as application/json.")
    raw = request.get_data(cache=True)
    try:
        text = raw.decode("utf-8")
        value = json.loads(text)
    except UnicodeDecodeError as error:
        raise BadRequest("The body is not valid UTF-8.", code="malformed_json") from error
    except RecursionError as error:
        raise BadRequest("The JSON is nested too deeply.", code="malformed_json") from error
    except ValueError as error:
        raise BadRequest(f"The body is not valid JSON: {error}", code="malformed_json") from error
    check_depth(value)
    if SUSPECT_ESCAPE.search(text):
        check_strings(value)
    return value


def check_depth(value) -> None:
    """Bound the nesting, without recursion: later code may recurse over what it is given."""
    stack = [(value, 1)] if type(value) is dict or type(value) is list else []
    while stack:
        item, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise BadRequest(f"The JSON is nested more than {MAX_DEPTH} levels deep.", code="malformed_json")
        for child in item.values() if type(item) is dict else item:
            if type(child) is dict or type(child) is list:
                stack.append((child, depth + 1))


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
        raise Unprocessable("Text may not contain NUL characters.", code="invalid_text")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as error:
        raise Unprocessable("Text may not contain lone surrogates.", code="invalid_text") from error
