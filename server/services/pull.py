"""Pull: the changes a caller may read, after its cursor, in feed order.

A page reads the feed only up to the counter's committed value (see
`positions`), so a cursor never passes a position that could still commit.
Records that left the caller's audience come as revoked tombstones; a
contractor also gets the sites, areas and checkpoints its findings hang on.

A page is written as JSON text with each record's stored fields passed
through as the database holds them: decoding and encoding them again was
half the cost of a pull (bench/sync_speed.py, profiled), and a pull is what
every device does on every sync.
"""

import json

from sqlalchemy import Text, bindparam, cast, select

from server.errors import InvalidCursor, InvalidLimit
from server.extensions import db
from server.models import Record, ScopeExit
from server.records.read import contractor_places, places_of
from server.services.actor import Actor
from server.services.positions import current_position
from server.services.rights import Reader, read_condition

DEFAULT_LIMIT, MAX_LIMIT = 500, 1000
# Plain rows of just what a change carries: not the merge stamps (as large
# again as the fields), no ORM objects, and the fields as their stored JSON text.
CHANGE_COLUMNS = (Record.seq, Record.type, Record.id, Record.version, Record.deleted, cast(Record.fields, Text).label("fields"))

# The pulls of office staff and inspectors, built once with bound parameters:
# every sync runs them, and a routine sync's page is small, so building the
# statement each time was a large part of the request.
AFTER, TOP, LIMIT, SITES = bindparam("after"), bindparam("top"), bindparam("limit"), bindparam("sites", expanding=True)
EVERY_CHANGE = select(*CHANGE_COLUMNS).where(Record.seq > AFTER, Record.seq <= TOP).order_by(Record.seq).limit(LIMIT)


def reading(condition):
    """The changes a read condition lets through (`rights.read_condition`: the read rules of every record type)."""
    return EVERY_CHANGE if condition is True else EVERY_CHANGE.where(condition)


STAFF_CHANGES = reading(read_condition(False, Reader(sites=None)))  # no site limit: every record, as things stand
SITE_CHANGES = reading(read_condition(False, Reader(sites=SITES)))
EXITS = select(ScopeExit).where(ScopeExit.seq > AFTER, ScopeExit.seq <= TOP).order_by(ScopeExit.seq).limit(LIMIT)
SITE_EXITS = EXITS.where(ScopeExit.audience == "site", ScopeExit.audience_id.in_(SITES))
COMPANY_EXITS = EXITS.where(ScopeExit.audience == "company", ScopeExit.audience_id == bindparam("company"))


def parse_limit(raw: str | None) -> int:
    if raw is None or raw == "":
        return DEFAULT_LIMIT
    try:
        return min(max(int(raw), 1), MAX_LIMIT)
    except ValueError as error:
        raise InvalidLimit("limit must be a whole number.", {"limit": ["Not a number."]}) from error


def parse_cursor(raw: str | None, top: int) -> int:
    if raw is None or raw == "":
        return 0
    if not raw.isascii() or not raw.isdigit() or len(raw) > 19:
        raise InvalidCursor("The cursor is not one this server issued.", {"since": ["Malformed cursor."]})
    position = int(raw)
    if position > top:
        raise InvalidCursor("The cursor is ahead of this server; pull again from the start.", {"since": ["Unknown cursor."]})
    return position


def pull_changes(actor: Actor, since: str | None, limit_text: str | None) -> str:
    """The page as JSON text, in the shape PullResultSchema documents."""
    limit = parse_limit(limit_text)
    top = current_position(db.session)
    after = parse_cursor(since, top)
    records, exits = read_feed(actor, {"after": after, "top": top, "limit": limit + 1})
    entries = [(record.seq, record) for record in records] + [(exit.seq, exit) for exit in exits]
    entries.sort(key=lambda entry: entry[0])
    has_more = len(entries) > limit
    page = entries[:limit]
    cursor = page[-1][0] if has_more else top

    latest: dict[str, str] = {}
    finding_fields: dict[str, str] = {}
    for _, item in page:  # in feed order, so a later entry of the same record replaces an earlier one
        record_id = item.record_id if isinstance(item, ScopeExit) else item.id
        latest.pop(record_id, None)
        finding_fields.pop(record_id, None)
        if isinstance(item, ScopeExit):
            latest[record_id] = json.dumps({"type": item.record_type, "id": record_id, "deleted": True, "revoked": True})
        else:
            latest[record_id] = change_json(item)
            if item.type == "finding" and not item.deleted:
                finding_fields[record_id] = item.fields
    if actor.is_contractor:
        add_references(latest, [json.loads(text) for text in finding_fields.values()])
    return f'{{"changes": [{", ".join(latest.values())}], "cursor": "{cursor}", "has_more": {json.dumps(has_more)}}}'


def change_json(row) -> str:
    """A record as the protocol sends it (a tombstone carries no fields), its fields passed through.

    Type and id are written without escaping: a push admits only known type
    names and canonical lower-case UUIDs, which hold nothing JSON escapes.
    """
    if row.deleted:
        return f'{{"type": "{row.type}", "id": "{row.id}", "version": {int(row.version)}, "deleted": true, "fields": {{}}}}'
    return f'{{"type": "{row.type}", "id": "{row.id}", "version": {int(row.version)}, "deleted": false, "fields": {row.fields}}}'


def read_feed(actor: Actor, window: dict) -> tuple[list, list]:
    """The records the caller may read in the window, and the exits from its audiences there, each in feed order."""
    if actor.is_contractor:
        scope = read_condition(True, Reader(company=actor.company_id, places=contractor_places(actor.company_id)))
        window = {**window, "company": actor.company_id or ""}
        return (db.session.execute(reading(scope), window).all(), db.session.execute(COMPANY_EXITS, window).scalars().all())
    if actor.site_ids is None:
        return db.session.execute(STAFF_CHANGES, window).all(), []
    window = {**window, "sites": sorted(actor.site_ids)}
    return db.session.execute(SITE_CHANGES, window).all(), db.session.execute(SITE_EXITS, window).scalars().all()


def add_references(latest: dict[str, str], findings: list[dict]) -> None:
    """A finding new to a contractor arrives with the places it hangs on, however old they are."""
    missing = places_of(findings) - set(latest)
    if not missing:
        return
    for row in db.session.execute(select(*CHANGE_COLUMNS).where(Record.id.in_(missing))):
        latest[row.id] = change_json(row)
