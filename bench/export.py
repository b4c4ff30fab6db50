"""Spreadsheet export of 50,000 findings: the time and the peak memory of XLSX and CSV, through the API.

    .venv/bin/python bench/export.py             # 50,000 findings, SQLite
    DATABASE_URL=postgresql://... bench/export.py
    .venv/bin/python bench/export.py --smoke     # 2,000 (CI)

The store is filled behind the server's back with copies of one finding
pushed through the API. Each export is fetched through the Flask test
client and read to its end: first timed, then again under tracemalloc for
the peak of Python memory the export took (tracemalloc slows it, so the
two are separate runs).
"""

import argparse
import sys
import time
import tracemalloc
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from common import in_process_instance, machine_line  # noqa: E402


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--smoke", action="store_true")
    options = parser.parse_args()
    count = 2_000 if options.smoke else 50_000
    print(machine_line())
    _instance = in_process_instance("ep-bench-export-")  # kept while the app runs: its folder goes with it

    from sqlalchemy import insert, select

    from server import create_app
    from server.extensions import db
    from server.models import Record
    from server.services import accounts

    app = create_app({"PASSWORD_HASH_PROFILE": "CHEAPEST"})
    with app.app_context():
        accounts.create_user("office", "office", "bench-password-1")
        db.session.commit()
    client = app.test_client()
    token = client.post("/api/v1/auth/login", json={"username": "office", "password": "bench-password-1", "device_name": "bench"}).get_json()["token"]
    headers = {"Authorization": f"Bearer {token}"}
    site, finding = str(uuid.uuid4()), str(uuid.uuid4())
    now = time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime())
    mutations = [
        {"mid": str(uuid.uuid4()), "type": "site", "id": site, "op": "upsert", "base_version": None, "edited_at": now, "fields": {"name": "Harbour"}},
        {
            "mid": str(uuid.uuid4()),
            "type": "finding",
            "id": finding,
            "op": "upsert",
            "base_version": None,
            "edited_at": now,
            "fields": {
                "site_id": site,
                "category": "fire",
                "title": "Extinguisher gauge low",
                "severity": "high",
                "description": "Needle in the red " * 5,
            },
        },
    ]
    pushed = client.post("/api/v1/sync/push", headers=headers, json={"sent_at": now, "mutations": mutations}).get_json()
    assert {r["status"] for r in pushed["results"]} == {"applied"}, pushed
    with app.app_context():
        model = db.session.execute(select(Record).where(Record.id == finding)).scalar_one()
        for start in range(0, count - 1, 5000):
            rows = [
                {
                    "id": str(uuid.uuid4()),
                    "type": "finding",
                    "version": 1,
                    "deleted": False,
                    "fields": {**model.fields, "title": f"Gauge low {n}"},
                    "stamps": model.stamps,
                    "site_id": site,
                    "owner_id": model.owner_id,
                }
                for n in range(start, min(start + 5000, count - 1))
            ]
            db.session.execute(insert(Record.__table__), rows)
        db.session.commit()

    def fetch(kind, export_format):
        response = client.get(f"/api/v1/exports/{kind}", query_string={"format": export_format}, headers=headers)
        size = sum(len(chunk) for chunk in response.response)
        response.close()
        assert response.status_code == 200
        return size

    for export_format in ("xlsx", "csv"):
        started = time.perf_counter()
        size = fetch("findings", export_format)
        took = time.perf_counter() - started
        tracemalloc.start()
        fetch("findings", export_format)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        print(f"{export_format}: {count} findings in {took:.2f} s, {size / 1e6:.1f} MB, peak Python memory {peak / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
