"""The job runner for time-driven work: Huey, on SQLite in the instance folder by default, on Redis with REDIS_URL.

Huey is an established task queue that needs no service of its own on the
embedded default (SqliteHuey keeps its queue in `instance/jobs.sqlite3`) and
scales out on Redis (RedisHuey) when several hosts run the app. Its periodic
tasks:

    rounds_missed    every minute: mark the rounds whose grace is over missed, raise their alerts (server/services/rounds.py)
    rounds_plan      every hour: plan every schedule's rounds up to the horizon (a written schedule is planned at once)
    expire_uploads   every hour: remove photo uploads no device resumed (server/services/blobs.py)

Planning is hourly because a horizon of days moves by a day a day, and it
reads every schedule (2,000 of them take seconds, bench/rounds.py); marking
the missed reads only the rounds whose deadline has come, by an index.

`flask --app server run-jobs` runs a consumer; `flask --app server serve`
runs the server and a consumer in one process (the README's run command).
Running a task twice, or on two hosts, changes nothing the second time.
"""

import os
import signal
from functools import cache
from pathlib import Path

from huey import RedisHuey, SqliteHuey, crontab


def instance_folder() -> Path:
    return Path(os.environ.get("INSTANCE_PATH") or Path(__file__).resolve().parent.parent / "instance")


def make_huey():
    if os.environ.get("REDIS_URL"):
        # HUEY_NAME keeps the queues of several estates (or test runs) on one Redis apart.
        return RedisHuey(os.environ.get("HUEY_NAME", "estate-patrol"), url=os.environ["REDIS_URL"])
    instance_folder().mkdir(parents=True, exist_ok=True)
    return SqliteHuey("estate-patrol", filename=str(instance_folder() / "jobs.sqlite3"))


huey = make_huey()


@cache
def app():
    """The Flask app a consumer process runs its tasks in (one per process)."""
    from server import create_app

    return create_app()


def in_app(work):
    from server.extensions import db

    with app().app_context():
        result = work()
        db.session.commit()
        return result


@huey.periodic_task(crontab(minute="*"), retries=2, retry_delay=10)
def rounds_missed():
    from server.services.rounds import mark_missed

    return in_app(mark_missed)


@huey.periodic_task(crontab(minute="3"), retries=2, retry_delay=60)
def rounds_plan():
    from server.services.rounds import plan_all

    return in_app(plan_all)


@huey.periodic_task(crontab(minute="7"), retries=2, retry_delay=60)
def expire_uploads():
    from server.services.blobs import expire_partial_uploads

    return in_app(expire_partial_uploads)


def start_consumer(workers: int = 1):
    """A consumer in this process's threads, with the periodic scheduler: for `serve`.

    Huey's consumer takes over the process's signals for its own run loop, which `serve` does not run; the
    web server keeps them instead, so Ctrl-C and SIGTERM stop the process (and then the consumer, gracefully).
    """
    signals = [signal.SIGINT, signal.SIGTERM] + ([signal.SIGHUP] if hasattr(signal, "SIGHUP") else [])
    saved = {signum: signal.getsignal(signum) for signum in signals}
    consumer = huey.create_consumer(workers=workers, worker_type="thread", periodic=True, check_worker_health=False)
    consumer.start()
    for signum, handler in saved.items():
        signal.signal(signum, handler)
    signal.signal(signal.SIGTERM, stop_on_sigterm)
    return consumer


def stop_on_sigterm(signum, frame):
    raise SystemExit(0)  # unwinds the web server, so `serve` stops its consumer on the way out
