"""Scheduled rounds at estate scale: planning 200 sites × 10 schedules × 14 days, the idle jobs, compliance over a month.

    .venv/bin/python bench/rounds.py                  # 200 sites, SQLite
    DATABASE_URL=postgresql://... bench/rounds.py
    .venv/bin/python bench/rounds.py --smoke          # 5 sites (CI)

In one process, through the server's own code (server/services/rounds.py),
on a fresh database: every site gets 10 daily schedules at different times,
each written as office writes one (the push's path); writing a schedule plans
its rounds at once, a 14-day horizon ahead. Then it times:

  plan       making the schedules and their 14 days of rounds (one round a schedule a day)
  idle plan  planning every schedule when there is nothing new to plan (what the job runner's hourly plan costs)
  missed     marking the missed rounds when none is due (what the job runner's minute costs)
  month      a horizon of 31 days planned by one tick (about a month of rounds per schedule)
  compliance the compliance table over those 31 days, for every site (office) and for one site
"""

import argparse
import os
import sys
import time
import uuid
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from common import in_process_instance, machine_line  # noqa: E402

SCHEDULES_PER_SITE = 10


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--smoke", action="store_true")
    parser.add_argument("--sites", type=int, default=200)
    options = parser.parse_args()
    sites = 5 if options.smoke else options.sites
    print(machine_line())

    _instance = in_process_instance("ep-bench-rounds-")  # kept while the app runs: its folder goes with it
    database_url = os.environ.get("DATABASE_URL")

    from server import create_app
    from server.extensions import db
    from server.models import Record
    from server.services import rounds
    from server.services.actor import system_actor
    from server.services.mutations import apply_server_edit

    app = create_app({"ROUNDS_HORIZON_DAYS": 14})
    with app.app_context():
        actor = system_actor()

        def put(record_type, fields):
            record_id = str(uuid.uuid4())
            result = apply_server_edit(actor, record_type, fields, record_id=record_id)
            assert result["status"] == "applied", result
            return record_id

        template = put("template", {"name": "Patrol", "category": "fire", "items": [{"key": "ok", "label": "OK", "kind": "pass_fail"}]})
        places = []
        for number in range(sites):
            site = put("site", {"name": f"Estate {number}"})
            checkpoints = [put("checkpoint", {"site_id": site, "name": f"Point {n}", "category": "fire", "code": f"S{number}-{n}"}) for n in range(3)]
            places.append((site, checkpoints))
        db.session.commit()

        started = time.perf_counter()
        for site, checkpoints in places:
            for n in range(SCHEDULES_PER_SITE):
                put(
                    "schedule",
                    {
                        "site_id": site,
                        "name": f"Round {n}",
                        "template_family_id": template,
                        "checkpoint_ids": checkpoints,
                        "time_zone": "Asia/Shanghai",
                        "recurrence": {"every": "day", "interval": 1, "times": [f"{7 + n:02d}:30"]},
                        "window_minutes": 60,
                        "grace_minutes": 30,
                        "starts_on": date.today().isoformat(),
                    },
                )
            db.session.commit()
        plan = time.perf_counter() - started
        count = db.session.query(Record).filter(Record.type == "round").count()
        schedules = sites * SCHEDULES_PER_SITE
        print(f"plan: {schedules} schedules, {count} rounds in {plan:.1f} s ({plan / count * 1000:.2f} ms a round)")

        started = time.perf_counter()
        done = rounds.plan_all()
        db.session.commit()
        idle = time.perf_counter() - started
        print(f"idle plan: {idle:.2f} s for {done['schedules']} schedules ({done['rounds_made']} made)")
        started = time.perf_counter()
        missed = rounds.mark_missed()
        db.session.commit()
        minute = time.perf_counter() - started
        print(f"missed: {minute * 1000:.0f} ms to find {missed} rounds to mark among {count}")

        app.config["ROUNDS_HORIZON_DAYS"] = 31
        started = time.perf_counter()
        done = rounds.tick()
        db.session.commit()
        month = time.perf_counter() - started
        total = db.session.query(Record).filter(Record.type == "round").count()
        print(f"month: a 31-day horizon, {done['rounds_made']} more rounds in {month:.1f} s; {total} rounds stored")

        first, last = date.today(), date.today() + timedelta(days=30)
        timings = []
        for _ in range(5):
            started = time.perf_counter()
            rows = rounds.compliance(None, first, last)
            timings.append(time.perf_counter() - started)
        one_site = []
        for _ in range(5):
            started = time.perf_counter()
            rounds.compliance({places[0][0]}, first, last)
            one_site.append(time.perf_counter() - started)
        print(
            f"compliance over 31 days: every site {min(timings) * 1000:.0f} ms ({len(rows)} rows, {sum(r['due'] for r in rows)} rounds); one site {min(one_site) * 1000:.0f} ms (best of 5)"
        )
    print(
        f"{'PostgreSQL' if database_url else 'SQLite'}: plan {plan:.1f} s, idle plan {idle:.2f} s, missed {minute * 1000:.0f} ms, compliance {min(timings) * 1000:.0f} ms"
    )


if __name__ == "__main__":
    main()
