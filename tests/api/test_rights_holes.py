"""The rights holes of issue #17, each tried as the role that found it would."""

from datetime import date, timedelta

import pytest

from tests.helpers import jpeg_bytes, now_iso, sha

DUE = (date.today() + timedelta(days=3)).isoformat()


def assign(office, finding, company):
    result = office.push_one("finding", {"status": "assigned", "company_id": company, "due_date": DUE}, record_id=finding)
    assert result["status"] == "applied", result


def after_photo(device, finding, colour="green"):
    return device.mutation("photo", {"blob": sha(jpeg_bytes(colour)), "parent_type": "finding", "parent_id": finding, "role": "after"})


def fix(contractor, finding, note="Recharged to 1.2 MPa"):
    photo = after_photo(contractor, finding)
    results = contractor.push(photo, contractor.mutation("finding", {"status": "fixed", "fix_note": note}, record_id=finding))
    assert [r["status"] for r in results] == ["applied", "applied"], results
    return photo["id"]


# 1. A closed finding's evidence is frozen for everyone but office.


def test_a_contractor_cannot_rewrite_the_fix_note_of_a_closed_finding(office, inspector, contractor_a, estate):
    finding = inspector.create("finding", estate.finding_fields())
    assign(office, finding, estate.company_a)
    fix(contractor_a, finding)
    assert office.push_one("finding", {"status": "closed"}, record_id=finding)["status"] == "applied"

    rewrite = contractor_a.push_one("finding", {"fix_note": "Nothing was ever wrong"}, record_id=finding)

    assert rewrite["status"] == "conflict" and rewrite["conflicts"] == ["fix_note"]
    assert office.fetch(finding)["fields"]["fix_note"] == "Recharged to 1.2 MPa"


def test_a_contractor_writes_the_fix_note_only_while_the_work_is_open(office, inspector, contractor_a, estate):
    finding = inspector.create("finding", estate.finding_fields())
    assign(office, finding, estate.company_a)

    while_assigned = contractor_a.push_one("finding", {"fix_note": "Parts ordered"}, record_id=finding)
    contractor_a.push_one("finding", {"status": "in_progress"}, record_id=finding)
    while_in_progress = contractor_a.push_one("finding", {"fix_note": "Gauge replaced"}, record_id=finding)
    fix(contractor_a, finding, note="Gauge replaced, recharged")
    once_fixed = contractor_a.push_one("finding", {"fix_note": "Changed afterwards"}, record_id=finding)

    assert [r["status"] for r in (while_assigned, while_in_progress, once_fixed)] == ["applied", "applied", "conflict"]
    assert office.fetch(finding)["fields"]["fix_note"] == "Gauge replaced, recharged"


def test_a_contractor_cannot_add_or_remove_photos_of_a_closed_finding(office, inspector, contractor_a, estate):
    finding = inspector.create("finding", estate.finding_fields())
    assign(office, finding, estate.company_a)
    photo = fix(contractor_a, finding)
    office.push_one("finding", {"status": "closed"}, record_id=finding)

    added = contractor_a.push(after_photo(contractor_a, finding, colour="blue"))[0]
    removed = contractor_a.push_one("photo", record_id=photo, op="delete")
    recaptioned = contractor_a.push_one("photo", {"caption": "Another photo"}, record_id=photo)

    assert added["status"] == "rejected" and added["error"]["code"] == "stale"
    assert removed["status"] == "conflict" and recaptioned["status"] == "conflict"
    assert office.fetch(photo)["deleted"] is False
    assert office.push_one("photo", {"caption": "Checked on the return visit"}, record_id=photo)["status"] == "applied"


# 2. Only office assigns, and a contractor reads a finding only once it is assigned.


def test_an_inspector_cannot_hand_a_finding_to_a_company_on_create(office, inspector, contractor_a, estate):
    mutation = inspector.mutation("finding", estate.finding_fields(company_id=estate.company_a))
    (result,) = inspector.push(mutation)
    with_due = inspector.push_one("finding", estate.finding_fields(due_date=DUE))

    assert result["status"] == "rejected" and result["error"]["code"] == "forbidden"
    assert set(result["error"]["fields"]) == {"company_id"}
    assert with_due["status"] == "rejected" and set(with_due["error"]["fields"]) == {"due_date"}
    assert mutation["id"] not in contractor_a.sync_down()
    assert mutation["id"] not in office.sync_down()


def test_a_contractor_reads_nothing_of_an_open_finding_that_names_its_company(office, contractor_a, estate):
    finding = office.create("finding", estate.finding_fields(company_id=estate.company_a))
    data = jpeg_bytes("red")
    photo = office.create("photo", {"blob": sha(data), "parent_type": "finding", "parent_id": finding, "role": "before"})
    assert office.upload(data).status_code == 201

    seen = contractor_a.sync_down()
    comment = contractor_a.push_one("comment", {"parent_type": "finding", "parent_id": finding, "body": "Ours?"})
    blob = contractor_a.download(f"/api/v1/blobs/{sha(data)}")

    assert finding not in seen and photo not in seen
    assert comment["status"] == "rejected" and blob.status_code == 404

    assert office.push_one("finding", {"status": "assigned", "due_date": DUE}, record_id=finding)["status"] == "applied"
    seen = contractor_a.sync_down()
    assert seen[finding]["fields"]["status"] == "assigned" and photo in seen
    assert contractor_a.download(f"/api/v1/blobs/{sha(data)}").status_code == 200


# 3. Every record has its author, demo data included, and an inspector edits only its own findings.

OWNER_FIELDS = {"inspection": "inspector_id", "finding": "created_by", "comment": "author_id"}


def test_every_demo_record_has_its_author(app, runner):
    from server.extensions import db
    from server.models import Record, User
    from server.services.accounts import SYSTEM_USER

    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    with app.app_context():
        # Rounds and alerts are the server's own (server/services/rounds.py), authored by the system user.
        users = {user.id: user.username for user in db.session.query(User)} | {SYSTEM_USER: "system"}
        records = db.session.query(Record).all()
        authors = {record.id: users.get(record.owner_id) for record in records}
        assert {r.type for r in records if authors[r.id] == "system"} == {"round", "alert"}
        assert records and all(authors.values()), [(r.type, r.fields.get("name")) for r in records if not authors[r.id]]
        for record in records:
            if record.type in OWNER_FIELDS:
                assert record.fields[OWNER_FIELDS[record.type]] == record.owner_id
        companies = {r.fields["name"]: authors[r.id] for r in records if r.type == "company"}
        assert companies == {"Safeguard Fire Services": "admin", "Evergreen Landscaping": "admin"}


def test_a_record_made_by_create_user_is_authored_by_the_system(app, make_user):
    from server.extensions import db
    from server.models import Record
    from server.services.accounts import SYSTEM_USER

    make_user("fitter", "contractor", company="Gamma Lifts", sites=("Riverside",))
    with app.app_context():
        made = {r.type: r.owner_id for r in db.session.query(Record).filter(Record.type.in_(("company", "site")))}
    assert made == {"company": SYSTEM_USER, "site": SYSTEM_USER}


def test_in_the_demo_estate_an_inspector_cannot_retitle_anothers_open_finding(runner, login):
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    other = login("inspector2", password="demo-patrol")
    lobby = next(r for r in other.sync_down().values() if r["type"] == "finding" and r["fields"]["title"].startswith("Lobby"))

    retitle = other.push_one("finding", {"title": "Mine now"}, record_id=lobby["id"], base_version=lobby["version"])

    assert lobby["fields"]["status"] == "open"
    assert retitle["status"] == "rejected" and retitle["error"]["code"] == "forbidden"


# 5. An office user limited to some sites lists the people and devices of those sites only.


def test_a_site_limited_office_user_lists_only_the_people_and_devices_of_its_sites(office, inspector, estate, make_user, login):
    other_site = office.create("site", {"name": "Riverside Court"})
    for username, role, extra in (
        ("desk_here", "office", {"sites": ("Harbour View",)}),
        ("patrol_here", "inspector", {"sites": ("Harbour View",)}),
        ("patrol_there", "inspector", {"sites": ("Riverside Court",)}),
        ("fitter_here", "contractor", {"company": "Alpha Fire"}),
        ("fitter_there", "contractor", {"company": "Beta Greens"}),
    ):
        make_user(username, role, **extra)
    devices = {username: login(username) for username in ("desk_here", "patrol_here", "patrol_there", "fitter_here", "fitter_there")}
    here = inspector.create("finding", estate.finding_fields())
    assign(office, here, estate.company_a)
    there = office.create("finding", estate.finding_fields(site_id=other_site, area_id=None, checkpoint_id=None))
    assign(office, there, estate.company_b)
    desk = devices["desk_here"]

    users = {user["username"] for user in desk.get("/users").get_json()["users"]}
    sessions = {device["user"]["username"] for device in desk.get("/devices").get_json()["devices"]}
    revoke_there = desk.client.delete(f"/api/v1/devices/{devices['patrol_there'].device_id}", headers=desk.headers)
    revoke_here = desk.client.delete(f"/api/v1/devices/{devices['patrol_here'].device_id}", headers=desk.headers)

    # office and inspector are limited to no site: they work on every one, this one too
    assert users == {"desk_here", "patrol_here", "fitter_here", "office", "inspector"}
    assert sessions == users
    assert revoke_there.status_code == 404 and revoke_there.get_json()["error"]["code"] == "not_found"
    assert revoke_here.status_code == 200
    assert devices["patrol_there"].pull().status_code == 200
    assert {user["username"] for user in office.get("/users").get_json()["users"]} >= {"patrol_there", "fitter_there"}


# 6. HEAD /blobs answers as GET does: only for bytes the caller sent or may read.


def blob_url(data: bytes) -> str:
    return f"/api/v1/blobs/{sha(data)}"


def test_head_of_another_companys_photo_is_a_404(office, inspector, contractor_a, contractor_b, estate):
    data = jpeg_bytes("purple")
    finding = inspector.create("finding", estate.finding_fields())
    inspector.create("photo", {"blob": sha(data), "parent_type": "finding", "parent_id": finding, "role": "before"})
    assert inspector.upload(data).status_code == 201
    assign(office, finding, estate.company_a)

    answers = {name: device.client.head(blob_url(data), headers=device.headers) for name, device in (("a", contractor_a), ("b", contractor_b))}

    assert answers["a"].status_code == 200 and answers["a"].headers["Upload-Length"] == str(len(data))
    assert answers["b"].status_code == 404 and "Upload-Length" not in answers["b"].headers


def test_a_partial_upload_is_told_only_to_the_devices_sending_it(inspector, contractor_b):
    data = jpeg_bytes("teal", size=(400, 300))
    cut = len(data) // 2
    sent = inspector.client.patch(
        blob_url(data),
        headers={**inspector.headers, "Upload-Offset": "0", "Upload-Length": str(len(data))},
        data=data[:cut],
        content_type="image/jpeg",
    )
    assert sent.status_code == 204

    mine = inspector.client.head(blob_url(data), headers=inspector.headers)
    theirs = contractor_b.client.head(blob_url(data), headers=contractor_b.headers)

    assert (mine.status_code, mine.headers["Upload-Offset"]) == (200, str(cut))
    assert theirs.status_code == 404
    rest = inspector.client.patch(
        blob_url(data),
        headers={**inspector.headers, "Upload-Offset": str(cut), "Upload-Length": str(len(data))},
        data=data[cut:],
        content_type="image/jpeg",
    )
    assert rest.status_code == 204 and inspector.download(blob_url(data)).status_code == 200


def test_claiming_to_upload_a_stored_blob_without_its_bytes_does_not_open_it(inspector, contractor_b):
    data = jpeg_bytes("navy")
    assert inspector.upload(data).status_code == 201
    url = blob_url(data)
    junk = b"\xff\xd8\xff" + b"junk" * 10

    put = contractor_b.client.put(url, headers=contractor_b.headers, data=junk, content_type="image/jpeg")
    patched = contractor_b.client.patch(
        url, headers={**contractor_b.headers, "Upload-Offset": str(len(data)), "Upload-Length": str(len(data))}, data=b"", content_type="image/jpeg"
    )

    assert put.status_code == 422 and patched.status_code == 409 and patched.headers["Upload-Offset"] == "0"
    assert contractor_b.download(url).status_code == 404
    assert contractor_b.client.head(url, headers=contractor_b.headers).status_code == 404
    # sending the real bytes proves it has them: then it may read them back, as any uploader
    assert contractor_b.upload(data).status_code == 200 and contractor_b.download(url).status_code == 200


# 7. A device idle for longer than the admin's limit logs in again, and its queued work still goes through.


def age_device(app, device_id: str, days: int) -> None:
    from server.extensions import db
    from server.models import Device, utcnow

    with app.app_context():
        device = db.session.get(Device, device_id)
        device.last_seen_at = utcnow() - timedelta(days=days)
        db.session.commit()


def test_a_device_idle_past_the_limit_gets_token_expired_and_logs_in_again(app, inspector, estate, login):
    assert app.config["DEVICE_IDLE_DAYS"] == 30  # the default
    age_device(app, inspector.device_id, 29)
    assert inspector.pull().status_code == 200  # a long offline shift still syncs (and counts as seen)
    age_device(app, inspector.device_id, 31)
    queued = inspector.mutation("finding", estate.finding_fields(title="Found on a long shift"))

    refused = inspector.push_response([queued])

    assert refused.status_code == 401 and refused.get_json()["error"]["code"] == "token_expired"
    assert inspector.pull().status_code == 401
    again = login("inspector")
    assert again.push(queued)[0]["status"] == "applied"  # the same mutation, pushed after the new login
    assert again.fetch(queued["id"])["fields"]["title"] == "Found on a long shift"


def test_the_idle_limit_is_set_by_the_admin_and_zero_turns_it_off(app, inspector, instance_path, monkeypatch):
    from flask import Flask

    from server import create_app
    from server.api import register_api
    from server.extensions import db

    for setting, days in (("0", 0), ("7", 7)):
        monkeypatch.setenv("DEVICE_IDLE_DAYS", setting)
        configured = create_app({"TESTING": True})
        assert configured.config["DEVICE_IDLE_DAYS"] == days
        with configured.app_context():
            db.engine.dispose()
    # A bad value stops the start (shown on a bare app: a failed create_app would leave its database connections open).
    bare = Flask(__name__)
    monkeypatch.setenv("DEVICE_IDLE_DAYS", "a month")
    with pytest.raises(ValueError, match="DEVICE_IDLE_DAYS"):
        register_api(bare)

    app.config["DEVICE_IDLE_DAYS"] = 0
    age_device(app, inspector.device_id, 400)
    assert inspector.pull().status_code == 200


# 4. Times a device claims for its evidence are kept, with the server's receipt time beside them.


def test_evidence_keeps_the_devices_claimed_time_and_the_server_records_when_it_arrived(office, inspector, contractor_a, estate):
    backdated = "2026-01-01T00:00:00.000Z"
    finding = inspector.create("finding", estate.finding_fields(reported_at=backdated))
    assign(office, finding, estate.company_a)
    comment = contractor_a.create("comment", {"parent_type": "finding", "parent_id": finding, "body": "Done last year", "created_at": backdated})
    photo = contractor_a.create(
        "photo", {"blob": sha(jpeg_bytes()), "parent_type": "finding", "parent_id": finding, "role": "after", "taken_at": backdated}
    )
    before = now_iso()

    seen = office.sync_down()

    for record_id, claim in ((finding, "reported_at"), (comment, "created_at"), (photo, "taken_at")):
        fields = seen[record_id]["fields"]
        assert fields[claim] == backdated  # the device's claim, as sent
        assert backdated < fields["received_at"] <= before  # the server's time, when it took the record


def test_no_client_sets_or_changes_the_receipt_time(office, inspector, estate):
    forged = inspector.push_one("finding", estate.finding_fields(received_at="2026-01-01T00:00:00.000Z"))
    finding = inspector.create("finding", estate.finding_fields())
    received = office.fetch(finding)["fields"]["received_at"]

    moved = office.push_one("finding", {"received_at": "2026-01-01T00:00:00.000Z"}, record_id=finding)

    assert forged["status"] == "rejected" and "received_at" in forged["error"]["fields"]
    assert moved["status"] == "rejected" and "received_at" in moved["error"]["fields"]
    assert office.fetch(finding)["fields"]["received_at"] == received
