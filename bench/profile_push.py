"""Where a push's time goes: cProfile of pushing inspection-shaped records through the Flask test client.

    .venv/bin/python bench/profile_push.py              # 5,000 records in batches of 500, SQLite
    .venv/bin/python bench/profile_push.py --smoke      # 500 records (CI)

Not a timing (the profiler slows Python code several times over, and the
test client skips HTTP); it prints each area's share of the profiled time,
by the module that spent it, then the functions with the most time of
their own. bench/README.md's notes on what the push is close to come from here.
"""

import argparse
import cProfile
import json
import os
import pstats
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from common import PASSWORD, inspection_mutation, now_iso, reference_mutations  # noqa: E402

# Where a function's own time is counted: the first area whose marker is in its file name or name.
AREAS = (
    ("validation (marshmallow, schemas/)", ("marshmallow", "/schemas/")),
    ("database (SQLAlchemy, sqlite3)", ("sqlalchemy", "sqlite3")),
    ("JSON (json, orjson)", ("json",)),
    ("merge, rights, records (server/, sync/)", ("/server/", "/sync/")),
    ("web (Flask, Werkzeug)", ("flask", "werkzeug")),
)


def area_of(filename: str, function: str) -> str:
    for area, markers in AREAS:
        if any(marker in filename or marker in function for marker in markers):
            return area
    return "other (builtins, standard library)"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--smoke", action="store_true")
    args = parser.parse_args()
    records = 500 if args.smoke else 5_000
    folder = tempfile.mkdtemp(prefix="ep-profile-")
    os.environ.update(INSTANCE_PATH=folder, DATABASE_URL=f"sqlite:///{folder}/profile.sqlite3")

    from server import create_app
    from server.extensions import db
    from server.services.accounts import create_user

    app = create_app()
    with app.app_context():
        create_user("office", "office", PASSWORD)
        db.session.commit()
    client = app.test_client()
    login = {"username": "office", "password": PASSWORD, "device_name": "profiler"}
    headers = {"Authorization": f"Bearer {client.post('/api/v1/auth/login', json=login).json['token']}"}

    def push(body: str):
        response = client.post("/api/v1/sync/push", headers=headers, data=body, content_type="application/json")
        assert response.status_code == 200 and all(r["status"] == "applied" for r in response.get_json()["results"])

    def body_of(mutations) -> str:
        return json.dumps({"sent_at": now_iso(), "mutations": mutations})

    site, template, reference = reference_mutations()
    push(body_of(reference))
    mutations = [inspection_mutation(site, template, index) for index in range(records)]
    bodies = [body_of(mutations[offset : offset + 500]) for offset in range(0, records, 500)]  # encoded before: the client's work
    profile = cProfile.Profile()
    profile.enable()
    for body in bodies:
        push(body)
    profile.disable()

    stats = pstats.Stats(profile)
    shares: dict[str, float] = {}
    for (filename, _, function), (_, _, own_time, _, _) in stats.stats.items():
        area = area_of(filename, function)
        shares[area] = shares.get(area, 0.0) + own_time
    total = sum(shares.values())
    print(f"push of {records:,} inspections in batches of 500, SQLite, Flask test client, under cProfile")
    print(f"{'area (own time of its functions)':44} {'share':>6}")
    for area, seconds in sorted(shares.items(), key=lambda item: -item[1]):
        print(f"{area:44} {seconds / total:6.1%}")
    print()
    stats.sort_stats("tottime").print_stats(15)
    print(json.dumps({"bench": "profile_push", "records": records, "shares": {area: round(seconds / total, 3) for area, seconds in shares.items()}}))


if __name__ == "__main__":
    main()
