"""Several gunicorn workers at once: exactly-once pushes and a pull cursor that never skips."""

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

from tests.helpers import iso, new_id, now_iso
from tests.live import HttpDevice

THREADS = 8


def test_the_same_batch_pushed_concurrently_is_applied_exactly_once(live_server):
    live_server.create_user("office", "office")
    phone = live_server.login("office", "flaky phone")
    # The same phone retrying over several connections while its first push is still running.
    devices = [HttpDevice(live_server.url, phone.login_body) for _ in range(THREADS)]
    company = new_id()
    start_time = datetime.now(UTC) - timedelta(minutes=1)
    edit_times = (iso(start_time + timedelta(milliseconds=step)) for step in range(1000))
    batch = [
        {
            "mid": new_id(),
            "type": "company",
            "id": company,
            "op": "upsert",
            "base_version": None,
            "edited_at": next(edit_times),
            "fields": {"name": "Alpha"},
        }
    ]
    batch += [
        {
            "mid": new_id(),
            "type": "company",
            "id": new_id(),
            "op": "upsert",
            "base_version": None,
            "edited_at": next(edit_times),
            "fields": {"name": f"Company {i}"},
        }
        for i in range(40)
    ]
    batch += [
        {
            "mid": new_id(),
            "type": "company",
            "id": company,
            "op": "upsert",
            "base_version": None,
            "edited_at": next(edit_times),
            "fields": {"trade": f"trade {i}"},
        }
        for i in range(20)
    ]
    start = threading.Barrier(THREADS)

    def push(device):
        start.wait()
        return device.push(batch)

    with ThreadPoolExecutor(THREADS) as pool:
        outcomes = list(pool.map(push, devices))

    for index, mutation in enumerate(batch):
        statuses = [results[index]["status"] for results in outcomes]
        assert statuses.count("applied") == 1, (mutation["mid"], statuses)
        assert statuses.count("duplicate") == THREADS - 1
    records = devices[0].sync_down()
    assert records[company]["version"] == 21
    assert records[company]["fields"]["trade"] == "trade 19"


def test_a_reader_following_the_cursor_misses_no_change_made_by_concurrent_writers(live_server):
    live_server.create_user("office", "office")
    writers = [live_server.login("office", f"writer {i}") for i in range(4)]
    reader = live_server.login("office", "reader")
    writing = threading.Event()
    writing.set()

    def write(device):
        mine = []
        round_number = 0
        # Keep writing until the reader has pulled several times in between, however the workers are scheduled.
        while round_number < 25 or (reader.pulls < 10 and round_number < 400):
            round_number += 1
            batch = []
            for _ in range(3):
                record_id = new_id()
                mine.append(record_id)
                batch.append(
                    {
                        "mid": new_id(),
                        "type": "company",
                        "id": record_id,
                        "op": "upsert",
                        "base_version": None,
                        "edited_at": now_iso(),
                        "fields": {"name": f"round {round_number}"},
                    }
                )
            if len(mine) > 3:
                batch.append(
                    {
                        "mid": new_id(),
                        "type": "company",
                        "id": mine[-4],
                        "op": "upsert",
                        "base_version": 1,
                        "edited_at": now_iso(),
                        "fields": {"trade": "updated"},
                    }
                )
            results = device.push(batch)
            assert {r["status"] for r in results} == {"applied"}
        return mine

    def read():
        while writing.is_set():
            reader.sync_down(limit=7)

    follower = threading.Thread(target=read)
    follower.start()
    with ThreadPoolExecutor(len(writers)) as pool:
        written = [record_id for ids in pool.map(write, writers) for record_id in ids]
    writing.clear()
    follower.join()
    followed = reader.sync_down(limit=7)

    fresh = live_server.login("office", "fresh").sync_down()
    assert reader.pulls > 10, "the reader should have pulled while the writers wrote"
    assert set(written) <= set(followed)
    assert {i: r["version"] for i, r in followed.items()} == {i: r["version"] for i, r in fresh.items()}


def test_feed_positions_are_taken_once_at_commit_not_per_mutation(app, office, estate):
    """The counter row is locked for the shortest time: one update for the whole batch, at its commit."""
    from sqlalchemy import event

    from server.extensions import db

    counter_updates = []

    def watch(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("UPDATE CHANGE_COUNTER"):
            counter_updates.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", watch)
    try:
        before = office.pull().get_json()["cursor"]
        mutations = [office.mutation("company", {"name": f"C{i}"}) for i in range(10)]
        office.push(*mutations)
    finally:
        event.remove(engine, "before_cursor_execute", watch)

    changes = office.pull(before).get_json()["changes"]
    assert len(counter_updates) == 1
    assert [change["id"] for change in changes] == [m["id"] for m in mutations]
