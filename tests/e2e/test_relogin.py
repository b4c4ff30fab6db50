"""A phone idle past the admin's limit logs in again and keeps its queue (issue #17, 7)."""

from datetime import UTC, datetime, timedelta
from pathlib import Path

from playwright.sync_api import expect
from sqlalchemy import create_engine, text

from server import with_psycopg
from tests.conftest import TEST_DATABASE_URL
from tests.e2e.conftest import DEMO_PASSWORD, expect_synced, go_offline, go_online, log_in, wait_until


def age_device(instance_path: Path, device_id: str, days: int) -> None:
    """Make the server's record of the device say it was last seen `days` ago (the server is stopped)."""
    url = with_psycopg(TEST_DATABASE_URL) if TEST_DATABASE_URL else f"sqlite:///{instance_path / 'estate-patrol.sqlite3'}"
    engine = create_engine(url)
    with engine.begin() as connection:
        changed = connection.execute(
            text("UPDATE devices SET last_seen_at = :seen WHERE id = :id"), {"seen": datetime.now(UTC) - timedelta(days=days), "id": device_id}
        )
        assert changed.rowcount == 1
    engine.dispose()


def test_a_phone_idle_past_the_limit_logs_in_again_and_then_sends_what_waited(phone, demo_server, instance_path):
    page = phone()
    log_in(page, demo_server, username="inspector")
    device_id = page.evaluate("import('/db.js').then((db) => db.getMeta('session')).then((session) => session.device_id)")
    finding = page.evaluate(
        "import('/db.js').then((db) => db.recordsOfType('finding')).then((all) => all.find((f) => f.fields.title.startsWith('Lobby floor')).id)"
    )

    go_offline(page, demo_server)
    page.evaluate(f"import('/records.js').then((records) => records.addComment('finding', '{finding}', 'Mopped at noon, still sticky'))")
    age_device(instance_path, device_id, days=31)
    go_online(page, demo_server)

    expect(page.locator("#sync-status[data-state=login]")).to_be_visible(timeout=20_000)
    assert page.evaluate("import('/db.js').then((db) => db.outboxEntries()).then((entries) => entries.length)") == 1
    page.click("#sync-status a[href='#/relogin']")
    expect(page.locator("#username")).to_have_value("inspector")
    page.fill("#password", DEMO_PASSWORD)
    page.click("form button[type=submit]")

    expect_synced(page)
    wait_until(page, "location.hash === '#/rounds'")
    office = demo_server.login("office", "check", DEMO_PASSWORD)
    comments = [r for r in office.sync_down().values() if r["type"] == "comment" and r["fields"]["parent_id"] == finding]
    assert [c["fields"]["body"] for c in comments] == ["Mopped at noon, still sticky"]
    assert page.errors == []
