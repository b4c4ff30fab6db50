"""Places in the PWA: a finding raised away from any checklist, an area's parent, and the phone's database upgrade."""

from playwright.sync_api import expect

from tests.e2e.conftest import DEMO_PASSWORD, expect_synced, go_offline, go_online, log_in, open_checkpoints

DESKTOP = {"viewport": {"width": 1280, "height": 800}}

# The local database as the previous release made it (db.js, DB_VERSION 1), filled with what a phone had stored.
MAKE_VERSION_1_DATABASE = """async (dump) => {
  await new Promise((resolve, reject) => {
    const request = indexedDB.deleteDatabase('estate-patrol');
    request.onsuccess = resolve;
    request.onerror = () => reject(request.error);
    request.onblocked = () => reject(new Error('still open in another page'));
  });
  const db = await new Promise((resolve, reject) => {
    const request = indexedDB.open('estate-patrol', 1);
    request.onupgradeneeded = () => {
      const db = request.result;
      db.createObjectStore('records', { keyPath: 'id' }).createIndex('type', 'type');
      db.createObjectStore('outbox', { keyPath: 'seq', autoIncrement: true }).createIndex('record', 'id');
      db.createObjectStore('blobs', { keyPath: 'sha256' });
      db.createObjectStore('notices', { keyPath: 'id', autoIncrement: true });
      db.createObjectStore('meta', { keyPath: 'key' });
    };
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  const tx = db.transaction(Object.keys(dump), 'readwrite');
  for (const [name, rows] of Object.entries(dump)) for (const row of rows) tx.objectStore(name).put(row);
  await new Promise((resolve, reject) => { tx.oncomplete = resolve; tx.onerror = () => reject(tx.error); });
  db.close();
  return (await indexedDB.databases()).find((info) => info.name === 'estate-patrol').version;
}"""

DUMP_DATABASE = """async () => {
  const db = await new Promise((resolve, reject) => {
    const request = indexedDB.open('estate-patrol');
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  const names = ['records', 'outbox', 'notices', 'meta'];
  const tx = db.transaction(names, 'readonly');
  const dump = {};
  for (const name of names) {
    dump[name] = await new Promise((resolve) => { const request = tx.objectStore(name).getAll(); request.onsuccess = () => resolve(request.result); });
  }
  db.close();
  return dump;
}"""


def office_records(server):
    return server.login("office", "check", DEMO_PASSWORD).sync_down()


def area_named(records, name):
    return next(r for r in records.values() if r["type"] == "area" and r["fields"]["name"] == name)


def test_a_finding_raised_on_its_own_offline_names_its_place_and_reaches_the_office(phone, demo_server):
    page = phone()
    log_in(page, demo_server)
    go_offline(page, demo_server)

    page.goto(demo_server.url + "/#/finding/new")  # straight to the form: no inspection, no checkpoint
    page.wait_for_selector("#finding-site")
    page.select_option("#finding-area", label="Block A / Block A 2F")
    expect(page.locator("#finding-checkpoint option")).to_have_text(
        ["—", "Block A stairwell 2F (CL-A-STAIR)", "Emergency light, A stairwell (EL-A-STAIR)"]
    )
    page.fill("#finding-title", "Water dripping from the ceiling")
    page.click("label[for='severity-high']")
    page.click("form button[type=submit]")

    expect(page.locator("#finding-status")).to_have_text("Open")
    expect(page.locator("#finding-place")).to_contain_text("Harbour View Gardens / Block A / Block A 2F")
    go_online(page, demo_server)
    expect_synced(page)
    records = office_records(demo_server)
    finding = next(r["fields"] for r in records.values() if r["type"] == "finding" and r["fields"]["title"] == "Water dripping from the ceiling")
    block_a_2f = area_named(records, "Block A 2F")
    assert (finding["site_id"], finding["area_id"], finding["checkpoint_id"]) == (block_a_2f["fields"]["site_id"], block_a_2f["id"], None)
    assert finding["severity"] == "high" and finding["inspection_id"] is None
    assert page.errors == []


def test_the_findings_list_offers_a_finding_on_its_own(phone, demo_server):
    page = phone()
    log_in(page, demo_server)

    page.click("a[href='#/findings']")
    page.click("#raise-finding")

    expect(page.locator("#finding-site option")).to_have_text(["Harbour View Gardens"])
    assert page.errors == []


def test_the_setup_form_never_offers_an_area_or_anything_under_it_as_its_parent(browser, demo_server):
    records = office_records(demo_server)
    block_a = area_named(records, "Block A")
    areas = [r for r in records.values() if r["type"] == "area"]
    under_block_a = {block_a["id"]}
    while grown := {a["id"] for a in areas if a["fields"].get("parent_id") in under_block_a} - under_block_a:
        under_block_a |= grown
    assert len(under_block_a) > 5  # the block, its floors, their units and the room in its basement
    context = browser.new_context(locale="en-GB", **DESKTOP)
    page = context.new_page()
    log_in(page, demo_server, username="office", home="#desk-list li")

    page.goto(f"{demo_server.url}/#/setup/area/{block_a['id']}")
    page.wait_for_selector("#field-parent_id")

    offered = set(page.locator("#field-parent_id option").evaluate_all("(options) => options.map((option) => option.value)")) - {""}
    assert offered == {a["id"] for a in areas} - under_block_a
    context.close()


def test_a_phone_on_the_previous_database_version_keeps_its_data_and_its_outbox(phone, demo_server):
    page = phone()
    log_in(page, demo_server)
    go_offline(page, demo_server)
    open_checkpoints(page)
    page.fill("#checkpoint-search", "HY-A-B1")
    page.click("#checkpoint-list a:has-text('HY-A-B1')")
    page.click("button:has-text('Start: Fire facilities')")
    page.wait_for_selector("#item-extinguisher_pressure")  # a draft, waiting in the outbox
    dump = page.evaluate(DUMP_DATABASE)
    assert len(dump["outbox"]) == 1
    go_online(page, demo_server)
    page.goto(demo_server.url + "/api/v1/openapi.json")  # a page of the origin that does not run the app, so nothing holds the database
    assert page.evaluate(MAKE_VERSION_1_DATABASE, dump) == 1
    go_offline(page, demo_server)

    page.goto(demo_server.url + "/")
    page.wait_for_selector("#rounds-title")

    assert page.evaluate("indexedDB.databases().then((all) => all.find((info) => info.name === 'estate-patrol').version)") == 2
    assert page.evaluate("import('/db.js').then((db) => db.outboxEntries()).then((entries) => entries.length)") == 1
    block_a = next(r for r in dump["records"] if r["type"] == "area" and r["fields"]["name"] == "Block A")
    floors = page.evaluate(
        f"import('/query.js').then((query) => query.childrenOf('{block_a['id']}', 'area')).then((areas) => areas.map((a) => a.fields.name))"
    )
    assert sorted(floors) == ["Block A 1F", "Block A 2F", "Block A 3F", "Block A B1"]
    go_online(page, demo_server)
    expect_synced(page)
    inspector = demo_server.login("inspector", "check", DEMO_PASSWORD)
    assert inspector.sync_down()[dump["outbox"][0]["id"]]["fields"]["status"] == "draft"
    assert page.errors == []
