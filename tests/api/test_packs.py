"""Template packs (issue #12): `install-pack` on an empty database gives working schedules; a second install changes nothing."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import update

from schemas.fields import format_utc, parse_utc
from server.extensions import db
from server.models import Record
from server.packs import PACKS
from server.services import rounds as rounds_service


def test_the_hv_room_pack_on_an_empty_database_gives_a_working_patrol(app, runner, make_user, login):
    result = runner.invoke(args=["install-pack", "hv-room"])
    assert result.exit_code == 0, result.output
    assert "1 site(s) made, 3 template(s) made, 1 checkpoint(s) made, 3 schedule(s) made" in result.output
    again = runner.invoke(args=["install-pack", "hv-room"])
    assert "0 site(s) made, 0 template(s) made, 0 checkpoint(s) made, 0 schedule(s) made" in again.output

    make_user("patrol", "inspector", sites=("My estate",))
    inspector = login("patrol")
    records = inspector.sync_down()
    schedules = {r["fields"]["name"]: r for r in records.values() if r["type"] == "schedule"}
    assert set(schedules) == {"HV room patrol", "HV room monthly check", "HV room maintenance"}
    patrol = schedules["HV room patrol"]["fields"]
    assert patrol["recurrence"] == {"every": "day", "interval": 1, "times": ["08:00", "20:00"]}
    [checkpoint] = [r for r in records.values() if r["type"] == "checkpoint"]
    assert checkpoint["fields"]["code"] == "HV-01" and patrol["checkpoint_ids"] == [checkpoint["id"]]
    rounds = [r for r in records.values() if r["type"] == "round" and r["fields"]["schedule_id"] == schedules["HV room patrol"]["id"]]
    per_day = {}
    for found in rounds:
        per_day.setdefault(found["fields"]["slot"][:10], []).append(found["fields"]["slot"][11:])
    whole_days = sorted(per_day)[1:-1]  # today and the horizon's last day may be cut
    assert len(whole_days) >= 12 and all(sorted(per_day[day]) == ["08:00", "20:00"] for day in whole_days)

    # The patrol is done with the pack's own checklist, by scanning the pack's label: yesterday's evening patrol,
    # made on a phone offline then and pushed now (the schedule is backdated a day, so yesterday's rounds exist).
    with app.app_context():
        db.session.execute(
            update(Record).where(Record.id == schedules["HV room patrol"]["id"]).values(created_at=datetime.now(UTC) - timedelta(days=2))
        )
        rounds_service.plan_schedule(schedules["HV room patrol"]["id"])
        db.session.commit()
    now = format_utc(datetime.now(UTC))
    past = [r for r in inspector.sync_down().values() if r["type"] == "round" and r["fields"]["grace_until"] < now]
    target = max(past, key=lambda r: r["fields"]["window_start"])
    template = next(r for r in records.values() if r["type"] == "template" and r["id"] == target["fields"]["template_family_id"])
    answers = {item["key"]: {"value": answer(item)} for item in template["fields"]["items"] if item["kind"] != "photo"}
    fields = {
        "template_id": template["id"],
        "site_id": checkpoint["fields"]["site_id"],
        "checkpoint_id": checkpoint["id"],
        "round_id": target["id"],
        "presence": {"method": "qr", "code": "HV-01"},
        "status": "submitted",
        "answers": answers,
    }
    when = format_utc(parse_utc(target["fields"]["window_start"]) + timedelta(minutes=20))
    pushed = inspector.push(inspector.mutation("inspection", fields, edited_at=when))[0]
    assert pushed["status"] == "applied", pushed
    assert inspector.sync_down()[target["id"]]["fields"]["status"] == "done"


def answer(item):
    return {"pass_fail": "pass", "number": item.get("min", 0), "choice": (item.get("choices") or [None])[0]}.get(item["kind"], "ok")


@pytest.mark.parametrize("name", sorted(set(PACKS) - {"hv-room"}))
def test_every_other_pack_installs_on_a_site_with_none_of_its_checkpoints(runner, name):
    result = runner.invoke(args=["install-pack", name, "--site", "Riverside"])
    assert result.exit_code == 0, result.output
    assert "0 schedule(s) made" not in result.output and "0 checkpoint(s) made" not in result.output


def test_a_pack_needs_a_site_named_when_there_are_several(runner):
    for site in ("North", "South"):
        assert runner.invoke(args=["install-pack", "fire", "--site", site]).exit_code == 0
    result = runner.invoke(args=["install-pack", "cleaning"])
    assert result.exit_code != 0 and "more than one site" in result.output
