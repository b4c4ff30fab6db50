"""The finding workflow and who may do what (protocol §5)."""

from datetime import date, timedelta

import pytest

from tests.helpers import jpeg_bytes, sha

DUE = (date.today() + timedelta(days=3)).isoformat()


@pytest.fixture
def finding(inspector, estate):
    return inspector.create("finding", estate.finding_fields())


def assign(office, finding, company, base_version=None):
    return office.push_one("finding", {"status": "assigned", "company_id": company, "due_date": DUE}, record_id=finding, base_version=base_version)


def after_photo(device, finding, role="after"):
    return device.mutation("photo", {"blob": sha(jpeg_bytes("green")), "parent_type": "finding", "parent_id": finding, "role": role})


def fix(contractor, finding, note="Recharged to 1.2 MPa", base_version=None):
    return contractor.push(
        after_photo(contractor, finding),
        contractor.mutation("finding", {"status": "fixed", "fix_note": note}, record_id=finding, base_version=base_version),
    )


def test_a_finding_is_created_open(inspector, finding):
    assert inspector.fetch(finding)["fields"]["status"] == "open"


def test_a_finding_created_in_another_status_is_rejected(inspector, estate):
    result = inspector.push_one("finding", estate.finding_fields(status="assigned"))

    assert result["status"] == "rejected"


def test_assigning_needs_a_company_and_a_due_date(office, finding, estate):
    result = office.push_one("finding", {"status": "assigned", "company_id": estate.company_a}, record_id=finding)

    assert result["status"] == "rejected" and "due_date" in result["error"]["fields"]


def test_the_whole_loop_from_open_to_closed(office, inspector, contractor_a, finding, estate):
    assert assign(office, finding, estate.company_a)["status"] == "applied"
    assert contractor_a.push_one("finding", {"status": "in_progress"}, record_id=finding)["status"] == "applied"

    photo_result, fixed_result = fix(contractor_a, finding)
    closed = office.push_one("finding", {"status": "closed"}, record_id=finding)

    assert (photo_result["status"], fixed_result["status"], closed["status"]) == ("applied", "applied", "applied")
    state = inspector.fetch(finding)
    assert state["fields"]["status"] == "closed" and state["fields"]["fix_note"] == "Recharged to 1.2 MPa"


def test_fixed_without_an_after_photo_or_a_fix_note_is_rejected(office, contractor_a, finding, estate):
    assign(office, finding, estate.company_a)

    no_photo = contractor_a.push_one("finding", {"status": "fixed", "fix_note": "Done"}, record_id=finding)
    contractor_a.push(after_photo(contractor_a, finding, role="evidence"))
    evidence_only = contractor_a.push_one("finding", {"status": "fixed", "fix_note": "Done"}, record_id=finding)
    contractor_a.push(after_photo(contractor_a, finding))
    no_note = contractor_a.push_one("finding", {"status": "fixed", "fix_note": "  "}, record_id=finding)

    assert [r["status"] for r in (no_photo, evidence_only, no_note)] == ["rejected"] * 3
    assert contractor_a.fetch(finding)["fields"]["status"] == "assigned"


def test_a_contractor_may_not_close_or_edit_the_text(office, contractor_a, finding, estate):
    assign(office, finding, estate.company_a)
    fix(contractor_a, finding)

    close = contractor_a.push_one("finding", {"status": "closed"}, record_id=finding)
    retitle = contractor_a.push_one("finding", {"title": "Nothing wrong"}, record_id=finding)

    assert close["status"] == "rejected" and close["error"]["code"] == "forbidden"
    assert retitle["status"] == "rejected" and retitle["error"]["code"] == "forbidden"


def test_a_contractor_of_another_company_may_not_touch_the_finding(office, contractor_b, finding, estate):
    assign(office, finding, estate.company_a)

    result = contractor_b.push_one("finding", {"status": "in_progress"}, record_id=finding)

    assert result["status"] == "rejected"


def test_a_stale_offline_edit_cannot_reopen_a_closed_finding(office, contractor_a, finding, estate):
    assign(office, finding, estate.company_a)
    fix(contractor_a, finding)
    office.push_one("finding", {"status": "closed"}, record_id=finding)

    stale = contractor_a.push_one("finding", {"status": "in_progress"}, record_id=finding, base_version=2)

    assert stale["status"] == "conflict" and stale["conflicts"] == ["status"]
    assert office.fetch(finding)["fields"]["status"] == "closed"


def test_office_reopens_a_closed_finding_only_by_an_edit_on_its_current_version(office, contractor_a, finding, estate):
    assign(office, finding, estate.company_a)
    fix(contractor_a, finding)
    office.push_one("finding", {"status": "closed"}, record_id=finding)
    current = office.fetch(finding)["version"]

    old = office.push_one("finding", {"status": "assigned"}, record_id=finding, base_version=current - 1)
    fresh = office.push_one("finding", {"status": "assigned"}, record_id=finding, base_version=current)

    assert old["status"] == "conflict"
    assert fresh["status"] == "applied"


def test_office_rejects_a_fix_back_to_assigned(office, contractor_a, finding, estate):
    assign(office, finding, estate.company_a)
    fix(contractor_a, finding)

    result = office.push_one("finding", {"status": "assigned"}, record_id=finding)

    assert result["status"] == "applied"
    assert office.fetch(finding)["fields"]["status"] == "assigned"


def test_office_cancels_only_an_open_or_assigned_finding(office, contractor_a, inspector, estate):
    open_one = inspector.create("finding", estate.finding_fields())
    fixed_one = inspector.create("finding", estate.finding_fields())
    assign(office, fixed_one, estate.company_a)
    fix(contractor_a, fixed_one)

    cancel_open = office.push_one("finding", {"status": "cancelled"}, record_id=open_one)
    cancel_fixed = office.push_one("finding", {"status": "cancelled"}, record_id=fixed_one)

    assert cancel_open["status"] == "applied"
    assert cancel_fixed["status"] == "conflict"


def test_reassigning_an_in_progress_finding_makes_it_assigned_again(office, contractor_a, finding, estate):
    assign(office, finding, estate.company_a)
    contractor_a.push_one("finding", {"status": "in_progress"}, record_id=finding)

    result = office.push_one("finding", {"company_id": estate.company_b}, record_id=finding)

    assert result["status"] == "applied"
    fields = office.fetch(finding)["fields"]
    assert (fields["status"], fields["company_id"]) == ("assigned", estate.company_b)


def test_an_inspector_edits_the_text_of_their_own_finding_until_it_is_assigned(office, inspector, finding, estate):
    before = inspector.push_one("finding", {"description": "Needle deep in the red", "severity": "critical"}, record_id=finding)
    assign(office, finding, estate.company_a)

    after = inspector.push_one("finding", {"description": "Changed my mind"}, record_id=finding)

    assert before["status"] == "applied"
    assert after["status"] == "conflict"
    assert office.fetch(finding)["fields"]["description"] == "Needle deep in the red"


def test_an_inspector_may_not_edit_someone_elses_finding_or_its_status(make_user, login, inspector, finding):
    make_user("other", "inspector")
    other = login("other")

    edit = other.push_one("finding", {"title": "Mine now"}, record_id=finding)
    status = inspector.push_one("finding", {"status": "cancelled"}, record_id=finding)

    assert edit["status"] == "rejected" and status["status"] == "rejected"


def test_reference_data_is_written_by_office_only(inspector, contractor_a, estate):
    for device in (inspector, contractor_a):
        result = device.push_one("checkpoint", {"site_id": estate.site, "name": "Fake", "category": "fire"})
        assert result["status"] == "rejected" and result["error"]["code"] == "forbidden"


def test_contractors_do_not_create_findings_or_inspections(contractor_a, estate):
    finding = contractor_a.push_one("finding", estate.finding_fields())
    inspection = contractor_a.push_one("inspection", {"template_id": estate.template, "site_id": estate.site})

    assert finding["status"] == inspection["status"] == "rejected"


def test_an_inspector_submits_their_inspection_and_office_reviews_it(office, inspector, estate):
    inspection = inspector.create("inspection", {"template_id": estate.template, "site_id": estate.site})

    submitted = inspector.push_one("inspection", {"status": "submitted"}, record_id=inspection)
    self_review = inspector.push_one("inspection", {"status": "reviewed"}, record_id=inspection)
    reviewed = office.push_one("inspection", {"status": "reviewed"}, record_id=inspection)
    late_edit = inspector.push_one("inspection", {"answers": {"seal": {"value": "fail"}}}, record_id=inspection)

    assert [r["status"] for r in (submitted, self_review, reviewed, late_edit)] == ["applied", "rejected", "applied", "conflict"]


def test_deletes_follow_the_rights(office, inspector, make_user, login, finding, estate):
    make_user("other", "inspector")
    other = login("other")
    draft = inspector.create("inspection", {"template_id": estate.template, "site_id": estate.site})
    submitted = inspector.create("inspection", {"template_id": estate.template, "site_id": estate.site, "status": "submitted"})
    comment = other.create("comment", {"parent_type": "finding", "parent_id": finding, "body": "Seen it too"})

    assert inspector.push_one("inspection", record_id=draft, op="delete")["status"] == "applied"
    assert inspector.push_one("inspection", record_id=submitted, op="delete")["status"] == "conflict"
    assert inspector.push_one("finding", record_id=finding, op="delete")["status"] == "rejected"
    assert inspector.push_one("comment", record_id=comment, op="delete")["status"] == "rejected"
    assert other.push_one("comment", record_id=comment, op="delete")["status"] == "applied"
    assert office.push_one("finding", record_id=finding, op="delete")["status"] == "applied"


def test_a_photo_needs_the_right_to_write_its_parent(office, contractor_a, contractor_b, finding, estate):
    assign(office, finding, estate.company_a)

    mine = contractor_a.push(after_photo(contractor_a, finding))[0]
    theirs = contractor_b.push(after_photo(contractor_b, finding))[0]

    assert mine["status"] == "applied" and theirs["status"] == "rejected"


def test_anyone_who_can_read_a_finding_may_comment_on_it(office, contractor_a, contractor_b, finding, estate):
    assign(office, finding, estate.company_a)

    ok = contractor_a.push_one("comment", {"parent_type": "finding", "parent_id": finding, "body": "Parts ordered"})
    refused = contractor_b.push_one("comment", {"parent_type": "finding", "parent_id": finding, "body": "Not ours"})

    assert ok["status"] == "applied" and refused["status"] == "rejected"


def test_when_a_finding_was_reported_is_kept_as_first_sent(office, inspector, estate):
    finding = inspector.create("finding", estate.finding_fields(reported_at="2026-11-26T08:00:00.000Z"))

    moved = office.push_one("finding", {"reported_at": "2026-11-01T08:00:00.000Z"}, record_id=finding, base_version=1)

    assert moved["status"] == "rejected" and "reported_at" in moved["error"]["fields"]
    assert office.fetch(finding)["fields"]["reported_at"] == "2026-11-26T08:00:00.000Z"


@pytest.mark.parametrize("status", ["fixed", "closed", "cancelled"])
def test_giving_a_finding_to_another_company_after_the_work_is_a_conflict_and_changes_nothing(
    office, contractor_a, contractor_b, finding, estate, status
):
    if status == "cancelled":
        office.push_one("finding", {"status": "cancelled"}, record_id=finding)
    else:
        assign(office, finding, estate.company_a)
        fix(contractor_a, finding)
        if status == "closed":
            office.push_one("finding", {"status": "closed"}, record_id=finding)
    before = office.fetch(finding)

    result = office.push_one("finding", {"company_id": estate.company_b}, record_id=finding, base_version=before["version"])

    assert result["status"] == "conflict" and result["conflicts"] == ["company_id"]
    assert office.fetch(finding) == before
    assert finding not in {change["id"] for change in contractor_b.pull().json["changes"]}


def test_a_fixed_finding_sent_back_to_another_company_is_assigned_to_it(office, contractor_a, finding, estate):
    assign(office, finding, estate.company_a)
    fix(contractor_a, finding)

    result = office.push_one("finding", {"status": "assigned", "company_id": estate.company_b}, record_id=finding)

    assert result["status"] == "applied"
    fields = office.fetch(finding)["fields"]
    assert (fields["status"], fields["company_id"]) == ("assigned", estate.company_b)


def test_a_finding_keeps_the_history_of_its_status_with_who_verified_when_and_why(office, inspector, contractor_a, finding, estate):
    assign(office, finding, estate.company_a)
    fix(contractor_a, finding, note="Recharged")
    sent_back = office.push_one("finding", {"status": "assigned", "status_note": "Still reads 0.9 MPa"}, record_id=finding)
    fix(contractor_a, finding, note="Replaced the extinguisher")
    closed = office.push_one("finding", {"status": "closed", "status_note": "Return visit: 1.2 MPa"}, record_id=finding)

    assert (sent_back["status"], closed["status"]) == ("applied", "applied")
    history = contractor_a.fetch(finding)["fields"]["status_history"]
    assert [(entry["status"], entry["role"]) for entry in history] == [
        ("open", "inspector"),
        ("assigned", "office"),
        ("fixed", "contractor"),
        ("assigned", "office"),
        ("fixed", "contractor"),
        ("closed", "office"),
    ]
    assert [entry.get("note") for entry in history] == [None, None, None, "Still reads 0.9 MPa", None, "Return visit: 1.2 MPa"]
    assert history[-1]["by"] == office.user["id"] and history[0]["by"] == inspector.user["id"]
    assert [entry["at"] for entry in history] == sorted(entry["at"] for entry in history)


def test_no_client_writes_the_status_history_and_only_office_writes_the_status_note(office, contractor_a, finding, estate):
    assign(office, finding, estate.company_a)

    forged = office.push_one("finding", {"status_history": []}, record_id=finding)
    contractor_note = contractor_a.push_one("finding", {"status": "in_progress", "status_note": "All fine"}, record_id=finding)
    edit_without_move = office.push_one("finding", {"status_note": "Call before visiting"}, record_id=finding)

    assert forged["status"] == "rejected" and "status_history" in forged["error"]["fields"]
    assert contractor_note["status"] == "rejected" and contractor_note["error"]["code"] == "forbidden"
    assert edit_without_move["status"] == "applied"
    assert len(office.fetch(finding)["fields"]["status_history"]) == 2  # a note alone moves nothing


def test_a_comment_carries_its_authors_name_for_devices_that_cannot_list_people(office, contractor_a, finding, estate):
    assign(office, finding, estate.company_a)
    comment = contractor_a.create("comment", {"parent_type": "finding", "parent_id": finding, "body": "On site at 3pm"})
    forged = contractor_a.push_one("comment", {"parent_type": "finding", "parent_id": finding, "body": "Hi", "author_name": "Office"})

    assert office.fetch(comment)["fields"]["author_name"] == contractor_a.user["name"]
    assert forged["status"] == "rejected" and "author_name" in forged["error"]["fields"]
