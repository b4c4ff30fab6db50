"""The deployment the README names (deploy/gunicorn.conf.py, threaded workers) survives slow clients (issue #18, 5).

Six sockets trickle their headers a byte at a time, as a phone on one bar
(or someone meaning harm) would; a normal request meanwhile must be answered
at once, not after gunicorn's timeout.
"""

import socket
import threading
import time
from pathlib import Path

import pytest
import requests

from tests.conftest import TEST_DATABASE_URL
from tests.live import LiveServer

CONFIG = Path(__file__).parents[2] / "deploy" / "gunicorn.conf.py"
SLOW_SOCKETS = 6


@pytest.fixture
def server(tmp_path):
    if TEST_DATABASE_URL:
        from tests.conftest import empty_postgres

        empty_postgres()
    live = LiveServer(tmp_path / "instance", TEST_DATABASE_URL, workers=2, config=CONFIG)
    live.start()
    yield live
    live.kill()


def trickle(url: str, stop: threading.Event) -> None:
    host, port = url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port))) as sock:
        for byte in b"GET /api/v1/openapi.json HTTP/1.1\r\nHost: estate\r\nX-Slow: " + b"z" * 200:
            if stop.wait(0.25):
                return
            try:
                sock.send(bytes([byte]))
            except OSError:
                return


def test_six_slow_header_sockets_do_not_hold_up_a_normal_request(server):
    stop = threading.Event()
    slow = [threading.Thread(target=trickle, args=(server.url, stop)) for _ in range(SLOW_SOCKETS)]
    for thread in slow:
        thread.start()
    time.sleep(1.5)  # every slow socket has been accepted and is mid-headers

    started = time.monotonic()
    answers = [requests.get(f"{server.url}/api/v1/openapi.json", timeout=20).status_code for _ in range(4)]
    waited = time.monotonic() - started

    stop.set()
    for thread in slow:
        thread.join()
    assert answers == [200] * 4
    assert waited < 3, f"four requests took {waited:.1f} s beside {SLOW_SOCKETS} slow sockets"


def test_an_over_long_url_reaches_the_server_and_gets_the_json_414(server):
    response = requests.get(f"{server.url}/api/v1/conflicts", params={"record_id": "x" * 5000}, timeout=20)

    assert response.status_code == 414
    assert response.json()["error"]["code"] == "uri_too_long"
