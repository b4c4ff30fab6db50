"""Merge one edit into a record, field by field; never drop a losing value.

A record's state is a map of field paths to values, and beside each path a
stamp: when the field was last edited (device time corrected by the server),
by which device, in which mutation, and at which record version it changed.

An incoming edit names the record version it was made on. A field that has
not changed since then takes the edit: the editor saw the current value. A
field that has changed since is a concurrent edit: the later stamp wins, ties
broken by device id and then mutation id, so the outcome never depends on the
order edits arrive in. The losing value comes back as a `Conflict` unless it
equals the winner or both edits came from one device (a device's own edits
are sequential, not concurrent).

Maps listed in `MERGED_MAPS` (an inspection's answers) merge per key: each
key is a field path of its own, `answers.<key>`.
"""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

MERGED_MAPS = frozenset({"answers"})


@dataclass(frozen=True)
class Stamp:
    """Who edited a field, and when (on the server's clock)."""

    edited_at: datetime
    device_id: str
    mid: str
    user_id: str | None = None

    def order(self) -> tuple:
        """Later edit first when sorted in reverse; ties by device id, then mutation id."""
        return (self.edited_at, self.device_id, self.mid)


@dataclass(frozen=True)
class FieldStamp:
    """A field's last edit and the record version at which the field changed."""

    stamp: Stamp
    version: int


@dataclass(frozen=True)
class Conflict:
    """Two concurrent values of one field: the one kept and the one that lost."""

    field: str
    kept_value: Any
    kept: Stamp
    lost_value: Any
    lost: Stamp


@dataclass
class Merge:
    """What an edit does to a record.

    `values` and `stamps` are the field paths to write; `lost` names the
    incoming paths that were not taken; `conflicts` keeps every losing value.
    """

    values: dict[str, Any] = field(default_factory=dict)
    stamps: dict[str, Stamp] = field(default_factory=dict)
    lost: list[str] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)

    @property
    def changes_value(self) -> bool:
        return bool(self.values)


def flatten(fields: dict[str, Any]) -> dict[str, Any]:
    """Field paths of a record's fields: merged maps become one path per key."""
    paths = {}
    for name, value in fields.items():
        if name in MERGED_MAPS and isinstance(value, dict):
            for key, item in value.items():
                paths[f"{name}.{key}"] = item
        else:
            paths[name] = value
    return paths


def unflatten(paths: dict[str, Any]) -> dict[str, Any]:
    """The inverse of `flatten`; a merged map's key whose value is None is removed."""
    fields: dict[str, Any] = {}
    for path, value in paths.items():
        name, _, key = path.partition(".")
        if name in MERGED_MAPS and key:
            entries = fields.setdefault(name, {})
            if value is not None:
                entries[key] = value
        else:
            fields[name] = value
    return fields


def merge_edit(
    current: dict[str, Any],
    stamps: dict[str, FieldStamp],
    incoming: dict[str, Any],
    stamp: Stamp,
    base_version: int | None,
) -> Merge:
    """Decide, path by path, which incoming values a record takes.

    `current` and `incoming` are flattened field paths. `base_version` is the
    record version the edit was made on (None: made before the device knew
    any version of it, as when it created the record).
    """
    base = base_version or 0
    merge = Merge()
    for path, value in incoming.items():
        previous = stamps.get(path)
        has_value = path in current
        if previous is None or previous.version <= base:
            if not has_value or current[path] != value:
                merge.values[path] = value
            merge.stamps[path] = stamp
            continue
        # The field changed on the server after the edit's base: concurrent.
        winner = max(previous.stamp, stamp, key=Stamp.order)
        same_device = previous.stamp.device_id == stamp.device_id
        if winner is stamp:
            if current.get(path) != value:
                merge.values[path] = value
                if not same_device:
                    merge.conflicts.append(
                        Conflict(path, value, stamp, current.get(path), previous.stamp)
                    )
            merge.stamps[path] = stamp
        else:
            if current.get(path) != value:
                merge.lost.append(path)
                if not same_device:
                    merge.conflicts.append(
                        Conflict(path, current.get(path), previous.stamp, value, stamp)
                    )
    return merge
