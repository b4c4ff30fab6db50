"""The job runner (server/jobs.py, Huey): `serve` runs it in the server's own process on SQLite; `run-jobs` on Redis.

Each test queues the rounds' planning from another process, as the
periodic scheduler does every hour, and waits for what it does: rounds planned in
the app's database. (Huey keeps no result of a periodic task.)
"""

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import redis
import sqlalchemy

from tests.conftest import TEST_DATABASE_URL, empty_postgres
from tests.live import free_port, wait_until_serving

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
QUEUE_THE_PLAN = "from server.jobs import rounds_plan; rounds_plan()"


def environment(instance_path, **extra):
    env = {**os.environ, "INSTANCE_PATH": str(instance_path), "PASSWORD_HASH_PROFILE": "CHEAPEST", **extra}
    env.pop("DATABASE_URL", None)
    if TEST_DATABASE_URL:
        env["DATABASE_URL"] = TEST_DATABASE_URL
    return env


def flask(env, *args):
    return subprocess.run([sys.executable, "-m", "flask", "--app", "server", *args], env=env, capture_output=True, text=True, timeout=120)


def database(env):
    return sqlalchemy.create_engine(env.get("DATABASE_URL") or f"sqlite:///{Path(env['INSTANCE_PATH']) / 'estate-patrol.sqlite3'}")


def rounds_planned_by_the_consumer(env) -> int:
    """Forget the pack's rounds behind the server's back, queue their planning, and count the rounds the consumer makes again."""
    engine = database(env)
    with engine.begin() as connection:
        connection.execute(sqlalchemy.text("DELETE FROM round_deadlines"))
        connection.execute(sqlalchemy.text("DELETE FROM records WHERE type = 'round'"))
    done = subprocess.run([sys.executable, "-c", QUEUE_THE_PLAN], env=env, capture_output=True, text=True, timeout=90)
    assert done.returncode == 0, done.stderr
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        with engine.connect() as connection:
            planned = connection.execute(sqlalchemy.text("SELECT count(*) FROM records WHERE type = 'round'")).scalar()
        if planned:
            engine.dispose()
            return planned
        time.sleep(0.5)
    engine.dispose()
    return 0


@pytest.fixture
def with_pack(instance_path):
    if TEST_DATABASE_URL:
        empty_postgres()

    def make(**extra):
        env = environment(instance_path, **extra)
        assert flask(env, "install-pack", "hv-room").returncode == 0
        return env

    return make


def test_serve_runs_the_server_and_the_job_runner_in_one_process(with_pack):
    env = with_pack()
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "server", "serve", "--port", str(port)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    try:
        wait_until_serving(f"http://127.0.0.1:{port}", server)
        assert rounds_planned_by_the_consumer(env) > 2 * 13  # the HV patrol's two a day, made again by serve's own consumer
    finally:
        server.terminate()
        server.communicate(timeout=30)


def test_run_jobs_consumes_from_redis_when_redis_url_is_set(with_pack):
    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except redis.ConnectionError:
        pytest.fail(f"Redis is needed at {REDIS_URL} (it runs on our machines)")
    env = with_pack(REDIS_URL=REDIS_URL, HUEY_NAME=f"estate-patrol-test-{uuid.uuid4().hex[:8]}")
    consumer = subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "server", "run-jobs"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    try:
        assert rounds_planned_by_the_consumer(env) > 2 * 13
    finally:
        consumer.terminate()
        consumer.communicate(timeout=30)
