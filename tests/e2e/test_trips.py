"""What the three users tripped over (issue #19), each as a browser test, at phone and desk sizes."""

import uuid

from playwright.sync_api import expect

from sync.checklist import score
from tests.e2e.conftest import DEMO_PASSWORD, log_in
from tests.helpers import now_iso

DESKTOP = {"viewport": {"width": 1280, "height": 800}}


def desk_page(browser, server, locale="en-GB", username="office", home="#desk-list li"):
    context = browser.new_context(locale=locale, **DESKTOP)
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    log_in(page, server, username=username, home=home)
    return page


def upsert(record_type, fields, record_id=None, base_version=None):
    return {
        "mid": str(uuid.uuid4()),
        "type": record_type,
        "id": record_id or str(uuid.uuid4()),
        "op": "upsert",
        "fields": fields,
        "base_version": base_version,
        "edited_at": now_iso(),
    }


def submit_hv_round(server, answers):
    """An inspector's HV-room round, submitted over the API without a score (as an older app sent it)."""
    inspector = server.login("inspector", "api phone", DEMO_PASSWORD)
    records = inspector.sync_down()
    template = next(r for r in records.values() if r["type"] == "template" and r["fields"]["name"] == "HV room patrol")
    checkpoint = next(r for r in records.values() if r["type"] == "checkpoint" and r["fields"].get("code") == "HV-01")
    mutation = upsert(
        "inspection",
        {
            "template_id": template["id"],
            "site_id": checkpoint["fields"]["site_id"],
            "checkpoint_id": checkpoint["id"],
            "status": "submitted",
            "started_at": now_iso(),
            "completed_at": now_iso(),
            "answers": answers,
        },
    )
    assert inspector.push([mutation])[0]["status"] == "applied"
    return mutation["id"], template


def test_the_office_review_shows_out_of_range_readings_as_fails_with_the_score(browser, demo_server):
    answers = {
        "incoming_kv": {"value": 10.1},
        "outgoing_v": {"value": 400},
        "transformer_temp": {"value": 86},
        "room_temp": {"value": 30},
        "odour": {"value": "pass"},
        "water": {"value": "pass"},
    }
    inspection_id, template = submit_hv_round(demo_server, answers)
    page = desk_page(browser, demo_server)

    page.goto(f"{demo_server.url}/#/review/{inspection_id}")
    row = page.locator("#review-item-transformer_temp td").first
    expect(row).to_have_attribute("data-outcome", "fail")
    expect(row).to_contain_text("86 °C · Fail")
    expect(row).to_contain_text("Limits 0–80")
    expect(page.locator("#review-item-room_temp td").first).to_have_attribute("data-outcome", "pass")
    expected = score(template["fields"]["items"], answers)
    assert expected == 83
    expect(page.locator("#review-score")).to_have_text(f"score {expected} · 1 item failed")
    assert page.errors == []
