"""Issue #12's phone pieces: a meter reading checked against the last one, and QR scanning without BarcodeDetector."""

import re
from datetime import UTC, datetime, timedelta

from playwright.sync_api import expect

from tests.e2e.conftest import DEMO_PASSWORD, PHONE, log_in, open_checkpoints
from tests.helpers import now_iso, upsert


def add_meter_template_with_a_past_reading(server, reading, when):
    """The office adds a 'Public meters' checklist for HV-01; an inspector submitted `reading` at `when`."""
    office = server.login("office", "api desk", DEMO_PASSWORD)
    item = {
        "key": "energy",
        "label": "Main energy meter",
        "labels": {"zh": "总电能表读数"},
        "kind": "number",
        "required": True,
        "unit": "kWh",
        "meter": True,
        "max_jump_ratio": 1.5,
    }
    template = upsert("template", {"name": "Public meters", "names": {"zh": "公共表计抄读"}, "category": "other", "items": [item]})
    assert office.push([template])[0]["status"] == "applied"
    inspector = server.login("inspector", "api phone", DEMO_PASSWORD)
    records = inspector.sync_down()
    checkpoint = next(r for r in records.values() if r["type"] == "checkpoint" and r["fields"].get("code") == "HV-01")
    past = upsert(
        "inspection",
        {
            "template_id": template["id"],
            "site_id": checkpoint["fields"]["site_id"],
            "checkpoint_id": checkpoint["id"],
            "status": "submitted",
            "started_at": when,
            "completed_at": when,
            "answers": {"energy": {"value": reading}},
        },
    )
    assert inspector.push([past])[0]["status"] == "applied"
    return checkpoint


def test_a_meter_reading_lower_than_the_last_one_is_flagged_with_the_last_value(phone, demo_server):
    when = (datetime.now(UTC) - timedelta(days=1)).isoformat()
    checkpoint = add_meter_template_with_a_past_reading(demo_server, 15230.5, when)
    page = phone()
    log_in(page, demo_server)
    page.goto(f"{demo_server.url}/#/checkpoint/{checkpoint['id']}")
    page.get_by_role("button", name="Start: Public meters").click()

    expect(page.locator("#previous-energy")).to_contain_text("Last reading: 15230.5 kWh")
    page.fill("#value-energy", "15100")

    warning = page.locator("#meter-warning-energy")
    expect(warning).to_be_visible()
    expect(warning).to_contain_text("Lower than the last reading (15230.5)")
    page.fill("#value-energy", "15300")
    expect(warning).to_be_hidden()
    page.fill("#value-energy", "30000")
    expect(warning).to_contain_text("More than 1.5 × the last reading")
    # Only a warning: the reading still passes and can be submitted.
    expect(page.locator("#item-energy .verdict")).to_have_attribute("data-outcome", "pass")
    assert page.errors == []


def test_the_warning_and_the_last_reading_read_in_chinese(phone, demo_server):
    checkpoint = add_meter_template_with_a_past_reading(demo_server, 800, now_iso())
    page = phone(locale="zh-CN")
    log_in(page, demo_server)
    page.goto(f"{demo_server.url}/#/checkpoint/{checkpoint['id']}")
    page.get_by_role("button", name="开始：公共表计抄读").click()

    expect(page.locator("#previous-energy")).to_contain_text("上次读数：800 kWh")
    page.fill("#value-energy", "700")
    expect(page.locator("#meter-warning-energy")).to_contain_text("低于上次读数（800）")


def test_a_phone_without_barcode_detector_scans_a_label_with_the_decoder(browser_with_a_camera_on_hv01, demo_server):
    context = browser_with_a_camera_on_hv01.new_context(permissions=["camera"], **PHONE)
    context.add_init_script("delete window.BarcodeDetector")
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    decoder = []
    page.on("request", lambda request: decoder.append(request.url) if "/vendor/" in request.url else None)
    log_in(page, demo_server)
    # Not part of the shell the worker installs; the rounds home fetches it in the background, so a first scan works offline.
    shell = re.search(r"const SHELL_FILES = (\[.*?\]);", page.evaluate("fetch('/sw.js').then((response) => response.text())")).group(1)
    assert "/vendor/" not in shell, "the decoder is not part of the shell"
    assert page.evaluate("'BarcodeDetector' in window") is False

    open_checkpoints(page)
    page.get_by_role("button", name="Scan QR label").click()

    expect(page.locator("main p.code")).to_have_text("HV-01", timeout=20_000)
    assert any("jsQR" in url for url in decoder)
    # Kept by the service worker: the next scan works with no network.
    cached = page.evaluate(
        "caches.keys().then((names) => Promise.all(names.map((n) => caches.open(n).then((c) => c.keys()))))"
        ".then((lists) => lists.flat().map((r) => r.url).filter((u) => u.includes('/vendor/')))"
    )
    assert any("jsQR" in url for url in cached)
    assert page.errors == []
    context.close()
