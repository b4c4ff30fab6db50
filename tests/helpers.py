"""A device as tests drive it: build mutations, push them, pull until done."""

import hashlib
import io
import itertools
import random
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from PIL import Image

_clock = itertools.count()
EPOCH = datetime(2026, 11, 26, 8, 0, tzinfo=UTC)


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def now_iso() -> str:
    return iso(datetime.now(UTC))


def new_id() -> str:
    return str(uuid.uuid4())


def upsert(record_type, fields, record_id=None) -> dict:
    """A create or change as a phone sends it over HTTP (tests/live.py HttpDevice.push), edited now."""
    return {
        "mid": new_id(),
        "type": record_type,
        "id": record_id or new_id(),
        "op": "upsert",
        "fields": fields,
        "base_version": None,
        "edited_at": now_iso(),
    }


def jpeg_bytes(colour="red", size=(64, 48), **save_options) -> bytes:
    image = Image.new("RGB", size, colour)
    out = io.BytesIO()
    image.save(out, format="JPEG", **save_options)
    return out.getvalue()


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def apply_changes(records: dict[str, dict], changes: list[dict]) -> None:
    """Keep a local replica as a device does: a revoked record is dropped, anything else replaced."""
    for change in changes:
        if change.get("revoked"):
            records.pop(change["id"], None)
        else:
            records[change["id"]] = change


class Device:
    """One logged-in device, through the Flask test client."""

    def __init__(self, client, login_body: dict):
        self.client = client
        self.token = login_body["token"]
        self.device_id = login_body["device_id"]
        self.user = login_body["user"]
        self.cursor = None
        self.records: dict[str, dict] = {}

    @property
    def headers(self) -> dict:
        return {"Authorization": f"Bearer {self.token}"}

    def mutation(self, record_type, fields=None, record_id=None, op="upsert", base_version=None, edited_at=None, mid=None):
        """A mutation as a device queues it; edit times grow strictly, as the protocol asks."""
        mutation = {
            "mid": mid or new_id(),
            "type": record_type,
            "id": record_id or new_id(),
            "op": op,
            "base_version": base_version,
            "edited_at": edited_at or iso(datetime.now(UTC) - timedelta(seconds=30) + timedelta(microseconds=1000 * next(_clock))),
        }
        if op == "upsert":
            mutation["fields"] = fields or {}
        return mutation

    def push_response(self, mutations, sent_at=None):
        return self.client.post("/api/v1/sync/push", headers=self.headers, json={"sent_at": sent_at or now_iso(), "mutations": list(mutations)})

    def push(self, *mutations, sent_at=None) -> list[dict]:
        response = self.push_response(mutations, sent_at)
        assert response.status_code == 200, response.get_json()
        return response.get_json()["results"]

    def push_one(self, *args, **kwargs) -> dict:
        return self.push(self.mutation(*args, **kwargs))[0]

    def create(self, record_type, fields, record_id=None) -> str:
        """Create a record and insist it was applied; its id comes back."""
        mutation = self.mutation(record_type, fields, record_id=record_id)
        result = self.push(mutation)[0]
        assert result["status"] == "applied", result
        return mutation["id"]

    def pull(self, since=None, limit=None):
        query = {}
        if since is not None:
            query["since"] = since
        if limit is not None:
            query["limit"] = limit
        return self.client.get("/api/v1/sync/pull", headers=self.headers, query_string=query)

    def sync_down(self, limit=None) -> dict[str, dict]:
        """Pull pages until has_more is false, keeping a local replica as a device would."""
        while True:
            response = self.pull(self.cursor, limit)
            assert response.status_code == 200, response.get_json()
            page = response.get_json()
            apply_changes(self.records, page["changes"])
            self.cursor = page["cursor"]
            if not page["has_more"]:
                return self.records

    def fetch(self, record_id) -> dict:
        """The record's current server state as this device can see it (a fresh full pull)."""
        found = {}
        cursor = None
        while True:
            page = self.pull(cursor).get_json()
            found.update({change["id"]: change for change in page["changes"]})
            cursor = page["cursor"]
            if not page["has_more"]:
                return found[record_id]

    def get(self, path, **kwargs):
        return self.client.get(f"/api/v1{path}", headers=self.headers, **kwargs)

    def post(self, path, **kwargs):
        return self.client.post(f"/api/v1{path}", headers=self.headers, **kwargs)

    def download(self, path: str):
        """GET a file and close the response (Flask streams files from disk)."""
        response = self.client.get(path, headers=self.headers)
        try:
            response.body = response.get_data()
        finally:
            response.close()
        return response

    def upload(self, data: bytes, content_type="image/jpeg"):
        return self.client.put(f"/api/v1/blobs/{sha(data)}", headers=self.headers, data=data, content_type=content_type)


@dataclass
class Estate:
    site: str
    block: str
    checkpoint: str
    company_a: str
    company_b: str
    template: str

    @classmethod
    def build(cls, office: Device) -> "Estate":
        site = office.create("site", {"name": "Harbour View", "address": "1 Harbour Road"})
        block = office.create("area", {"site_id": site, "name": "Block A", "kind": "building"})
        checkpoint = office.create("checkpoint", {"site_id": site, "area_id": block, "name": "Hydrant A-B1", "category": "fire", "code": "HY-A-B1"})
        company_a = office.create("company", {"name": "Alpha Fire", "trade": "fire"})
        company_b = office.create("company", {"name": "Beta Greens", "trade": "greening"})
        template = office.create(
            "template",
            {
                "name": "Fire check",
                "category": "fire",
                "items": [
                    {"key": "pressure", "label": "Gauge pressure", "kind": "number", "min": 1.0, "max": 1.4, "unit": "MPa"},
                    {"key": "seal", "label": "Seal intact", "kind": "pass_fail", "required": True},
                    {"key": "tidy", "label": "Tidiness", "kind": "score", "min": 1, "max": 5},
                    {"key": "state", "label": "Cabinet", "kind": "choice", "choices": ["ok", "stuck"]},
                    {"key": "remark", "label": "Remark", "kind": "text"},
                    {"key": "photo", "label": "Photo", "kind": "photo"},
                ],
            },
        )
        return cls(site, block, checkpoint, company_a, company_b, template)

    def finding_fields(self, **overrides) -> dict:
        fields = {
            "site_id": self.site,
            "area_id": self.block,
            "checkpoint_id": self.checkpoint,
            "category": "fire",
            "title": "Extinguisher under-pressure",
            "severity": "high",
            "description": "Needle in the red.",
        }
        fields.update(overrides)
        return fields


# Random input for the fuzz walks (tests/api/test_push_fuzz.py, test_api_fuzz.py).
ODD_WORDS = ["Hydrant B2", "Lobby", "Exit sign dark", "消防栓", "", "x" * 600]


def any_json(rng: random.Random, depth: int = 0):
    """Any JSON value: the shapes a broken client could send."""
    kinds = ["null", "bool", "int", "big", "float", "text"] + (["list", "object"] if depth < 3 else [])
    kind = rng.choice(kinds)
    if kind == "list":
        return [any_json(rng, depth + 1) for _ in range(rng.randint(0, 3))]
    if kind == "object":
        return {rng.choice(["value", "note", "lat", "x", ""]): any_json(rng, depth + 1) for _ in range(rng.randint(0, 3))}
    return {
        "null": None,
        "bool": rng.random() < 0.5,
        "int": rng.randint(-5, 5),
        "big": 2 ** rng.randint(31, 70),
        "float": rng.uniform(-1e6, 1e6),
        "text": rng.choice(ODD_WORDS + ["\u00e9t\u00e9", "0" * 40]),
    }[kind]
