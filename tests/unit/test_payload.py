"""The request reader: orjson, where it reads a body exactly as the standard parser does."""

import json

import pytest

from server.api.payload import check_depth, quick_parse

BODIES = [
    b'{"a": 1, "b": [true, false, null], "c": {"d": "\\u00e9\\ud83d\\ude00"}}',
    b'{"a": 1, "a": 2}',
    b" [0.1, -0, -0.0, 1E5, 1e-400, 1.7976931348623157e308] ",
    b"[123456789012345678, -123456789012345678]",
]
STANDARD_ONLY = [
    b"[1180591620717411303424]",  # beyond 64 bits: orjson would give a float
    b"[-9223372036854775809]",
    b"[18446744073709551616]",
    b'["\\ud800"]',  # a lone surrogate, refused later with its own error
    b"[NaN]",
    b"[1e400]",
    b"\xef\xbb\xbf{}",
    b'["a\tb"]',
    b"[1]x",
    b"",
    b"null",
]


@pytest.mark.parametrize("body", BODIES)
def test_orjson_reads_plain_bodies_as_the_standard_parser_does(body):
    value = quick_parse(body)
    assert value == json.loads(body.decode()) and json.dumps(value) == json.dumps(json.loads(body.decode()))


@pytest.mark.parametrize("body", STANDARD_ONLY)
def test_anything_orjson_would_read_otherwise_goes_to_the_standard_parser(body):
    assert quick_parse(body) is None


def test_depth_is_bounded_at_32_levels():
    check_depth(json.loads("[" * 32 + "]" * 32))
    with pytest.raises(Exception, match="nested more than 32"):
        check_depth(json.loads("[" * 33 + "]" * 33))
    with pytest.raises(Exception, match="nested more than 32"):
        check_depth({"a": [{"b": json.loads("[" * 31 + "]" * 31)}]})
