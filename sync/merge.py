"""Merge one edit into a record, field by field; never drop a losing value.

A record's state is a map of field paths to values, and beside each path a
stamp: when the field was last edited (device time corrected by the server),
by which device, in which mutation, and at which record version it changed.

An incoming edit names the record version it was made on. A field that has
not changed since then takes the edit: the editor saw the current value. A
field that has changed since is a concurrent edit: the later stamp wins, ties
broken by device id and then mutation id, so the outcome never depends on the
order edits arrive in. The losing value comes back as a `FieldConflict` unless it
equals the winner or both edits came from one device (a device's own edits
are sequential, not concurrent). Edits from other devices that agreed on a
value are remembered, so when that value is overwritten they are reported too.

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
    """A field's last edit and the record version at which the field changed.

    `agreeing` holds concurrent edits from other devices that set the same
    value and lost only on time: if the value is later overwritten by a
    concurrent edit, they lost too, and are reported with it.
    """

    stamp: Stamp
    version: int
    agreeing: tuple[Stamp, ...] = ()


@dataclass(frozen=True)
class FieldConflict:
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
    agreeing: dict[str, tuple[Stamp, ...]] = field(default_factory=dict)
    lost: list[str] = field(default_factory=list)
    conflicts: list[FieldConflict] = field(default_factory=list)


def flatten(fields: dict[str, Any]) -> dict[str, Any]:
    """Field paths of a record's fields: merged maps become one path per key.

    A merged map that is null has no keys: it adds no path, so a later edit's
    keys merge into it as into an empty map.
    """
    paths = {}
    for name, value in fields.items():
        if name in MERGED_MAPS and (value is None or isinstance(value, dict)):
            for key, item in (value or {}).items():
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
        current_value = current.get(path)
        if previous is None or previous.version <= base:
            if path not in current or current_value != value:
                merge.values[path] = value
            merge.stamps[path] = stamp
            merge.agreeing[path] = ()
            continue
        # The field changed on the server after the edit's base: concurrent.
        holders = (previous.stamp, *previous.agreeing)
        winner = max(previous.stamp, stamp, key=Stamp.order)
        if current_value == value:
            merge.stamps[path] = winner
            merge.agreeing[path] = tuple(s for s in (*holders, stamp) if s is not winner and s.device_id != winner.device_id)
        elif winner is stamp:
            merge.values[path] = value
            merge.stamps[path] = stamp
            merge.agreeing[path] = ()
            for holder in holders:
                if holder.device_id != stamp.device_id:
                    merge.conflicts.append(FieldConflict(path, value, stamp, current_value, holder))
        else:
            merge.lost.append(path)
            if stamp.device_id != previous.stamp.device_id:
                merge.conflicts.append(FieldConflict(path, current_value, previous.stamp, value, stamp))
    return merge


@dataclass(frozen=True)
class FieldsState:
    """A record's merge state: its version, flattened values and their stamps."""

    version: int
    values: dict[str, Any]
    stamps: dict[str, FieldStamp]


def apply_edit(state: FieldsState, incoming: dict[str, Any], stamp: Stamp, base_version: int | None) -> tuple[FieldsState, Merge]:
    """Merge an edit and return the record's next state; the version grows only when a value changes."""
    merge = merge_edit(state.values, state.stamps, incoming, stamp, base_version)
    version = state.version + 1 if merge.values else state.version
    stamps = dict(state.stamps)
    for path, path_stamp in merge.stamps.items():
        # A stamp-only update (same value, later edit) keeps the version the value changed at.
        changed_at = version if path in merge.values or path not in state.stamps else state.stamps[path].version
        stamps[path] = FieldStamp(path_stamp, changed_at, merge.agreeing.get(path, ()))
    return FieldsState(version, {**state.values, **merge.values}, stamps), merge
