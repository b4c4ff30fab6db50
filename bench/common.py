"""Shared by the benchmarks: a server started as in production, devices, and realistic records."""

import functools
import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "bench-password"


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def median(values):
    return statistics.median(values)


@functools.cache
def python_speed_ms() -> float:
    """Milliseconds this machine takes for a fixed piece of work like the server's (the best of 7).

    The machines these figures are measured on differ from session to session
    (the same push took 1.4 s on one 2-core box and 2.9 s on another), so every
    benchmark prints this beside its figures: compare figures from two
    machines only in proportion to it.
    """
    site, template = "1b0cbd93-2a68-4a1e-9a3a-3c4d1f0e7a11", "7c9e6679-7425-40de-944b-e07fc1f90ae7"
    body = json.dumps({"mutations": [inspection_mutation(site, template, index) for index in range(1000)]})
    times = []
    for _ in range(7):
        start = time.perf_counter()
        for mutation in json.loads(body)["mutations"]:
            answers = mutation["fields"]["answers"]
            sorted(f"{key}.{answer['value']}" for key, answer in answers.items() if isinstance(answer, dict))
        json.dumps(json.loads(body))
        times.append(time.perf_counter() - start)
    return min(times) * 1000  # the best run: what the machine can do, least disturbed by its neighbours


def machine_line() -> str:
    """The machine, for the first line a benchmark prints."""
    return f"machine: {platform.machine()}, {os.cpu_count()} cores, speed {python_speed_ms():.1f} ms (bench/common.py python_speed_ms)"


def empty_postgres(url: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public")


def in_process_instance(prefix: str) -> tempfile.TemporaryDirectory:
    """For a benchmark running the server's code in its own process: a new instance folder (SQLite there), or
    DATABASE_URL's PostgreSQL emptied. Keep the folder object alive as long as the app runs."""
    folder = tempfile.TemporaryDirectory(prefix=prefix)
    os.environ["INSTANCE_PATH"] = folder.name
    if os.environ.get("DATABASE_URL"):
        empty_postgres(os.environ["DATABASE_URL"])
    return folder


class Server:
    """gunicorn on 127.0.0.1 with its own instance folder (SQLite) or the given DATABASE_URL."""

    def __init__(self, workers: int = 1, database_url: str | None = None, demo: bool = False):
        self.folder = tempfile.TemporaryDirectory(prefix="ep-bench-")
        self.env = {**os.environ, "INSTANCE_PATH": self.folder.name}
        self.env.pop("DATABASE_URL", None)
        if database_url:
            self.env["DATABASE_URL"] = database_url
        self.workers, self.demo = workers, demo
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.database = "PostgreSQL" if database_url else "SQLite"

    def flask(self, *args):
        subprocess.run([sys.executable, "-m", "flask", "--app", "server", *args], env=self.env, cwd=ROOT, check=True, capture_output=True)

    def __enter__(self):
        if "DATABASE_URL" in self.env:
            empty_postgres(self.env["DATABASE_URL"])
        if self.demo:
            self.flask("seed-demo")  # its users' password is demo-patrol
        else:
            self.flask("create-user", "office", "--role", "office", "--password", PASSWORD)
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "--workers",
                str(self.workers),
                "--bind",
                f"127.0.0.1:{self.port}",
                "--log-level",
                "warning",
                "server:create_app()",
            ],
            env=self.env,
            cwd=ROOT,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if requests.get(self.url + "/api/v1/openapi.json", timeout=2).ok:
                    return self
            except requests.RequestException:
                time.sleep(0.2)
        raise RuntimeError("server did not start")

    def __exit__(self, *exc):
        self.process.terminate()
        self.process.wait(timeout=30)
        self.folder.cleanup()

    def device(self, name="bench", username="office") -> "Device":
        session = requests.Session()
        response = session.post(self.url + "/api/v1/auth/login", json={"username": username, "password": PASSWORD, "device_name": name})
        response.raise_for_status()
        session.headers["Authorization"] = f"Bearer {response.json()['token']}"
        return Device(self.url, session)

    def worker_cpu_seconds(self) -> float:
        """CPU time (user + system) the gunicorn workers have used so far, from /proc."""
        children = subprocess.run(["pgrep", "-P", str(self.process.pid)], capture_output=True, text=True).stdout.split()
        ticks = 0
        for pid in children:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            ticks += int(fields[11]) + int(fields[12])  # utime, stime
        return ticks / os.sysconf("SC_CLK_TCK")

    def database_cpu_seconds(self) -> float:
        """CPU time PostgreSQL's processes have used so far (ended ones count in their parent's); 0 for SQLite."""
        if self.database != "PostgreSQL":
            return 0.0
        ticks = 0
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                text = stat.read_text()
            except OSError:  # the process ended meanwhile
                continue
            name, fields = text[text.index("(") + 1 : text.rindex(")")], text.rsplit(")", 1)[1].split()
            if name.startswith("postgres"):
                ticks += sum(int(value) for value in fields[11:15])  # utime, stime, cutime, cstime
        return ticks / os.sysconf("SC_CLK_TCK")

    def worker_rss_mb(self) -> list[float]:
        """Resident memory of each gunicorn worker, from /proc."""
        children = subprocess.run(["pgrep", "-P", str(self.process.pid)], capture_output=True, text=True).stdout.split()
        sizes = []
        for pid in children:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    sizes.append(int(line.split()[1]) / 1024)
        return sizes


class Device:
    def __init__(self, url, session):
        self.url, self.session = url, session

    def push(self, mutations):
        response = self.session.post(self.url + "/api/v1/sync/push", json={"sent_at": now_iso(), "mutations": mutations})
        response.raise_for_status()
        results = response.json()["results"]
        bad = [r for r in results if r["status"] not in ("applied", "duplicate")]
        if bad:
            raise RuntimeError(f"refused: {bad[:2]}")
        return results

    def pull_all(self, cursor=None, limit=1000):
        records = 0
        while True:
            params = {"limit": limit}
            if cursor:
                params["since"] = cursor
            response = self.session.get(self.url + "/api/v1/sync/pull", params=params)
            response.raise_for_status()
            page = response.json()
            records += len(page["changes"])
            cursor = page["cursor"]
            if not page["has_more"]:
                return records, cursor


def reference_mutations():
    """A site and a checklist template, as an estate has them."""
    site, template = str(uuid.uuid4()), str(uuid.uuid4())
    items = [{"key": f"item{i}", "label": f"Checklist item {i} of the fire facilities round", "kind": "pass_fail"} for i in range(12)]
    return (
        site,
        template,
        [
            {
                "mid": str(uuid.uuid4()),
                "type": "site",
                "id": site,
                "op": "upsert",
                "base_version": None,
                "edited_at": now_iso(),
                "fields": {"name": "Bench Estate"},
            },
            {
                "mid": str(uuid.uuid4()),
                "type": "template",
                "id": template,
                "op": "upsert",
                "base_version": None,
                "edited_at": now_iso(),
                "fields": {"name": "Fire round", "category": "fire", "items": items},
            },
        ],
    )


def inspection_mutation(site, template, index):
    """A submitted inspection of about 1.2 KB of JSON: twelve answers, two with notes."""
    answers = {f"item{i}": {"value": "pass" if (i + index) % 7 else "fail", "note": None} for i in range(12)}
    answers["item3"]["note"] = "Gauge needle at the edge of the green zone, recheck next round"
    answers["item8"]["note"] = "Cabinet door sticks; lubricated hinge"
    return {
        "mid": str(uuid.uuid4()),
        "type": "inspection",
        "id": str(uuid.uuid4()),
        "op": "upsert",
        "base_version": None,
        "edited_at": now_iso(),
        "fields": {
            "template_id": template,
            "site_id": site,
            "status": "submitted",
            "started_at": now_iso(),
            "completed_at": now_iso(),
            "answers": answers,
            "score": 92,
            "location": {"lat": 22.2783, "lng": 114.1747, "accuracy": 8.5},
        },
    }
