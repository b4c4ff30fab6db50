"""The database's tables come from the Alembic revisions in server/migrations.

Every start upgrades the database to the newest revision, so the README's
one run command, a fresh database and a new release all work with no step
to remember. Several gunicorn workers start at once and all try: one
transaction holds a lock for the whole upgrade (on PostgreSQL an advisory
lock, on SQLite the write lock its BEGIN IMMEDIATE takes, see
`configure_engine`), so the first worker upgrades and the others wait, then
find the database at the newest revision and change nothing. Alembic runs
the revisions inside that transaction (its "sharing a connection" recipe);
DDL is transactional on both databases, so a revision that fails leaves
the database as it was.
"""

from alembic import command
from flask import current_app
from sqlalchemy import inspect, text

from server.extensions import db

SCHEMA_LOCK = 7_345_812  # PostgreSQL advisory lock id: one worker changes the schema at a time

# The revision whose tables release 83eefa5 (the last landed one, without migrations) made with create_all.
FIRST_REVISION = "5b2e0c1d9a47"
FIRST_TABLES = frozenset(
    {
        "records",
        "scope_exits",
        "change_counter",
        "mutations",
        "conflicts",
        "users",
        "user_sites",
        "devices",
        "login_failures",
        "blobs",
        "blob_uploaders",
    }
)


def upgrade_schema() -> None:
    """Bring the app's database to the newest revision (needs an app context)."""
    config = current_app.extensions["migrate"].migrate.get_config()
    with db.engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": SCHEMA_LOCK})
        config.attributes["connection"] = connection
        tables = set(inspect(connection).get_table_names())
        if "alembic_version" not in tables and tables & FIRST_TABLES:
            # A database made before migrations existed (release 83eefa5 and earlier): create_all
            # made exactly the tables of the first revision but nothing recorded it. Stamp it at
            # that revision so the upgrade runs only the revisions after it and keeps every row.
            missing = FIRST_TABLES - tables
            if missing:
                raise RuntimeError(
                    f"The database has some of Estate Patrol's tables but not {', '.join(sorted(missing))}; it was not made by a release."
                )
            command.stamp(config, FIRST_REVISION)
        command.upgrade(config, "head")
