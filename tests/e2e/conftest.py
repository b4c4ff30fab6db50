"""Browser tests: the PWA in headless Chromium (Debian's), against the server in gunicorn.

"Offline" here is real: the browser context is set offline and the server
process is stopped, so nothing can reach it, the service worker included.
"""

import io
import os
import random
import time

import pytest
import segno
from PIL import Image
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect, sync_playwright

from tests.conftest import TEST_DATABASE_URL, empty_postgres
from tests.live import LiveServer

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
DEMO_PASSWORD = "demo-patrol"
PHONE = {"viewport": {"width": 360, "height": 640}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def demo_server(instance_path):
    """The server with the demo estate, as the README runs it, but in gunicorn."""
    if TEST_DATABASE_URL:
        empty_postgres()
    server = LiveServer(instance_path, TEST_DATABASE_URL)
    server.flask("seed-demo")
    server.start()
    yield server
    server.stop()


@pytest.fixture
def phone(browser):
    """A fresh phone: its own storage, English unless a test asks otherwise."""
    contexts = []

    def open_phone(locale="en-GB"):
        context = browser.new_context(locale=locale, **PHONE)
        contexts.append(context)
        page = context.new_page()
        page.errors = []
        page.on("pageerror", lambda error: page.errors.append(str(error)))
        return page

    yield open_phone
    for context in contexts:
        context.close()


# What each demo user's home screen shows once it is drawn; an inspector's (inspector, inspector2) is their rounds.
DEMO_HOMES = {"office": "#desk-list li", "admin": "#desk-list li", "fireco": ".job-list li", "greenco": ".job-list li"}
INSPECTOR_HOME = "#rounds-title"


def log_in(page, server, username="inspector", home=None):
    home = home or DEMO_HOMES.get(username, INSPECTOR_HOME)
    page.goto(server.url + "/")
    page.fill("#username", username)
    page.fill("#password", DEMO_PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_selector(home)
    # The service worker is active: from here on the app starts offline.
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    expect_synced(page)


def open_checkpoints(page):
    """The inspector's Checkpoints screen, from the bottom bar (their home is their rounds)."""
    page.click("a[href='#/checkpoints']")
    page.wait_for_selector("#checkpoint-list li")


def expect_synced(page):
    """Nothing waits on the phone and the status line says so (it redraws a moment after a change, so ask the outbox first)."""
    wait_until(page, "import('/db.js').then((db) => db.outboxEntries()).then((entries) => entries.length === 0)")
    expect(page.locator("#sync-status[data-state=synced]")).to_be_visible(timeout=20_000)


def wait_until(page, expression, timeout=20.0):
    """Poll a JS expression from outside; wait_for_function would need 'unsafe-eval', which our CSP forbids."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if page.evaluate(expression):
                return
        except PlaywrightError:  # the page navigated under the call; ask again
            pass
        time.sleep(0.1)
    raise AssertionError(f"still false after {timeout}s: {expression}")


def go_offline(page, server):
    page.context.set_offline(True)
    server.stop()


def go_online(page, server):
    server.start()
    page.context.set_offline(False)


def status_text(page) -> str:
    return page.inner_text("#sync-status")


def photo_file(tmp_path, name="photo.jpg", size=(2000, 1500), noisy=False):
    """A camera-sized JPEG; noisy ones do not compress, so they take several upload chunks."""
    if noisy:
        image = Image.frombytes("RGB", size, random.Random(7).randbytes(size[0] * size[1] * 3))
    else:
        image = Image.new("RGB", size, (200, 30, 30))
    path = tmp_path / name
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=92)
    path.write_bytes(out.getvalue())
    return path


CAMERA_FRAME = (640, 480)


def qr_video(path, text):
    """A few seconds of Chromium's fake camera (YUV4MPEG2, 4:2:0): a QR label of `text` on white."""
    width, height = CAMERA_FRAME
    matrix = segno.make_qr(text).matrix
    modules = len(matrix) + 8  # the quiet zone
    size = min(width, height) * 3 // 4 // modules
    left, top = (width - modules * size) // 2, (height - modules * size) // 2
    luma = bytearray(b"\xff" * width * height)
    for row, cells in enumerate(matrix):
        for column, dark in enumerate(cells):
            if dark:
                for y in range(top + (row + 4) * size, top + (row + 5) * size):
                    start = y * width + left + (column + 4) * size
                    luma[start : start + size] = b"\x00" * size
    chroma = b"\x80" * (width * height // 2)
    frames = b"".join(b"FRAME\n" + bytes(luma) + chroma for _ in range(10))
    path.write_bytes(f"YUV4MPEG2 W{width} H{height} F10:1 Ip A1:1 C420jpeg\n".encode() + frames)
    return path


@pytest.fixture
def browser_with_a_camera_on_hv01(browser, tmp_path):
    """A second Chromium (from the session's Playwright) whose camera shows the HV-01 label and is allowed without asking."""
    video = qr_video(tmp_path / "hv01.y4m", "HV-01")
    args = [*CHROMIUM_ARGS, "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream", f"--use-file-for-fake-video-capture={video}"]
    camera_browser = browser.browser_type.launch(executable_path=CHROMIUM, args=args)
    yield camera_browser
    camera_browser.close()
