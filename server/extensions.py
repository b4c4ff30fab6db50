"""Flask extensions, created unbound and attached by the app factory."""

import json

import orjson
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    pass


db = SQLAlchemy(model_class=Base)


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
