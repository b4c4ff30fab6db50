"""Push: results per mutation, exactly once, and whole-request errors (protocol §3)."""

import json
import uuid

from tests.helpers import new_id


def test_a_new_record_is_applied_at_version_one(office, estate):
    result = office.push_one("company", {"name": "Gamma Lifts", "trade": "lifts"})

    assert result["status"] == "applied" and result["version"] == 1


def test_a_repeated_mid_is_a_duplicate_with_the_first_outcome_and_changes_nothing(office, estate):
    mutation = office.mutation("company", {"name": "Gamma Lifts"})
    first = office.push(mutation)[0]
    again = dict(mutation, fields={"name": "Changed on retry"})

    second = office.push(again)[0]

    assert second["status"] == "duplicate" and second["mid"] == mutation["mid"]
    assert second["first_status"] == "applied" and second["version"] == first["version"]
    assert office.fetch(mutation["id"])["fields"]["name"] == "Gamma Lifts"


def test_a_rejected_mutation_is_also_remembered_by_its_mid(office, estate):
    mutation = office.mutation("company", {"trade": "no name"})
    assert office.push(mutation)[0]["status"] == "rejected"

    repeat = office.push(mutation)[0]

    assert repeat["status"] == "duplicate" and repeat["error"]["code"] == "invalid"


def test_one_bad_mutation_never_stops_the_others(office, estate):
    good_before = office.mutation("company", {"name": "Before"})
    bad = office.mutation("company", {"name": 42})
    unknown = dict(office.mutation("company", {"name": "x"}), type="spaceship")
    good_after = office.mutation("company", {"name": "After"})

    results = office.push(good_before, bad, unknown, good_after)

    assert [r["status"] for r in results] == ["applied", "rejected", "rejected", "applied"]
    assert [r["mid"] for r in results] == [m["mid"] for m in (good_before, bad, unknown, good_after)]
    assert results[1]["error"]["fields"] == {"name": ["Not a valid string."]}
    assert "type" in results[2]["error"]["fields"]


def test_mutations_of_a_batch_apply_in_order(office, estate):
    record_id = new_id()
    create = office.mutation("company", {"name": "First"}, record_id=record_id)
    rename = office.mutation("company", {"name": "Second"}, record_id=record_id, base_version=1)

    results = office.push(create, rename)

    assert [r["status"] for r in results] == ["applied", "applied"]
    assert office.fetch(record_id)["fields"]["name"] == "Second"


def test_required_fields_on_create_are_named(inspector, estate):
    result = inspector.push_one("finding", {"title": "Leak"})

    assert result["status"] == "rejected"
    assert set(result["error"]["fields"]) == {"site_id", "category", "severity"}


def test_unknown_fields_are_rejected(office, estate):
    result = office.push_one("company", {"name": "X", "colour": "blue"})

    assert result["status"] == "rejected" and "colour" in result["error"]["fields"]


def test_wrong_types_are_rejected_not_coerced(office, estate):
    result = office.push_one("template", {"name": "T", "category": "fire", "items": [], "active": "yes"})

    assert result["status"] == "rejected" and "active" in result["error"]["fields"]


def test_numbers_beyond_64_bits_are_rejected_not_stored_rounded(inspector, estate):
    inspection = {"template_id": estate.template, "site_id": estate.site}
    huge = inspector.push_one("inspection", {**inspection, "answers": {"pressure": {"value": 2**70}}})
    big = inspector.create("inspection", {**inspection, "answers": {"pressure": {"value": 2**62}}})
    huge_score = inspector.push_one("inspection", {**inspection, "score": 2**64})

    assert huge["status"] == "rejected" and "answers" in huge["error"]["fields"]
    assert huge_score["status"] == "rejected" and "score" in huge_score["error"]["fields"]
    assert inspector.fetch(big)["fields"]["answers"]["pressure"]["value"] == 2**62


def test_a_string_field_holds_at_most_ten_thousand_code_points(inspector, estate):
    fine = inspector.push_one("finding", estate.finding_fields(description="水" * 10_000))
    too_long = inspector.push_one("finding", estate.finding_fields(description="水" * 10_001))

    assert fine["status"] == "applied"
    assert too_long["status"] == "rejected" and "description" in too_long["error"]["fields"]


def test_strings_round_trip_exactly(inspector, estate):
    text = "  Exit sign dark 🚪\n\t安全出口 — «unlit»  "
    record_id = inspector.create("finding", estate.finding_fields(description=text))

    assert inspector.fetch(record_id)["fields"]["description"] == text


def test_owner_fields_are_set_to_the_caller_and_may_name_only_the_caller(inspector, office, estate):
    mine = inspector.create("finding", estate.finding_fields())
    impersonating = inspector.push_one("finding", estate.finding_fields(created_by=office.user["id"]))

    assert inspector.fetch(mine)["fields"]["created_by"] == inspector.user["id"]
    assert impersonating["status"] == "rejected" and impersonating["error"]["code"] == "forbidden"


def test_a_bad_uuid_is_rejected(office, estate):
    result = office.push_one("area", {"site_id": "not-a-uuid", "name": "X", "kind": "floor"})

    assert result["status"] == "rejected" and result["error"]["fields"] == {"site_id": ["Not a valid UUID."]}


def test_a_reference_to_a_missing_record_is_rejected(office, estate):
    result = office.push_one("area", {"site_id": str(uuid.uuid4()), "name": "X", "kind": "floor"})

    assert result["status"] == "rejected" and result["error"]["code"] == "unknown_reference"


def test_a_mutation_that_changes_a_records_type_is_rejected(office, estate):
    result = office.push_one("company", {"name": "X"}, record_id=estate.site)

    assert result["status"] == "rejected"


def push_raw(device, body, content_type="application/json"):
    return device.client.post("/api/v1/sync/push", headers=device.headers, data=body, content_type=content_type)


def test_malformed_json_is_a_400_and_applies_nothing(office, estate):
    response = push_raw(office, '{"sent_at": "2026-11-26T08:00:00Z", "mutations": [')

    assert response.status_code == 400 and response.get_json()["error"]["code"] == "malformed_json"


def test_deeply_nested_json_is_a_400_not_a_crash(office, estate):
    for depth in (100, 100_000):
        response = push_raw(office, "[" * depth + "]" * depth)
        assert response.status_code == 400, depth
        assert response.get_json()["error"]["code"] == "malformed_json"


def test_a_nul_or_a_lone_surrogate_anywhere_is_a_422_and_applies_nothing(office, estate):
    good = office.mutation("company", {"name": "Fine"})
    for bad_text in ("\\u0000", "\\ud800"):
        evil = office.mutation("company", {"name": "PLACEHOLDER"})
        body = json.dumps({"sent_at": "2026-11-26T08:00:00.000Z", "mutations": [good, evil]}).replace("PLACEHOLDER", bad_text)

        response = push_raw(office, body)

        assert response.status_code == 422, bad_text
    assert office.push(good)[0]["status"] == "applied"  # the good one was never applied before


def test_missing_mutations_or_sent_at_is_a_422(office, estate):
    assert push_raw(office, json.dumps({"sent_at": "2026-11-26T08:00:00Z"})).status_code == 422
    assert push_raw(office, json.dumps({"mutations": []})).status_code == 422
    assert push_raw(office, json.dumps([1, 2])).status_code == 422


def test_a_mutation_without_a_valid_mid_is_a_422_for_the_whole_request(office, estate):
    good = office.mutation("company", {"name": "Fine"})
    nameless = dict(office.mutation("company", {"name": "X"}), mid="nope")

    response = office.push_response([good, nameless])

    assert response.status_code == 422
    assert office.push(good)[0]["status"] == "applied"


def test_more_than_500_mutations_is_a_413(office, estate):
    mutations = [office.mutation("company", {"name": f"C{i}"}) for i in range(501)]

    response = office.push_response(mutations)

    assert response.status_code == 413


def test_a_body_over_two_mebibytes_is_a_413(office, estate):
    mutations = [office.mutation("finding", estate.finding_fields(description="x" * 9_000)) for _ in range(240)]

    response = office.push_response(mutations)

    assert response.status_code == 413 and response.get_json()["error"]["code"]


def test_push_wants_json(office, estate):
    response = push_raw(office, "sent_at=now", content_type="text/plain")

    assert response.status_code == 415


def test_unknown_api_paths_and_methods_answer_json(office):
    not_found = office.get("/nothing/here")
    not_allowed = office.client.delete("/api/v1/sync/push", headers=office.headers)

    assert not_found.status_code == 404 and not_found.get_json()["error"]["code"] == "not_found"
    assert not_allowed.status_code == 405 and not_allowed.get_json()["error"]["code"] == "method_not_allowed"


def test_a_delete_leaves_a_tombstone_that_others_pull(office, inspector, estate):
    company = office.create("company", {"name": "Short-lived"})

    result = office.push_one("company", record_id=company, op="delete")

    assert result["status"] == "applied" and result["version"] == 2
    tombstone = inspector.fetch(company)
    assert tombstone["deleted"] is True and tombstone["version"] == 2


def test_when_a_quick_create_is_refused_by_the_database_the_batch_runs_again_one_by_one(office, estate, monkeypatch):
    # As when another worker creates the same record between our look-up and our insert.
    from server.services import mutations as records

    record_id = new_id()
    office.push_one("company", {"name": "First"}, record_id=record_id)
    monkeypatch.setattr(records, "existing_record_ids", lambda ids: set())
    before = office.mutation("company", {"name": "Beta Cleaning"})
    update = office.mutation("company", {"name": "Second"}, record_id=record_id, base_version=1)
    after = office.mutation("company", {"name": "Gamma Lifts"})

    results = office.push(before, update, after)

    assert [r["status"] for r in results] == ["applied", "applied", "applied"]
    assert office.fetch(record_id)["fields"]["name"] == "Second" and office.fetch(record_id)["version"] == 2
    names = [c["fields"]["name"] for c in office.pull().json["changes"] if c["type"] == "company"]
    assert {"Beta Cleaning", "Second", "Gamma Lifts"} <= set(names) and "First" not in names
    assert len(names) == len(set(names))  # nothing of the rolled-back try left in the feed
    assert office.push(before, update, after) == [dict(r, status="duplicate", first_status="applied") for r in results]


def test_a_batch_of_new_records_and_updates_takes_one_position_each_all_real(office, estate, app):
    from sqlalchemy import func, select

    from server.extensions import db
    from server.models import Record

    first_batch = [office.mutation("company", {"name": f"Company {i}"}) for i in range(3)]
    office.push(*first_batch)
    cursor = office.pull().json["cursor"]
    # New records, then an update of one of them (which writes the new ones before it), then more new records.
    rename = office.mutation("company", {"name": "Company 1, renamed"}, record_id=first_batch[1]["id"], base_version=1)
    second_batch = [office.mutation("company", {"name": f"Later {i}"}) for i in range(2)]
    middle = [office.mutation("company", {"name": f"Middle {i}"}) for i in range(2)]
    renamed_new = office.mutation("company", {"name": "Middle 1, renamed"}, record_id=middle[1]["id"], base_version=1)

    results = office.push(*middle, rename, renamed_new, *second_batch)

    assert all(r["status"] == "applied" for r in results)
    changes = office.pull(since=cursor).json["changes"]
    names = [c["fields"]["name"] for c in changes]
    assert sorted(names) == ["Company 1, renamed", "Later 0", "Later 1", "Middle 0", "Middle 1, renamed"]
    new_ones = [name for name in names if name in ("Middle 0", "Later 0", "Later 1")]
    assert new_ones == ["Middle 0", "Later 0", "Later 1"]  # bulk-inserted records keep their push order
    with app.app_context():
        seqs = db.session.execute(select(Record.seq)).scalars().all()
        assert None not in seqs and min(seqs) > 0 and len(seqs) == len(set(seqs))
        assert db.session.execute(select(func.count()).where(Record.seq < 0)).scalar_one() == 0


def test_an_update_may_name_only_some_fields_but_not_half_a_checklist_item_or_location(office, inspector, estate):
    items = office.push_one("template", {"items": [{}]}, record_id=estate.template, base_version=1)
    location = inspector.push_one(
        "finding", {"location": {"lat": 22.3}}, record_id=inspector.create("finding", estate.finding_fields()), base_version=1
    )

    assert items["status"] == "rejected" and "items" in items["error"]["fields"]
    assert location["status"] == "rejected" and "location" in location["error"]["fields"]
