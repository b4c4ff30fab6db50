"""Issue #18, 6: the smaller holes, each tried as the one who found it would."""

import pytest


def test_a_nul_in_a_query_or_a_path_is_a_json_400_not_a_500(office):
    listed = office.get("/conflicts", query_string={"record_id": "abc\x00def"})
    resolved = office.post("/conflicts/ab%00cd/resolve", json={"value": "x"})
    pulled = office.get("/sync/pull", query_string={"since": "\x00"})

    for response in (listed, resolved, pulled):
        assert response.status_code == 400, response.get_data()
        assert response.get_json()["error"]["code"] == "nul_character"


def test_an_over_long_url_is_a_json_414(office):
    response = office.get("/conflicts", query_string={"record_id": "x" * 5000})

    assert response.status_code == 414
    assert response.get_json()["error"]["code"] == "uri_too_long"


@pytest.fixture
def people(make_user, login, estate):
    for username, role, extra in (
        ("boss", "admin", {}),
        ("desk_here", "office", {"sites": ("Harbour View",)}),
        ("patrol_here", "inspector", {"sites": ("Harbour View",)}),
    ):
        make_user(username, role, **extra)
    return {username: login(username) for username in ("boss", "desk_here", "patrol_here")}


def revoke(by, device):
    return by.client.delete(f"/api/v1/devices/{device.device_id}", headers=by.headers)


def test_office_cannot_revoke_a_device_of_someone_above_it(office, people):
    by_site_desk = revoke(people["desk_here"], people["boss"])
    by_desk_of_all_office = revoke(people["desk_here"], office)
    by_office = revoke(office, people["boss"])

    assert [r.status_code for r in (by_site_desk, by_desk_of_all_office, by_office)] == [403, 403, 403]
    assert by_office.get_json()["error"]["code"] == "forbidden"
    assert people["boss"].pull().status_code == 200 and office.pull().status_code == 200


def test_office_still_revokes_the_phones_it_looks_after_and_admin_revokes_any(office, people):
    assert revoke(people["desk_here"], people["patrol_here"]).status_code == 200
    assert revoke(people["desk_here"], people["desk_here"]).status_code == 200  # its own lost phone
    assert revoke(people["boss"], office).status_code == 200
    assert office.pull().status_code == 401


def log_in_from(client, address, username, password="correct horse battery"):
    return client.post(
        "/api/v1/auth/login", json={"username": username, "password": password, "device_name": "phone"}, environ_base={"REMOTE_ADDR": address}
    )


def test_failing_on_purpose_from_elsewhere_does_not_lock_the_admin_out(client, make_user):
    make_user("boss", "admin")
    for _ in range(10):
        assert log_in_from(client, "203.0.113.66", "boss", password="guess").status_code == 401

    attacker = log_in_from(client, "203.0.113.66", "boss")
    admin = log_in_from(client, "198.51.100.7", "boss")

    assert attacker.status_code == 429 and attacker.headers["Retry-After"] == "60"
    assert admin.status_code == 200


def test_one_address_trying_many_usernames_is_stopped_too(client, make_user):
    make_user("wang", "inspector")
    for number in range(30):
        assert log_in_from(client, "203.0.113.9", f"guess{number}", password="guess").status_code == 401

    assert log_in_from(client, "203.0.113.9", "wang").status_code == 429
    assert log_in_from(client, "198.51.100.7", "wang").status_code == 200
