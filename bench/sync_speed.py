"""Sync speed over real HTTP on 127.0.0.1: push and pull of inspection-shaped records.

    .venv/bin/python bench/sync_speed.py            # full sizes, median of 3 runs
    .venv/bin/python bench/sync_speed.py --smoke    # small sizes, one run (CI)
    DATABASE_URL=postgresql://... bench/sync_speed.py --workers 4

Prints a table with the targets of issue #4 and a JSON line.
"""

import argparse
import json
import os
import time

from common import Server, inspection_mutation, machine_line, median, python_speed_ms, reference_mutations


def measure_once(server, records, batch):
    """One run on a fresh server: push, pull into an empty client, then a 100-change round trip."""
    # Logging in hashes a password (argon2id): done before any timing starts.
    writer, reader, empty = server.device("writer"), server.device("reader"), server.device("empty phone")
    site, template, reference = reference_mutations()
    writer.push(reference)
    _, cursor = reader.pull_all()
    mutations = [inspection_mutation(site, template, i) for i in range(records)]
    start = time.perf_counter()
    for offset in range(0, records, batch):
        writer.push(mutations[offset : offset + batch])
    push = time.perf_counter() - start

    start = time.perf_counter()
    pulled, _ = empty.pull_all(limit=1000)
    pull = time.perf_counter() - start
    assert pulled == records + len(reference), pulled

    _, cursor = reader.pull_all(cursor)
    changes = [inspection_mutation(site, template, i) for i in range(100)]
    start = time.perf_counter()
    writer.push(changes)
    got, cursor = reader.pull_all(cursor)
    round_trip = time.perf_counter() - start
    assert got == 100
    return push, pull, round_trip


def main():
    python_speed_ms()  # measured first, on a quiet machine; printed with the figures
    parser = argparse.ArgumentParser()
    parser.add_argument("--smoke", action="store_true")
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()
    records, runs = (200, 1) if args.smoke else (10_000, 3)
    figures = []
    for _ in range(runs):
        with Server(workers=args.workers, database_url=os.environ.get("DATABASE_URL")) as server:
            figures.append(measure_once(server, records, batch=500))
            database = server.database
    push, pull, round_trip = (median(column) for column in zip(*figures, strict=False))
    rows = [
        (f"push {records:,} new records in batches of 500", push, 1.0 if records == 10_000 else None),
        (f"pull {records:,} records into an empty client", pull, 0.6 if records == 10_000 else None),
        ("push 100 changes, then pull them on another device", round_trip, 0.030),
    ]
    print(f"{machine_line()}; database: {database}; gunicorn workers: {args.workers}; median of {runs} run(s)")
    print(f"{'figure':55} {'seconds':>9} {'target':>8}")
    for name, seconds, target in rows:
        print(f"{name:55} {seconds:9.3f} {(f'{target:.3f}') if target else '-':>8}")
    print(
        json.dumps(
            {
                "bench": "sync_speed",
                "speed_ms": round(python_speed_ms(), 1),
                "database": database,
                "workers": args.workers,
                "records": records,
                "runs": runs,
                "push_s": round(push, 4),
                "pull_s": round(pull, 4),
                "round_trip_100_s": round(round_trip, 4),
            }
        )
    )


if __name__ == "__main__":
    main()
