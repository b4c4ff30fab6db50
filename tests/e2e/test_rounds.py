"""Issue #12 on the phone: the inspector's scheduled rounds, done offline by scanning a label and by hand, then judged by the server."""

from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect

from schemas.fields import format_utc, parse_utc
from tests.e2e.conftest import DEMO_PASSWORD, PHONE, expect_synced, go_offline, go_online, log_in, wait_until
from tests.helpers import upsert

DECODER_KEPT = (
    "caches.keys().then((names) => Promise.all(names.map((n) => caches.open(n).then((c) => c.keys()))))"
    ".then((lists) => lists.flat().some((r) => r.url.includes('jsQR')))"
)
HARBOUR = {"latitude": 22.2855, "longitude": 114.1577, "accuracy": 15}


class Office:
    """The office desk over the API: a one-item patrol checklist, and schedules whose today's window is placed around now."""

    def __init__(self, server):
        self.device = server.login("office", "api desk", DEMO_PASSWORD)
        records = self.device.sync_down()
        self.checkpoints = {r["fields"]["code"]: r for r in records.values() if r["type"] == "checkpoint" and r["fields"].get("code")}
        self.site = self.checkpoints["HV-01"]["fields"]["site_id"]
        item = {"key": "doors", "label": "Doors locked", "labels": {"zh": "门已上锁"}, "kind": "pass_fail", "required": True}
        template = upsert("template", {"name": "Night patrol", "names": {"zh": "夜间巡查"}, "category": "other", "items": [item]})
        assert self.device.push([template])[0]["status"] == "applied"
        self.template = template["id"]

    def schedule(self, name, codes, started_minutes_ago, window, grace, assignees=(), zh=None):
        """A daily schedule in UTC whose today's window began `started_minutes_ago` minutes ago; its id."""
        start = (datetime.now(UTC) - timedelta(minutes=started_minutes_ago)).replace(second=0, microsecond=0)
        fields = {
            "site_id": self.site,
            "name": name,
            "template_family_id": self.template,
            "checkpoint_ids": [self.checkpoints[code]["id"] for code in codes],
            "assignee_ids": list(assignees),
            "time_zone": "UTC",
            "recurrence": {"every": "day", "interval": 1, "times": [start.strftime("%H:%M")]},
            "window_minutes": window,
            "grace_minutes": grace,
            "starts_on": (start - timedelta(days=1)).date().isoformat(),
        }
        if zh:
            fields["names"] = {"zh": zh}
        mutation = upsert("schedule", fields)
        assert self.device.push([mutation])[0]["status"] == "applied"
        return mutation["id"]

    def todays_round(self, schedule_id):
        """The schedule's round open today (the one whose window began before now), and everything the office sees."""
        records = self.device.sync_down()
        rounds = [r for r in records.values() if r["type"] == "round" and r["fields"]["schedule_id"] == schedule_id]
        started = [r for r in rounds if parse_utc(r["fields"]["window_start"]) <= datetime.now(UTC)]
        return max(started, key=lambda r: r["fields"]["window_start"]), records


def card(page, name):
    """Today's card of a round (tomorrow's of the same schedule is further down)."""
    return page.locator("#rounds-today .round-card", has_text=name)


def ours(page, group):
    """This test's rounds in a group of the Rounds screen, in order (the demo estate has schedules of its own)."""
    titles = page.locator(f"{group} .card-title").all_inner_texts()
    return [title for title in titles if title in ("Lobby check", "HV room check", "Garden walk", "Someone else's round")]


def answer_and_submit(page):
    page.click("label[for='doors-pass']")
    page.click("#submit-inspection")


def test_a_patrol_done_offline_by_label_and_by_hand_is_judged_done_late_and_missed(browser_with_a_camera_on_hv01, demo_server):
    office = Office(demo_server)
    inspector_id = demo_server.login("inspector", "api phone", DEMO_PASSWORD).user["id"]
    plant = office.schedule("HV room check", ["HV-01"], started_minutes_ago=30, window=120, grace=0, assignees=[inspector_id])
    lobby = office.schedule("Lobby check", ["CL-A-LOBBY"], started_minutes_ago=40, window=30, grace=120)  # its window ended 10 minutes ago
    gardens = office.schedule("Garden walk", ["GR-LAWN", "GR-NORTH"], started_minutes_ago=24, window=30, grace=0)  # closes in minutes
    colleague_id = demo_server.login("inspector2", "api phone", DEMO_PASSWORD).user["id"]
    office.schedule("Someone else's round", ["HY-A-B1"], started_minutes_ago=10, window=60, grace=0, assignees=[colleague_id])

    context = browser_with_a_camera_on_hv01.new_context(permissions=["camera", "geolocation"], geolocation=HARBOUR, timezone_id="UTC", **PHONE)
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    log_in(page, demo_server)
    # A phone without BarcodeDetector (as this Chromium, or an iPhone) has the label decoder fetched while it has signal.
    wait_until(page, DECODER_KEPT)
    go_offline(page, demo_server)
    page.reload()  # from here on, all of it from the service worker and the replica
    page.wait_for_selector("body[data-ready]")

    expect(card(page, "Garden walk")).to_be_visible()
    assert ours(page, "#rounds-today") == ["Lobby check", "HV room check", "Garden walk"]  # soonest first; not the colleague's
    expect(card(page, "HV room check").locator(".chip")).to_have_text("Due")
    expect(card(page, "HV room check")).to_contain_text("0 of 1 point done")
    expect(card(page, "Lobby check").locator(".chip")).to_have_text("Late")  # by the phone's clock, before any server says so
    expect(card(page, "Lobby check")).to_contain_text("finish by")
    expect(card(page, "Garden walk")).to_contain_text("0 of 2 points done")
    assert ours(page, "#rounds-tomorrow") == ["Lobby check", "HV room check", "Garden walk"]

    # Round A: the HV-01 label scanned at its point.
    card(page, "HV room check").click()
    expect(page.locator("#route .route-point")).to_have_count(1)
    page.get_by_role("button", name="Scan label").click()
    page.wait_for_selector("#item-doors", timeout=20_000)
    expect(page.locator("a.back")).to_have_text("‹ Back to the round")
    answer_and_submit(page)
    expect(page.locator("#outcome")).to_have_text("Submitted. Every point of this round is done.")
    expect(page.locator(".route-done")).to_contain_text("label scanned")
    expect(page.locator(".round-summary .chip")).to_have_text("Done")

    # Round B: the wrong label is named and the point can be tried again, then it is chosen by hand.
    page.click("a.back")
    card(page, "Lobby check").click()
    page.get_by_role("button", name="Scan label").click()
    expect(page.locator(".round-message")).to_have_text(
        "Wrong label: “HV-01” is HV room patrol point, but this point is CL-A-LOBBY. Scan the label here again.", timeout=20_000
    )
    expect(page.get_by_role("button", name="Scan label")).to_be_enabled()
    page.get_by_role("button", name="Choose by hand").click()
    page.wait_for_selector("#item-doors")
    answer_and_submit(page)
    expect(page.locator("#outcome")).to_contain_text("Every point of this round is done")
    expect(page.locator(".route-done.by-hand")).to_contain_text("chosen by hand")
    expect(page.locator(".round-summary .chip")).to_have_text("Late")
    page.click("a.back")
    expect(card(page, "HV room check")).to_contain_text("1 of 1 point done")
    expect(page.locator("#sync-status")).to_contain_text("Offline")

    go_online(page, demo_server)
    expect_synced(page)

    plant_round, _ = office.todays_round(plant)
    assert plant_round["fields"]["status"] == "done"
    [scanned] = plant_round["fields"]["points"]
    assert scanned["method"] == "qr" and scanned["code_matched"] is True and scanned["timing"] == "on_time"
    assert scanned["location"]["lat"] == pytest.approx(HARBOUR["latitude"])
    lobby_round, _ = office.todays_round(lobby)
    assert lobby_round["fields"]["status"] == "late"
    assert [point["method"] for point in lobby_round["fields"]["points"]] == ["hand"]

    # The garden walk nobody did: past its end (grace 0), the tick misses it and raises one alert.
    garden_round, _ = office.todays_round(gardens)
    later = parse_utc(garden_round["fields"]["grace_until"]) + timedelta(minutes=1)
    demo_server.flask("tick", "--now", format_utc(later))
    demo_server.flask("tick", "--now", format_utc(later))
    garden_round, records = office.todays_round(gardens)
    assert garden_round["fields"]["status"] == "missed"
    assert garden_round["fields"]["skipped_ids"] == [office.checkpoints[code]["id"] for code in ("GR-LAWN", "GR-NORTH")]
    alerts = [r for r in records.values() if r["type"] == "alert" and r["fields"]["round_id"] == garden_round["id"]]
    assert len(alerts) == 1
    assert office.todays_round(plant)[0]["fields"]["status"] == "done"
    assert office.todays_round(lobby)[0]["fields"]["status"] == "late"

    # The phone's next sync brings the alert to the top of its rounds.
    page.evaluate("import('/sync.js').then((sync) => sync.syncNow())")
    expect(page.locator("#round-alerts")).to_contain_text("Missed round: Garden walk", timeout=20_000)
    expect(card(page, "Garden walk").locator(".chip")).to_have_text("Missed")
    assert page.errors == []
    context.close()


def test_the_rounds_read_in_chinese(phone, demo_server):
    office = Office(demo_server)
    office.schedule("Plant room check", ["HV-01"], started_minutes_ago=5, window=60, grace=30, zh="配电房巡查")
    page = phone(locale="zh-CN")
    log_in(page, demo_server)

    expect(page.locator("h1")).to_have_text("巡检任务")
    expect(page.locator("nav a[aria-current]")).to_have_text("巡检任务")
    expect(page.locator("main h2:not(.visually-hidden)")).to_have_text(["今天", "明天"])
    expect(page.locator("#round-alerts li").first).to_contain_text("漏巡：")  # the demo estate's missed rounds
    expect(card(page, "配电房巡查").locator(".chip")).to_have_text("待巡")
    expect(card(page, "配电房巡查")).to_contain_text("已完成 0/1 个点")
    card(page, "配电房巡查").click()
    expect(page.locator("#route")).to_contain_text("高压配电房巡检点")
    expect(page.get_by_role("button", name="扫描标签")).to_be_visible()
    page.get_by_role("button", name="手动选择").click()
    page.wait_for_selector("#item-doors")
    expect(page.locator("a.back")).to_have_text("‹ 返回巡检任务")
    expect(page.locator("#label-doors")).to_contain_text("门已上锁")
    page.click("label[for='doors-pass']")
    page.click("#submit-inspection")
    expect(page.locator("#outcome")).to_have_text("已提交。本任务的所有巡检点均已完成。")
    expect(page.locator(".route-done")).to_contain_text("手动选择")
    wait_until(page, "document.querySelector('.round-summary .chip')?.textContent === '已完成'")
    assert page.errors == []
