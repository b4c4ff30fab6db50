"""The whole loop of issue #5 across three browsers, and the office's other tools.

An inspector raises a finding offline; office assigns it; the contractor fixes
it offline with an after photo; office sees before and after and closes it;
the inspector's phone shows it closed. Plus bulk assignment, inspection
review, template revisions and revoking a lost phone.
"""

from datetime import date, timedelta

from playwright.sync_api import expect

from tests.e2e.conftest import DEMO_PASSWORD, PHONE, expect_synced, go_offline, go_online, log_in, photo_file
from tests.e2e.test_inspector import answer_fire_checklist, start_fire_inspection

DESKTOP = {"viewport": {"width": 1280, "height": 800}, "locale": "en-GB"}
DESCRIPTION = "Needle in the red zone at the B1 hydrant cabinet"


def open_desk(browser, server, username="office"):
    """Office staff at a desk, logged in, on the findings desk."""
    desk = browser.new_context(**DESKTOP).new_page()
    log_in(desk, server, username=username, home="#desk-list li")
    return desk


def sync_by_hand(page):
    page.click("a[href='#/sync']")
    page.click("button:has-text('Sync now')")
    expect_synced(page)


def office_records(server):
    office = server.login("office", "check", DEMO_PASSWORD)
    return office, office.sync_down()


def test_finding_to_verified_fix_across_inspector_office_and_contractor(browser, demo_server, tmp_path):
    inspector = browser.new_context(**PHONE, locale="en-GB").new_page()
    desk = browser.new_context(**DESKTOP).new_page()
    fireco = browser.new_context(**PHONE, locale="en-GB").new_page()
    greenco = browser.new_context(**PHONE, locale="en-GB").new_page()

    # The inspector, in a plant room with no signal.
    log_in(inspector, demo_server)
    go_offline(inspector, demo_server)
    start_fire_inspection(inspector)
    answer_fire_checklist(inspector, pressure="0.8")
    inspector.set_input_files("#photo-extinguisher_pressure", str(photo_file(tmp_path)))
    expect(inspector.locator("#item-extinguisher_pressure .photo-row img")).to_have_count(1)
    inspector.click("#item-extinguisher_pressure .finding-link")
    inspector.click("label[for='severity-high']")
    inspector.fill("#finding-description", DESCRIPTION)
    inspector.click("form button[type=submit]")
    expect(inspector.locator("#outcome")).to_contain_text("Finding saved")
    go_online(inspector, demo_server)
    expect_synced(inspector)

    # The office assigns it to the fire contractor.
    log_in(desk, demo_server, username="office", home="#desk-list li")
    desk.fill("#filter-search", DESCRIPTION)
    expect(desk.locator("#desk-list li")).to_have_count(1)
    desk.click("#desk-list a")
    expect(desk.locator(".before-after section").first.locator("img")).to_have_count(1)
    desk.select_option("#assign-company", label="Safeguard Fire Services")
    desk.fill("#assign-due", (date.today() + timedelta(days=3)).isoformat())
    desk.click("#assign")
    expect(desk.locator("#desk-status")).to_have_text("Assigned")
    expect_synced(desk)

    # Another company's contractor never sees it.
    log_in(greenco, demo_server, username="greenco", home=".job-list li")
    expect(greenco.locator("main")).to_contain_text("Weeds along the lawn edge")
    expect(greenco.locator("main")).not_to_contain_text("Extinguisher gauge pressure")

    # The fire contractor fixes it offline, with an after photo taken on the spot.
    log_in(fireco, demo_server, username="fireco", home=".job-list li")
    fireco.click(".job-list a:has-text('Extinguisher gauge pressure')")
    expect(fireco.locator("#job-description")).to_contain_text(DESCRIPTION)
    go_offline(fireco, demo_server)
    fireco.fill("#fix-note", "Extinguisher recharged to 1.2 MPa")
    fireco.set_input_files("#after-photo", str(photo_file(tmp_path, name="after.jpg", size=(1200, 900))))
    expect(fireco.locator("#fix-form .photo-row img")).to_have_count(1)
    fireco.click("#mark-fixed")
    expect(fireco.locator("#job-status")).to_have_text("Fixed")
    go_online(fireco, demo_server)
    expect_synced(fireco)

    # The office sees before and after side by side, and closes it after the return visit.
    sync_by_hand(desk)
    desk.goto(f"{demo_server.url}/#/desk")
    desk.fill("#filter-search", DESCRIPTION)
    desk.click("#desk-list a")
    expect(desk.locator("#desk-status")).to_have_text("Fixed")
    expect(desk.locator(".before-after section").first.locator("img")).to_have_count(1)
    expect(desk.locator(".before-after section").nth(1).locator("img")).to_have_count(1)
    desk.click("#close-finding")
    expect(desk.locator("#desk-status")).to_have_text("Closed")
    expect_synced(desk)

    # The inspector's phone shows it closed.
    sync_by_hand(inspector)
    inspector.click("a[href='#/findings']")
    expect(inspector.locator("#finding-list li:has-text('Extinguisher gauge pressure')")).to_contain_text("Closed")

    _, records = office_records(demo_server)
    closed = next(r for r in records.values() if r["type"] == "finding" and r["fields"].get("description") == DESCRIPTION)
    assert closed["fields"]["status"] == "closed" and closed["fields"]["fix_note"] == "Extinguisher recharged to 1.2 MPa"
    for page in (inspector, desk, fireco, greenco):
        page.context.close()


def test_bulk_assignment_assigns_every_selected_finding_at_once(browser, demo_server):
    desk = open_desk(browser, demo_server)
    desk.select_option("#filter-status", "open")
    expect(desk.locator("#desk-list li")).to_have_count(2)
    for box in desk.locator("#desk-list input[type=checkbox]").all():
        box.check()
    expect(desk.locator("#bulk-assign")).to_have_text("Assign selected (2)")
    desk.click("#bulk-assign")
    expect(desk.locator("#bulk-form .error")).to_contain_text("company")
    desk.select_option("#bulk-company", label="Evergreen Landscaping")
    due = (date.today() + timedelta(days=7)).isoformat()
    desk.fill("#bulk-due", due)
    desk.click("#bulk-assign")
    expect(desk.locator("#desk-list li")).to_have_count(0)  # still filtered to open: none left
    expect_synced(desk)

    _, records = office_records(demo_server)
    moved = [
        r["fields"]
        for r in records.values()
        if r["type"] == "finding" and r["fields"]["title"] in ("Lobby floor stained near the lift", "Renovation debris left in corridor")
    ]
    assert [(f["status"], f["due_date"]) for f in moved] == [("assigned", due)] * 2
    desk.context.close()


def test_office_sends_an_inspection_back_and_the_inspector_sees_why(browser, demo_server):
    desk = open_desk(browser, demo_server)
    desk.goto(f"{demo_server.url}/#/review")
    desk.click("#review-list a:has-text('Cleaning quality')")
    expect(desk.locator("#review-item-floor")).to_contain_text("2 / 5")
    expect(desk.locator("main")).to_contain_text("Lobby floor stained near the lift")  # the finding it raised
    desk.click("#send-back-inspection")
    expect(desk.locator("main .error")).to_contain_text("redo")
    desk.fill("#review-note", "Add a photo of the stain after mopping")
    desk.click("#send-back-inspection")
    expect(desk.locator("#review-status-chip")).to_have_text("Draft")
    expect_synced(desk)

    inspector = browser.new_context(**PHONE, locale="en-GB").new_page()
    log_in(inspector, demo_server)
    inspector.click("a[href='#/inspections']")
    inspector.click("a:has-text('Cleaning quality')")
    expect(inspector.locator("#review-note-shown")).to_contain_text("Add a photo of the stain")
    expect(inspector.locator("#submit-inspection")).to_be_visible()  # editable again
    for page in (desk, inspector):
        page.context.close()


def test_a_template_edit_is_a_new_revision_and_old_inspections_keep_theirs(browser, demo_server):
    desk = open_desk(browser, demo_server)
    desk.goto(f"{demo_server.url}/#/templates")
    desk.click("#template-list a:has-text('Cleaning quality')")
    desk.click("#add-item")
    item = desk.locator("#template-items fieldset").last
    item.locator("[name=label]").fill("Lift doors wiped")
    item.locator("[name=key]").fill("lift_doors")
    desk.click("#save-template")
    expect(desk.locator("#template-list li:has-text('Cleaning quality')")).to_contain_text("revision 2")
    expect(desk.locator("#template-list li:has-text('Cleaning quality')")).to_contain_text("1 older revision kept")
    expect_synced(desk)

    _, records = office_records(demo_server)
    cleaning = sorted(
        (r for r in records.values() if r["type"] == "template" and r["fields"]["name"] == "Cleaning quality"), key=lambda r: r["fields"]["revision"]
    )
    assert [(t["fields"]["revision"], t["fields"]["active"], len(t["fields"]["items"])) for t in cleaning] == [(1, False, 7), (2, True, 8)]
    assert cleaning[1]["fields"]["family_id"] == cleaning[0]["id"]
    assert cleaning[1]["fields"]["names"] == cleaning[0]["fields"]["names"]  # the Chinese name and labels carry over
    assert cleaning[1]["fields"]["items"][:7] == cleaning[0]["fields"]["items"]
    old_round = next(r for r in records.values() if r["type"] == "inspection")
    assert old_round["fields"]["template_id"] == cleaning[0]["id"]

    desk.goto(f"{demo_server.url}/#/review")
    desk.click("#review-list a")
    expect(desk.locator("main")).to_contain_text("revision 1")
    expect(desk.locator("main")).not_to_contain_text("Lift doors wiped")
    desk.context.close()


def test_revoking_a_lost_phone_stops_it_syncing(browser, demo_server):
    lost = browser.new_context(**PHONE, locale="en-GB").new_page()
    log_in(lost, demo_server, username="inspector2")
    desk = open_desk(browser, demo_server)
    desk.goto(f"{demo_server.url}/#/people")
    desk.on("dialog", lambda dialog: dialog.accept())
    section = desk.locator("section.person:has-text('inspector2')")
    section.locator("button.revoke").click()
    expect(section.locator(".device")).to_contain_text("revoked")

    lost.click("a[href='#/sync']")
    lost.click("button:has-text('Sync now')")
    expect(lost.locator("#sync-status[data-state=login]")).to_be_visible()
    for page in (lost, desk):
        page.context.close()


def test_an_admin_adds_a_contractor_account_who_then_logs_in_on_a_phone(browser, demo_server):
    desk = open_desk(browser, demo_server, username="admin")
    desk.goto(f"{demo_server.url}/#/people")
    desk.click("details.edit summary")
    desk.fill("#new-username", "fitter")
    desk.fill("#new-name", "Ho Ming (Safeguard)")
    desk.select_option("#new-role", "contractor")
    desk.fill("#new-password", "a long enough password")
    desk.click("#make-user")
    expect(desk.locator("#new-user .error")).to_contain_text("not valid")  # no company: the server's word, shown as is
    desk.select_option("#new-company", label="Safeguard Fire Services")
    desk.click("#make-user")
    expect(desk.locator("section.person[data-user=fitter]")).to_contain_text("Not logged in on any device yet")
    phone = browser.new_context(**PHONE, locale="en-GB").new_page()
    phone.goto(demo_server.url + "/")
    phone.fill("#username", "fitter")
    phone.fill("#password", "a long enough password")
    phone.click("form button[type=submit]")
    expect(phone.locator(".job-list")).to_contain_text("Hydrant hose cracked")
    for page in (desk, phone):
        page.context.close()


def test_office_keeps_the_overwritten_value_of_a_conflict_with_one_click(browser, demo_server):
    from tests.helpers import new_id, now_iso

    office, records = office_records(demo_server)
    lobby = next(r for r in records.values() if r["type"] == "finding" and r["fields"]["title"].startswith("Lobby floor"))
    phone = demo_server.login("inspector", "phone b", DEMO_PASSWORD)
    edit = {"type": "finding", "id": lobby["id"], "op": "upsert", "base_version": lobby["version"]}
    assert (
        phone.push(
            [{**edit, "mid": new_id(), "edited_at": "2026-11-26T08:00:00.000Z", "fields": {"description": "Stain by lift 2, about 1 m wide"}}]
        )[0]["status"]
        == "applied"
    )
    assert (
        office.push([{**edit, "mid": new_id(), "edited_at": now_iso(), "fields": {"description": "Coffee stains; cleaner informed"}}])[0]["status"]
        == "applied"
    )

    desk = open_desk(browser, demo_server)
    desk.goto(f"{demo_server.url}/#/conflicts")
    entry = desk.locator("#conflict-list li")
    expect(entry).to_have_count(1)
    expect(entry.locator(".kept")).to_contain_text("Coffee stains; cleaner informed")
    expect(entry.locator(".lost")).to_contain_text("Stain by lift 2, about 1 m wide (Wang Jun (patrol)")
    entry.locator("button.keep-other").click()
    expect(desk.locator(".notice-ok")).to_contain_text("No open conflicts")

    _, records = office_records(demo_server)
    assert records[lobby["id"]]["fields"]["description"] == "Stain by lift 2, about 1 m wide"
    desk.context.close()
