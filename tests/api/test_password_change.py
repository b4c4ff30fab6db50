"""Issue #18, 6: a user changes their own password, giving the current one; their other devices are signed out."""

from tests.conftest import PASSWORD

NEW_PASSWORD = "a much longer new one"


def change(device, current=PASSWORD, new=NEW_PASSWORD):
    return device.client.post("/api/v1/auth/password", json={"current_password": current, "new_password": new}, headers=device.headers)


def log_in(client, username, password):
    return client.post("/api/v1/auth/login", json={"username": username, "password": password, "device_name": "phone"})


def test_a_user_changes_their_password_and_their_other_devices_must_log_in_again(client, make_user, login):
    make_user("patrol", "inspector")
    phone, tablet = login("patrol", "phone"), login("patrol", "tablet")

    response = change(phone)

    assert response.status_code == 200 and response.get_json() == {"ok": True, "signed_out_devices": 1}
    assert phone.pull().status_code == 200  # the device that changed it stays signed in
    assert tablet.pull().status_code == 401
    assert log_in(client, "patrol", PASSWORD).status_code == 401
    assert log_in(client, "patrol", NEW_PASSWORD).status_code == 200


def test_a_wrong_current_password_changes_nothing_and_keeps_the_device_signed_in(client, inspector):
    response = change(inspector, current="not my password")

    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "wrong_password" and "current_password" in error["fields"]
    assert inspector.pull().status_code == 200
    assert log_in(client, "inspector", PASSWORD).status_code == 200


def test_a_stolen_token_cannot_guess_the_password_behind_it(inspector):
    answers = [change(inspector, current=f"guess {n}").status_code for n in range(12)]

    assert answers[:10] == [422] * 10 and answers[10:] == [429, 429]
    assert change(inspector).status_code == 429  # even the right one, until the minute is over


def test_a_short_or_unchanged_password_is_refused_by_field(inspector):
    short = change(inspector, new="short")
    same = change(inspector, new=PASSWORD)

    assert short.status_code == 422 and "new_password" in short.get_json()["error"]["fields"]
    assert same.status_code == 422 and "new_password" in same.get_json()["error"]["fields"]


def test_changing_a_password_needs_a_signed_in_device(client):
    response = client.post("/api/v1/auth/password", json={"current_password": PASSWORD, "new_password": NEW_PASSWORD})

    assert response.status_code == 401 and response.get_json()["error"]["code"] == "missing_token"
