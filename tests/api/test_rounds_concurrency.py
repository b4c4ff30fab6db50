"""Rounds planned by four gunicorn workers and two tick processes at once (issue #12): no duplicate, no error."""

import subprocess
import sys
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, timedelta

from server.services.rounds import round_id
from tests.helpers import new_id, upsert
from tests.live import HttpDevice

SCHEDULES = 10
WORKERS = 4


def test_four_workers_and_two_ticks_planning_at_once_make_each_round_once(live_server):
    live_server.create_user("office", "office")
    office = live_server.login("office", "desk")
    site, checkpoint, template = new_id(), new_id(), new_id()
    setup = [
        upsert("site", record_id=site, fields={"name": "Harbour"}),
        upsert("checkpoint", record_id=checkpoint, fields={"site_id": site, "name": "HV-01", "category": "other", "code": "HV-01"}),
        upsert(
            "template",
            record_id=template,
            fields={"name": "HV patrol", "category": "other", "items": [{"key": "ok", "label": "OK", "kind": "pass_fail"}]},
        ),
    ]
    schedules = [new_id() for _ in range(SCHEDULES)]
    setup += [
        upsert(
            "schedule",
            record_id=schedule,
            fields={
                "site_id": site,
                "name": f"Patrol {n}",
                "template_family_id": template,
                "checkpoint_ids": [checkpoint],
                "recurrence": {"every": "day", "interval": 1, "times": ["08:00", "20:00"]},
                "window_minutes": 120,
                "starts_on": date.today().isoformat(),
                "active": False,  # no rounds yet: the workers below plan them all at the same moment
            },
        )
        for n, schedule in enumerate(schedules)
    ]
    assert {result["status"] for result in office.push(setup)} == {"applied"}

    desks = [HttpDevice(live_server.url, live_server.login("office", f"desk {n}").login_body) for n in range(WORKERS)]
    start = threading.Barrier(WORKERS + 2)

    def switch_on(desk):
        start.wait()
        return desk.push([upsert("schedule", record_id=schedule, fields={"active": True}) for schedule in schedules])

    def tick():
        start.wait()
        return subprocess.run(
            [sys.executable, "-m", "flask", "--app", "server", "tick"], env=live_server.env, capture_output=True, text=True, timeout=120
        )

    with ThreadPoolExecutor(WORKERS + 2) as pool:
        pushes = [pool.submit(switch_on, desk) for desk in desks]
        ticks = [pool.submit(tick) for _ in range(2)]
        for push in pushes:
            assert {result["status"] for result in push.result()} == {"applied"}
        for done in ticks:
            assert done.result().returncode == 0, done.result().stderr

    records = office.sync_down()
    rounds = [r for r in records.values() if r["type"] == "round"]
    slots = Counter((r["fields"]["schedule_id"], r["fields"]["slot"]) for r in rounds)
    assert slots and max(slots.values()) == 1
    assert all(r["id"] == round_id(r["fields"]["schedule_id"], r["fields"]["slot"]) for r in rounds)
    per_schedule = Counter(r["fields"]["schedule_id"] for r in rounds)
    assert set(per_schedule) == set(schedules) and len(set(per_schedule.values())) == 1  # each schedule got the same rounds
    assert min(per_schedule.values()) >= 2 * 14
    # One more tick: nothing left to make.
    assert "0 rounds made" in live_server.flask("tick")


def test_two_visits_to_one_round_pushed_at_once_both_count(live_server):
    live_server.create_user("office", "office")
    live_server.create_user("first", "inspector")
    live_server.create_user("second", "inspector")
    office = live_server.login("office", "desk")
    site, template = new_id(), new_id()
    points = [new_id(), new_id()]
    setup = [
        upsert("site", record_id=site, fields={"name": "Harbour"}),
        upsert(
            "template",
            record_id=template,
            fields={"name": "Patrol", "category": "fire", "items": [{"key": "ok", "label": "OK", "kind": "pass_fail"}]},
        ),
    ] + [upsert("checkpoint", record_id=point, fields={"site_id": site, "name": f"Point {n}", "category": "fire"}) for n, point in enumerate(points)]
    now = datetime.now(UTC) - timedelta(minutes=10)
    schedules = [new_id() for _ in range(SCHEDULES)]
    setup += [
        upsert(
            "schedule",
            record_id=schedule,
            fields={
                "site_id": site,
                "name": f"Route {n}",
                "template_family_id": template,
                "checkpoint_ids": points,
                "time_zone": "UTC",
                "recurrence": {"every": "day", "interval": 1, "times": [now.strftime("%H:%M")]},
                "window_minutes": 120,
                "starts_on": now.date().isoformat(),
            },
        )
        for n, schedule in enumerate(schedules)
    ]
    assert {result["status"] for result in office.push(setup)} == {"applied"}
    slot = now.strftime("%Y-%m-%dT%H:%M")
    rounds = [round_id(schedule, slot) for schedule in schedules]
    phones = [live_server.login("first"), live_server.login("second")]
    start = threading.Barrier(2)

    def visit(phone, point):
        visits = [
            upsert(
                "inspection",
                record_id=new_id(),
                fields={
                    "template_id": template,
                    "site_id": site,
                    "checkpoint_id": point,
                    "round_id": done,
                    "status": "submitted",
                    "answers": {"ok": {"value": "pass"}},
                },
            )
            for done in rounds
        ]
        start.wait()
        return [phone.push([mutation])[0]["status"] for mutation in visits]  # one push each, the two phones side by side

    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(visit, phones, points))
    assert {status for pushed in results for status in pushed} == {"applied"}
    records = office.sync_down()
    judged = [records[done]["fields"] for done in rounds]
    assert [sorted(point["checkpoint_id"] for point in fields["points"]) for fields in judged] == [sorted(points)] * SCHEDULES
    assert {fields["status"] for fields in judged} == {"done"}
