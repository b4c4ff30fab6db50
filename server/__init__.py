"""The Estate Patrol sync server: `create_app` builds it.

Configuration comes from, in order: defaults here, `config.py` in the
instance folder, the environment (`DATABASE_URL`, `INSTANCE_PATH`,
`BLOB_FOLDER`, `PASSWORD_HASH_PROFILE`), then `test_config`. The secret key is generated into the
instance folder on first run and never leaves it. Every start upgrades the
database to the newest migration (`server.schema`).
"""

import os
import secrets
from pathlib import Path

from flask import Flask
from sqlalchemy import event

from server.extensions import JSON_COLUMNS, db, migrate

MAX_REQUEST_BYTES = 21 * 1024 * 1024  # a 20 MiB photo and its headers; push lowers it to 2 MiB


def create_app(test_config: dict | None = None) -> Flask:
    from server.services.accounts import DEFAULT_HASH_PROFILE, hasher_for

    instance_path = os.environ.get("INSTANCE_PATH")
    app = Flask(__name__, instance_path=os.path.abspath(instance_path) if instance_path else None, instance_relative_config=True)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    app.config.from_mapping(
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{Path(app.instance_path) / 'estate-patrol.sqlite3'}",
        BLOB_FOLDER=str(Path(app.instance_path) / "blobs"),
        MAX_CONTENT_LENGTH=MAX_REQUEST_BYTES,
        PASSWORD_HASH_PROFILE=DEFAULT_HASH_PROFILE,
    )
    app.config.from_pyfile("config.py", silent=True)
    if os.environ.get("DATABASE_URL"):
        app.config["SQLALCHEMY_DATABASE_URI"] = os.environ["DATABASE_URL"]
    if os.environ.get("BLOB_FOLDER"):
        app.config["BLOB_FOLDER"] = os.environ["BLOB_FOLDER"]
    if os.environ.get("PASSWORD_HASH_PROFILE"):  # an argon2.profiles name; the tests use CHEAPEST
        app.config["PASSWORD_HASH_PROFILE"] = os.environ["PASSWORD_HASH_PROFILE"]
    if os.environ.get("APP_VERSION_SALT"):  # forces a new app version on the phones without a code change
        app.config["APP_VERSION_SALT"] = os.environ["APP_VERSION_SALT"]
    if test_config:
        app.config.update(test_config)
    app.config["SQLALCHEMY_DATABASE_URI"] = with_psycopg(app.config["SQLALCHEMY_DATABASE_URI"])
    engine_options = {**JSON_COLUMNS, **app.config.get("SQLALCHEMY_ENGINE_OPTIONS", {})}
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        engine_options.setdefault("connect_args", {"timeout": 30})
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = engine_options
    hasher_for(app.config["PASSWORD_HASH_PROFILE"])  # a misspelt profile stops the start, not the first login
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = instance_secret(Path(app.instance_path))
    app.json.sort_keys = False

    from server.schema import upgrade_schema

    db.init_app(app)
    migrate.init_app(app, db)
    with app.app_context():
        configure_engine(db.engine)
        try:
            upgrade_schema()
        except BaseException:
            db.engine.dispose()  # a start that fails leaves no connection open
            raise

    from server.api import register_api
    from server.cli import register_cli
    from server.errors import register_error_handlers
    from server.web import register_web

    # Behind a reverse proxy, the address a login failure is counted against is the client's, not the proxy's.
    proxy_hops = int(os.environ.get("PROXY_HOPS") or app.config.get("PROXY_HOPS") or 0)
    if proxy_hops:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxy_hops, x_proto=proxy_hops, x_host=proxy_hops)

    register_error_handlers(app)
    register_api(app)
    register_web(app)
    register_cli(app)
    return app


def with_psycopg(url: str) -> str:
    """Use the psycopg 3 driver for a plain postgresql:// URL."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def instance_secret(instance: Path) -> str:
    path = instance / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def configure_engine(engine) -> None:
    """SQLite: WAL, a busy timeout, and write transactions that lock at BEGIN.

    pysqlite's deferred BEGIN lets two requests read and then both try to
    write, and one fails at once with "database is locked". BEGIN IMMEDIATE
    makes the second wait for the first instead (SQLAlchemy's documented
    recipe, which also makes SAVEPOINT work properly).
    """
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection, connection_record):
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection):
        connection.exec_driver_sql("BEGIN IMMEDIATE")
