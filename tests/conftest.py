"""Shared fixtures: an app on the database under test, and devices logged in to it.

The database is SQLite in a temporary instance folder unless
TEST_DATABASE_URL names another (CI runs the suite once on each). On
PostgreSQL every test starts from empty tables.
"""

import os

import pytest
from sqlalchemy import text

from server import create_app
from server.extensions import db
from tests.helpers import Device

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")
PASSWORD = "correct horse battery"
# argon2's cheapest parameters: a login costs microseconds instead of ~0.6 s (production keeps RFC 9106's).
TEST_CONFIG = {"TESTING": True, "PASSWORD_HASH_PROFILE": "CHEAPEST"}


def pytest_report_header(config):
    return f"database: {TEST_DATABASE_URL or 'SQLite (temporary instance folder)'}"


@pytest.fixture
def instance_path(tmp_path, monkeypatch):
    path = tmp_path / "instance"
    monkeypatch.setenv("INSTANCE_PATH", str(path))
    if TEST_DATABASE_URL:
        monkeypatch.setenv("DATABASE_URL", TEST_DATABASE_URL)
    else:
        monkeypatch.delenv("DATABASE_URL", raising=False)
    return path


@pytest.fixture
def app(instance_path):
    if TEST_DATABASE_URL:
        empty_postgres()
    app = create_app(TEST_CONFIG)
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def empty_postgres():
    """Drop every table so each test creates the schema afresh, as a new install does."""
    from sqlalchemy import create_engine

    from server import with_psycopg

    engine = create_engine(with_psycopg(TEST_DATABASE_URL))
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def make_user(runner):
    """Create a user through the CLI, as a harness would; returns the username."""

    def make(username, role, company=None, sites=()):
        args = ["create-user", username, "--role", role, "--password", PASSWORD]
        if company:
            args += ["--company", company]
        for site in sites:
            args += ["--site", site]
        result = runner.invoke(args=args)
        assert result.exit_code == 0, result.output
        return username

    return make


@pytest.fixture
def login(client):
    def log_in(username, device_name="test phone", password=PASSWORD):
        response = client.post("/api/v1/auth/login", json={"username": username, "password": password, "device_name": device_name})
        assert response.status_code == 200, response.get_json()
        return Device(client, response.get_json())

    return log_in


@pytest.fixture
def office(make_user, login):
    make_user("office", "office")
    return login("office")


@pytest.fixture
def inspector(make_user, login):
    make_user("inspector", "inspector")
    return login("inspector")


@pytest.fixture
def estate(office):
    """A site with a block, a checkpoint, two contractor companies and a fire template."""
    from tests.helpers import Estate

    return Estate.build(office)


@pytest.fixture
def contractor_a(estate, make_user, login):
    make_user("contractor_a", "contractor", company="Alpha Fire")
    device = login("contractor_a")
    assert device.user["company_id"] == estate.company_a
    return device


@pytest.fixture
def contractor_b(estate, make_user, login):
    make_user("contractor_b", "contractor", company="Beta Greens")
    device = login("contractor_b")
    assert device.user["company_id"] == estate.company_b
    return device


@pytest.fixture
def live_server(instance_path):
    """The server as it is deployed: gunicorn with several worker processes, over real HTTP."""
    from tests.live import LiveServer

    if TEST_DATABASE_URL:
        empty_postgres()
    server = LiveServer(instance_path, TEST_DATABASE_URL)
    server.start()
    yield server
    server.stop()
