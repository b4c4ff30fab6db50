"""Flask extensions, created unbound and attached by the app factory."""

import json
from pathlib import Path

import orjson
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    pass


db = SQLAlchemy(model_class=Base)

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
# An absolute folder, so `flask db ...` and the upgrade at start find it from any working directory.
# Flask-Migrate's defaults kept: compare_type, and batch mode so that SQLite can alter tables.
migrate = Migrate(directory=MIGRATIONS)


def dump_json(value) -> str:
    """JSON columns as the database stores them: orjson writes them several times faster than json.

    The schemas keep integers within 64 bits, the one thing of valid JSON
    that orjson refuses to write; should anything else slip through, the
    standard library writes it.
    """
    try:
        return orjson.dumps(value).decode()
    except TypeError:
        return json.dumps(value)


JSON_COLUMNS = {"json_serializer": dump_json, "json_deserializer": orjson.loads}
