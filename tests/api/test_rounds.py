"""Scheduled rounds (issue #12): rounds planned from a schedule, judged done / late / missed, one alert per missed round."""

from datetime import UTC, date, datetime, timedelta

from schemas.fields import format_utc
from sync import recurrence


def local_days(rule, first, last):
    return list(recurrence.local_slots(rule, date(2026, 1, 1), None, first, last))


def test_twice_a_day_gives_two_rounds_every_local_day_across_a_month_end():
    slots = local_days({"every": "day", "interval": 1, "times": ["20:00", "08:00"]}, date(2026, 1, 30), date(2026, 2, 2))
    assert slots == [(date(2026, 1, d if d > 2 else d), t) for d in (30, 31) for t in ("08:00", "20:00")] + [
        (date(2026, 2, d), t) for d in (1, 2) for t in ("08:00", "20:00")
    ]


def test_monthly_and_six_monthly_rules_land_on_their_day():
    last_day = local_days({"every": "month", "interval": 1, "day": -1, "times": ["09:00"]}, date(2026, 1, 1), date(2026, 4, 30))
    assert [day for day, _ in last_day] == [date(2026, 1, 31), date(2026, 2, 28), date(2026, 3, 31), date(2026, 4, 30)]
    six = local_days({"every": "month", "interval": 6, "day": 15, "times": ["09:00"]}, date(2026, 1, 1), date(2027, 12, 31))
    assert [day for day, _ in six] == [date(2026, 1, 15), date(2026, 7, 15), date(2027, 1, 15), date(2027, 7, 15)]
    assert recurrence.next_after({"every": "month", "interval": 6, "day": 15, "times": ["09:00"]}, date(2026, 5, 31)) == date(2026, 11, 30)


def test_a_rule_with_a_problem_is_named():
    assert recurrence.rule_problem({"every": "day", "times": ["25:00"]})
    assert recurrence.rule_problem({"every": "week", "times": ["08:00"]})
    assert recurrence.rule_problem({"every": "day", "interval": 1, "times": ["08:00"]}) is None


def schedule_fields(estate, at, **changes):
    """A daily schedule of the estate's checkpoint at `at` (HH:MM, UTC) since yesterday; `changes` replace fields (None leaves one out)."""
    fields = {
        "site_id": estate.site,
        "name": "HV patrol",
        "template_family_id": estate.template,
        "checkpoint_ids": [estate.checkpoint],
        "time_zone": "UTC",
        "recurrence": {"every": "day", "interval": 1, "times": [at]},
        "window_minutes": 120,
        "grace_minutes": 30,
        "starts_on": (datetime.now(UTC) - timedelta(days=1)).date().isoformat(),
    }
    fields.update(changes)
    return {name: value for name, value in fields.items() if value is not None}


def schedule_now(office, estate, started_minutes_ago=30, window=120, grace=30, route=None):
    """A daily schedule in UTC whose today's window began `started_minutes_ago` minutes ago."""
    start = (datetime.now(UTC) - timedelta(minutes=started_minutes_ago)).replace(second=0, microsecond=0)
    fields = schedule_fields(
        estate,
        start.strftime("%H:%M"),
        checkpoint_ids=route or [estate.checkpoint],
        window_minutes=window,
        grace_minutes=grace,
        starts_on=(start - timedelta(days=1)).date().isoformat(),
    )
    return office.create("schedule", fields), start


def todays_round(device, schedule_id, start):
    records = device.sync_down()
    found = [r for r in records.values() if r["type"] == "round" and r["fields"]["schedule_id"] == schedule_id]
    return next(r for r in found if r["fields"]["window_start"] == format_utc(start)), records


def inspection_for(estate, round_id, checkpoint=None, code="HY-A-B1"):
    return {
        "template_id": estate.template,
        "site_id": estate.site,
        "checkpoint_id": checkpoint or estate.checkpoint,
        "status": "submitted",
        "answers": {"seal": {"value": "pass"}},
        "round_id": round_id,
        "presence": {"method": "qr", "code": code},
    }


def tick(runner, now=None):
    args = ["tick"] + (["--now", format_utc(now)] if now else [])
    result = runner.invoke(args=args)
    assert result.exit_code == 0, result.output
    return result.output


def test_a_round_done_in_its_window_is_done_and_the_phone_cannot_write_rounds(app, estate, office, inspector):
    schedule_id, start = schedule_now(office, estate)
    due, _ = todays_round(inspector, schedule_id, start)
    assert due["fields"]["status"] == "due"
    pushed = inspector.push_one("inspection", inspection_for(estate, due["id"]))
    assert pushed["status"] == "applied", pushed
    judged, _ = todays_round(office, schedule_id, start)
    assert judged["fields"]["status"] == "done"
    [point] = judged["fields"]["points"]
    assert point["timing"] == "on_time" and point["method"] == "qr" and point["code_matched"] is True
    refused = inspector.push_one("round", {"status": "missed"}, record_id=due["id"])
    assert refused["status"] == "rejected" and refused["error"]["code"] == "forbidden"
    refused = office.push_one("round", {"status": "missed"}, record_id=due["id"])
    assert refused["status"] == "rejected"


def test_a_round_done_after_its_window_within_the_grace_is_late(app, estate, office, inspector):
    schedule_id, start = schedule_now(office, estate, started_minutes_ago=150, window=120, grace=60)
    due, _ = todays_round(inspector, schedule_id, start)
    inspector.push_one("inspection", inspection_for(estate, due["id"], code="WRONG"))
    judged, _ = todays_round(office, schedule_id, start)
    assert judged["fields"]["status"] == "late"
    assert judged["fields"]["points"][0]["code_matched"] is False


def test_a_phone_whose_clock_is_two_hours_fast_is_judged_on_corrected_time(app, estate, office, inspector):
    schedule_id, start = schedule_now(office, estate, started_minutes_ago=30, window=60, grace=0)
    due, _ = todays_round(inspector, schedule_id, start)
    fast = datetime.now(UTC) + timedelta(hours=2)
    inspector.push(inspector.mutation("inspection", inspection_for(estate, due["id"]), edited_at=format_utc(fast)), sent_at=format_utc(fast))
    judged, _ = todays_round(office, schedule_id, start)
    assert judged["fields"]["status"] == "done", judged["fields"]["points"]


def test_the_missed_tick_run_twice_raises_one_alert_and_later_work_still_attaches(app, runner, estate, office, inspector):
    schedule_id, start = schedule_now(office, estate, started_minutes_ago=30, window=60, grace=15)
    due, _ = todays_round(inspector, schedule_id, start)
    after = start + timedelta(minutes=80)
    tick(runner, after)
    tick(runner, after)
    missed, records = todays_round(office, schedule_id, start)
    assert missed["fields"]["status"] == "missed"
    alerts = [r for r in records.values() if r["type"] == "alert" and r["fields"]["round_id"] == due["id"]]
    assert len(alerts) == 1 and alerts[0]["fields"]["status"] == "unread"
    assert office.push_one("alert", {"status": "read"}, record_id=alerts[0]["id"])["status"] == "applied"
    assert office.push_one("alert", {"kind": "round_missed", "round_id": None}, record_id=alerts[0]["id"])["status"] == "rejected"


def test_a_route_with_a_point_not_done_names_it_when_missed(app, runner, estate, office, inspector):
    points = [estate.checkpoint] + [
        office.create("checkpoint", {"site_id": estate.site, "name": f"Point {n}", "category": "fire", "code": f"P-{n}"}) for n in range(2, 6)
    ]
    schedule_id, start = schedule_now(office, estate, started_minutes_ago=30, window=60, grace=0, route=points)
    due, _ = todays_round(inspector, schedule_id, start)
    for checkpoint in points[:2] + points[3:]:
        inspector.push_one("inspection", inspection_for(estate, due["id"], checkpoint=checkpoint))
    tick(runner, start + timedelta(minutes=61))
    missed, _ = todays_round(office, schedule_id, start)
    assert missed["fields"]["status"] == "missed"
    assert missed["fields"]["skipped_ids"] == [points[2]]
    assert len(missed["fields"]["points"]) == 4


def test_planning_twice_makes_no_duplicates(app, runner, estate, office):
    schedule_id, start = schedule_now(office, estate)
    first = tick(runner)
    assert tick(runner) == first
    rounds = [r for r in office.sync_down().values() if r["type"] == "round" and r["fields"]["schedule_id"] == schedule_id]
    slots = [r["fields"]["slot"] for r in rounds]
    assert len(slots) == len(set(slots)) >= 14
