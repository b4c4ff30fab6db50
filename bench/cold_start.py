"""Offline cold start: from opening the app with no network to a usable checklist, in headless Chromium.

    .venv/bin/python bench/cold_start.py            # 7 cold starts, median
    .venv/bin/python bench/cold_start.py --smoke    # 2 cold starts (CI)

An inspector logs in on a phone-sized Chromium (Debian's, through Playwright)
with its own profile folder, syncs the demo estate and opens an inspection at
a checkpoint; the browser is closed and the server stopped. Then, each time,
the browser is started again offline on that profile and the timer runs from
the navigation to the inspection's address until its checklist is on screen
and answers a tap: the app shell from the service worker's cache, the
records from IndexedDB. Browser process start-up is not counted.
"""

import argparse
import json
import os
import statistics
import tempfile
import time

from playwright.sync_api import sync_playwright

from common import Server, machine_line, python_speed_ms

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
PHONE = {"viewport": {"width": 360, "height": 640}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True, "locale": "en-GB"}
FIRST_ITEM = "#item-extinguisher_pressure"


def prepare(playwright, profile: str, url: str) -> str:
    """Log in, sync and open an inspection; the address of its checklist comes back."""
    context = playwright.chromium.launch_persistent_context(profile, executable_path=CHROMIUM, args=ARGS, **PHONE)
    page = context.pages[0] if context.pages else context.new_page()
    page.goto(url + "/")
    page.fill("#username", "inspector")
    page.fill("#password", "demo-patrol")
    page.click("form button[type=submit]")
    page.wait_for_selector("#sync-status[data-state=synced]", timeout=30_000)
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.click("a[href='#/checkpoints']")
    page.fill("#checkpoint-search", "HY-A-B1")
    page.click("#checkpoint-list a:has-text('HY-A-B1')")
    page.click("button:has-text('Start: Fire facilities')")
    page.wait_for_selector(FIRST_ITEM)
    address = page.url
    context.close()
    return address


def cold_start(playwright, profile: str, address: str) -> float:
    context = playwright.chromium.launch_persistent_context(profile, executable_path=CHROMIUM, args=ARGS, offline=True, **PHONE)
    page = context.pages[0] if context.pages else context.new_page()
    start = time.perf_counter()
    page.goto(address)
    page.click("label[for='extinguisher_seal-pass']")
    page.wait_for_selector("#extinguisher_seal-pass:checked")
    seconds = time.perf_counter() - start
    context.close()
    return seconds


def main():
    python_speed_ms()  # measured first, on a quiet machine; printed with the figures
    parser = argparse.ArgumentParser()
    parser.add_argument("--smoke", action="store_true")
    args = parser.parse_args()
    runs = 2 if args.smoke else 7
    with tempfile.TemporaryDirectory(prefix="ep-profile-") as profile, sync_playwright() as playwright:
        with Server(workers=1, demo=True) as server:
            address = prepare(playwright, profile, server.url)
        times = [cold_start(playwright, profile, address) for _ in range(runs)]
    print(f"{machine_line()}; headless Chromium at 360 x 640; server stopped; {runs} cold starts")
    print(f"{'figure':58} {'median s':>9} {'worst s':>9} {'target':>8}")
    print(f"{'offline cold start to a usable checklist':58} {statistics.median(times):9.3f} {max(times):9.3f} {'1.000':>8}")
    print(
        json.dumps(
            {
                "bench": "cold_start",
                "speed_ms": round(python_speed_ms(), 1),
                "runs": runs,
                "median_s": round(statistics.median(times), 4),
                "max_s": round(max(times), 4),
                "all_s": [round(t, 4) for t in times],
            }
        )
    )


if __name__ == "__main__":
    main()
