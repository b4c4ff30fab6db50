"""Merge rules through the API (protocol §4): fields merge, later edits win, losers are kept."""

from datetime import UTC, datetime, timedelta

import pytest

from tests.helpers import iso

T0 = datetime.now(UTC) - timedelta(hours=2)


@pytest.fixture
def second_office(make_user, login, office):
    make_user("office2", "office")
    return login("office2")


def test_concurrent_edits_of_different_fields_both_survive(office, second_office, estate):
    company = office.create("company", {"name": "Alpha", "trade": "fire"})

    office.push_one("company", {"name": "Alpha Fire Ltd"}, record_id=company, base_version=1)
    result = second_office.push_one("company", {"trade": "fire safety"}, record_id=company, base_version=1)

    assert result["status"] == "applied"
    assert office.fetch(company)["fields"] == {"name": "Alpha Fire Ltd", "trade": "fire safety"}


@pytest.mark.parametrize("arrival", ["later_first", "earlier_first"])
def test_the_later_edit_of_one_field_wins_whatever_order_they_arrive_in(office, second_office, estate, arrival):
    company = office.create("company", {"name": "Alpha"})
    earlier = office.mutation("company", {"name": "Earlier"}, record_id=company, base_version=1, edited_at=iso(T0))
    later = second_office.mutation("company", {"name": "Later"}, record_id=company, base_version=1, edited_at=iso(T0 + timedelta(minutes=1)))
    pushes = [(office, earlier), (second_office, later)]
    if arrival == "later_first":
        pushes.reverse()

    results = [device.push(mutation)[0] for device, mutation in pushes]

    assert office.fetch(company)["fields"]["name"] == "Later"
    conflicts = office.get("/conflicts", query_string={"status": "open"}).get_json()["conflicts"]
    assert [(c["field"], c["kept"]["value"], c["lost"]["value"]) for c in conflicts] == [("name", "Later", "Earlier")]
    assert conflicts[0]["lost"]["user_id"] == office.user["id"] and conflicts[0]["status"] == "open"
    assert conflicts[0]["created_at"].endswith("Z") and conflicts[0]["kept"]["edited_at"].endswith("Z")
    if arrival == "later_first":
        assert results[1]["status"] == "conflict" and results[1]["conflicts"] == ["name"]
        assert results[1]["record"]["fields"]["name"] == "Later"


def test_a_clock_an_hour_slow_is_corrected_before_edits_are_ordered(office, second_office, estate):
    company = office.create("company", {"name": "Alpha"})
    now = datetime.now(UTC)
    # The second phone's clock is an hour slow: its edit, really made 10 s ago, says 70 minutes ago.
    slow_edit = second_office.mutation(
        "company", {"name": "Slow clock, newer edit"}, record_id=company, base_version=1, edited_at=iso(now - timedelta(hours=1, seconds=10))
    )
    # The first phone's clock is right: its edit was made 5 minutes ago.
    honest_edit = office.mutation(
        "company", {"name": "Right clock, older edit"}, record_id=company, base_version=1, edited_at=iso(now - timedelta(minutes=5))
    )

    office.push(honest_edit)
    result = second_office.push(slow_edit, sent_at=iso(now - timedelta(hours=1)))[0]

    assert result["status"] == "applied"
    assert office.fetch(company)["fields"]["name"] == "Slow clock, newer edit"


def test_an_edit_dated_in_the_future_counts_as_made_on_arrival(office, second_office, estate):
    company = office.create("company", {"name": "Alpha"})
    future = datetime.now(UTC) + timedelta(minutes=1)  # within tolerance, so not corrected
    office.push(office.mutation("company", {"name": "Claims the future"}, record_id=company, base_version=1, edited_at=iso(future)))

    second_office.push_one(
        "company", {"name": "Really later"}, record_id=company, base_version=1, edited_at=iso(datetime.now(UTC) + timedelta(seconds=50))
    )

    # Both are capped at their arrival, so the one that arrived later is the later edit.
    assert office.fetch(company)["fields"]["name"] == "Really later"


def test_answers_merge_per_item_key(inspector, make_user, login, estate):
    inspection = inspector.create("inspection", {"template_id": estate.template, "site_id": estate.site, "answers": {"seal": {"value": "pass"}}})
    make_user("office2", "office")
    office = login("office2")

    inspector.push_one("inspection", {"answers": {"pressure": {"value": 1.2, "note": "green zone"}}}, record_id=inspection, base_version=1)
    office.push_one("inspection", {"answers": {"tidy": {"value": 4}}}, record_id=inspection, base_version=1)

    answers = office.fetch(inspection)["fields"]["answers"]
    assert answers == {"seal": {"value": "pass"}, "pressure": {"value": 1.2, "note": "green zone"}, "tidy": {"value": 4}}


def test_an_inspection_created_without_answers_takes_them_later(inspector, estate):
    inspection = inspector.create("inspection", {"template_id": estate.template, "site_id": estate.site})
    assert inspector.fetch(inspection)["fields"]["answers"] == {}

    answered = inspector.push_one("inspection", {"answers": {"seal": {"value": "pass"}}}, record_id=inspection, base_version=1)
    untouched = inspector.push_one("inspection", {"answers": None}, record_id=inspection, base_version=2)

    assert answered["status"] == "applied" and untouched["status"] == "applied"
    assert inspector.fetch(inspection)["fields"]["answers"] == {"seal": {"value": "pass"}}


def test_an_answer_that_does_not_fit_its_item_is_rejected(inspector, estate):
    result = inspector.push_one(
        "inspection", {"template_id": estate.template, "site_id": estate.site, "answers": {"seal": {"value": "maybe"}, "nope": {"value": 1}}}
    )

    assert result["status"] == "rejected"
    assert set(result["error"]["fields"]["answers"]) == {"seal", "nope"}


def test_a_delete_wins_over_a_concurrent_edit_and_a_later_edit_is_a_conflict(office, second_office, estate):
    company = office.create("company", {"name": "Alpha"})
    office.push_one("company", record_id=company, op="delete", base_version=1)

    result = second_office.push_one("company", {"name": "Edited offline"}, record_id=company, base_version=1)

    assert result["status"] == "conflict"
    assert result["record"]["deleted"] is True
    assert office.fetch(company)["deleted"] is True


def test_office_resolves_a_conflict_by_keeping_the_other_value(office, second_office, estate):
    company = office.create("company", {"name": "Alpha"})
    office.push_one("company", {"name": "Earlier"}, record_id=company, base_version=1, edited_at=iso(T0))
    second_office.push_one("company", {"name": "Later"}, record_id=company, base_version=1, edited_at=iso(T0 + timedelta(minutes=1)))
    conflict = office.get("/conflicts?status=open").get_json()["conflicts"][0]

    response = office.post(f"/conflicts/{conflict['id']}/resolve", json={"value": conflict["lost"]["value"]})

    assert response.status_code == 200
    assert response.get_json()["status"] == "resolved"
    assert office.fetch(company)["fields"]["name"] == "Earlier"
    assert office.get("/conflicts?status=open").get_json()["conflicts"] == []
    assert office.get("/conflicts?status=resolved").get_json()["conflicts"][0]["id"] == conflict["id"]


def test_a_resolution_still_obeys_the_field_rules(office, second_office, estate):
    company = office.create("company", {"name": "Alpha"})
    office.push_one("company", {"name": "Earlier"}, record_id=company, base_version=1, edited_at=iso(T0))
    second_office.push_one("company", {"name": "Later"}, record_id=company, base_version=1, edited_at=iso(T0 + timedelta(minutes=1)))
    conflict = office.get("/conflicts").get_json()["conflicts"][0]

    response = office.post(f"/conflicts/{conflict['id']}/resolve", json={"value": 12})

    assert response.status_code == 422
    assert office.fetch(company)["fields"]["name"] == "Later"


def test_only_office_sees_conflicts_and_unknown_ones_are_404(office, inspector, estate):
    assert inspector.get("/conflicts").status_code == 403
    assert office.post("/conflicts/00000000-0000-0000-0000-000000000000/resolve", json={"value": 1}).status_code == 404
    assert office.get("/conflicts?status=maybe").status_code == 400


def test_stamps_are_stored_once_per_edit_and_read_back_whole():
    from datetime import datetime

    from sync.merge import FieldStamp, Stamp
    from sync.stamps import decode_stamps, encode_stamps

    first = Stamp(datetime(2026, 11, 26, 8, 0, tzinfo=UTC), "phone-a", "mid-1", "user-a")
    second = Stamp(datetime(2026, 11, 26, 9, 0, tzinfo=UTC), "phone-b", "mid-2", None)
    stamps = {"title": FieldStamp(first, 1), "answers.a": FieldStamp(first, 1), "severity": FieldStamp(second, 3, (first,))}

    stored = encode_stamps(stamps)

    assert len(stored["edits"]) == 2
    assert decode_stamps(stored, {}) == stamps


def test_a_new_records_stamps_stand_for_every_path_of_its_fields_until_it_is_edited():
    from datetime import datetime

    from sync.merge import FieldStamp, Stamp, flatten
    from sync.stamps import creation_stamps, decode_stamps, encode_stamps

    stamp = Stamp(datetime(2026, 11, 26, 8, 0, tzinfo=UTC), "phone-a", "mid-1", "user-a")
    fields = {"title": "Leak", "answers": {"a": {"value": "fail"}, "b": {"value": 3, "note": "low"}}, "score": None}
    every_path = {path: FieldStamp(stamp, 1) for path in flatten(fields)}

    stored = creation_stamps(stamp)

    assert decode_stamps(stored, fields) == every_path
    assert decode_stamps(encode_stamps(every_path), fields) == every_path


def test_the_first_edit_of_a_new_record_keeps_the_creation_stamps_of_the_paths_it_did_not_touch(office, inspector, estate):
    inspection = inspector.create(
        "inspection", {"template_id": estate.template, "site_id": estate.site, "answers": {"seal": {"value": "pass"}, "tidy": {"value": 4}}}
    )
    # Made before this device knew any version (base_version None), and earlier than the creation.
    older = inspector.mutation("inspection", {"answers": {"seal": {"value": "fail"}}}, record_id=inspection, edited_at="2020-01-01T00:00:00.000Z")
    newer = inspector.mutation("inspection", {"answers": {"tidy": {"value": 5}}}, record_id=inspection, base_version=1)

    first, second = inspector.push(newer, older)

    assert first["status"] == "applied"
    assert second["status"] == "conflict"  # the creation's later stamp on seal still wins over an older edit
    answers = inspector.fetch(inspection)["fields"]["answers"]
    assert answers["seal"]["value"] == "pass" and answers["tidy"]["value"] == 5
