"""Every inspector screen, checked by axe-core (the engine behind Lighthouse's accessibility audit)."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.e2e.conftest import DEMO_PASSWORD, log_in, open_checkpoints
from tests.e2e.test_rounds import Office
from tests.helpers import new_id, now_iso

AXE = Axe()
RULES = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]}}


def violations(page) -> list[str]:
    results = AXE.run(page, options=RULES)
    return [f"{v['id']}: {v['help']} ({len(v['nodes'])}× e.g. {v['nodes'][0]['target']})" for v in results.response["violations"]]


@pytest.mark.parametrize("locale", ["en-GB", "zh-CN"])
def test_every_inspector_screen_passes_axe(phone, demo_server, locale):
    page = phone(locale=locale)
    page.goto(demo_server.url + "/")
    page.wait_for_selector("#username")
    found = {"login": violations(page)}
    Office(demo_server).schedule("Lobby check", ["CL-A-LOBBY"], started_minutes_ago=10, window=120, grace=30)  # open now
    log_in(page, demo_server)
    found["rounds"] = violations(page)  # the demo estate's rounds, some done, some missed with their alerts
    page.click("#rounds-today .round-card:has-text('Lobby check')")  # open, so its point offers its two buttons
    page.wait_for_selector("#route .route-actions button")
    found["round"] = violations(page)
    open_checkpoints(page)
    found["checkpoints"] = violations(page)
    page.fill("#checkpoint-search", "EX-B-B1")
    page.click("#checkpoint-list a")
    page.wait_for_selector(".stack button.primary")
    found["checkpoint"] = violations(page)
    page.click(".stack button.primary")
    page.wait_for_selector("#item-extinguisher_pressure")
    page.fill("#value-extinguisher_pressure", "0.5")
    page.click("#item-hose summary")
    found["inspection"] = violations(page)
    page.click("#item-extinguisher_pressure .finding-link")
    page.wait_for_selector("#finding-title")
    found["new finding"] = violations(page)
    page.click("form button[type=submit]")
    page.wait_for_selector("#outcome")
    found["inspection, back from its finding"] = violations(page)
    page.click("a[href='#/findings']")
    page.click("#finding-list a")
    page.wait_for_selector("#finding-status")
    found["finding"] = violations(page)
    for screen in ("findings", "inspections", "sync"):
        page.click(f"a[href='#/{screen}']")
        page.wait_for_selector("h1")
        page.wait_for_timeout(200)
        found[screen] = violations(page)
    page.click("#change-password")
    page.wait_for_selector("#current-password")
    page.click("form button[type=submit]")  # with its refusal shown
    found["change password"] = violations(page)

    assert {screen: problems for screen, problems in found.items() if problems} == {}


@pytest.mark.parametrize("locale", ["en-GB", "zh-CN"])
def test_every_contractor_screen_passes_axe(phone, demo_server, locale):
    office = demo_server.login("office", "desk", DEMO_PASSWORD)
    sign = next(r for r in office.sync_down().values() if r["type"] == "finding" and r["fields"]["title"] == "Exit sign not lit")
    sent_back = {"status": "assigned", "status_note": "Still dark on battery"}
    mutation = {
        "mid": new_id(),
        "type": "finding",
        "id": sign["id"],
        "op": "upsert",
        "fields": sent_back,
        "base_version": sign["version"],
        "edited_at": now_iso(),
    }
    assert office.push([mutation])[0]["status"] == "applied"
    page = phone(locale=locale)
    log_in(page, demo_server, username="fireco", home=".job-list li")
    found = {"jobs": violations(page)}
    page.click(".job-list li a")
    page.wait_for_selector("#job-status")
    found["job"] = violations(page)
    page.click("a.back")
    page.click(f".job-list a[href='#/job/{sign['id']}']")
    page.wait_for_selector("#job-sent-back")
    page.click("#earlier-fix summary")
    found["sent-back job"] = violations(page)
    page.click("a[href='#/sync']")
    page.wait_for_selector("h1")
    found["sync"] = violations(page)

    assert {screen: problems for screen, problems in found.items() if problems} == {}


@pytest.mark.parametrize("locale", ["en-GB", "zh-CN"])
def test_every_office_screen_passes_axe(browser, demo_server, locale):
    context = browser.new_context(locale=locale, viewport={"width": 1280, "height": 800})
    page = context.new_page()
    log_in(page, demo_server, username="office", home="#desk-list li")
    found = {"desk": violations(page)}
    page.select_option("#filter-status", "fixed")
    page.click("#desk-list li a")
    page.wait_for_selector("#desk-status")
    found["finding"] = violations(page)
    page.click("a.back")
    page.select_option("#filter-status", "open")
    page.click("#desk-list li a")
    page.wait_for_selector("#assign-form")
    found["open finding"] = violations(page)
    for screen, address, ready in (
        ("review", "#/review", "#review-list li"),
        ("companies", "#/companies", "#company-table tbody tr"),
        ("setup", "#/setup", "#setup-checkpoint li"),
        ("new checkpoint", "#/setup/checkpoint/new", "#setup-form"),
        ("templates", "#/templates", "#template-list li"),
        ("new template", "#/template/new", "#template-form"),
        ("labels", "#/labels", "#label-sheet img[src]"),
        ("devices", "#/people", ".device"),
        ("conflicts", "#/conflicts", ".notice-ok, #conflict-list"),
    ):
        page.goto(f"{demo_server.url}/{address}")
        page.wait_for_selector(ready)
        found[screen] = violations(page)
    page.goto(f"{demo_server.url}/#/review")
    page.click("#review-list a")
    page.wait_for_selector("#accept-inspection")
    found["inspection review"] = violations(page)
    context.close()

    assert {screen: problems for screen, problems in found.items() if problems} == {}
