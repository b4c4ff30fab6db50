"""Rounds: planned from schedules a horizon ahead, judged from the inspections done for them, missed on time.

Every write goes through `apply_server_edit` as the system actor, the path a
push takes, so rounds and alerts reach the phones by the ordinary pull.
Round and alert ids are derived from the schedule and slot (and the round),
so any number of workers or hosts planning at once make no duplicates: a
second create of the same id is run again as an update that changes nothing.

    plan_schedule(id)   make the schedule's rounds up to the horizon; cancel the unstarted ones it no longer wants
    judge_round(id)     attach the inspections done for it and set done / late / missed
    mark_missed(now)    rounds past their window and grace: missed, with one alert each (the job runner, every minute)
    plan_all(now)       plan every schedule (the job runner, every hour)
    tick(now)           both, once (`flask --app server tick`)
"""

import uuid
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import delete, func, select
from sqlalchemy.dialects.postgresql import insert as postgres_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from schemas.fields import format_utc, parse_utc
from server.extensions import db
from server.models import Record, RoundDeadline, utcnow
from server.services.actor import system_actor
from server.services.mutations import apply_server_edit
from sync import recurrence
from sync.stamps import decode_stamps

ROUND_NAMESPACE = uuid.UUID("6f1d3c2a-8e4b-4b7a-9c5d-2a1e0f3b4c6d")
DEFAULT_TIME_ZONE = "Asia/Shanghai"
DEFAULT_HORIZON_DAYS = 14
LOOKBACK = timedelta(days=7)  # a server down for a while still makes (and then misses) the rounds it slept through
PLAN_FIELDS = ("site_id", "template_family_id", "checkpoint_ids", "assignee_ids", "window_start", "window_end", "grace_until")
DONE_INSPECTION = ("submitted", "reviewed")


def round_id(schedule_id: str, slot: str) -> str:
    return str(uuid.uuid5(ROUND_NAMESPACE, f"{schedule_id}/{slot}"))


def alert_id(missed_round_id: str) -> str:
    return str(uuid.uuid5(ROUND_NAMESPACE, f"{missed_round_id}/missed"))


def server_zone() -> ZoneInfo:
    return ZoneInfo(current_app.config.get("TIME_ZONE") or DEFAULT_TIME_ZONE)


def local_days(first: date, last: date) -> tuple[datetime, datetime]:
    """The span of local dates `first` to `last` (both included) in the server's zone, as UTC: [start, end)."""
    zone = server_zone()
    start = datetime.combine(first, datetime.min.time(), tzinfo=zone)
    end = datetime.combine(last + timedelta(days=1), datetime.min.time(), tzinfo=zone)
    return start.astimezone(UTC), end.astimezone(UTC)


def zone_of(schedule: dict) -> ZoneInfo:
    return ZoneInfo(schedule["time_zone"]) if schedule.get("time_zone") else server_zone()


def horizon() -> timedelta:
    return timedelta(days=int(current_app.config.get("ROUNDS_HORIZON_DAYS") or DEFAULT_HORIZON_DAYS))


def edit(record_type: str, fields: dict, record_id: str) -> bool:
    """Write a round or alert as the system actor; whether it was applied.

    A refusal is the server's own bug, never the pusher's: it is logged and the push or tick goes on, so a
    phone's batch is never refused (and resent for ever) for what the server derives from it.
    """
    result = apply_server_edit(system_actor(), record_type, fields, record_id=record_id)
    if result["status"] in ("applied", "duplicate"):
        return True
    current_app.logger.error("the server's own %s %s was refused: %s", record_type, record_id, result)
    return False


def locked(record_id: str) -> Record | None:
    """The record as it is now, its row locked to the end of the transaction (PostgreSQL), so two judges take turns."""
    return db.session.execute(
        select(Record).where(Record.id == record_id).with_for_update().execution_options(populate_existing=True)
    ).scalar_one_or_none()


# Planning.


def wanted_rounds(schedule_id: str, schedule: dict, made_at: datetime, now: datetime, latest: Record | None) -> dict[str, dict]:
    """The rounds a schedule wants from its making (at most LOOKBACK ago) to the horizon: id -> planned fields."""
    zone = zone_of(schedule)
    rule = schedule["recurrence"]
    starts_on = date.fromisoformat(schedule["starts_on"])
    ends_on = date.fromisoformat(schedule["ends_on"]) if schedule.get("ends_on") else None
    if made_at.tzinfo is None:  # SQLite hands a stored time back without its zone; it was stored in UTC
        made_at = made_at.replace(tzinfo=UTC)
    since = max(made_at, now - LOOKBACK)
    window, grace = timedelta(minutes=schedule["window_minutes"]), timedelta(minutes=schedule.get("grace_minutes") or 0)
    first, last = (since - window - grace).astimezone(zone).date(), (now + horizon()).astimezone(zone).date()
    if schedule.get("mode") == "after_completion":
        slots = next_after_completion(
            rule, starts_on, ends_on, latest, first, zone, lambda day, at: recurrence.slot_start(day, at, zone) + window + grace > since
        )
    else:
        slots = recurrence.local_slots(rule, starts_on, ends_on, first, last)
    wanted = {}
    for day, at in slots:
        start = recurrence.slot_start(day, at, zone)
        if start + window + grace <= since:
            continue  # over before the schedule was made
        slot = recurrence.slot_name(day, at)
        wanted[round_id(schedule_id, slot)] = {
            "schedule_id": schedule_id,
            "site_id": schedule["site_id"],
            "template_family_id": schedule["template_family_id"],
            "checkpoint_ids": list(schedule["checkpoint_ids"]),
            "assignee_ids": list(schedule.get("assignee_ids") or []),
            "slot": slot,
            "window_start": format_utc(start),
            "window_end": format_utc(start + window),
            "grace_until": format_utc(start + window + grace),
        }
    return wanted


def next_after_completion(
    rule: dict, starts_on: date, ends_on: date | None, latest: Record | None, first: date, zone: ZoneInfo, still_open
) -> list[tuple[date, str]]:
    """After-completion mode: one round at a time, the next counted from the day the last was done (or missed)."""
    if latest is None:  # the first round: the first slot not over already
        begin = max(starts_on, first)
        slots = recurrence.local_slots(rule, starts_on, ends_on, begin, begin + timedelta(days=400))
        slot = next((slot for slot in slots if still_open(*slot)), None)
        return [slot] if slot else []
    keep = [(date.fromisoformat(latest.fields["slot"][:10]), latest.fields["slot"][11:])]
    ended = latest.fields.get("completed_at") or latest.fields.get("missed_at")  # a missed round is counted from its miss
    if not ended:
        return keep
    due_on = recurrence.next_after(rule, parse_utc(ended).astimezone(zone).date())
    if ends_on and due_on > ends_on:
        return keep
    return [*keep, (due_on, sorted(rule["times"])[0])]


def plan_schedule(schedule_id: str, now: datetime | None = None) -> int:
    """Make the schedule's rounds up to the horizon; the number made. Unstarted future rounds follow its edits."""
    now = now or utcnow()
    schedule = db.session.get(Record, schedule_id)
    # Only the rounds still ahead or open matter here (a year of history does not), and the latest live one.
    of_schedule = [Record.parent_id == schedule_id, Record.type == "round", Record.deleted.is_(False)]
    window_start = Record.fields["window_start"].as_string()
    rounds = list(db.session.execute(select(Record).where(*of_schedule, window_start >= format_utc(now - LOOKBACK - timedelta(days=62)))).scalars())
    latest = db.session.execute(
        select(Record).where(*of_schedule, Record.fields["status"].as_string() != "cancelled").order_by(window_start.desc()).limit(1)
    ).scalar_one_or_none()
    existing = {r.id: r for r in rounds}
    live = schedule is not None and not schedule.deleted and schedule.fields.get("active", True)
    wanted = wanted_rounds(schedule_id, schedule.fields, schedule.created_at, now, latest) if live else {}
    made = 0
    for planned_id, planned in wanted.items():
        current = existing.get(planned_id)
        if current is None:
            edit("round", {**planned, "status": "due"}, planned_id)
            note_deadline(planned_id, planned["grace_until"])
            made += 1
        elif unstarted(current, now) and (current.fields.get("status") == "cancelled" or differs(current.fields, planned)):
            edit("round", {**planned, "status": "due"}, planned_id)
            note_deadline(planned_id, planned["grace_until"])
    for current in rounds:
        if current.id not in wanted and unstarted(current, now) and current.fields.get("status") == "due":
            edit("round", {"status": "cancelled"}, current.id)
            forget_deadline(current.id)
    return made


def unstarted(current: Record, now: datetime) -> bool:
    """A round nobody has begun: its window still ahead, no visit attached."""
    return not current.fields.get("points") and parse_utc(current.fields["window_start"]) > now


def differs(fields: dict, planned: dict) -> bool:
    return any(fields.get(name) != planned[name] for name in PLAN_FIELDS)


def insert_ignoring_duplicates(table, values: dict):
    insert = postgres_insert if db.engine.dialect.name == "postgresql" else sqlite_insert
    return insert(table).values(**values).on_conflict_do_nothing()


def note_deadline(for_round: str, grace_until: str) -> None:
    forget_deadline(for_round)
    db.session.execute(insert_ignoring_duplicates(RoundDeadline.__table__, {"round_id": for_round, "closes_at": parse_utc(grace_until)}))


def forget_deadline(for_round: str) -> None:
    # No session sync: no RoundDeadline object is ever loaded, and the default would scan the whole session each time.
    db.session.execute(delete(RoundDeadline).where(RoundDeadline.round_id == for_round).execution_options(synchronize_session=False))


# Judging.


def judge_round(judged_id: str, sources: set[str] = frozenset(), now: datetime | None = None) -> None:
    """Attach the inspections done for the round and set its status from the time its route was completed.

    A point's time is when its inspection was submitted, on the server's clock
    (the status field's stamp, corrected for the phone's clock by the push).
    Each inspection is judged once, when first found submitted: a later
    review or a send-back does not move it.
    """
    current = locked(judged_id)
    if current is None or current.deleted or current.type != "round":
        return
    fields = current.fields
    points = list(fields.get("points") or [])
    known = {point["inspection_id"] for point in points}
    route = fields["checkpoint_ids"]
    window = [parse_utc(fields[name]) for name in ("window_start", "window_end", "grace_until")]
    for inspection in db.session.execute(select(Record).where(Record.id.in_(set(sources) - known))).scalars():
        if inspection.type == "inspection" and not inspection.deleted and inspection.fields.get("round_id") == judged_id:
            # A visit is a point of the round only at a checkpoint of its route (an inspection elsewhere keeps its round_id, unjudged).
            if inspection.fields.get("status") in DONE_INSPECTION and inspection.fields.get("checkpoint_id") in route:
                points.append(point_of(inspection, window))
    if len(points) == len(fields.get("points") or []):
        return
    update = {"points": points}
    first_visit = {}
    for point in points:
        at = parse_utc(point["at"])
        if point["timing"] == recurrence.EARLY:
            continue  # before its window opened (a round planned days ahead): shown, labelled, but it does not do the round
        if point["checkpoint_id"] not in first_visit or at < first_visit[point["checkpoint_id"]]:
            first_visit[point["checkpoint_id"]] = at
    if all(checkpoint in first_visit for checkpoint in route) and fields.get("status") != "cancelled":
        completed = max(first_visit[checkpoint] for checkpoint in route)
        update["completed_at"] = format_utc(completed)
        update["skipped_ids"] = []
        verdict = recurrence.timing(completed, *window)
        status = {recurrence.ON_TIME: "done", recurrence.LATE: "late"}.get(verdict, "missed")
        if status != fields.get("status"):
            update["status"] = status
        forget_deadline(judged_id)
        if status == "missed" and fields.get("status") == "due":
            update["missed_at"] = format_utc(now or utcnow())
            edit("round", update, judged_id)
            raise_alert(current)
            return
    elif fields.get("status") == "missed":
        update["skipped_ids"] = [checkpoint for checkpoint in route if checkpoint not in first_visit]
    if edit("round", update, judged_id) and "completed_at" in update:
        replan_after_completion(fields["schedule_id"], now)


def replan_after_completion(schedule_id: str, now: datetime | None) -> None:
    """An after-completion schedule's next round is counted from the one just done or missed: plan it now, not in an hour."""
    schedule = db.session.get(Record, schedule_id)
    if schedule is not None and not schedule.deleted and schedule.fields.get("mode") == "after_completion":
        plan_schedule(schedule.id, now)


def point_of(inspection: Record, window: list[datetime]) -> dict:
    presence = inspection.fields.get("presence") or {}
    submitted_at = decode_stamps(inspection.stamps, inspection.fields)["status"].stamp.edited_at
    checkpoint_id = inspection.fields.get("checkpoint_id")
    code_matched = None
    if presence.get("method") == "qr":
        checkpoint = db.session.get(Record, checkpoint_id) if checkpoint_id else None
        code_matched = checkpoint is not None and bool(presence.get("code")) and presence["code"] == checkpoint.fields.get("code")
    point = {
        "checkpoint_id": checkpoint_id,
        "inspection_id": inspection.id,
        "method": presence.get("method") or "hand",
        "code_matched": code_matched,
        "at": format_utc(submitted_at),
        "timing": recurrence.timing(submitted_at.astimezone(UTC), *window),
        "by": inspection.owner_id,
    }
    if presence.get("location"):
        point["location"] = presence["location"]
    return point


def mark_missed(now: datetime | None = None) -> int:
    """Rounds whose window and grace are over with their route not done: missed, one alert each. The number marked."""
    now = now or utcnow()
    closing = db.session.execute(select(RoundDeadline.round_id).where(RoundDeadline.closes_at <= now).order_by(RoundDeadline.closes_at)).scalars()
    marked = 0
    for closed_id in list(closing):
        forget_deadline(closed_id)
        current = locked(closed_id)  # as it is now: a push may have judged it done while this tick waited
        if current is None or current.deleted or current.fields.get("status") != "due":
            continue
        visited = {point["checkpoint_id"] for point in current.fields.get("points") or []}
        skipped = [checkpoint for checkpoint in current.fields["checkpoint_ids"] if checkpoint not in visited]
        if edit("round", {"status": "missed", "missed_at": format_utc(now), "skipped_ids": skipped}, closed_id):
            raise_alert(current)
            marked += 1
            replan_after_completion(current.fields["schedule_id"], now)
    return marked


def raise_alert(missed: Record) -> None:
    """The one alert of a missed round (its id is derived from the round's, so a second tick finds it made)."""
    made_id = alert_id(missed.id)
    if db.session.get(Record, made_id) is not None:
        return
    schedule = db.session.get(Record, missed.fields["schedule_id"])
    fields = {
        "site_id": missed.fields["site_id"],
        "kind": "round_missed",
        "round_id": missed.id,
        # A round already open when its schedule was deleted still runs out; its alert names no schedule.
        "schedule_id": schedule.id if schedule is not None and not schedule.deleted else None,
        "assignee_ids": list(missed.fields.get("assignee_ids") or []),
        "raised_at": format_utc(utcnow()),
    }
    edit("alert", fields, made_id)


def plan_all(now: datetime | None = None) -> dict:
    """Plan every schedule up to the horizon (the job runner, hourly: a written schedule is planned at once)."""
    now = now or utcnow()
    schedules = db.session.execute(select(Record.id).where(Record.type == "schedule", Record.deleted.is_(False))).scalars().all()
    return {"schedules": len(schedules), "rounds_made": sum(plan_schedule(schedule_id, now) for schedule_id in schedules)}


def tick(now: datetime | None = None) -> dict:
    """Plan every schedule, then mark the missed rounds (`flask --app server tick`). A second run changes nothing."""
    now = now or utcnow()
    return {**plan_all(now), "rounds_missed": mark_missed(now)}


# Compliance.


def compliance(site_ids, first: date, last: date) -> list[dict]:
    """Per site and schedule, rounds whose window began from `first` to `last` (local dates): due, done, late, missed, open.

    `on_time` is done ÷ (done + late + missed): rounds still open are not judged yet. Missed first.
    Counted by the database (a round's row keeps its site, and its schedule as its parent), so a month
    of every estate's rounds is one grouped query, not a read of each round.
    """
    start, end = local_days(first, last)
    # Stored times are all written by format_utc (fixed width, UTC), so they compare as text in SQL on both engines.
    window_start = Record.fields["window_start"].as_string()
    status = Record.fields["status"].as_string()
    in_range = [Record.type == "round", Record.deleted.is_(False), window_start >= format_utc(start), window_start < format_utc(end)]
    if site_ids is not None:
        in_range.append(Record.site_id.in_(site_ids))
    rows: dict[tuple[str, str], dict] = {}
    counted = select(Record.site_id, Record.parent_id, status, func.count()).where(*in_range).group_by(Record.site_id, Record.parent_id, status)
    for site_id, schedule_id, round_status, count in db.session.execute(counted):
        if round_status == "cancelled":
            continue
        row = rows.setdefault(
            (site_id, schedule_id),
            {"site_id": site_id, "schedule_id": schedule_id, "due": 0, "done": 0, "late": 0, "missed": 0, "open": 0, "missed_round_ids": []},
        )
        row["due"] += count
        row["open" if round_status == "due" else round_status] += count
    missed = select(Record.site_id, Record.parent_id, Record.id).where(*in_range, status == "missed").order_by(window_start)
    for site_id, schedule_id, missed_id in db.session.execute(missed):
        rows[(site_id, schedule_id)]["missed_round_ids"].append(missed_id)
    for row in rows.values():
        judged = row["done"] + row["late"] + row["missed"]
        row["on_time"] = round(row["done"] / judged, 4) if judged else None
    return sorted(rows.values(), key=lambda row: (-row["missed"], row["site_id"], row["schedule_id"]))
