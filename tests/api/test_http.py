"""Black-box: the server in gunicorn, driven over real HTTP like a phone."""

from tests.helpers import jpeg_bytes, new_id, now_iso, sha


def test_a_patrol_recorded_offline_reaches_the_office_with_its_photo(live_server):
    live_server.create_user("office", "office")
    live_server.create_user("wang", "inspector")
    office = live_server.login("office", "desk")
    phone = live_server.login("wang", "phone")
    site, template = new_id(), new_id()
    office.push(
        [
            {
                "mid": new_id(),
                "type": "site",
                "id": site,
                "op": "upsert",
                "fields": {"name": "Harbour View"},
                "base_version": None,
                "edited_at": now_iso(),
            },
            {
                "mid": new_id(),
                "type": "template",
                "id": template,
                "op": "upsert",
                "base_version": None,
                "edited_at": now_iso(),
                "fields": {"name": "Fire", "category": "fire", "items": [{"key": "seal", "label": "Seal", "kind": "pass_fail"}]},
            },
        ]
    )
    phone.sync_down()
    photo = jpeg_bytes("red", size=(800, 600), quality=95)
    inspection, finding = new_id(), new_id()
    queued = [
        {
            "mid": new_id(),
            "type": "inspection",
            "id": inspection,
            "op": "upsert",
            "base_version": None,
            "edited_at": now_iso(),
            "fields": {"template_id": template, "site_id": site, "answers": {"seal": {"value": "fail", "note": "broken"}}},
        },
        {
            "mid": new_id(),
            "type": "finding",
            "id": finding,
            "op": "upsert",
            "base_version": None,
            "edited_at": now_iso(),
            "fields": {"inspection_id": inspection, "site_id": site, "category": "fire", "title": "Seal broken", "severity": "medium"},
        },
        {
            "mid": new_id(),
            "type": "photo",
            "id": new_id(),
            "op": "upsert",
            "base_version": None,
            "edited_at": now_iso(),
            "fields": {"blob": sha(photo), "parent_type": "finding", "parent_id": finding, "role": "evidence"},
        },
        {
            "mid": new_id(),
            "type": "inspection",
            "id": inspection,
            "op": "upsert",
            "base_version": None,
            "edited_at": now_iso(),
            "fields": {"status": "submitted"},
        },
    ]

    first_try = phone.push(queued)
    retry_after_lost_response = phone.push(queued)
    url = f"{live_server.url}/api/v1/blobs/{sha(photo)}"
    headers = {"Content-Type": "image/jpeg", "Upload-Length": str(len(photo))}
    half = len(photo) // 2
    assert phone.session.patch(url, data=photo[:half], headers={**headers, "Upload-Offset": "0"}).status_code == 204
    held = int(phone.session.head(url).headers["Upload-Offset"])
    done = phone.session.patch(url, data=photo[held:], headers={**headers, "Upload-Offset": str(held)})

    assert [r["status"] for r in first_try] == ["applied"] * 4
    assert [r["status"] for r in retry_after_lost_response] == ["duplicate"] * 4
    assert done.status_code == 204 and done.headers["Upload-Offset"] == str(len(photo))
    records = office.sync_down()
    assert records[inspection]["fields"]["status"] == "submitted"
    assert records[finding]["fields"]["title"] == "Seal broken"
    served = office.session.get(url)
    assert served.status_code == 200 and served.content == photo


def test_errors_over_http_are_json(live_server):
    live_server.create_user("office", "office")
    office = live_server.login("office")

    bad_json = office.session.post(f"{live_server.url}/api/v1/sync/push", data="{", headers={"Content-Type": "application/json"})
    missing = office.session.get(f"{live_server.url}/api/v1/missing")

    assert bad_json.status_code == 400 and bad_json.json()["error"]["code"] == "malformed_json"
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"
