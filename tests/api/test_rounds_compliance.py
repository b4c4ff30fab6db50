"""Rounds compliance (issue #12): the table over a week of rounds equals a hand count; an after-completion schedule follows its completions."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import update

from schemas.fields import format_utc
from server.extensions import db
from server.models import Record
from server.services import rounds
from tests.api.test_rounds import inspection_for, schedule_fields, tick

SHANGHAI = ZoneInfo("Asia/Shanghai")  # the server's default TIME_ZONE, in which compliance counts days


def schedule_made_days_ago(app, office, estate, name, at, window, grace, days=8):
    """A daily schedule in the server's zone, as if made `days` ago: the next plan makes the rounds of the last week."""
    schedule_id = office.create(
        "schedule", schedule_fields(estate, at, name=name, time_zone=None, window_minutes=window, grace_minutes=grace, starts_on="2026-01-01")
    )
    with app.app_context():
        made = datetime.now(UTC) - timedelta(days=days)
        db.session.execute(update(Record).where(Record.id == schedule_id).values(created_at=made))
        rounds.plan_schedule(schedule_id)
        db.session.commit()
    return schedule_id


def local(day: date, at: str, minutes_after: int) -> datetime:
    return datetime.combine(day, time.fromisoformat(at), SHANGHAI) + timedelta(minutes=minutes_after)


def visit(inspector, estate, schedule_id, day, at, minutes_after):
    """The inspection of that day's round, made offline at the time and pushed now."""
    round_id = rounds.round_id(schedule_id, f"{day.isoformat()}T{at}")
    when = format_utc(local(day, at, minutes_after))
    result = inspector.push(inspector.mutation("inspection", inspection_for(estate, round_id), edited_at=when))[0]
    assert result["status"] == "applied", result
    return round_id


def test_the_compliance_table_equals_a_hand_count(app, runner, estate, office, inspector):
    today = datetime.now(SHANGHAI).date()
    days = [today - timedelta(days=n) for n in range(5, 0, -1)]  # five whole local days before today
    morning = schedule_made_days_ago(app, office, estate, "Morning", "08:00", window=60, grace=30)
    afternoon = schedule_made_days_ago(app, office, estate, "Afternoon", "14:00", window=120, grace=0)
    # Morning: done, late (10 minutes into the grace), done, then two days with nobody.
    visit(inspector, estate, morning, days[0], "08:00", 10)
    visit(inspector, estate, morning, days[1], "08:00", 70)
    visit(inspector, estate, morning, days[2], "08:00", 59)
    # Afternoon: done on the first day only.
    visit(inspector, estate, afternoon, days[0], "14:00", 0)
    tick(runner)
    # Work done after its round was missed still attaches, labelled, and the round stays missed.
    late_work = visit(inspector, estate, afternoon, days[3], "14:00", 300)

    hand_count = {
        afternoon: {"due": 5, "done": 1, "late": 0, "missed": 4, "open": 0, "on_time": 0.2},
        morning: {"due": 5, "done": 2, "late": 1, "missed": 2, "open": 0, "on_time": 0.4},
    }
    query = {"from": days[0].isoformat(), "to": days[-1].isoformat()}
    answer = office.client.get("/api/v1/rounds/compliance", query_string=query, headers=office.headers)
    assert answer.status_code == 200, answer.get_json()
    body = answer.get_json()
    assert (body["from"], body["to"], body["time_zone"]) == (query["from"], query["to"], "Asia/Shanghai")
    rows = body["rows"]
    assert [row["schedule_id"] for row in rows] == [afternoon, morning]  # missed first
    for row in rows:
        counted = {name: row[name] for name in ("due", "done", "late", "missed", "open", "on_time")}
        assert counted == hand_count[row["schedule_id"]]
        assert len(row["missed_round_ids"]) == row["missed"]
    records = office.sync_down()
    attached = records[late_work]["fields"]
    assert attached["status"] == "missed" and attached["points"][0]["timing"] == "after_missed"
    alerts = [r for r in records.values() if r["type"] == "alert" and r["fields"]["schedule_id"] in (morning, afternoon)]
    # Each missed round of the week has one alert, the older days' ones included.
    assert len({alert["fields"]["round_id"] for alert in alerts}) == len(alerts) >= 6


def test_compliance_refuses_a_bad_range_and_is_office_only(client, office, inspector):
    bad = office.client.get("/api/v1/rounds/compliance", query_string={"from": "2026-02-30"}, headers=office.headers)
    assert bad.status_code == 422 and "from" in bad.get_json()["error"]["fields"]
    backwards = office.client.get("/api/v1/rounds/compliance", query_string={"from": "2026-03-02", "to": "2026-03-01"}, headers=office.headers)
    assert backwards.status_code == 422
    assert inspector.client.get("/api/v1/rounds/compliance", headers=inspector.headers).status_code == 403
    assert client.get("/api/v1/rounds/compliance").status_code == 401
    week = office.client.get("/api/v1/rounds/compliance", headers=office.headers).get_json()
    assert (date.fromisoformat(week["to"]) - date.fromisoformat(week["from"])).days == 6 and week["rows"] == []


def test_an_after_completion_schedule_counts_its_next_round_from_the_completion(app, estate, office, inspector):
    # Every 7 days, a three-day window that opened two days ago: done today, the next is due 7 days from today,
    # not 7 days from the window's start.
    start = (datetime.now(UTC) - timedelta(days=2)).replace(second=0, microsecond=0)
    schedule_id = office.create(
        "schedule",
        schedule_fields(
            estate,
            start.strftime("%H:%M"),
            name="Pump room",
            recurrence={"every": "day", "interval": 7, "times": [start.strftime("%H:%M")]},
            window_minutes=3 * 24 * 60,
            grace_minutes=None,
            mode="after_completion",
            starts_on=start.date().isoformat(),
        ),
    )
    planned = [r for r in office.sync_down().values() if r["type"] == "round" and r["fields"]["schedule_id"] == schedule_id]
    assert [r["fields"]["slot"][:10] for r in planned] == [start.date().isoformat()]
    assert inspector.push_one("inspection", inspection_for(estate, planned[0]["id"]))["status"] == "applied"
    records = office.sync_down()
    ours = sorted(
        (r for r in records.values() if r["type"] == "round" and r["fields"]["schedule_id"] == schedule_id), key=lambda r: r["fields"]["slot"]
    )
    assert [r["fields"]["status"] for r in ours] == ["done", "due"]
    assert ours[1]["fields"]["slot"][:10] == (datetime.now(UTC).date() + timedelta(days=7)).isoformat()
