"""The cost of password hashing is a setting: strong by default, cheap in the tests, and hashes outlive a change of it."""

import pytest
from argon2 import extract_parameters, profiles
from sqlalchemy import select

from server import create_app
from server.extensions import db
from server.models import User
from tests.conftest import PASSWORD


def stored_parameters(app, username: str):
    with app.app_context():
        parameters = extract_parameters(db.session.execute(select(User.password_hash).where(User.username == username)).scalar_one())
        db.session.remove()
    return parameters


@pytest.mark.parametrize(("made_under", "checked_under"), [("RFC_9106_LOW_MEMORY", "CHEAPEST"), ("CHEAPEST", "RFC_9106_LOW_MEMORY")])
def test_a_password_hashed_under_one_profile_logs_in_under_another_and_is_rehashed(app, client, make_user, made_under, checked_under):
    app.config["PASSWORD_HASH_PROFILE"] = made_under
    make_user("wang", "inspector")
    assert stored_parameters(app, "wang") == getattr(profiles, made_under)

    app.config["PASSWORD_HASH_PROFILE"] = checked_under
    wrong = client.post("/api/v1/auth/login", json={"username": "wang", "password": "not it", "device_name": "phone"})
    right = client.post("/api/v1/auth/login", json={"username": "wang", "password": PASSWORD, "device_name": "phone"})

    assert wrong.status_code == 401 and right.status_code == 200
    assert stored_parameters(app, "wang") == getattr(profiles, checked_under)
    again = client.post("/api/v1/auth/login", json={"username": "wang", "password": PASSWORD, "device_name": "phone"})
    assert again.status_code == 200


def profile_of_a_new_app() -> str:
    app = create_app({"TESTING": True})
    with app.app_context():
        db.engine.dispose()
    return app.config["PASSWORD_HASH_PROFILE"]


def test_the_default_profile_is_rfc_9106_and_the_environment_may_name_another(app, monkeypatch):
    assert app.config["PASSWORD_HASH_PROFILE"] == "CHEAPEST"  # tests/conftest.py asks for it

    assert profile_of_a_new_app() == "RFC_9106_LOW_MEMORY"
    monkeypatch.setenv("PASSWORD_HASH_PROFILE", "PRE_21_2")
    assert profile_of_a_new_app() == "PRE_21_2"


def test_a_misspelt_profile_stops_the_start(instance_path):
    with pytest.raises(ValueError, match="not one of argon2.profiles"):
        create_app({"TESTING": True, "PASSWORD_HASH_PROFILE": "FAST"})
