"""Run the server in gunicorn for tests that need real HTTP and several workers."""

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests

from tests.helpers import apply_changes, now_iso

PASSWORD = "correct horse battery"
WORKERS = 4


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_serving(url: str, process: subprocess.Popen, seconds: float = 60) -> None:
    """Until the server started as `process` answers at `url`; its error output if it dies first."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if requests.get(f"{url}/api/v1/openapi.json", timeout=2).status_code == 200:
                return
        except requests.RequestException:
            time.sleep(0.2)
        if process.poll() is not None:
            raise RuntimeError(process.stderr.read().decode() if process.stderr else "the server stopped")
    raise RuntimeError("the server did not start in time")


class LiveServer:
    def __init__(self, instance_path: Path, database_url: str | None, workers: int = WORKERS, config: Path | None = None):
        self.workers = workers
        self.config = config  # a gunicorn config file (deploy/gunicorn.conf.py); the command line still sets workers and bind
        self.env = {**os.environ, "INSTANCE_PATH": str(instance_path), "PASSWORD_HASH_PROFILE": "CHEAPEST"}
        if database_url:
            self.env["DATABASE_URL"] = database_url
        else:
            self.env.pop("DATABASE_URL", None)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = None

    def flask(self, *args: str) -> str:
        done = subprocess.run([sys.executable, "-m", "flask", "--app", "server", *args], env=self.env, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        return done.stdout

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                *(["--config", str(self.config)] if self.config else []),
                "--workers",
                str(self.workers),
                "--bind",
                f"127.0.0.1:{self.port}",
                "--log-level",
                "warning",
                "server:create_app()",
            ],
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            start_new_session=True,  # its own process group, so `kill` reaches the workers too
        )
        wait_until_serving(self.url, self.process)

    def stop(self) -> None:
        self.process.terminate()
        try:
            _, errors = self.process.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            _, errors = self.process.communicate()
        self.errors = errors.decode()

    def kill(self) -> None:
        """SIGKILL the master and every worker at once, as a power cut or the OOM killer would."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.communicate()

    def create_user(self, username: str, role: str, *extra: str) -> None:
        self.flask("create-user", username, "--role", role, "--password", PASSWORD, *extra)

    def login(self, username: str, device_name: str = "phone", password: str = PASSWORD) -> "HttpDevice":
        response = requests.post(
            f"{self.url}/api/v1/auth/login", timeout=30, json={"username": username, "password": password, "device_name": device_name}
        )
        assert response.status_code == 200, response.text
        return HttpDevice(self.url, response.json())


class HttpDevice:
    """A device talking to the server over HTTP with requests, as a phone would."""

    def __init__(self, url: str, login_body: dict):
        self.url = url
        self.login_body = login_body
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"Bearer {login_body['token']}"
        self.user = login_body["user"]
        self.cursor = None
        self.pulls = 0
        self.records: dict[str, dict] = {}

    def push(self, mutations: list[dict]) -> list[dict]:
        response = self.session.post(f"{self.url}/api/v1/sync/push", json={"sent_at": now_iso(), "mutations": mutations}, timeout=60)
        assert response.status_code == 200, response.text
        return response.json()["results"]

    def sync_down(self, limit: int | None = None) -> dict[str, dict]:
        while True:
            params = {"since": self.cursor} if self.cursor else {}
            if limit:
                params["limit"] = limit
            response = self.session.get(f"{self.url}/api/v1/sync/pull", params=params, timeout=60)
            assert response.status_code == 200, response.text
            page = response.json()
            self.pulls += 1
            apply_changes(self.records, page["changes"])
            self.cursor = page["cursor"]
            if not page["has_more"]:
                return self.records
