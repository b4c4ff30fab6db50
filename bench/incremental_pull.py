"""Incremental pull with a big store: 100 new changes when 1,000,000 records are stored.

    .venv/bin/python bench/incremental_pull.py             # 1,000,000 records, SQLite
    DATABASE_URL=postgresql://... bench/incremental_pull.py
    .venv/bin/python bench/incremental_pull.py --smoke     # 20,000 records (CI)

The store is filled behind the server's back, in bulk, with copies of a real
pushed inspection (fields and merge stamps as the server wrote them), spread
over ten sites and given feed positions as a push would. Then, twenty times:
a writer pushes 100 inspections on one site, and two devices that were up to
date pull them over HTTP: the office (reads every site) and an inspector who
reads only that site. Prints the median and worst pull time of each.
"""

import argparse
import json
import os
import sqlite3
import time
import uuid
from pathlib import Path

import psycopg

from common import PASSWORD, Server, inspection_mutation, machine_line, median, python_speed_ms, reference_mutations

COLUMNS = (
    "id",
    "type",
    "version",
    "deleted",
    "fields",
    "stamps",
    "seq",
    "site_id",
    "company_id",
    "parent_id",
    "owner_id",
    "blob",
    "created_at",
    "updated_at",
)


def connect(server):
    if server.database == "PostgreSQL":
        return psycopg.connect(server.env["DATABASE_URL"])
    return sqlite3.connect(Path(server.folder.name) / "estate-patrol.sqlite3", timeout=60)


def fill(server, count: int, estate_site: str) -> None:
    """Copy the one stored inspection `count` times, in feed order after everything there is."""
    other_sites = [str(uuid.uuid4()) for _ in range(9)]
    with connect(server) as connection:
        template_row = connection.execute(f"SELECT {', '.join(COLUMNS)} FROM records WHERE type = 'inspection' LIMIT 1").fetchone()
        top = connection.execute("SELECT value FROM change_counter WHERE id = 1").fetchone()[0]
        base = dict(zip(COLUMNS, template_row, strict=False))
        if server.database == "PostgreSQL":
            with connection.cursor().copy(f"COPY records ({', '.join(COLUMNS)}) FROM STDIN") as copy:
                for index in range(count):
                    copy.write_row(row_values(base, index, top, estate_site, other_sites, as_json_text=True))
        else:
            placeholders = ", ".join("?" for _ in COLUMNS)
            rows = (row_values(base, index, top, estate_site, other_sites) for index in range(count))
            connection.executemany(f"INSERT INTO records ({', '.join(COLUMNS)}) VALUES ({placeholders})", rows)
        connection.execute(f"UPDATE change_counter SET value = value + {int(count)} WHERE id = 1")
        connection.commit()


def row_values(base: dict, index: int, top: int, estate_site: str, other_sites: list[str], as_json_text=False) -> tuple:
    row = dict(base, id=str(uuid.uuid4()), seq=top + index + 1, site_id=estate_site if index % 10 == 0 else other_sites[index % 9])
    if as_json_text:
        row["fields"], row["stamps"] = json.dumps(row["fields"]), json.dumps(row["stamps"])
    return tuple(row[column] for column in COLUMNS)


def database_size(server) -> str:
    if server.database == "PostgreSQL":
        with connect(server) as connection:
            return connection.execute("SELECT pg_size_pretty(pg_database_size(current_database()))").fetchone()[0]
    folder = Path(server.folder.name)
    return f"{sum(path.stat().st_size for path in folder.glob('estate-patrol.sqlite3*')) / 1048576:.0f} MB"


def main():
    python_speed_ms()  # measured first, on a quiet machine; printed with the figures
    parser = argparse.ArgumentParser()
    parser.add_argument("--smoke", action="store_true")
    parser.add_argument("--records", type=int)
    args = parser.parse_args()
    records = args.records or (20_000 if args.smoke else 1_000_000)
    rounds = 5 if args.smoke else 20
    with Server(workers=1, database_url=os.environ.get("DATABASE_URL")) as server:
        server.flask("create-user", "inspector", "--role", "inspector", "--site", "Bench Estate", "--password", PASSWORD)
        writer = server.device("writer")
        estate_site = next(
            change["id"] for change in writer.session.get(writer.url + "/api/v1/sync/pull").json()["changes"] if change["type"] == "site"
        )
        _, template, reference = reference_mutations()
        writer.push(reference[1:])
        writer.push([inspection_mutation(estate_site, template, 0)])

        start = time.perf_counter()
        fill(server, records, estate_site)
        fill_seconds = time.perf_counter() - start

        office = server.device("office desk")
        inspector = server.device("inspector phone", username="inspector")
        cursors = {}
        for name in ("office", "inspector"):
            top = connect(server).execute("SELECT value FROM change_counter WHERE id = 1").fetchone()[0]
            cursors[name] = str(top)  # up to date: as a device that has pulled everything
        times = {"office": [], "inspector": []}
        for round_number in range(rounds):
            writer.push([inspection_mutation(estate_site, template, round_number * 100 + i) for i in range(100)])
            for name, device in (("office", office), ("inspector", inspector)):
                start = time.perf_counter()
                got, cursors[name] = device.pull_all(cursors[name])
                times[name].append(time.perf_counter() - start)
                assert got == 100, (name, got)
        size = database_size(server)
        database = server.database

    print(
        f"{machine_line()}; database: {database} ({size}); gunicorn workers: 1; "
        f"{records:,} records stored (filled in {fill_seconds:.0f} s); {rounds} rounds"
    )
    print(f"{'figure':58} {'median s':>9} {'worst s':>9} {'target':>8}")
    target = "0.050" if records >= 1_000_000 else "-"
    for name in ("office", "inspector"):
        label = f"incremental pull of 100 changes ({name})"
        print(f"{label:58} {median(times[name]):9.4f} {max(times[name]):9.4f} {target:>8}")
    print(
        json.dumps(
            {
                "bench": "incremental_pull",
                "speed_ms": round(python_speed_ms(), 1),
                "database": database,
                "records": records,
                "rounds": rounds,
                "office_median_s": round(median(times["office"]), 5),
                "office_max_s": round(max(times["office"]), 5),
                "inspector_median_s": round(median(times["inspector"]), 5),
                "inspector_max_s": round(max(times["inspector"]), 5),
                "database_size": size,
            }
        )
    )


if __name__ == "__main__":
    main()
