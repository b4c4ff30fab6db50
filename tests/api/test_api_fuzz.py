"""Every endpoint, sent odd input by every role: a clear 4xx, never a 500.

A seeded random walk over the API's routes with bodies of any JSON shape,
wrong content types, raw bytes, odd query strings, headers and path
segments. The test client re-raises any server exception, so a crash fails
with its traceback; any status of 500 or more fails too, and every error
under /api/v1 must have the JSON error body.
"""

import json
import random
import uuid

import pytest

from tests.helpers import any_json, jpeg_bytes, sha

ROUTES = [
    ("POST", "/api/v1/auth/login"),
    ("POST", "/api/v1/auth/logout"),
    ("GET", "/api/v1/users"),
    ("POST", "/api/v1/users"),
    ("GET", "/api/v1/devices"),
    ("DELETE", "/api/v1/devices/{id}"),
    ("POST", "/api/v1/sync/push"),
    ("GET", "/api/v1/sync/pull"),
    ("GET", "/api/v1/conflicts"),
    ("POST", "/api/v1/conflicts/{id}/resolve"),
    ("GET", "/api/v1/blobs/{sha}"),
    ("HEAD", "/api/v1/blobs/{sha}"),
    ("PUT", "/api/v1/blobs/{sha}"),
    ("PATCH", "/api/v1/blobs/{sha}"),
    ("GET", "/api/v1/labels/qr.svg"),
    ("GET", "/api/v1/openapi.json"),
]
QUERY_NAMES = ["since", "limit", "record_id", "status", "code", "size", "x"]
ODD_TEXT = [
    "",
    "0",
    "-1",
    "1e9",
    "99999999999999999999",
    "abc",
    "null",
    "%00",
    "\u00e9",
    "x" * 300,
    str(uuid.uuid4()),
    "2026-11-26T08:30:00.000Z",
    "thumb",
    "full",
    "open",
]
BODY_NAMES = [
    "username",
    "password",
    "role",
    "company",
    "sites",
    "site_ids",
    "company_id",
    "device_name",
    "name",
    "choice",
    "value",
    "mutations",
    "sent_at",
]


def odd_value(rng: random.Random, name: str):
    """A value for a body field: often of the kind the field wants, often not.

    Login bodies name only "target" or strangers: a burst of failed logins
    for the walk's own users would lock them out of logging in again.
    """
    if rng.random() < 0.4:
        return any_json(rng)
    plausible = {
        "username": ["target", "ghost", "new_user"],
        "password": ["correct horse battery", "short", ""],
        "role": ["office", "inspector", "contractor", "admin", "boss"],
        "choice": ["mine", "theirs", "x"],
    }
    return rng.choice(plausible.get(name, ODD_TEXT))


def odd_body(rng: random.Random):
    """(content type, bytes) of a body a broken client might send."""
    kind = rng.choice(["json", "json", "json", "bytes", "form", "none", "image"])
    if kind == "json":
        names = rng.sample(BODY_NAMES, rng.randint(0, 4))
        value = {name: odd_value(rng, name) for name in names} if rng.random() < 0.8 else any_json(rng)
        return "application/json", json.dumps(value).encode()
    if kind == "bytes":
        return rng.choice(["application/json", "text/plain", "image/jpeg"]), bytes(rng.randrange(256) for _ in range(rng.randint(0, 40)))
    if kind == "form":
        return "application/x-www-form-urlencoded", b"username=a&password=b"
    if kind == "image":
        return rng.choice(["image/jpeg", "image/png", "image/gif"]), jpeg_bytes()
    return None, b""


@pytest.mark.parametrize("seed", [1, 2])
def test_no_endpoint_answers_odd_input_with_a_server_error(seed, client, office, inspector, contractor_a, estate, make_user, login):
    make_user("admin", "admin")
    make_user("target", "inspector")  # a user the odd login bodies name; its failures must not lock out the walk's own logins
    devices = {"office": office, "inspector": inspector, "contractor_a": contractor_a, "admin": login("admin"), None: None}
    photo = jpeg_bytes()
    rng = random.Random(seed)
    statuses = set()

    for _ in range(300):
        method, path = rng.choice(ROUTES)
        path = path.format(
            id=rng.choice([str(uuid.uuid4()), "nope", office.device_id, "0" * 36]),
            sha=rng.choice([sha(photo), "0" * 64, "A" * 64, "short", sha(b"x")]),
        )
        who = rng.choice(list(devices))
        headers = {"Authorization": f"Bearer {devices[who].token}"} if who else {}
        if rng.random() < 0.1:
            headers["Authorization"] = rng.choice(["Bearer", "Bearer nope", "Basic abc", ""])
        if method == "PATCH" or rng.random() < 0.2:
            headers.update({name: rng.choice(ODD_TEXT) for name in rng.sample(["Upload-Offset", "Upload-Length"], rng.randint(0, 2))})
        query = {name: rng.choice(ODD_TEXT) for name in rng.sample(QUERY_NAMES, rng.randint(0, 2))}
        content_type, body = odd_body(rng)

        response = client.open(path, method=method, headers=headers, query_string=query, data=body, content_type=content_type)

        assert response.status_code < 500, (method, path, query, headers, body[:200], response.get_data()[:300])
        if response.status_code >= 400 and method != "HEAD":
            assert "error" in response.get_json(), (method, path, response.get_data()[:300])
        statuses.add(response.status_code)
        if who and (response.status_code == 401 or path == "/api/v1/auth/logout"):
            devices[who] = login(who)  # logged out or revoked by the walk: log in again, as the phone would

    assert {200, 400, 401, 403, 404, 415, 422} <= statuses, statuses
