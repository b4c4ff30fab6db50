"""A record's merge stamps as the database stores them.

One mutation stamps every path it writes with the same edit; stored per
path, the stamps of a new inspection were four times the size of its fields.
So each edit is stored once, and each path names its edit by index:

    {"edits": [{"at", "device", "mid", "user"}, ...],
     "paths": {path: [edit index, version, [agreeing edit indexes]?]},
     "rest": [edit index, version]}      # optional: every path not in "paths"

Pure functions, no database: `sync` imports neither Flask nor SQLAlchemy.
"""

from datetime import datetime

from sync.merge import FieldStamp, Stamp, flatten


def encode_stamps(stamps: dict[str, FieldStamp]) -> dict:
    """A record's stamps as stored: each edit once, and per field path [edit, version, agreeing edits?]."""
    index: dict[Stamp, int] = {}
    paths = {}
    for path, field_state in stamps.items():
        entry = [index.setdefault(field_state.stamp, len(index)), field_state.version]
        if field_state.agreeing:
            entry.append([index.setdefault(other, len(index)) for other in field_state.agreeing])
        paths[path] = entry
    return {"edits": [edit_json(stamp) for stamp in index], "paths": paths}


def creation_stamps(stamp: Stamp) -> dict:
    """A new record's stamps: its one edit wrote every path of its fields, at version 1.

    Stored as that, not path by path: most records are never edited again, and
    the first edit stores every path (`encode_stamps`). This halved the cost of
    a new record's stamps in a push and their size on disk.
    """
    return {"edits": [edit_json(stamp)], "paths": {}, "rest": [0, 1]}


def decode_stamps(data: dict, fields: dict) -> dict[str, FieldStamp]:
    """The stamps of a record whose fields are `fields`."""
    edits = [Stamp(datetime.fromisoformat(edit["at"]), edit["device"], edit["mid"], edit.get("user")) for edit in data["edits"]]

    def entry_stamp(entry: list) -> FieldStamp:
        return FieldStamp(edits[entry[0]], entry[1], tuple(edits[i] for i in entry[2]) if len(entry) > 2 else ())

    stamps = {path: entry_stamp(entry) for path, entry in data["paths"].items()}
    if "rest" in data:
        rest = entry_stamp(data["rest"])
        for path in flatten(fields):
            stamps.setdefault(path, rest)
    return stamps


def edit_json(stamp: Stamp) -> dict:
    return {"at": stamp.edited_at.isoformat(), "device": stamp.device_id, "mid": stamp.mid, "user": stamp.user_id}
