"""The office's findings desk: filter, see before and after side by side, assign, close after the return visit."""

from datetime import date, timedelta

from playwright.sync_api import expect

from tests.e2e.conftest import DEMO_PASSWORD, expect_synced, log_in

DESKTOP = {"viewport": {"width": 1280, "height": 800}}


def test_office_assigns_an_open_finding_and_closes_a_fixed_one(browser, demo_server):
    context = browser.new_context(locale="en-GB", **DESKTOP)
    page = context.new_page()
    log_in(page, demo_server, username="office", home="#desk-list li")

    page.select_option("#filter-status", "fixed")
    expect(page.locator("#desk-list li")).to_have_count(1)
    page.click("#desk-list a:has-text('Exit sign not lit')")
    expect(page.locator(".before-after section").first.locator("img")).to_have_count(1)
    expect(page.locator(".before-after section").nth(1).locator("img")).to_have_count(1)
    page.click("#close-finding")
    expect(page.locator("#desk-status")).to_have_text("Closed")

    page.click("a.back")
    page.select_option("#filter-status", "open")
    page.click("#desk-list a:has-text('Lobby floor stained')")
    page.click("#assign")
    expect(page.locator("main .error")).to_contain_text("company")
    page.select_option("#assign-company", label="Safeguard Fire Services")
    due = (date.today() + timedelta(days=5)).isoformat()
    page.fill("#assign-due", due)
    page.click("#assign")
    expect(page.locator("#desk-status")).to_have_text("Assigned")
    expect_synced(page)

    office = demo_server.login("office", "check", DEMO_PASSWORD)
    records = office.sync_down()
    by_title = {r["fields"]["title"]: r["fields"] for r in records.values() if r["type"] == "finding"}
    assert by_title["Exit sign not lit"]["status"] == "closed"
    assert (by_title["Lobby floor stained near the lift"]["status"], by_title["Lobby floor stained near the lift"]["due_date"]) == ("assigned", due)
    context.close()


def test_office_narrows_the_desk_by_building_and_inspector_and_edits_a_finding(browser, demo_server):
    context = browser.new_context(locale="en-GB", **DESKTOP)
    page = context.new_page()
    log_in(page, demo_server, username="office", home="#desk-list li")

    page.fill("#filter-from", date.today().isoformat())  # the demo reports one finding a day, the lobby's today
    expect(page.locator("#desk-list li")).to_have_count(1)
    page.fill("#filter-from", "")
    page.select_option("#filter-building", label="Block B")
    expect(page.locator("#desk-list li")).to_have_count(4)  # lobby, B1 extinguisher, B1 exit sign, unit 302
    page.select_option("#filter-raised-by", label="Wang Jun (patrol)")
    page.fill("#filter-search", "Lobby floor")
    page.click("#desk-list a")
    expect(page.locator("main")).to_contain_text("Raised by Wang Jun (patrol)")
    expect(page.locator("main")).to_contain_text("from “Floor and skirting clean” of Cleaning quality")
    page.click("details.edit summary")
    page.select_option("#edit-severity", "medium")
    page.fill("#edit-description", "Coffee stains in front of lift 2; sticky.")
    page.click("#save-finding")
    expect(page.locator("main")).to_contain_text("Medium")
    expect_synced(page)

    office = demo_server.login("office", "check", DEMO_PASSWORD)
    lobby = next(r for r in office.sync_down().values() if r["type"] == "finding" and r["fields"]["title"].startswith("Lobby floor"))
    assert (lobby["fields"]["severity"], lobby["fields"]["description"]) == ("medium", "Coffee stains in front of lift 2; sticky.")
    context.close()
