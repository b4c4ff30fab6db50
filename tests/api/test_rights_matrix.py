"""The authorization matrix: every role × every record type × create, update of each field, delete, pull, blob GET and HEAD.

The allowed cells come from one table, RIGHTS, stated in plain words in
docs/rights.md. Record types and their fields are read from the code
(schemas.records), so a type or field added later without a row here fails
the test until its rights are written down. A cell is allowed when the
server applies the change (or serves the read); anything else (rejected,
conflict, 401, 404) is a refusal. Every refusal and every allowance that
disagrees with the table is listed at the end, so a hole shows as a cell.
"""

from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta

import pytest

from schemas.records import RECORD_FIELDS, RECORD_TYPES
from server.extensions import db
from server.services import rounds
from tests.helpers import jpeg_bytes, new_id, sha

ROLES = ("office_all", "office_here", "inspector", "inspector2", "inspector_there", "contractor_a", "contractor_b", "anonymous")
OFFICE = frozenset({"office_all", "office_here"})
STAFF_HERE = OFFICE | {"inspector", "inspector2"}  # who works on the site "Here"
NON_CONTRACTORS = STAFF_HERE | {"inspector_there"}
NOBODY = frozenset()


@dataclass(frozen=True)
class Row:
    """Who may do what to one record of a type, as the world below makes it (on the site "Here")."""

    state: str  # the record the row is about, in plain words
    create: frozenset
    read: frozenset
    delete: frozenset
    update: frozenset  # every field, unless `fields` says otherwise
    fields: dict = field(default_factory=dict)  # field -> (roles that may change it, the new value's key in VALUES)


RIGHTS = {
    "site": Row(
        "a new site office_all made", frozenset({"office_all"}), frozenset({"office_all"}), frozenset({"office_all"}), frozenset({"office_all"})
    ),
    "area": Row("a building of Here", OFFICE, STAFF_HERE, OFFICE, OFFICE, {"site_id": (NOBODY, "site_there"), "parent_id": (OFFICE, "area")}),
    "checkpoint": Row("a checkpoint of Here", OFFICE, STAFF_HERE, OFFICE, OFFICE, {"site_id": (NOBODY, "site_there"), "area_id": (OFFICE, "area")}),
    "company": Row("a new company with no finding", OFFICE, NON_CONTRACTORS, OFFICE, OFFICE),
    "template": Row("a template no inspection uses", OFFICE, NON_CONTRACTORS, OFFICE, OFFICE, {"family_id": (NOBODY, "id"), "revision": (NOBODY, 2)}),
    "inspection": Row(
        "inspector's draft on Here",
        STAFF_HERE,
        STAFF_HERE,
        OFFICE | {"inspector"},
        OFFICE | {"inspector"},
        {
            "inspector_id": (NOBODY, "user:inspector2"),
            "template_id": (NOBODY, "other_template"),
            "site_id": (frozenset({"office_all"}), "site_there"),
            "area_id": (OFFICE | {"inspector"}, "area"),
            "checkpoint_id": (OFFICE | {"inspector"}, "checkpoint"),
            "status": (OFFICE | {"inspector"}, "submitted"),
            "round_id": (OFFICE | {"inspector"}, "round"),
        },
    ),
    "finding": Row(
        "inspector's finding on Here, assigned to company A",
        STAFF_HERE,
        STAFF_HERE | {"contractor_a"},
        OFFICE,
        OFFICE,
        {
            "created_by": (NOBODY, "user:inspector2"),
            "reported_at": (NOBODY, "time"),
            "site_id": (frozenset({"office_all"}), "site_there"),
            "inspection_id": (OFFICE, "inspection"),
            "area_id": (OFFICE, "area"),
            "checkpoint_id": (OFFICE, "checkpoint"),
            "company_id": (OFFICE, "company_b"),
            "status": (OFFICE | {"contractor_a"}, "in_progress"),
            "fix_note": (OFFICE | {"contractor_a"}, "text"),
            "status_note": (OFFICE, "text"),
        },
    ),
    "comment": Row(
        "contractor A's comment on that finding",
        STAFF_HERE | {"contractor_a"},
        STAFF_HERE | {"contractor_a"},
        OFFICE | {"contractor_a"},
        OFFICE | {"contractor_a"},
        {
            name: (NOBODY, value)
            for name, value in (("parent_type", "photo"), ("parent_id", "other_finding"), ("author_id", "user:office_all"), ("created_at", "time"))
        },
    ),
    "photo": Row(
        "contractor A's after photo of that finding",
        OFFICE | {"contractor_a"},
        STAFF_HERE | {"contractor_a"},
        OFFICE | {"contractor_a"},
        OFFICE | {"contractor_a"},
        {name: (NOBODY, value) for name, value in (("blob", "blob"), ("parent_type", "inspection"), ("parent_id", "other_finding"))},
    ),
    "schedule": Row(
        "office's schedule of Here, with one round tomorrow",
        OFFICE,
        STAFF_HERE,
        OFFICE,
        OFFICE,
        {"site_id": (NOBODY, "site_there"), "template_family_id": (OFFICE, "other_template"), "checkpoint_ids": (OFFICE, "route")},
    ),
    # The server alone writes rounds (server/services/rounds.py): no role makes, changes or deletes one.
    "round": Row("a round the server planned of such a schedule", NOBODY, STAFF_HERE, NOBODY, NOBODY, {"status": (NOBODY, "missed")}),
    # An alert says what happened: office marks it read, and nobody changes or deletes the rest.
    "alert": Row("the alert of such a round, missed", NOBODY, STAFF_HERE, NOBODY, NOBODY, {"status": (OFFICE, "read")}),
}
# The bytes of a photo: GET and HEAD answer exactly those who read the photo (and the device that sent them).
BLOB_READERS = RIGHTS["photo"].read

# A new value for a field, by field name, where the row does not name one.
VALUES = {
    "name": "Renamed",
    "names": {"zh": "新名"},
    "address": "2 Harbour Road",
    "kind": "zone",
    "category": "cleaning",
    "code": "NEW-1",
    "trade": "lifts",
    "items": [{"key": "tidy", "label": "Tidy", "kind": "pass_fail"}],
    "active": False,
    "started_at": "time",
    "completed_at": "time",
    "answers": {"seal": {"value": "pass"}},
    "score": 50,
    "location": {"lat": 22.3, "lng": 114.2},
    "review_note": "text",
    "item_key": "seal",
    "title": "text",
    "description": "text",
    "severity": "low",
    "due_date": "2030-01-02",
    "body": "text",
    "role": "evidence",
    "caption": "text",
    "taken_at": "time",
    "presence": {"method": "hand"},
    "assignee_ids": "assignees",
    "time_zone": "Asia/Shanghai",
    "recurrence": {"every": "week", "interval": 1, "weekdays": [1], "times": ["09:00"]},
    "window_minutes": 60,
    "grace_minutes": 15,
    "mode": "after_completion",
    "starts_on": "2030-01-01",
    "ends_on": "2031-01-01",
    "schedule_id": "id",
    "round_id": "round",
    "site_id": "site_there",
    "template_family_id": "other_template",
    "checkpoint_ids": "route",
    "slot": "2030-01-01T08:00",
    "window_start": "time",
    "window_end": "time",
    "grace_until": "time",
    "points": [],
    "missed_at": "time",
    "skipped_ids": "route",
    "raised_at": "time",
}


def test_every_record_type_and_field_has_its_rights_written_down():
    assert set(RIGHTS) == set(RECORD_TYPES), "a record type without a row in RIGHTS (or a row for none)"
    for record_type, row in RIGHTS.items():
        names = set(RECORD_FIELDS[record_type]().load_fields)
        assert set(row.fields) <= names, (record_type, set(row.fields) - names)
        unvalued = {name for name in names if name not in row.fields and name not in VALUES}
        assert not unvalued, f"{record_type}: no new value for {unvalued} in VALUES"
        for roles in [row.create, row.read, row.delete, row.update, *(roles for roles, _ in row.fields.values())]:
            assert roles <= set(ROLES)


class World:
    """Two sites, Here and There; the roles of the matrix; and a maker for a fresh record of each row."""

    def __init__(self, make_user, login, client, app):
        make_user("office_all", "office")
        self.devices = {"office_all": login("office_all")}
        office = self.devices["office_all"]
        self.office = office
        self.here = office.create("site", {"name": "Here"})
        self.there = office.create("site", {"name": "There"})
        for username, role, extra in (
            ("office_here", "office", {"sites": ("Here",)}),
            ("inspector", "inspector", {"sites": ("Here",)}),
            ("inspector2", "inspector", {"sites": ("Here",)}),
            ("inspector_there", "inspector", {"sites": ("There",)}),
            ("contractor_a", "contractor", {"company": "Company A"}),
            ("contractor_b", "contractor", {"company": "Company B"}),
        ):
            make_user(username, role, **extra)
            self.devices[username] = login(username)
        self.client, self.app = client, app
        self.company_a = self.devices["contractor_a"].user["company_id"]
        self.company_b = self.devices["contractor_b"].user["company_id"]
        self.area = office.create("area", {"site_id": self.here, "name": "Block B", "kind": "building"})
        self.checkpoint = office.create("checkpoint", {"site_id": self.here, "area_id": self.area, "name": "Hydrant", "category": "fire"})
        self.template = self.make_template()
        self.round = self.make_round()
        self.inspection = self.make_inspection()
        self.finding = self.make_finding()
        self.other_template, self.other_finding = self.make_template(), self.make_finding()
        self.blob_data = jpeg_bytes("olive")

    def value(self, key):
        if isinstance(key, str) and key.startswith("user:"):
            return self.devices[key[5:]].user["id"]
        named = {
            "site_there": self.there,
            "area": self.area,
            "checkpoint": self.checkpoint,
            "other_template": self.other_template,
            "inspection": self.inspection,
            "other_finding": self.other_finding,
            "company_b": self.company_b,
            "id": new_id(),
            "time": "2026-01-01T00:00:00.000Z",
            "text": "Changed by the matrix",
            "blob": sha(jpeg_bytes("maroon")),
            "round": self.round,
            "route": [self.checkpoint],
            "assignees": [self.devices["inspector"].user["id"]],
        }
        return named.get(key, key) if isinstance(key, str) else key

    def make_template(self):
        items = [{"key": "seal", "label": "Seal", "kind": "pass_fail"}]
        return self.office.create("template", {"name": "Check", "category": "fire", "items": items})

    def make_inspection(self):
        return self.devices["inspector"].create("inspection", {"template_id": self.template, "site_id": self.here})

    def make_finding(self):
        finding = self.devices["inspector"].create("finding", self.finding_fields())
        assigned = self.office.push_one("finding", {"status": "assigned", "company_id": self.company_a, "due_date": "2030-01-01"}, record_id=finding)
        assert assigned["status"] == "applied", assigned
        return finding

    def schedule_fields(self):
        """A daily schedule that has one round only, tomorrow at 08:00 UTC."""
        tomorrow = (datetime.now(UTC) + timedelta(days=1)).date()
        self.tomorrow = tomorrow
        return {
            "site_id": self.here,
            "name": "HV patrol",
            "template_family_id": self.template,
            "checkpoint_ids": [self.checkpoint],
            "time_zone": "UTC",
            "recurrence": {"every": "day", "interval": 1, "times": ["08:00"]},
            "window_minutes": 120,
            "starts_on": tomorrow.isoformat(),
            "ends_on": tomorrow.isoformat(),
        }

    def make_round(self):
        schedule = self.office.create("schedule", self.schedule_fields())
        return rounds.round_id(schedule, f"{self.tomorrow.isoformat()}T08:00")

    def make_alert(self):
        missed = self.make_round()
        with self.app.app_context():
            rounds.mark_missed(datetime.combine(self.tomorrow, time(12), UTC))
            db.session.commit()
        return rounds.alert_id(missed)

    def finding_fields(self):
        return {"site_id": self.here, "category": "fire", "title": "Gauge low", "severity": "high"}

    def create_fields(self, record_type, blob=None):
        """The fields of a new record of the row, at the row's place (a photo of `blob`, else of the stored bytes)."""
        return {
            "site": {"name": "New site"},
            "area": {"site_id": self.here, "name": "Block C", "kind": "building"},
            "checkpoint": {"site_id": self.here, "name": "Extinguisher", "category": "fire"},
            "company": {"name": "Gamma"},
            "template": {"name": "Another", "category": "fire", "items": [{"key": "seal", "label": "Seal", "kind": "pass_fail"}]},
            "inspection": {"template_id": self.template, "site_id": self.here},
            "finding": self.finding_fields(),
            "schedule": self.schedule_fields(),
            "round": {**self.schedule_fields(), "schedule_id": new_id(), "slot": "2030-01-01T08:00"},
            "alert": {"site_id": self.here, "kind": "round_missed", "raised_at": "2026-01-01T00:00:00.000Z"},
            "comment": {"parent_type": "finding", "parent_id": self.finding, "body": "Seen"},
            "photo": {"blob": blob or self.blob_sha(), "parent_type": "finding", "parent_id": self.finding, "role": "after"},
        }[record_type]

    def blob_sha(self):
        return sha(self.blob_data)

    def fresh(self, record_type):
        """A new record of the row's kind and state, made by its author."""
        if record_type == "inspection":
            return self.make_inspection()
        if record_type == "finding":
            return self.make_finding()
        if record_type == "template":
            return self.make_template()
        if record_type == "round":
            return self.make_round()
        if record_type == "alert":
            return self.make_alert()
        author = self.devices["contractor_a"] if record_type in ("comment", "photo") else self.office
        return author.create(record_type, self.create_fields(record_type))

    def push(self, role, mutation) -> bool:
        if role == "anonymous":
            response = self.client.post("/api/v1/sync/push", json={"sent_at": "2026-11-26T08:00:00.000Z", "mutations": [mutation]})
            assert response.status_code == 401
            return False
        (result,) = self.devices[role].push(mutation)
        return result["status"] == "applied"

    def mutation(self, record_type, fields=None, record_id=None, op="upsert"):
        return self.office.mutation(record_type, fields, record_id=record_id, op=op)

    def readable(self, role, record_id) -> bool:
        if role == "anonymous":
            assert self.client.get("/api/v1/sync/pull").status_code == 401
            return False
        device = self.devices[role]
        device.cursor, device.records = None, {}
        return record_id in device.sync_down()

    def blob_answers(self, role) -> tuple[bool, bool]:
        url = f"/api/v1/blobs/{self.blob_sha()}"
        headers = self.devices[role].headers if role != "anonymous" else {}
        got = self.client.get(url, headers=headers)
        got.close()
        head = self.client.head(url, headers=headers)
        return got.status_code == 200, head.status_code == 200


@pytest.fixture
def world(make_user, login, client, app):
    return World(make_user, login, client, app)


def test_the_authorization_matrix(world):
    wrong = []

    def check(cell, roles_allowed, role, allowed):
        if allowed != (role in roles_allowed):
            wrong.append(f"{cell} by {role}: {'allowed' if allowed else 'refused'}, the table says {'allowed' if not allowed else 'refused'}")

    # The photo's bytes come from contractor A's device, which is also a reader, as a phone sends them.
    assert world.devices["contractor_a"].upload(world.blob_data).status_code == 201
    # Creates name bytes not sent yet: whether a photo may name stored bytes is the uploader's question, not the role's.
    unsent = sha(b"bytes no device has sent yet")
    for record_type in RECORD_TYPES:
        row = RIGHTS[record_type]
        for role in ROLES:
            check(f"create {record_type}", row.create, role, world.push(role, world.mutation(record_type, world.create_fields(record_type, unsent))))
        sample = world.fresh(record_type)
        for role in ROLES:
            check(f"pull {record_type}", row.read, role, world.readable(role, sample))
        for name in sorted(RECORD_FIELDS[record_type]().load_fields):
            roles_allowed, key = row.fields.get(name, (row.update, VALUES.get(name)))
            for role in ROLES:
                target = world.fresh(record_type)
                changed = world.push(role, world.mutation(record_type, {name: world.value(key)}, record_id=target))
                check(f"update {record_type}.{name}", roles_allowed, role, changed)
        for role in ROLES:
            target = world.fresh(record_type)
            check(f"delete {record_type}", row.delete, role, world.push(role, world.mutation(record_type, record_id=target, op="delete")))
    for role in ROLES:
        got, head = world.blob_answers(role)
        check("GET blob of the photo", BLOB_READERS, role, got)
        check("HEAD blob of the photo", BLOB_READERS, role, head)

    assert not wrong, "\n".join(wrong)
