"""Push whatever a buggy or hostile device might send: every mutation gets a result, never a 500.

A seeded random walk (so a failure repeats) of batches of creates, updates
and deletes of every record type. Most mutations are plausible (each field a
value of its kind, pointing at the estate's real records), so they get past
validation into the merge, the status moves and the moves between sites;
some carry any JSON value in a field or in the envelope. They are pushed by
office, inspector and contractor, and later batches edit and delete what
earlier ones made; between batches the phones pull, and at the end each
replica must equal a fresh full pull. The test client re-raises any server exception, so a crash
fails with its traceback. (Hypothesis does not fit here: what a batch can
refer to depends on what the server accepted before.)
"""

import random
import uuid
from datetime import UTC, datetime, timedelta

import pytest

from schemas.records import AREA_KINDS, CATEGORIES, PHOTO_ROLES, RECORD_FIELDS, SEVERITIES
from tests.helpers import ODD_WORDS, any_json, iso, now_iso, sha

STATUSES = {"applied", "rejected", "conflict", "duplicate"}
FINDING_STATUSES = ["open", "assigned", "in_progress", "fixed", "closed", "cancelled"]


class Walk:
    """Random but plausible mutations against what the server has (or may have) accepted so far."""

    def __init__(self, rng: random.Random, estate, records: list[tuple[str, str]]):
        self.rng, self.estate, self.records = rng, estate, records

    def chance(self, fraction: float) -> bool:
        return self.rng.random() < fraction

    def some_id(self) -> str:
        if self.chance(0.85):
            return self.rng.choice(self.records)[1]
        return self.rng.choice([str(uuid.uuid4()), "nope", str(uuid.uuid4()).upper()])

    def time(self) -> str:
        if self.chance(0.9):
            return iso(datetime.now(UTC) - timedelta(minutes=self.rng.randint(-60, 60 * 24 * 400)))
        return self.rng.choice(["soon", "2026-11-26T08:30:00", "2026-02-30T00:00:00.000Z"])

    def location(self):
        return self.rng.choice(
            [
                None,
                {"lat": self.rng.uniform(-90, 90), "lng": self.rng.uniform(-180, 180)},
                {"lat": 91, "lng": 0},
                {"lat": 1},
                {"lat": 22.3, "lng": 114.2, "accuracy": 5},
            ]
        )

    def answers(self):
        values = {
            "pressure": lambda: self.rng.uniform(0, 3),
            "seal": lambda: self.rng.choice(["pass", "fail", "na", "maybe"]),
            "tidy": lambda: self.rng.randint(0, 6),
            "state": lambda: self.rng.choice(["ok", "stuck", "gone"]),
            "remark": lambda: self.rng.choice(ODD_WORDS),
            "photo": lambda: None,
            "ghost": lambda: 1,
        }
        chosen = self.rng.sample(sorted(values), self.rng.randint(0, 4))
        return {
            key: None if self.chance(0.15) else {"value": values[key](), **({"note": self.rng.choice(ODD_WORDS)} if self.chance(0.3) else {})}
            for key in chosen
        }

    def items(self):
        kinds = ["pass_fail", "score", "number", "text", "choice", "photo"]
        return [
            {
                "key": self.rng.choice(["pressure", "seal", f"item{n}", "Bad Key"]),
                "label": self.rng.choice(ODD_WORDS[:4]),
                "kind": self.rng.choice(kinds),
                **({"min": 1, "max": 5} if self.chance(0.5) else {}),
                **({"choices": ["ok", "stuck"]} if self.chance(0.5) else {}),
            }
            for n in range(self.rng.randint(0, 3))
        ]

    def field_value(self, record_type: str, name: str):
        """A value of the field's kind; the caller replaces one in twenty with any JSON."""
        rng, estate = self.rng, self.estate
        if name in ("author_id", "inspector_id", "created_by") and self.chance(0.8):
            return None  # the server sets the owner; naming someone else is refused
        if name.endswith("_id"):
            if name == "company_id" and self.chance(0.6):
                return rng.choice([estate.company_a, estate.company_b, None])
            if name == "site_id" and self.chance(0.6):
                return estate.site
            if name == "template_id" and self.chance(0.6):
                return estate.template
            return None if name not in ("site_id", "template_id", "parent_id") and self.chance(0.3) else self.some_id()
        choices = {
            "kind": AREA_KINDS,
            "category": CATEGORIES,
            "severity": SEVERITIES,
            "role": PHOTO_ROLES,
            "parent_type": ["finding", "inspection", "photo", "site"],
            "item_key": ["pressure", "photo", None],
            "code": ["HY-1", None, "toolongcode" * 5],
            "due_date": ["2026-12-24", "2026-02-30", None],
            "status": FINDING_STATUSES if record_type == "finding" else ["draft", "submitted", "reviewed"],
        }
        if name in choices:
            return rng.choice(choices[name])
        if name in ("started_at", "completed_at", "reported_at", "taken_at", "created_at"):
            return self.time()
        special = {
            "answers": self.answers,
            "items": self.items,
            "location": self.location,
            "blob": lambda: sha(b"photo"),
            "active": lambda: self.chance(0.8),
            "revision": lambda: rng.randint(0, 3),
            "score": lambda: rng.randint(-1, 101),
            "names": lambda: {"zh": "消防栓"},
        }
        if name in special:
            return special[name]()
        return rng.choice(ODD_WORDS[:4] * 4 + ODD_WORDS)  # names, titles, notes, bodies

    def mutation(self) -> dict:
        rng = self.rng
        creating = self.chance(0.45)
        if creating:
            record_type, record_id = rng.choice(sorted(RECORD_FIELDS)), str(uuid.uuid4())
        else:
            record_type, record_id = rng.choice(self.records)
            if self.chance(0.05):
                record_type = rng.choice(sorted(RECORD_FIELDS))
        schema_fields = RECORD_FIELDS[record_type]().load_fields
        names = set(rng.sample(sorted(schema_fields), rng.randint(0, min(3, len(schema_fields)))))
        if creating:
            names |= {name for name, field in schema_fields.items() if field.required}
        fields = {name: self.field_value(record_type, name) if self.chance(0.95) else any_json(rng) for name in sorted(names)}
        parents = [record for record in self.records if record[0] in ("finding", "inspection", "photo")]
        if {"parent_type", "parent_id"} <= names and record_type != "area" and self.chance(0.7):
            fields["parent_type"], fields["parent_id"] = rng.choice(parents)  # a parent of a type that can have one
        op = "delete" if self.chance(0.15) else "upsert"
        mutation = {
            "mid": str(uuid.uuid4()),
            "type": record_type,
            "id": record_id,
            "op": op,
            "base_version": None if creating else rng.choice([None, 1, 2, 3, 5]),
            "edited_at": now_iso(),
        }
        if op == "upsert":
            mutation["fields"] = fields
        if self.chance(0.05):  # an envelope that is off
            mutation[rng.choice(["type", "id", "op", "base_version", "edited_at", "fields"])] = any_json(rng)
        return mutation

    def learn(self, batch: list[dict], results: list[dict]) -> None:
        """Records the server created are there for later mutations to edit, delete and point at."""
        for mutation, result in zip(batch, results, strict=False):
            if result["status"] == "applied" and result.get("version") == 1 and mutation.get("op") == "upsert":
                self.records.append((mutation["type"], mutation["id"]))


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_any_batch_gets_one_result_a_mutation_and_no_server_error(seed, office, inspector, contractor_a, estate):
    inspection = inspector.create("inspection", {"template_id": estate.template, "site_id": estate.site})
    finding = inspector.create("finding", estate.finding_fields(inspection_id=inspection))
    records = [
        ("site", estate.site),
        ("area", estate.block),
        ("checkpoint", estate.checkpoint),
        ("company", estate.company_a),
        ("company", estate.company_b),
        ("template", estate.template),
        ("inspection", inspection),
        ("finding", finding),
    ]
    rng = random.Random(seed)
    walk = Walk(rng, estate, records)
    devices = [office, inspector, contractor_a]
    outcomes = set()

    for _ in range(200):
        device = rng.choice(devices)
        batch = [walk.mutation() for _ in range(rng.randint(1, 6))]
        if rng.random() < 0.1:
            batch.append(dict(batch[0]))  # a mid sent twice in one batch

        response = device.push_response(batch)
        rng.choice(devices).sync_down(limit=rng.choice([None, 7]))  # another phone keeps up, in small pages or large

        assert response.status_code == 200, (batch, response.get_json())
        results = response.get_json()["results"]
        assert [result["mid"] for result in results] == [mutation["mid"] for mutation in batch]
        assert {result["status"] for result in results} <= STATUSES, results
        walk.learn(batch, results)
        outcomes.update((str(mutation["type"]), result["status"]) for mutation, result in zip(batch, results, strict=False))

    # The walk got past validation: records of the main types were applied, and every kind of result came back.
    applied = {record_type for record_type, status in outcomes if status == "applied"}
    assert applied >= {"inspection", "finding", "comment", "company"}, outcomes
    assert {status for _, status in outcomes} == STATUSES, outcomes
    # Every phone's replica, kept by pulls in between, ends as a fresh full pull sees the server.
    for device in devices:
        kept = device.sync_down()
        device.records, device.cursor = {}, None
        assert device.sync_down() == kept
