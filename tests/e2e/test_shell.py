"""The app shell over the wire, as Chromium fetches it from the server the README runs: no proxy in between."""

import time

from tests.e2e.conftest import PHONE

SHELL_BUDGET = 100 * 1024


def test_a_first_load_with_the_service_worker_installed_downloads_under_100_kb(browser, demo_server):
    context = browser.new_context(**PHONE)
    bodies = []
    context.on("requestfinished", lambda request: bodies.append((request.sizes()["responseBodySize"], bool(request.service_worker))))
    page = context.new_page()
    page.goto(demo_server.url + "/")
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")  # installed: the whole shell is in its cache
    time.sleep(0.5)  # the last answers' events arrive a moment after
    context.close()

    by_page = sum(size for size, worker in bodies if not worker)
    by_worker = sum(size for size, worker in bodies if worker)
    assert any(worker for _, worker in bodies), "the service worker fetched the shell"
    assert by_page + by_worker <= SHELL_BUDGET, f"page {by_page} B + service worker {by_worker} B"
    # The worker revalidates what the page has just loaded (bodiless 304s) instead of downloading it again.
    assert by_worker < by_page / 4, f"page {by_page} B, service worker {by_worker} B"
