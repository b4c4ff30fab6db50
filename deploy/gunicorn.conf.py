"""gunicorn's settings for Estate Patrol: `gunicorn -c deploy/gunicorn.conf.py 'server:create_app()'`.

Threaded workers, so a phone on a weak signal that sends slowly holds one
thread of `workers * threads`, never a whole worker (issue #18 saw six
slow-header sockets stall the plain `--workers 4` setup for 31.7 s).
tests/api/test_slow_clients.py holds this file to six slow-header sockets
beside normal requests, and to an over-long URL reaching the server's JSON
414. More slow sockets than threads would still queue requests: on the open
internet put a buffering reverse proxy (nginx's default) in front as well.
"""

import os

bind = os.environ.get("BIND", "127.0.0.1:8000")  # the TLS proxy in front reaches it; phones never do directly
workers = int(os.environ.get("WEB_CONCURRENCY", "4"))
worker_class = "gthread"
threads = int(os.environ.get("THREADS", "8"))  # requests a worker serves at once
timeout = 60  # a worker silent this long is restarted (a request, not a connection, keeps it busy)
keepalive = 5  # seconds an idle kept-alive connection may wait for its next request
# gunicorn's largest request line, so an over-long URL reaches the server's own check (JSON 414 at 4,096 bytes).
limit_request_line = 8190
