"""A real server killed with SIGKILL during photo uploads never claims a photo it cannot serve (issue #18, 1).

Each step of an upload is tried once (the server kills itself there when
UPLOAD_CRASH_AT names it), then a few kills at random moments of a run of
uploads. After each kill the whole server is killed and started again on the
same database and blob folder, and then:

- whatever HEAD reports complete, GET serves, byte for byte;
- the phone's way of uploading (pwa/sync.js `uploadOne`: HEAD, PATCH from the
  offset, then HEAD again before it stops sending) ends with every photo
  stored, so a photo the phone dropped is a photo the server has.

UPLOAD_CRASH_ROUNDS sets how many random kills (default 2, CI's smoke mode);
`UPLOAD_CRASH_ROUNDS=50 pytest tests/api/test_upload_crash.py` is the long run.
"""

import io
import os
import random
import threading
import time

import pytest
import requests
from PIL import Image

from tests.conftest import TEST_DATABASE_URL
from tests.helpers import sha
from tests.live import LiveServer

CHUNK = 32 * 1024
STEPS = ("chunk-written", "chunk-received", "files-written", "committed")
RANDOM_ROUNDS = int(os.environ.get("UPLOAD_CRASH_ROUNDS", "2"))


def photo(seed: int) -> bytes:
    """A JPEG of a few chunks that compresses badly, so it is really sent in pieces."""
    rng = random.Random(seed)
    image = Image.frombytes("RGB", (300, 300), rng.randbytes(300 * 300 * 3))
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=95)
    assert len(out.getvalue()) > 2 * CHUNK
    return out.getvalue()


class Phone:
    """The PWA's upload loop over HTTP: resume from HEAD's offset, and drop a photo only once HEAD confirms it stored."""

    def __init__(self, url: str, token: str):
        self.url = url
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"Bearer {token}"

    def blob_url(self, data: bytes) -> str:
        return f"{self.url}/api/v1/blobs/{sha(data)}"

    def head(self, data: bytes):
        return self.session.head(self.blob_url(data), timeout=30)

    def stored(self, data: bytes) -> bool:
        head = self.head(data)
        return head.status_code == 200 and head.headers["Upload-Offset"] == head.headers["Upload-Length"] == str(len(data))

    def upload(self, data: bytes) -> bool:
        """True once the server confirmed the photo (the phone would mark it uploaded); raises if the server dies."""
        head = self.head(data)
        offset = int(head.headers["Upload-Offset"]) if head.status_code == 200 else 0
        if head.status_code == 200 and offset == len(data):
            return True
        while offset < len(data):
            response = self.session.patch(
                self.blob_url(data),
                data=data[offset : offset + CHUNK],
                headers={"Content-Type": "image/jpeg", "Upload-Offset": str(offset), "Upload-Length": str(len(data))},
                timeout=30,
            )
            if response.status_code == 409:
                offset = int(response.headers["Upload-Offset"])
                continue
            assert response.status_code == 204, response.text
            offset = int(response.headers["Upload-Offset"])
        return self.stored(data)


def check_every_claim(phone: Phone, photos: list[bytes]) -> int:
    """Each photo HEAD reports complete is served whole; how many were."""
    complete = 0
    for data in photos:
        if phone.stored(data):
            served = phone.session.get(phone.blob_url(data), timeout=30)
            assert served.status_code == 200, f"HEAD says {sha(data)[:8]} is complete, GET answers {served.status_code}"
            assert served.content == data
            complete += 1
    return complete


@pytest.fixture
def server(tmp_path):
    if TEST_DATABASE_URL:
        from tests.conftest import empty_postgres

        empty_postgres()
    live = LiveServer(tmp_path / "instance", TEST_DATABASE_URL, workers=1)
    live.create_user("inspector", "inspector")
    yield live
    if live.process and live.process.poll() is None:
        live.kill()


def restart(server: LiveServer, crash_at: str | None = None) -> None:
    """Start the server again on the same database and blob folder, to die at `crash_at` (step:sha256) if given."""
    server.env.pop("UPLOAD_CRASH_AT", None)
    if crash_at:
        server.env["UPLOAD_CRASH_AT"] = crash_at
    server.start()


def test_a_kill_at_each_step_of_an_upload_leaves_a_photo_served_or_sent_again(server):
    """Each start dies at one step of one photo's upload; the next start checks that photo and sends it again."""
    restart(server)
    phone = Phone(server.url, server.login("inspector").login_body["token"])
    server.kill()

    def check_and_send_again(killed: bytes) -> None:
        check_every_claim(phone, [killed])
        assert phone.upload(killed), "a photo whose upload was killed could not be sent again"
        assert check_every_claim(phone, [killed]) == 1

    killed = None
    for number, step in enumerate(STEPS):
        data = photo(number)
        restart(server, crash_at=f"{step}:{sha(data)}")
        if killed:
            check_and_send_again(killed)
        with pytest.raises(requests.ConnectionError):
            phone.upload(data)  # the worker dies at the step
        server.kill()
        killed = data
    restart(server)
    check_and_send_again(killed)
    server.kill()


def test_kills_at_random_moments_never_leave_a_claim_the_server_cannot_serve(server):
    """A phone keeps uploading; the server is killed at a random moment, and started again, round after round."""
    restart(server)
    phone = Phone(server.url, server.login("inspector").login_body["token"])
    rng = random.Random(18)
    photos: list[bytes] = []
    confirmed: set[str] = set()
    for round_number in range(RANDOM_ROUNDS):
        photos += [photo(100 + 4 * round_number + number) for number in range(4)]

        def send_all(photos=tuple(photos)):
            for data in photos:
                try:
                    if phone.upload(data):
                        confirmed.add(sha(data))  # the phone would stop sending it now
                except requests.RequestException:
                    return

        sender = threading.Thread(target=send_all)
        sender.start()
        time.sleep(rng.uniform(0.02, 0.4))
        server.kill()
        sender.join()

        restart(server)
        check_every_claim(phone, photos)
        assert all(phone.stored(data) for data in photos if sha(data) in confirmed), "a photo the phone dropped is gone"

    assert all(phone.upload(data) for data in photos)
    assert check_every_claim(phone, photos) == len(photos)
    server.kill()
