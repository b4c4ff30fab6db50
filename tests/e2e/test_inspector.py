"""An inspector's patrol in the PWA: offline, with photos, merged on reconnect."""

import hashlib
import io

from PIL import Image
from playwright.sync_api import expect

from tests.e2e.conftest import DEMO_PASSWORD, expect_synced, go_offline, go_online, log_in, photo_file, status_text, wait_until

FIRE_ANSWERS = {
    "extinguisher_seal": "pass",
    "extinguisher_expiry": "pass",
    "hose": "pass",
    "cabinet": "pass",
    "hydrant_parts": "pass",
    "emergency_light": "pass",
    "exit_sign": "na",
    "fire_door": "pass",
    "exits_clear": "pass",
}


def start_fire_inspection(page, code="HY-A-B1", start_label="Start: Fire facilities"):
    page.click("a[href='#/checkpoints']")
    page.fill("#checkpoint-search", code)
    page.click(f"#checkpoint-list a:has-text('{code}')")
    page.click(f"button:has-text('{start_label}')")
    page.wait_for_selector("#item-extinguisher_pressure")


def answer_fire_checklist(page, pressure="0.8"):
    page.fill("#value-extinguisher_pressure", pressure)
    page.fill("#value-hydrant_pressure", "0.35")
    for key, value in FIRE_ANSWERS.items():
        page.click(f"label[for='{key}-{value}']")


def office_view(server):
    office = server.login("office", "desk", DEMO_PASSWORD)
    return office, office.sync_down()


def test_a_whole_inspection_made_offline_reaches_the_server_with_its_photo(phone, demo_server, tmp_path):
    page = phone()
    log_in(page, demo_server)
    go_offline(page, demo_server)
    page.reload()  # the app now comes from the service worker's cache
    page.wait_for_selector("body[data-ready]")

    start_fire_inspection(page)
    answer_fire_checklist(page, pressure="0.8")
    expect(page.locator("#item-extinguisher_pressure .verdict")).to_contain_text("counts as a fail")
    page.set_input_files("#photo-extinguisher_pressure", str(photo_file(tmp_path)))
    expect(page.locator("#item-extinguisher_pressure .photo-row img")).to_have_count(1)
    page.click("#item-extinguisher_pressure .finding-link")
    page.click("label[for='severity-high']")
    page.fill("#finding-description", "Needle in the red zone")
    page.click("form button[type=submit]")
    # Saved, the inspector is back at the item of the checklist, which goes on from there.
    expect(page.locator("#item-extinguisher_pressure #outcome")).to_contain_text("Finding saved")
    page.click("#submit-inspection")
    expect(page.locator(".chip.submitted")).to_be_visible()
    expect(page.locator("#sync-status")).to_contain_text("Offline")
    expect(page.locator("#sync-status")).to_contain_text("1 photo")

    go_online(page, demo_server)

    expect_synced(page)
    office, records = office_view(demo_server)
    inspections = [
        r
        for r in records.values()
        if r["type"] == "inspection" and r["fields"]["status"] == "submitted" and "extinguisher_pressure" in r["fields"]["answers"]
    ]  # the demo has a cleaning round of its own
    assert len(inspections) == 1
    inspection = inspections[0]["fields"]
    assert inspection["answers"]["extinguisher_pressure"]["value"] == 0.8
    assert inspection["answers"]["exit_sign"]["value"] == "na"
    findings = [r for r in records.values() if r["type"] == "finding" and r["fields"].get("inspection_id") == inspections[0]["id"]]
    assert len(findings) == 1 and findings[0]["fields"]["severity"] == "high"
    assert findings[0]["fields"]["description"] == "Needle in the red zone"
    photos = [r for r in records.values() if r["type"] == "photo" and r["fields"]["parent_id"] in (inspections[0]["id"], findings[0]["id"])]
    assert {p["fields"]["parent_type"] for p in photos} == {"inspection", "finding"}
    served = office.session.get(f"{demo_server.url}/api/v1/blobs/{photos[0]['fields']['blob']}")
    assert served.status_code == 200
    assert hashlib.sha256(served.content).hexdigest() == photos[0]["fields"]["blob"]
    assert max(Image.open(io.BytesIO(served.content)).size) == 1600  # downscaled on the phone
    assert page.errors == []


def test_a_draft_survives_a_reload_offline(phone, demo_server):
    page = phone()
    log_in(page, demo_server)
    go_offline(page, demo_server)
    start_fire_inspection(page)
    page.fill("#value-extinguisher_pressure", "1.2")
    page.click("label[for='hose-fail']")
    page.click("#item-hose summary")
    page.fill("#note-hose", "Cracked at the fold")
    page.wait_for_timeout(600)

    page.reload()

    page.wait_for_selector("#item-hose")
    expect(page.locator("#value-extinguisher_pressure")).to_have_value("1.2")
    expect(page.locator("#hose-fail")).to_be_checked()
    expect(page.locator("#note-hose")).to_have_value("Cracked at the fold")
    go_online(page, demo_server)


def test_a_connection_cut_mid_upload_resumes_without_resending(phone, demo_server, tmp_path):
    page = phone()
    log_in(page, demo_server)
    start_fire_inspection(page)
    offsets = []
    cut = {"done": False}

    def on_patch(route):
        request = route.request
        if request.method != "PATCH":
            return route.continue_()
        offsets.append(int(request.headers["upload-offset"]))
        if len(offsets) == 2 and not cut["done"]:
            cut["done"] = True
            return route.abort("connectionreset")
        return route.continue_()

    page.context.route("**/api/v1/blobs/*", on_patch)
    page.set_input_files("#photo-photo", str(photo_file(tmp_path, size=(1600, 1200), noisy=True)))
    expect(page.locator("#item-photo .photo-row img")).to_have_count(1)
    page.click("a[href='#/sync']")
    page.click("button:has-text('Sync now')")
    expect(page.locator("#sync-status")).to_contain_text("Offline", timeout=20_000)

    page.click("button:has-text('Sync now')")

    expect_synced(page)
    chunk = 256 * 1024
    assert offsets[:2] == [0, chunk]
    assert offsets[2] == chunk, offsets  # resumed where the server stopped, not from zero
    assert offsets == sorted(offsets) and len(offsets) == len(set(offsets)) + 1


def test_two_phones_editing_one_finding_offline_end_the_same_and_the_loser_is_told(phone, demo_server):
    first, second = phone(), phone()
    log_in(first, demo_server)
    first.click("a[href='#/findings']")
    first.click("#finding-list a:has-text('Lobby floor stained')")
    finding_url = first.url
    log_in(second, demo_server)
    second.goto(finding_url)
    second.wait_for_selector("label[for='severity-high']")
    first.context.set_offline(True)
    second.context.set_offline(True)

    first.click("label[for='severity-high']")  # made first
    first.wait_for_timeout(50)
    second.click("label[for='severity-critical']")  # made later: it wins
    second.context.set_offline(False)
    expect_synced(second)
    first.context.set_offline(False)
    expect(first.locator("#sync-status")).to_contain_text("Needs your attention", timeout=20_000)

    for page in (first, second):
        page.click("a[href='#/sync']")
        page.click("button:has-text('Sync now')")
        page.goto(finding_url)
        expect(page.locator("#severity-critical")).to_be_checked()
    first.click("a[href='#/sync']")
    expect(first.locator(".notice.conflict")).to_contain_text("severity")
    office = demo_server.login("office", "desk", DEMO_PASSWORD)
    conflicts = office.session.get(f"{demo_server.url}/api/v1/conflicts?status=open").json()["conflicts"]
    assert [(c["field"], c["kept"]["value"], c["lost"]["value"]) for c in conflicts] == [("severity", "critical", "high")]


VENDORED_IN_CACHE = (
    "caches.keys().then((names) => Promise.all(names.map((name) => caches.open(name).then((cache) => cache.keys()))))"
    ".then((lists) => lists.flat().some((request) => request.url.includes('/vendor/')))"
)


def test_an_app_update_while_offline_keeps_the_outbox_and_the_open_draft(phone, demo_server):
    page = phone()
    log_in(page, demo_server)
    wait_until(page, VENDORED_IN_CACHE)  # the rounds home fetched the QR decoder while online
    old_version = page.evaluate("""() => new Promise((resolve) => {
        const channel = new MessageChannel();
        channel.port1.onmessage = (event) => resolve(event.data);
        navigator.serviceWorker.ready.then((registration) => registration.active.postMessage({type: 'version'}, [channel.port2]));
    })""")
    demo_server.stop()
    demo_server.env["APP_VERSION_SALT"] = "next release"
    demo_server.start()
    page.evaluate("navigator.serviceWorker.getRegistration().then((registration) => registration.update())")
    expect(page.locator("#update-now")).to_be_visible(timeout=20_000)
    go_offline(page, demo_server)
    start_fire_inspection(page)
    page.fill("#value-extinguisher_pressure", "1.3")
    page.click("label[for='cabinet-fail']")
    page.wait_for_timeout(600)
    waiting_before = status_text(page)

    page.click("#update-now")

    wait_until(page, "document.body.dataset.ready === 'true' && !document.querySelector('#update-now')")
    new_version = page.evaluate("""() => new Promise((resolve) => {
        const channel = new MessageChannel();
        channel.port1.onmessage = (event) => resolve(event.data);
        navigator.serviceWorker.ready.then((registration) => registration.active.postMessage({type: 'version'}, [channel.port2]));
    })""")
    assert new_version != old_version
    assert page.evaluate(VENDORED_IN_CACHE), "the QR decoder moved into the new version's cache, for scanning offline"
    page.wait_for_selector("#item-cabinet")
    expect(page.locator("#value-extinguisher_pressure")).to_have_value("1.3")
    expect(page.locator("#cabinet-fail")).to_be_checked()
    assert "Waiting: 1 inspection" in waiting_before and "Waiting: 1 inspection" in status_text(page), (waiting_before, status_text(page))
    go_online(page, demo_server)
    expect_synced(page)
    _, records = office_view(demo_server)
    drafts = [r for r in records.values() if r["type"] == "inspection" and r["fields"]["status"] == "draft"]
    assert drafts[0]["fields"]["answers"]["cabinet"]["value"] == "fail"


def test_the_chinese_interface_renders_the_same_flow(phone, demo_server):
    page = phone(locale="zh-CN")
    page.goto(demo_server.url + "/")
    expect(page.locator("h1")).to_have_text("登录")
    log_in(page, demo_server)
    expect(page.locator("h1")).to_have_text("巡检任务")
    start_fire_inspection(page, start_label="开始：消防设施月检")
    expect(page.locator("#label-extinguisher_pressure")).to_contain_text("灭火器压力表读数")
    page.fill("#value-extinguisher_pressure", "2.0")
    expect(page.locator("#item-extinguisher_pressure .verdict")).to_contain_text("判为不合格")
    expect(page.locator("#submit-inspection")).to_have_text("提交检查")
    assert page.evaluate("import('/i18n.js').then((i18n) => i18n.missingTranslations())") == []


def test_a_push_whose_answer_was_lost_is_sent_again_and_counted_once(phone, demo_server):
    page = phone()
    log_in(page, demo_server)
    lost = {"done": False}

    def lose_the_answer(route):
        if route.request.method == "POST" and not lost["done"]:
            lost["done"] = True
            route.fetch()  # the server applies the push...
            return route.abort("connectionreset")  # ...and the phone never hears back
        return route.continue_()

    page.context.route("**/api/v1/sync/push", lose_the_answer)
    start_fire_inspection(page)
    page.click("label[for='hose-fail']")
    expect(page.locator("#sync-status[data-state=offline]")).to_be_visible(timeout=20_000)

    page.click("a[href='#/sync']")
    page.click("button:has-text('Sync now')")

    expect_synced(page)
    assert lost["done"]
    expect(page.locator(".notice")).to_have_count(0)  # duplicates are not problems
    _, records = office_view(demo_server)
    drafts = [r for r in records.values() if r["type"] == "inspection" and r["fields"]["status"] == "draft"]
    assert len(drafts) == 1 and drafts[0]["fields"]["answers"]["hose"]["value"] == "fail"
