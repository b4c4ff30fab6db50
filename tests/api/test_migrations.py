"""The tables come from the migrations: a release's database upgrades with every row, and models and migrations agree."""

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, inspect, text

from server import create_app, with_psycopg
from server.extensions import MIGRATIONS, db
from server.schema import FIRST_REVISION, FIRST_TABLES
from tests.conftest import TEST_CONFIG, TEST_DATABASE_URL, empty_postgres
from tests.helpers import Device

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
# What release 83eefa5 left in the dumps (tests/fixtures/make_release_dumps.py made them).
RELEASE_ROWS = {
    "records": 77,
    "scope_exits": 2,
    "change_counter": 1,
    "mutations": 3,
    "conflicts": 1,
    "users": 7,
    "user_sites": 1,
    "devices": 3,
    "login_failures": 1,
    "blobs": 11,
    "blob_uploaders": 1,
}


def database_url(instance_path: Path) -> str:
    return with_psycopg(TEST_DATABASE_URL) if TEST_DATABASE_URL else f"sqlite:///{instance_path / 'estate-patrol.sqlite3'}"


def load_release_dump(instance_path: Path) -> None:
    """Put the release's database in place, as that release left it."""
    if TEST_DATABASE_URL:
        empty_postgres()
        # pg_dump's output verbatim, less psql's own commands (\restrict), which only psql understands.
        dump = "\n".join(line for line in (FIXTURES / "release-83eefa5-postgresql.sql").read_text().splitlines() if not line.startswith("\\"))
        engine = create_engine(database_url(instance_path))
        with engine.begin() as connection:
            connection.exec_driver_sql(dump)
        engine.dispose()
    else:
        instance_path.mkdir(parents=True, exist_ok=True)
        connection = sqlite3.connect(instance_path / "estate-patrol.sqlite3")
        connection.executescript((FIXTURES / "release-83eefa5-sqlite.sql").read_text())
        connection.close()


def every_row(instance_path: Path) -> dict[str, list[tuple]]:
    """Each table's rows, in primary-key order, read straight from the database."""
    engine = create_engine(database_url(instance_path))
    rows = {}
    with engine.connect() as connection:
        inspector = inspect(connection)
        for table in sorted(FIRST_TABLES):
            order = ", ".join(inspector.get_pk_constraint(table)["constrained_columns"])
            rows[table] = [tuple(row) for row in connection.execute(text(f"SELECT * FROM {table} ORDER BY {order}"))]
    engine.dispose()
    return rows


def table_names(instance_path: Path) -> list[str]:
    engine = create_engine(database_url(instance_path))
    with engine.connect() as connection:
        names = inspect(connection).get_table_names()
    engine.dispose()
    return names


def schema_differences() -> list:
    with db.engine.connect() as connection:
        return compare_metadata(MigrationContext.configure(connection, opts={"compare_type": True}), db.metadata)


def test_a_database_made_by_release_83eefa5_upgrades_at_start_with_every_row_kept(instance_path):
    load_release_dump(instance_path)
    before = every_row(instance_path)
    assert {table: len(rows) for table, rows in before.items()} == RELEASE_ROWS
    assert "alembic_version" not in table_names(instance_path)

    app = create_app(TEST_CONFIG)

    after = every_row(instance_path)
    # Issue #18: the release's photos with no upload by their author are vouched for by the server (the system device).
    vouched = set(after["blob_uploaders"]) - set(before["blob_uploaders"])
    assert vouched and {device for _, device in vouched} == {"00000000-0000-0000-0000-000000000000"}
    # Columns added since the release come last, empty on its rows.
    widths = {table: len(rows[0]) for table, rows in before.items() if rows}
    assert all(set(row[widths[table] :]) <= {None} for table, rows in after.items() if table in widths for row in rows)
    kept = {table: [row[: widths.get(table, len(row))] for row in rows] for table, rows in after.items()}
    assert {**kept, "blob_uploaders": before["blob_uploaders"]} == before
    with app.app_context():
        assert schema_differences() == []
        with db.engine.connect() as connection:
            heads = ScriptDirectory.from_config(app.extensions["migrate"].migrate.get_config()).get_heads()
            assert MigrationContext.configure(connection).get_current_heads() == tuple(heads)
        counter = db.session.execute(text("SELECT value FROM change_counter")).scalar_one()
    client = app.test_client()
    devices = {}
    for username in ("office", "inspector"):
        response = client.post("/api/v1/auth/login", json={"username": username, "password": "demo-patrol", "device_name": "after the upgrade"})
        assert response.status_code == 200, response.get_json()
        devices[username] = Device(client, response.get_json())
    office = devices["office"]
    records = office.sync_down()
    assert len(records) == RELEASE_ROWS["records"]
    assert len(devices["inspector"].sync_down()) > 0
    conflict = office.get("/conflicts").get_json()["conflicts"][0]
    company = records[conflict["record_id"]]
    assert company["fields"]["name"] == conflict["kept"]["value"]

    result = office.push_one("company", {"name": "Renamed after the upgrade"}, record_id=company["id"], base_version=company["version"])

    assert result["status"] == "applied"
    assert office.sync_down()[company["id"]]["fields"]["name"] == "Renamed after the upgrade"
    with app.app_context():
        assert db.session.execute(text("SELECT value FROM change_counter")).scalar_one() == counter + 1
        assert db.session.execute(text("SELECT seq FROM records WHERE id = :id"), {"id": company["id"]}).scalar_one() == counter + 1
        db.session.remove()
        db.engine.dispose()


def test_an_open_finding_an_earlier_release_let_a_company_read_leaves_that_companys_phones(instance_path):
    """Issue #17: the release keyed an open finding naming a company to that company; the upgrade takes it back."""
    load_release_dump(instance_path)
    engine = create_engine(database_url(instance_path))
    with engine.begin() as connection:
        company = connection.execute(text("SELECT company_id FROM users WHERE username = 'fireco'")).scalar_one()
        finding = (
            connection.execute(
                text(
                    "SELECT r.id FROM records r JOIN records p ON p.parent_id = r.id WHERE r.type = 'finding' AND r.company_id IS NULL AND p.type = 'photo'"
                )
            )
            .scalars()
            .first()
        )
        # What the release stored for an open finding an inspector created naming the company: the key on it and its photos.
        connection.execute(text("UPDATE records SET company_id = :company WHERE id = :id OR parent_id = :id"), {"company": company, "id": finding})
        counter = connection.execute(text("SELECT value FROM change_counter")).scalar_one()
        family = set(connection.execute(text("SELECT id FROM records WHERE id = :id OR parent_id = :id"), {"id": finding}).scalars())
    engine.dispose()

    app = create_app(TEST_CONFIG)

    with app.app_context():
        keys = db.session.execute(text("SELECT company_id FROM records WHERE id = :id OR parent_id = :id"), {"id": finding}).scalars().all()
        assert keys and all(key is None for key in keys)
        db.session.remove()
    client = app.test_client()
    response = client.post("/api/v1/auth/login", json={"username": "fireco", "password": "demo-patrol", "device_name": "a phone of before"})
    contractor = Device(client, response.get_json())
    page = contractor.get(f"/sync/pull?since={counter}").get_json()
    revoked = {change["id"] for change in page["changes"] if change.get("revoked")}
    assert family <= revoked
    assert finding not in contractor.sync_down()
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def test_models_and_migrations_agree(app):
    with app.app_context():
        assert schema_differences() == []
        assert db.session.execute(text("SELECT id, value FROM change_counter")).all() == [(1, 0)]


def test_the_migrations_have_one_head_and_start_from_the_release_tables(app):
    script = ScriptDirectory(str(MIGRATIONS))

    assert len(script.get_heads()) == 1, "two branches added revisions in parallel: make one revise the other"
    assert [revision.revision for revision in script.walk_revisions()][-1] == FIRST_REVISION


def test_a_database_with_some_of_the_tables_and_no_version_is_refused(instance_path):
    if TEST_DATABASE_URL:
        empty_postgres()
    else:
        instance_path.mkdir(parents=True, exist_ok=True)
    engine = create_engine(database_url(instance_path))
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE records (id VARCHAR(36) PRIMARY KEY)"))
    engine.dispose()

    with pytest.raises(RuntimeError, match="not made by a release"):
        create_app(TEST_CONFIG)


START = "from server import create_app; create_app()"


def test_workers_starting_at_once_on_an_empty_database_upgrade_it_once(instance_path):
    """As gunicorn's workers do: each process upgrades at start (from a folder away from the code); the lock lets one through at a time."""
    if TEST_DATABASE_URL:
        empty_postgres()
    workers = [subprocess.Popen([sys.executable, "-c", START], cwd=instance_path.parent, stderr=subprocess.PIPE, text=True) for _ in range(4)]

    failures = [errors for worker in workers if (errors := worker.communicate(timeout=120)[1]) and worker.returncode != 0]

    assert failures == []
    engine = create_engine(database_url(instance_path))
    with engine.connect() as connection:
        assert connection.execute(text("SELECT version_num FROM alembic_version")).scalars().all() == [
            ScriptDirectory(str(MIGRATIONS)).get_current_head()
        ]
        assert connection.execute(text("SELECT id, value FROM change_counter")).all() == [(1, 0)]
    engine.dispose()
