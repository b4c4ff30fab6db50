"""Accounts and device sessions (protocol §1)."""

from sqlalchemy import select

from server.extensions import db
from server.models import Device as DeviceRow
from server.models import User
from tests.conftest import PASSWORD


def login_response(client, username, password=PASSWORD, device_name="phone"):
    return client.post("/api/v1/auth/login", json={"username": username, "password": password, "device_name": device_name})


def test_login_opens_a_device_session_with_its_own_token(client, make_user):
    make_user("wang", "inspector")

    first = login_response(client, "wang").get_json()
    second = login_response(client, "wang").get_json()

    assert first["token"] != second["token"] and first["device_id"] != second["device_id"]
    assert first["user"]["username"] == "wang" and first["user"]["role"] == "inspector"
    assert set(first["user"]) >= {"id", "username", "name", "role", "company_id"}


def test_a_wrong_username_and_a_wrong_password_get_the_same_401(client, make_user):
    make_user("wang", "inspector")

    unknown = login_response(client, "nobody")
    wrong = login_response(client, "wang", password="nope")

    assert unknown.status_code == wrong.status_code == 401
    assert unknown.get_json() == wrong.get_json()


def test_more_than_ten_failures_in_a_minute_are_answered_429_even_with_the_right_password(client, make_user):
    make_user("wang", "inspector")
    for _ in range(10):
        assert login_response(client, "wang", password="guess").status_code == 401

    response = login_response(client, "wang")

    assert response.status_code == 429
    assert response.get_json()["error"]["code"] == "too_many_requests"


def test_tokens_and_passwords_are_stored_hashed(app, client, make_user):
    make_user("wang", "inspector")
    token = login_response(client, "wang").get_json()["token"]

    with app.app_context():
        user = db.session.execute(select(User)).scalar_one()
        device = db.session.execute(select(DeviceRow)).scalar_one()
    assert user.password_hash.startswith("$argon2id$")
    assert token not in device.token_hash and len(device.token_hash) == 64


def test_a_missing_wrong_or_revoked_token_gets_401_and_changes_nothing(client, office, estate):
    payload = {"sent_at": "2026-11-26T08:00:00.000Z", "mutations": [office.mutation("company", {"name": "Sneaky"})]}

    missing = client.post("/api/v1/sync/push", json=payload)
    wrong = client.post("/api/v1/sync/push", json=payload, headers={"Authorization": "Bearer not-a-token"})
    office.post("/auth/logout")
    revoked = client.post("/api/v1/sync/push", json=payload, headers=office.headers)

    assert [r.status_code for r in (missing, wrong, revoked)] == [401, 401, 401]
    assert all(r.get_json()["error"]["code"] for r in (missing, wrong, revoked))


def test_office_lists_devices_and_revokes_a_lost_phone_at_once(office, inspector):
    devices = office.get("/devices").get_json()["devices"]
    assert {d["device_id"] for d in devices} >= {office.device_id, inspector.device_id}

    response = office.client.delete(f"/api/v1/devices/{inspector.device_id}", headers=office.headers)

    assert response.status_code == 200 and response.get_json()["revoked_at"]
    assert inspector.pull().status_code == 401


def test_an_inspector_may_not_list_or_revoke_devices(office, inspector):
    assert inspector.get("/devices").status_code == 403
    response = inspector.client.delete(f"/api/v1/devices/{office.device_id}", headers=inspector.headers)
    assert response.status_code == 403
    assert office.pull().status_code == 200


def test_login_wants_json(client):
    response = client.post("/api/v1/auth/login", data="username=a", content_type="application/x-www-form-urlencoded")

    assert response.status_code == 415
    assert response.get_json()["error"]["code"] == "unsupported_media_type"


def test_login_with_missing_fields_names_them(client):
    response = client.post("/api/v1/auth/login", json={"username": "a"})

    assert response.status_code == 422
    assert set(response.get_json()["error"]["fields"]) == {"password", "device_name"}


def test_create_user_makes_the_company_and_sites_it_names(runner, login, office):
    result = runner.invoke(args=["create-user", "li", "--role", "contractor", "--company", "Safe Fire", "--password", PASSWORD])
    assert result.exit_code == 0, result.output
    result = runner.invoke(
        args=["create-user", "zhao", "--role", "inspector", "--site", "North Estate", "--site", "South Estate", "--password", PASSWORD]
    )
    assert result.exit_code == 0, result.output

    contractor = login("li")
    limited = login("zhao")

    names = {r["fields"]["name"] for r in office.sync_down().values() if r["type"] in ("company", "site")}
    assert {"Safe Fire", "North Estate", "South Estate"} <= names
    assert contractor.user["company_id"] is not None
    assert len(limited.user["site_ids"]) == 2


def test_create_user_prompts_for_a_password_when_none_is_given(runner, client):
    result = runner.invoke(args=["create-user", "admin", "--role", "admin"], input="s3cret-pass\ns3cret-pass\n")

    assert result.exit_code == 0, result.output
    assert login_response(client, "admin", password="s3cret-pass").status_code == 200


def test_create_user_refuses_a_contractor_without_a_company_and_a_taken_username(runner, make_user):
    make_user("wang", "inspector")

    no_company = runner.invoke(args=["create-user", "li", "--role", "contractor", "--password", "x"])
    taken = runner.invoke(args=["create-user", "wang", "--role", "office", "--password", "x"])

    assert no_company.exit_code != 0 and "company" in no_company.output
    assert taken.exit_code != 0 and "exists" in taken.output


def test_office_lists_users_by_name_and_nobody_else_may(office, inspector):
    users = office.get("/users").json["users"]

    assert [user["username"] for user in users] == sorted(user["username"] for user in users)
    assert {"office", "inspector"} <= {user["username"] for user in users}
    assert set(users[0]) == {"id", "username", "name", "role", "company_id", "site_ids"}
    assert inspector.get("/users").status_code == 403


def test_an_admin_makes_accounts_that_can_log_in_and_are_checked(make_user, login, office, estate):
    make_user("admin", "admin")
    admin = login("admin")
    body = {"username": "fitter", "name": "Ho Ming", "role": "contractor", "password": "long enough pw", "company_id": estate.company_a}

    made = admin.post("/users", json=body)

    assert made.status_code == 201 and made.json["company_id"] == estate.company_a
    assert login("fitter", password="long enough pw").user["role"] == "contractor"
    assert admin.post("/users", json=body).status_code == 409
    assert admin.post("/users", json={**body, "username": "x2", "company_id": None}).json["error"]["fields"] == {
        "company_id": ["A contractor belongs to a company."]
    }
    assert admin.post("/users", json={**body, "username": "x3", "password": "short"}).status_code == 422
    limited = admin.post("/users", json={"username": "patrol9", "role": "inspector", "password": "long enough pw", "site_ids": [estate.site]})
    assert limited.json["site_ids"] == [estate.site]
    assert office.post("/users", json={**body, "username": "x4"}).status_code == 403
