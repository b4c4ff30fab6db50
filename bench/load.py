"""Many devices syncing at once, over real HTTP on 127.0.0.1, as the README runs the scale-out server.

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test .venv/bin/python bench/load.py
    DATABASE_URL=... .venv/bin/python bench/load.py --sites 1   # every device on one estate
    .venv/bin/python bench/load.py --smoke      # 10 devices, SQLite unless DATABASE_URL is set (CI)

The devices belong to inspectors of --sites estates (20 by default), spread
evenly: each pulls what the devices of its own estate push. With --sites 1
every device pulls everything every other device pushed, the worst case.
Each device has logged in and pulled its estate before the clock starts.
Then all of them sync at the same moment, each as the app does: push 20
inspections in one batch, then pull until nothing is left. The server runs
under gunicorn with --workers (4 by default). Afterwards a fresh device pulls
everything and the run checks that every pushed record is there exactly
once. The burst runs --runs times (3), each on a fresh server. Prints the
median of the runs' p50/p95/p99 per request and per whole sync, the errors,
lost and duplicated records of all runs, and each worker's resident memory
at its peak, as a table and a JSON line. A request is timed until its whole
answer has arrived; encoding and reading the JSON (with orjson) is the
phone's own work, outside that time but inside the whole sync's. The 200
phones are threads of one Python process on the same cores as the server and
the database, so their own time still weighs on these figures; the CPU each
of the three used in the burst is printed beside them.
"""

import argparse
import json
import os
import statistics
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import orjson
import requests

from common import PASSWORD, Server, inspection_mutation, machine_line, median, now_iso, python_speed_ms, reference_mutations


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


class Phone:
    def __init__(self, device, template, mutations_each):
        self.device = device
        self.cursor = None
        self.template, self.mutations_each = template, mutations_each
        self.mutations: list[dict] = []
        self.request_times: list[float] = []
        self.error: str | None = None

    def get_ready(self):
        """Pull the estate, as after logging in, and prepare a patrol's inspections of its site."""
        site = None
        while True:
            params = {"limit": 1000, **({"since": self.cursor} if self.cursor else {})}
            page = self.device.session.get(self.device.url + "/api/v1/sync/pull", params=params).json()
            site = next((change["id"] for change in page["changes"] if change["type"] == "site"), site)
            self.cursor = page["cursor"]
            if not page["has_more"]:
                break
        self.mutations = [inspection_mutation(site, self.template, i) for i in range(self.mutations_each)]

    def timed(self, method, path, **kwargs):
        """One request, timed until its whole answer has arrived; reading the JSON is the phone's own work."""
        start = time.perf_counter()
        response = self.device.session.request(method, self.device.url + path, timeout=60, **kwargs)
        self.request_times.append(time.perf_counter() - start)
        response.raise_for_status()
        return orjson.loads(response.content)

    def pull_all(self):
        while True:
            params = {"limit": 1000, **({"since": self.cursor} if self.cursor else {})}
            page = self.timed("GET", "/api/v1/sync/pull", params=params)
            self.cursor = page["cursor"]
            if not page["has_more"]:
                return

    def sync(self, start_together: threading.Barrier) -> float:
        start_together.wait()
        start = time.perf_counter()
        try:
            body = orjson.dumps({"sent_at": now_iso(), "mutations": self.mutations})
            results = self.timed("POST", "/api/v1/sync/push", data=body, headers={"Content-Type": "application/json"})["results"]
            refused = [r for r in results if r["status"] != "applied"]
            if refused:
                raise RuntimeError(f"{len(refused)} mutations not applied: {refused[0]}")
            self.pull_all()
        except (requests.RequestException, RuntimeError) as error:
            self.error = str(error)
        return time.perf_counter() - start


class MemoryWatch(threading.Thread):
    """Samples each worker's resident memory while the load runs; keeps the peak."""

    def __init__(self, server):
        super().__init__(daemon=True)
        self.server, self.peak, self.stopped = server, [], threading.Event()

    def run(self):
        while not self.stopped.is_set():
            sizes = sorted(self.server.worker_rss_mb(), reverse=True)
            self.peak = [max(pair) for pair in zip(sizes, self.peak, strict=False)] if len(self.peak) == len(sizes) else sizes
            self.stopped.wait(0.05)


def main():
    python_speed_ms()  # measured first, on a quiet machine; printed with the figures
    parser = argparse.ArgumentParser()
    parser.add_argument("--smoke", action="store_true")
    parser.add_argument("--devices", type=int)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--sites", type=int, default=20)
    parser.add_argument("--runs", type=int, help="bursts, each on a fresh server (default 3, smoke 1)")
    args = parser.parse_args()
    devices = args.devices or (10 if args.smoke else 200)
    sites = min(args.sites, 2) if args.smoke else args.sites
    mutations_each = 5 if args.smoke else 20
    runs = args.runs or (1 if args.smoke else 3)
    results = [burst(devices, sites, mutations_each, args.workers) for _ in range(runs)]

    # Each figure is the median of the runs; errors, lost and duplicated records are counted over all of them.
    figures = {key: median([result[key] for result in results]) for key in results[0] if key not in (*SUMMED, *NOT_FIGURES)}
    figures.update({key: sum(result[key] for result in results) for key in SUMMED})
    peak_rss = [max(sizes) for sizes in zip(*(result["worker_peak_rss_mb"] for result in results), strict=False)]
    database = "PostgreSQL" if os.environ.get("DATABASE_URL") else "SQLite"
    print(
        f"{machine_line()}; database: {database}; gunicorn workers: {args.workers}; "
        f"{devices} devices on {sites} estate(s) at once, each pushing {mutations_each} inspections then pulling; "
        f"median of {runs} run(s), errors and lost records over all"
    )
    print(f"{'figure':44} {'value':>10} {'target':>8}")
    for name, key, target in (
        ("request latency p50 (ms)", "request_p50_ms", None),
        ("request latency p95 (ms)", "request_p95_ms", 300),
        ("request latency p99 (ms)", "request_p99_ms", None),
        ("whole sync p50 (ms)", "sync_p50_ms", None),
        ("whole sync p95 (ms)", "sync_p95_ms", None),
        ("whole sync p99 (ms)", "sync_p99_ms", None),
    ):
        print(f"{name:44} {figures[key]:10.1f} {target if target else '-':>8}")
    print(f"{'requests':44} {figures['requests']:10.0f} {'-':>8}")
    print(f"{'wall time of the burst (s)':44} {figures['wall_s']:10.2f} {'-':>8}")
    print(f"{'server CPU time in the burst (s, all workers)':44} {figures['server_cpu_s']:10.2f} {'-':>8}")
    print(f"{'database CPU time in the burst (s)':44} {figures['database_cpu_s']:10.2f} {'-':>8}")
    print(f"{'client CPU time in the burst (s, all phones)':44} {figures['client_cpu_s']:10.2f} {'-':>8}")
    print(f"{'CPU the burst could have had (s, wall x cores)':44} {figures['wall_s'] * (os.cpu_count() or 1):10.2f} {'-':>8}")
    print(f"{'errors':44} {figures['errors']:10d} {0:>8}")
    lost_and_duplicated = f"{figures['lost']} / {figures['duplicated']}"
    print(f"{'records lost / duplicated':44} {lost_and_duplicated:>10} {'0 / 0':>8}")
    print(f"{'peak resident memory per worker (MB)':44} {max(peak_rss or [0]):10.1f} {150:>8}")
    for result in results:
        if result["first_error"]:
            print("first error:", result["first_error"])
    print(
        json.dumps(
            {
                "bench": "load",
                "speed_ms": round(python_speed_ms(), 1),
                "database": database,
                "workers": args.workers,
                "devices": devices,
                "sites": sites,
                "mutations_each": mutations_each,
                "runs": runs,
                **figures,
                "worker_peak_rss_mb": peak_rss,
            }
        )
    )
    if figures["errors"] or figures["lost"] or figures["duplicated"]:
        raise SystemExit(1)


SUMMED = ("errors", "lost", "duplicated")
NOT_FIGURES = ("worker_peak_rss_mb", "first_error")


def burst(devices: int, sites: int, mutations_each: int, workers: int) -> dict:
    """One burst on a fresh server: every device pushes and pulls at the same instant; then an audit of what arrived."""
    with Server(workers=workers, database_url=os.environ.get("DATABASE_URL")) as server:
        for number in range(sites):
            server.flask("create-user", f"inspector{number}", "--role", "inspector", "--site", f"Estate {number}", "--password", PASSWORD)
        office = server.device("setup")
        _, template, reference = reference_mutations()
        office.push(reference[1:])
        with ThreadPoolExecutor(max_workers=8) as pool:  # logging in hashes a password each: before the clock
            logged_in = list(pool.map(lambda i: server.device(f"phone {i}", username=f"inspector{i % sites}"), range(devices)))
        phones = [Phone(device, template, mutations_each) for device in logged_in]
        for phone in phones:
            phone.get_ready()

        watch = MemoryWatch(server)
        watch.start()
        start_together = threading.Barrier(devices)
        cpu_before = server.worker_cpu_seconds(), server.database_cpu_seconds(), time.process_time()
        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=devices) as pool:
            sync_times = list(pool.map(lambda phone: phone.sync(start_together), phones))
        wall = time.perf_counter() - started
        server_cpu = server.worker_cpu_seconds() - cpu_before[0]
        database_cpu = server.database_cpu_seconds() - cpu_before[1]
        client_cpu = time.process_time() - cpu_before[2]
        watch.stopped.set()
        watch.join()

        pushed = {m["id"] for phone in phones for m in phone.mutations}
        seen: dict[str, int] = {}
        auditor = server.device("auditor")
        cursor = None
        while True:
            page = auditor.session.get(auditor.url + "/api/v1/sync/pull", params={"limit": 1000, **({"since": cursor} if cursor else {})}).json()
            for change in page["changes"]:
                seen[change["id"]] = seen.get(change["id"], 0) + 1
            cursor = page["cursor"]
            if not page["has_more"]:
                break
        lost = len([record_id for record_id in pushed if record_id not in seen])
        duplicated = len([record_id for record_id in pushed if seen.get(record_id, 0) > 1])

    requests_made = [t for phone in phones for t in phone.request_times]
    errors = [phone.error for phone in phones if phone.error]
    ms = lambda seconds: round(seconds * 1000, 1)  # noqa: E731
    return {
        "request_p50_ms": ms(percentile(requests_made, 0.50)),
        "request_p95_ms": ms(percentile(requests_made, 0.95)),
        "request_p99_ms": ms(percentile(requests_made, 0.99)),
        "sync_p50_ms": ms(percentile(sync_times, 0.50)),
        "sync_p95_ms": ms(percentile(sync_times, 0.95)),
        "sync_p99_ms": ms(percentile(sync_times, 0.99)),
        "mean_request_ms": ms(statistics.mean(requests_made)),
        "requests": len(requests_made),
        "wall_s": round(wall, 3),
        "server_cpu_s": round(server_cpu, 3),
        "database_cpu_s": round(database_cpu, 3),
        "client_cpu_s": round(client_cpu, 3),
        "errors": len(errors),
        "lost": lost,
        "duplicated": duplicated,
        "records_seen": len(seen),
        "worker_peak_rss_mb": [round(size, 1) for size in watch.peak],
        "first_error": errors[0] if errors else None,
    }


if __name__ == "__main__":
    main()
