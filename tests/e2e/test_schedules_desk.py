"""The office's scheduled rounds on the desk (issue #12): schedules made in the form, compliance, one round, missed-round alerts.

The desk counts compliance from its replica on its own calendar; the browser
runs in the server's zone (Asia/Shanghai, the default TIME_ZONE), so its
local dates are the server's and the two must agree to the round.
"""

import json
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from schemas.fields import format_utc
from sync import recurrence
from tests.e2e.conftest import DEMO_PASSWORD, expect_synced, log_in
from tests.e2e.test_accessibility import violations
from tests.helpers import iso, new_id

ZONE = "Asia/Shanghai"
DESKTOP = {"viewport": {"width": 1280, "height": 800}, "timezone_id": ZONE}
COUNTS = ("due", "done", "late", "missed", "open")


def desk(browser, server, locale="en-GB"):
    page = browser.new_context(locale=locale, **DESKTOP).new_page()
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    log_in(page, server, username="office", home="#desk-list li")
    return page


class Pusher:
    """Pushes over HTTP as a phone does, edit times strictly growing."""

    def __init__(self, device):
        self.device = device
        self.edits = 0

    def put(self, record_type, fields, record_id=None):
        self.edits += 1
        edited_at = iso(datetime.now(UTC) - timedelta(seconds=30) + timedelta(milliseconds=self.edits))
        mutation = {
            "mid": new_id(),
            "type": record_type,
            "id": record_id or new_id(),
            "op": "upsert",
            "base_version": None,
            "edited_at": edited_at,
            "fields": fields,
        }
        [result] = self.device.push([mutation])
        assert result["status"] == "applied", result
        return mutation["id"]


def demo_places(device):
    records = device.sync_down()
    site = next(r["id"] for r in records.values() if r["type"] == "site")
    checkpoints = {r["fields"]["code"]: r["id"] for r in records.values() if r["type"] == "checkpoint"}
    return site, checkpoints


def schedule_started(office, name, site, template, route, minutes_ago, window, grace):
    """A daily schedule in the server's zone whose today's window began `minutes_ago` minutes ago; its id and that window's start."""
    start = (datetime.now(UTC) - timedelta(minutes=minutes_ago)).replace(second=0, microsecond=0)
    local = start.astimezone(ZoneInfo(ZONE))
    fields = {
        "site_id": site,
        "name": name,
        "template_family_id": template,
        "checkpoint_ids": route,
        "time_zone": ZONE,
        "recurrence": {"every": "day", "interval": 1, "times": [local.strftime("%H:%M")]},
        "window_minutes": window,
        "grace_minutes": grace,
        "starts_on": (local - timedelta(days=1)).date().isoformat(),
    }
    return office.put("schedule", fields), start


def round_of(device, schedule_id, start):
    records = device.sync_down()
    return next(
        r
        for r in records.values()
        if r["type"] == "round" and r["fields"]["schedule_id"] == schedule_id and r["fields"]["window_start"] == format_utc(start)
    )


def server_compliance(server, first, last):
    """server.services.rounds.compliance() over the live server's database, as the server would answer."""
    code = (
        "import json, sys\nfrom datetime import date\nfrom server import create_app\nfrom server.services.rounds import compliance\n"
        "with create_app().app_context():\n"
        "    print(json.dumps(compliance(None, date.fromisoformat(sys.argv[1]), date.fromisoformat(sys.argv[2]))))\n"
    )
    done = subprocess.run([sys.executable, "-c", code, first, last], env=server.env, capture_output=True, text=True, timeout=60, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_office_makes_a_schedule_with_a_route_and_the_server_plans_its_rounds(browser, demo_server):
    page = desk(browser, demo_server)
    page.click("#nav a[href='#/schedules']")
    page.click("#new-schedule")
    page.fill("#schedule-name", "Night fire patrol")
    page.select_option("#schedule-template", label="Cleaning quality")
    for point in ("Hydrant A-B1 (HY-A-B1)", "Hydrant B-2F (HY-B-2F)", "Hydrant C-1F (HY-C-1F)", "Extinguisher A-1F (EX-A-1F)"):
        page.select_option("#route-add-choice", label=point)
        page.click("#route-add")
    page.click("#route-list li:nth-child(4) .route-remove")  # EX-A-1F was a slip
    page.click("#route-list li:nth-child(3) .route-up")  # C before B
    expect(page.locator("#route-list li")).to_have_count(3)
    expect(page.locator("#route-list li").first).to_contain_text("Hydrant A-B1")
    expect(page.locator("#route-list li").nth(1)).to_contain_text("Hydrant C-1F")

    page.click(".remove-time")  # no time at all: refused on the desk, in words
    page.click("#save-schedule")
    expect(page.locator("#schedule-error")).to_have_text("Add at least one start time (at most 24).")
    page.click("#add-time")
    page.fill("#time-0", "20:00")
    page.click("#add-time")
    page.fill("#time-1", "08:00")
    expect(page.locator("#schedule-summary")).to_have_text("Daily at 08:00 and 20:00")
    page.fill("#schedule-window", "120")
    page.fill("#schedule-grace", "30")
    page.click("#save-schedule")
    card = page.locator(".schedule-list li", has_text="Night fire patrol")
    expect(card).to_contain_text("Daily at 08:00 and 20:00")
    expect(card).to_contain_text("3 points")
    expect_synced(page)

    office = demo_server.login("office", "check", DEMO_PASSWORD)
    records = office.sync_down()
    _, codes = demo_places(office)
    [schedule] = [r for r in records.values() if r["type"] == "schedule" and r["fields"]["name"] == "Night fire patrol"]
    assert schedule["fields"]["checkpoint_ids"] == [codes["HY-A-B1"], codes["HY-C-1F"], codes["HY-B-2F"]]
    assert schedule["fields"]["recurrence"] == {"every": "day", "interval": 1, "times": ["08:00", "20:00"]}
    assert (schedule["fields"]["window_minutes"], schedule["fields"]["grace_minutes"], schedule["fields"]["time_zone"]) == (120, 30, None)
    rounds = [r for r in records.values() if r["type"] == "round" and r["fields"]["schedule_id"] == schedule["id"]]
    assert len(rounds) >= 26 and {r["fields"]["status"] for r in rounds} == {"due"}  # twice a day, two weeks ahead
    assert all(r["fields"]["checkpoint_ids"] == schedule["fields"]["checkpoint_ids"] for r in rounds)

    # Weekly on two days: said in words as it is set, and saved as the rule.
    page.click(".schedule-list a:has-text('Night fire patrol')")
    page.select_option("#schedule-every", "week")
    page.check("#weekday-3")
    page.click(".remove-time")
    page.fill("#time-0", "09:00")
    expect(page.locator("#schedule-summary")).to_have_text("Weekly on Mon, Wed at 09:00")
    page.click("#save-schedule")
    expect(page.locator(".schedule-list li", has_text="Night fire patrol")).to_contain_text("Weekly on Mon, Wed at 09:00")
    expect_synced(page)
    edited = office.sync_down()[schedule["id"]]
    assert edited["fields"]["recurrence"] == {"every": "week", "interval": 1, "times": ["09:00"], "weekdays": [1, 3]}

    # A zone the browser knows but the server's tz database dropped: the server refuses, and the desk says why, on the card and in the form.
    page.click(".schedule-list a:has-text('Night fire patrol')")
    page.fill("#schedule-zone", "US/Pacific-New")
    page.click("#save-schedule")
    refused = page.locator(".schedule-list li", has_text="Night fire patrol").locator(".error")
    expect(refused).to_contain_text("The server refused this schedule")
    page.click(".schedule-list a:has-text('Night fire patrol')")
    expect(page.locator("#schedule-refused")).to_contain_text("Time zone: No such time zone: US/Pacific-New.")
    page.fill("#schedule-zone", "")
    page.click("#save-schedule")
    expect(page.locator(".schedule-list li", has_text="Night fire patrol")).to_be_visible()
    expect(refused).to_have_count(0)
    expect_synced(page)
    assert office.sync_down()[schedule["id"]]["fields"]["time_zone"] is None

    said = page.evaluate("""async () => {
      const { describeRule } = await import('/features/schedules/schedules.js');
      const i18n = await import('/i18n.js');
      const rules = [{ every: 'month', interval: 6, day: 15, times: ['09:00'] }, { every: 'month', interval: 1, day: -1, times: ['18:30'] },
                     { every: 'day', interval: 1, times: ['20:00', '08:00'] }];
      const english = rules.map(describeRule);
      i18n.setLanguage('zh');
      const chinese = rules.map(describeRule);
      i18n.setLanguage('en');
      return [english, chinese];
    }""")
    assert said == [
        ["Every 6 months on day 15 at 09:00", "Monthly on the last day at 18:30", "Daily at 08:00 and 20:00"],
        ["每 6 个月的15日 09:00", "每月最后一天 18:30", "每天 08:00和20:00"],
    ]

    # The desk refuses the rules the server refuses (sync/recurrence.py rule_problem); the form never sends unknown keys.
    rules = [
        {"every": "day", "interval": 1, "times": ["08:00"]},
        {"every": "day", "times": ["23:59", "00:00"]},
        {"every": "day", "interval": 1, "times": []},
        {"every": "day", "interval": 1, "times": ["24:00"]},
        {"every": "day", "interval": 1, "times": ["8:00"]},
        {"every": "day", "interval": 1, "times": ["08:00", "08:00"]},
        {"every": "day", "interval": 0, "times": ["08:00"]},
        {"every": "day", "interval": 121, "times": ["08:00"]},
        {"every": "day", "interval": 1.5, "times": ["08:00"]},
        {"every": "day", "interval": 1, "times": [f"{hour:02d}:00" for hour in range(24)] + ["00:30"]},
        {"every": "week", "interval": 2, "weekdays": [1, 7], "times": ["09:00"]},
        {"every": "week", "interval": 1, "weekdays": [], "times": ["09:00"]},
        {"every": "week", "interval": 1, "weekdays": [8], "times": ["09:00"]},
        {"every": "week", "interval": 1, "times": ["09:00"]},
        {"every": "month", "interval": 6, "day": 31, "times": ["09:00"]},
        {"every": "month", "interval": 1, "day": -1, "times": ["09:00"]},
        {"every": "month", "interval": 1, "day": 0, "times": ["09:00"]},
        {"every": "month", "interval": 1, "day": 32, "times": ["09:00"]},
        {"every": "year", "interval": 1, "times": ["09:00"]},
    ]
    refused_on_desk = page.evaluate(
        "async (rules) => { const { describeRule } = await import('/features/schedules/schedules.js'); return rules.map((rule) => describeRule(rule) === '—'); }",
        rules,
    )
    assert refused_on_desk == [recurrence.rule_problem(rule) is not None for rule in rules]
    assert page.errors == []


def test_compliance_matches_the_server_and_a_missed_round_raises_an_alert_marked_read_on_the_desk(browser, demo_server):
    office = Pusher(demo_server.login("office", "fixture", DEMO_PASSWORD))
    inspector = Pusher(demo_server.login("inspector", "phone", DEMO_PASSWORD))
    site, codes = demo_places(office.device)
    item = {"key": "seal", "label": "Seal intact", "kind": "pass_fail", "required": True}
    template = office.put("template", {"name": "Hydrant round", "category": "fire", "items": [item], "active": True})
    hydrants = [codes["HY-A-B1"], codes["HY-B-2F"], codes["HY-C-1F"]]
    done_id, done_start = schedule_started(office, "Done patrol", site, template, hydrants[:1], 30, 120, 30)
    late_id, late_start = schedule_started(office, "Late patrol", site, template, hydrants[:1], 150, 120, 60)
    missed_id, missed_start = schedule_started(office, "Missed patrol", site, template, hydrants, 30, 60, 15)
    open_id, open_start = schedule_started(office, "Open patrol", site, template, hydrants[:1], 10, 120, 0)

    def visit(schedule_id, start, checkpoint, presence):
        due = round_of(inspector.device, schedule_id, start)
        inspector.put(
            "inspection",
            {
                "template_id": template,
                "site_id": site,
                "checkpoint_id": checkpoint,
                "status": "submitted",
                "answers": {"seal": {"value": "pass"}},
                "round_id": due["id"],
                "presence": presence,
            },
        )
        return due["id"]

    done_round = visit(
        done_id, done_start, hydrants[0], {"method": "qr", "code": "HY-A-B1", "location": {"lat": 22.28, "lng": 114.16, "accuracy": 8}}
    )
    late_round = visit(late_id, late_start, hydrants[0], {"method": "qr", "code": "HY-WRONG"})
    missed_round = visit(missed_id, missed_start, hydrants[0], {"method": "hand"})
    demo_server.flask("tick", "--now", iso(missed_start + timedelta(minutes=80)))
    judged = {
        name: round_of(office.device, schedule_id, start)["fields"]["status"]
        for name, schedule_id, start in (
            ("done", done_id, done_start),
            ("late", late_id, late_start),
            ("missed", missed_id, missed_start),
            ("open", open_id, open_start),
        )
    }
    assert judged == {"done": "done", "late": "late", "missed": "missed", "open": "due"}

    # The demo's week of history is there too: the desk must agree with the server on every row, and on ours by hand.
    unread = sum(1 for r in office.device.sync_down().values() if r["type"] == "alert" and r["fields"]["status"] == "unread")
    page = desk(browser, demo_server)
    expect(page.locator("#alert-badge")).to_have_attribute("data-count", str(unread))
    page.click("#nav a[href='#/schedules']")
    page.click("#open-compliance")
    first, last = page.input_value("#compliance-from"), page.input_value("#compliance-to")
    today = datetime.now(ZoneInfo(ZONE)).date()
    assert (first, last) == ((today - timedelta(days=6)).isoformat(), today.isoformat())
    server_rows = {row["schedule_id"]: row for row in server_compliance(demo_server, first, last)}
    by_hand = {done_id: (1, 1, 0, 0, 0, "100%"), late_id: (1, 0, 1, 0, 0, "0%"), missed_id: (1, 0, 0, 1, 0, "0%"), open_id: (1, 0, 0, 0, 1, "—")}
    assert {key: tuple(server_rows[key][name] for name in COUNTS) for key in by_hand} == {key: counts[:5] for key, counts in by_hand.items()}
    rows = page.locator("#compliance-table tbody tr[data-schedule]")
    expect(rows).to_have_count(len(server_rows))
    shown = {}
    for index in range(len(server_rows)):
        row = rows.nth(index)
        counts = tuple(int(row.locator(f"[data-count={name}]").inner_text()) for name in COUNTS)
        shown[row.get_attribute("data-schedule")] = (*counts, row.locator("[data-count=on_time]").inner_text())
    percent = lambda share: "—" if share is None else f"{round(share * 100)}%"  # noqa: E731
    assert shown == {key: (*(row[name] for name in COUNTS), percent(row["on_time"])) for key, row in server_rows.items()}
    assert {key: shown[key] for key in by_hand} == by_hand
    missed_column = [counts[3] for counts in shown.values()]
    assert missed_column == sorted(missed_column, reverse=True)  # rows with missed rounds first

    page.locator(f"#compliance-table tr[data-schedule='{missed_id}'] .show-rounds").click()
    page.click(f"a[href='#/round-detail/{missed_round}']")
    expect(page.locator("#round-status")).to_have_text("Missed")
    expect(page.locator("#round-skipped")).to_have_text("Not reached: Hydrant B-2F, Hydrant C-1F")
    points = page.locator("#round-points tbody tr")
    expect(points).to_have_count(3)
    expect(points.first).to_contain_text("⚠ Chosen by hand, not scanned")
    expect(points.nth(1)).to_contain_text("Hydrant B-2F (HY-B-2F)")
    expect(points.nth(1)).to_contain_text("Skipped")
    page.goto(f"{demo_server.url}/#/round-detail/{late_round}")
    expect(page.locator("#round-points tbody tr").first).to_contain_text("⚠ QR scanned, code did NOT match")
    page.goto(f"{demo_server.url}/#/round-detail/{done_round}")
    expect(page.locator("#round-status")).to_have_text("Done")
    expect(page.locator("#round-points tbody tr").first).to_contain_text("QR scanned, code matched")
    expect(page.locator("#round-points tbody tr").first).to_contain_text("22.28000, 114.16000 (±8 m)")
    expect(page.locator("#round-points .timing").first).to_have_text("On time")
    page.click("#round-points .inspection-link")
    expect(page.locator("#accept-inspection")).to_be_visible()

    page.click("#nav a[href='#/alerts']")
    alert = page.locator("#alert-list li", has_text="Missed patrol")
    expect(alert).to_have_count(1)
    expect(alert).to_contain_text("Missed round: Missed patrol")
    expect(alert).to_contain_text("Not reached: Hydrant B-2F, Hydrant C-1F")
    expect(alert).to_contain_text("Harbour View Gardens")
    states = page.eval_on_selector_all("#alert-list li", "cards => cards.map((card) => card.classList.contains('unread'))")
    assert states == sorted(states, reverse=True) and sum(states) == unread  # unread first
    alert.locator(".mark-read").click()
    if unread == 1:
        expect(page.locator("#alert-badge")).to_have_count(0)
    else:
        expect(page.locator("#alert-badge")).to_have_attribute("data-count", str(unread - 1))
    expect(alert).to_contain_text("Read")
    expect_synced(page)
    [stored] = [r for r in office.device.sync_down().values() if r["type"] == "alert" and r["fields"]["round_id"] == missed_round]
    assert stored["fields"]["status"] == "read"
    assert page.errors == []

    chinese = desk(browser, demo_server, locale="zh-CN")
    chinese.goto(f"{demo_server.url}/#/compliance")
    expect(chinese.locator("#compliance-table thead")).to_contain_text("漏巡")
    expect(chinese.locator("#compliance-table thead")).to_contain_text("准时率")
    chinese.goto(f"{demo_server.url}/#/schedules")
    expect(chinese.locator(".schedule-list li", has_text="Missed patrol")).to_contain_text("每天")
    chinese.goto(f"{demo_server.url}/#/alerts")
    expect(chinese.locator("#alert-list li", has_text="Missed patrol")).to_contain_text("漏巡：Missed patrol")
    expect(chinese.locator("#alert-list li", has_text="Missed patrol")).to_contain_text("未到达：B栋2层消火栓、C栋1层消火栓")
    assert chinese.errors == []


@pytest.mark.parametrize("locale", ["en-GB", "zh-CN"])
def test_the_rounds_screens_of_the_desk_pass_axe(browser, demo_server, locale):
    """On the demo's own week of rounds: its schedules, a form, compliance with a row open, a missed round, the alerts."""
    page = desk(browser, demo_server, locale=locale)
    found = {}
    for screen, address, ready in (
        ("schedules", "#/schedules", ".schedule-list li"),
        ("new schedule", "#/schedule/new", "#schedule-form"),
        ("compliance", "#/compliance", "#compliance-table tbody tr"),
        ("alerts", "#/alerts", "#alert-list li"),
    ):
        page.goto(f"{demo_server.url}/{address}")
        page.wait_for_selector(ready)
        found[screen] = violations(page)
    page.click("#alert-list .round-link")
    page.wait_for_selector("#round-points tbody tr")
    found["missed round"] = violations(page)
    page.goto(f"{demo_server.url}/#/schedules")
    page.click(".schedule-list a")
    page.wait_for_selector("#route-list li")
    found["schedule"] = violations(page)
    page.goto(f"{demo_server.url}/#/compliance")
    page.click("#compliance-table .show-rounds")
    page.wait_for_selector(".compliance-round")
    found["compliance, a row open"] = violations(page)
    assert {screen: problems for screen, problems in found.items() if problems} == {}
    assert page.errors == []
