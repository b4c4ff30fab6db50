"""A contractor's rectification list on a phone: their company's jobs only, fixed offline with an "after" photo."""

from datetime import date, timedelta

from playwright.sync_api import expect

from tests.e2e.conftest import DEMO_PASSWORD, expect_synced, go_offline, go_online, log_in, photo_file
from tests.helpers import new_id, now_iso


def office_of(server):
    office = server.login("office", "desk", DEMO_PASSWORD)
    return office, office.sync_down()


def company_named(records, name):
    return next(r["id"] for r in records.values() if r["type"] == "company" and r["fields"]["name"] == name)


def finding_titled(records, title):
    return next(r for r in records.values() if r["type"] == "finding" and r["fields"]["title"] == title)


def office_edit(office, finding, fields):
    result = office.push(
        [
            {
                "mid": new_id(),
                "type": "finding",
                "id": finding["id"],
                "op": "upsert",
                "fields": fields,
                "base_version": finding["version"],
                "edited_at": now_iso(),
            }
        ]
    )[0]
    assert result["status"] == "applied", result


def test_a_contractor_fixes_an_assigned_finding_offline_and_office_sees_the_after_photo(phone, demo_server, tmp_path):
    office, records = office_of(demo_server)
    fire = company_named(records, "Safeguard Fire Services")
    lobby = finding_titled(records, "Lobby floor stained near the lift")
    office_edit(office, lobby, {"status": "assigned", "company_id": fire, "due_date": (date.today() + timedelta(days=2)).isoformat()})
    page = phone()

    log_in(page, demo_server, username="fireco", home="#job-list, .job-list li")
    jobs = page.locator(".job-list li")
    expect(jobs.first).to_contain_text("Hydrant hose cracked")  # overdue first
    expect(jobs.first).to_contain_text("Overdue")
    expect(page.locator("main")).not_to_contain_text("Weeds along the lawn edge")  # another company's job
    page.click("a:has-text('Lobby floor stained near the lift')")
    expect(page.locator("#job-description")).to_contain_text("Coffee stains")
    expect(page.locator(".photo-row img").first).to_be_visible()

    go_offline(page, demo_server)
    page.click("#start-work")
    expect(page.locator("#job-status")).to_have_text("In progress")
    page.click("#mark-fixed")
    expect(page.locator("#fix-form .error")).to_contain_text("Say what was done")
    page.fill("#fix-note", "Floor scrubbed and resealed")
    page.click("#mark-fixed")
    expect(page.locator("#fix-form .error")).to_contain_text("after")
    page.set_input_files("#after-photo", str(photo_file(tmp_path, size=(1200, 900))))
    expect(page.locator("#fix-form .photo-row img")).to_have_count(1)
    page.click("#mark-fixed")
    expect(page.locator("#job-status")).to_have_text("Fixed")
    expect(page.locator("#sync-status")).to_contain_text("Offline")
    go_online(page, demo_server)

    expect_synced(page)
    office, records = office_of(demo_server)
    fixed = records[lobby["id"]]["fields"]
    assert (fixed["status"], fixed["fix_note"]) == ("fixed", "Floor scrubbed and resealed")
    after = [r for r in records.values() if r["type"] == "photo" and r["fields"]["parent_id"] == lobby["id"] and r["fields"]["role"] == "after"]
    assert len(after) == 1
    assert office.session.get(f"{demo_server.url}/api/v1/blobs/{after[0]['fields']['blob']}").status_code == 200


def test_a_job_reassigned_to_another_company_leaves_the_phone(phone, demo_server):
    office, records = office_of(demo_server)
    green = company_named(records, "Evergreen Landscaping")
    hose = finding_titled(records, "Hydrant hose cracked")
    page = phone()
    log_in(page, demo_server, username="fireco", home=".job-list li")
    expect(page.locator("main")).to_contain_text("Hydrant hose cracked")

    office_edit(office, hose, {"company_id": green})
    page.click("a[href='#/sync']")
    page.click("button:has-text('Sync now')")
    page.click("a[href='#/jobs']")

    expect(page.locator(".job-list")).not_to_contain_text("Hydrant hose cracked")
    expect(page.locator(".job-list")).to_contain_text("Extinguisher under-pressure")
