"""Rounds at their edges (found in review): late then an earlier visit, odd inspections, after-completion restarts, odd zones and dates."""

import io
from datetime import UTC, datetime, timedelta

from openpyxl import load_workbook

from schemas.fields import format_utc
from tests.api.test_rounds import inspection_for, schedule_fields, schedule_now, tick, todays_round


def push_at(device, fields, when):
    return device.push(device.mutation("inspection", fields, edited_at=format_utc(when)))[0]


def test_a_late_round_becomes_done_when_an_earlier_visit_from_an_offline_phone_arrives(app, estate, office, inspector, login, make_user):
    make_user("second", "inspector")
    second = login("second")
    schedule_id, start = schedule_now(office, estate, started_minutes_ago=150, window=120, grace=60)
    due, _ = todays_round(inspector, schedule_id, start)
    assert inspector.push_one("inspection", inspection_for(estate, due["id"]))["status"] == "applied"
    assert todays_round(office, schedule_id, start)[0]["fields"]["status"] == "late"
    pushed = push_at(second, inspection_for(estate, due["id"]), start + timedelta(minutes=10))
    assert pushed["status"] == "applied", pushed
    assert todays_round(office, schedule_id, start)[0]["fields"]["status"] == "done"


def test_visits_that_are_no_point_of_the_route_are_kept_but_do_not_do_the_round(app, estate, office, inspector):
    schedule_id, start = schedule_now(office, estate, started_minutes_ago=30)
    due, _ = todays_round(inspector, schedule_id, start)
    nowhere = {**inspection_for(estate, due["id"]), "checkpoint_id": None}
    assert inspector.push_one("inspection", nowhere)["status"] == "applied"
    early = push_at(inspector, inspection_for(estate, due["id"]), start - timedelta(hours=3))
    assert early["status"] == "applied"
    judged = todays_round(office, schedule_id, start)[0]["fields"]
    assert judged["status"] == "due" and [point["timing"] for point in judged["points"]] == ["early"]


def after_completion(office, estate, starts_on, time_of_day, window=60):
    return office.create(
        "schedule",
        schedule_fields(
            estate,
            time_of_day,
            name="Pump room",
            recurrence={"every": "day", "interval": 7, "times": [time_of_day]},
            window_minutes=window,
            grace_minutes=None,
            mode="after_completion",
            starts_on=starts_on.isoformat(),
        ),
    )


def rounds_of(device, schedule_id):
    return sorted(
        (r for r in device.sync_down().values() if r["type"] == "round" and r["fields"]["schedule_id"] == schedule_id),
        key=lambda r: r["fields"]["slot"],
    )


def test_an_after_completion_schedule_begun_long_ago_plans_its_next_round_and_goes_on_after_a_miss(app, runner, estate, office):
    soon = datetime.now(UTC) + timedelta(minutes=5)
    schedule_id = after_completion(office, estate, (soon - timedelta(days=28)).date(), soon.strftime("%H:%M"))  # every 7 days: today is one
    [first] = rounds_of(office, schedule_id)
    assert first["fields"]["status"] == "due" and first["fields"]["window_end"] > format_utc(datetime.now(UTC))
    tick(runner, soon + timedelta(hours=2))
    later = rounds_of(office, schedule_id)
    assert [r["fields"]["status"] for r in later] == ["missed", "due"]
    assert later[1]["fields"]["slot"][:10] == (soon + timedelta(hours=2) + timedelta(days=7)).date().isoformat()


def test_odd_zones_sites_and_dates_are_refused_not_crashed(app, estate, office):
    refused = office.push_one("schedule", schedule_fields(estate, "08:00", name="Odd", time_zone="America"))
    assert refused["status"] == "rejected" and "time_zone" in refused["error"]["fields"]
    schedule_id, _ = schedule_now(office, estate)
    other_site = office.create("site", {"name": "Elsewhere"})
    other_point = office.create("checkpoint", {"site_id": other_site, "name": "HV", "category": "fire"})
    moved = office.push_one("schedule", {"site_id": other_site, "checkpoint_ids": [other_point]}, record_id=schedule_id)
    assert moved["status"] == "rejected"
    for query in ({"to": "0001-01-05"}, {"from": "9999-12-30", "to": "9999-12-31"}, {"from": "2026-01-01", "to": "2027-06-01"}):
        for path in ("/api/v1/rounds/compliance", "/api/v1/exports/rounds"):
            assert office.client.get(path, query_string=query, headers=office.headers).status_code == 422, (path, query)
    one_end = office.client.get("/api/v1/rounds/compliance", query_string={"from": "2000-01-01"}, headers=office.headers).get_json()
    assert (one_end["from"], one_end["to"]) == ("2000-01-01", "2000-01-07")


def test_an_export_never_carries_a_formula_somebody_typed(app, estate, office, inspector):
    inspector.create("finding", {"site_id": estate.site, "category": "fire", "title": '=HYPERLINK("http://evil.example","click")', "severity": "low"})
    xlsx = office.client.get("/api/v1/exports/findings", headers=office.headers)
    data = xlsx.data
    xlsx.close()
    workbook = load_workbook(io.BytesIO(data))
    cell = workbook.active.cell(row=2, column=7)
    assert cell.data_type == "s" and cell.value.startswith("=HYPERLINK")
    as_csv = office.client.get("/api/v1/exports/findings", query_string={"format": "csv"}, headers=office.headers).data.decode("utf-8-sig")
    assert "'=HYPERLINK" in as_csv
