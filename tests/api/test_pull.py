"""Pull: cursors, pages and scopes (protocol §6)."""

from datetime import date, timedelta

import pytest

from tests.helpers import jpeg_bytes, sha

DUE = (date.today() + timedelta(days=3)).isoformat()


def assigned_finding(office, inspector, estate, company):
    finding = inspector.create("finding", estate.finding_fields())
    inspector.create("photo", {"blob": sha(jpeg_bytes("red")), "parent_type": "finding", "parent_id": finding, "role": "before"})
    inspector.create("comment", {"parent_type": "finding", "parent_id": finding, "body": "Found on the morning round"})
    result = office.push_one("finding", {"status": "assigned", "company_id": company, "due_date": DUE}, record_id=finding)
    assert result["status"] == "applied"
    return finding


def test_no_since_means_everything_the_caller_may_read(office, estate):
    records = office.sync_down()

    assert {estate.site, estate.block, estate.checkpoint, estate.company_a, estate.company_b, estate.template} <= set(records)


def test_pages_follow_the_cursor_and_hold_each_record_once_in_its_latest_state(office, estate):
    companies = [office.create("company", {"name": f"Company {i}"}) for i in range(7)]
    office.push_one("company", {"name": "Renamed"}, record_id=companies[0], base_version=1)

    first = office.pull(limit=3).get_json()
    seen = [change["id"] for change in first["changes"]]
    cursor = first["cursor"]
    while True:
        page = office.pull(cursor, limit=3).get_json()
        seen += [change["id"] for change in page["changes"]]
        cursor = page["cursor"]
        if not page["has_more"]:
            break

    assert first["has_more"] is True and len(first["changes"]) == 3
    assert len(seen) == len(set(seen))
    assert set(companies) <= set(seen)
    assert office.fetch(companies[0])["fields"]["name"] == "Renamed"


def test_an_incremental_pull_brings_only_what_changed(office, inspector, estate):
    inspector.sync_down()
    company = office.create("company", {"name": "New one"})

    page = inspector.pull(inspector.cursor).get_json()

    assert [change["id"] for change in page["changes"]] == [company]
    assert inspector.pull(page["cursor"]).get_json()["changes"] == []


def test_limit_is_clamped_and_a_bad_one_is_a_400(office, estate):
    assert len(office.pull(limit=0).get_json()["changes"]) == 1
    assert len(office.pull(limit=5000).get_json()["changes"]) == 6
    assert office.pull(limit="lots").status_code == 400


@pytest.mark.parametrize("cursor", ["abc", "-1", "1.5", "99999999999999999999", "١٢"])
def test_a_malformed_cursor_is_a_400(office, estate, cursor):
    response = office.pull(cursor)

    assert response.status_code == 400 and response.get_json()["error"]["code"] == "invalid_cursor"


def test_a_cursor_ahead_of_the_server_is_a_400(office, estate):
    top = int(office.pull().get_json()["cursor"])

    assert office.pull(str(top + 1)).status_code == 400


def test_a_contractor_reads_only_its_companys_findings_and_what_they_hang_on(office, inspector, contractor_a, estate):
    mine = assigned_finding(office, inspector, estate, estate.company_a)
    theirs = assigned_finding(office, inspector, estate, estate.company_b)
    inspector.create("finding", estate.finding_fields(title="Still open"))

    records = contractor_a.sync_down()

    types = {record["type"] for record in records.values()}
    assert mine in records and theirs not in records
    assert types == {"finding", "photo", "comment", "company", "site", "area", "checkpoint"}
    assert {r["id"] for r in records.values() if r["type"] == "company"} == {estate.company_a}
    assert {estate.site, estate.block, estate.checkpoint} <= set(records)
    assert estate.template not in records


def test_a_finding_reassigned_away_is_revoked_with_its_photos_and_comments(office, inspector, contractor_a, contractor_b, estate):
    finding = assigned_finding(office, inspector, estate, estate.company_a)
    contractor_a.sync_down()
    contractor_b.sync_down()
    assert finding in contractor_a.records

    office.push_one("finding", {"company_id": estate.company_b}, record_id=finding)
    page = contractor_a.pull(contractor_a.cursor).get_json()

    revoked = {change["id"]: change for change in page["changes"]}
    assert revoked[finding] == {"type": "finding", "id": finding, "deleted": True, "revoked": True}
    assert {change["type"] for change in page["changes"]} == {"finding", "photo", "comment"}
    assert all(change["revoked"] for change in page["changes"])


def test_a_finding_newly_assigned_brings_everything_that_hangs_on_it_however_old(office, inspector, contractor_a, contractor_b, estate):
    finding = assigned_finding(office, inspector, estate, estate.company_a)
    contractor_b.sync_down()  # company B's phone is up to date, without the finding

    office.push_one("finding", {"company_id": estate.company_b}, record_id=finding)
    records = contractor_b.sync_down()

    hanging = {r["type"] for r in records.values() if r["type"] in ("photo", "comment") and r["fields"]["parent_id"] == finding}
    assert finding in records and hanging == {"photo", "comment"}
    assert {estate.site, estate.block, estate.checkpoint} <= set(records)


def test_a_site_limited_user_reads_and_writes_only_its_sites(office, make_user, login, estate):
    make_user("north", "inspector", sites=["North Estate"])
    north = login("north")
    north_site = north.user["site_ids"][0]
    office.create("area", {"site_id": north_site, "name": "Tower 1", "kind": "building"})

    records = north.sync_down()
    outside = north.push_one("finding", estate.finding_fields())
    inside = north.push_one("finding", {"site_id": north_site, "category": "cleaning", "title": "Litter", "severity": "low"})

    assert north_site in records and estate.site not in records and estate.block not in records
    assert estate.template in records and estate.company_a in records
    assert outside["status"] == "rejected" and inside["status"] == "applied"


def test_a_record_moved_to_another_site_is_revoked_for_users_of_the_old_one(office, make_user, login, estate):
    make_user("north", "office", sites=["North Estate"])
    north = login("north")
    north_site = north.user["site_ids"][0]
    finding = north.create("finding", {"site_id": north_site, "category": "cleaning", "title": "Litter", "severity": "low"})
    north.sync_down()

    office.push_one("finding", {"site_id": estate.site, "area_id": None, "checkpoint_id": None}, record_id=finding)
    page = north.pull(north.cursor).get_json()

    assert {"type": "finding", "id": finding, "deleted": True, "revoked": True} in page["changes"]


def test_deleted_records_come_as_tombstones_without_fields(office, inspector, estate):
    company = office.create("company", {"name": "Gone"})
    inspector.sync_down()
    office.push_one("company", record_id=company, op="delete")

    change = inspector.pull(inspector.cursor).get_json()["changes"][0]

    assert change == {"type": "company", "id": company, "version": 2, "deleted": True, "fields": {}}


def test_a_site_limited_office_user_may_not_move_a_record_out_of_its_sites(office, make_user, login, estate):
    make_user("north", "office", sites=["North Estate"])
    north = login("north")
    north_site = north.user["site_ids"][0]
    finding = north.create("finding", {"site_id": north_site, "category": "cleaning", "title": "Litter", "severity": "low"})

    result = north.push_one("finding", {"site_id": estate.site}, record_id=finding)

    assert result["status"] == "rejected" and result["error"]["code"] == "forbidden"
    assert office.fetch(finding)["fields"]["site_id"] == north_site
