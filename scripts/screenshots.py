"""Screenshots of the main phone screens at 360 x 640, and of the office's at 1280 px, for the README.

Run against a server with the demo estate (the README's run command):
    .venv/bin/python scripts/screenshots.py [http://127.0.0.1:5000]
It writes docs/screenshots/*.png. Chinese text needs a CJK font (Debian: fonts-wqy-zenhei).
"""

import io
import sys
import tempfile
from pathlib import Path

from PIL import Image
from playwright.sync_api import expect, sync_playwright

URL = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:5000"
OUT = Path(__file__).resolve().parent.parent / "docs" / "screenshots"
ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def photo(path: Path) -> Path:
    image = Image.new("RGB", (1200, 900), (150, 40, 40))
    out = io.BytesIO()
    image.save(out, format="JPEG")
    path.write_bytes(out.getvalue())
    return path


def logged_in(page) -> None:
    """Wait for the first sync, then close the once-said storage notice: the pictures show the work."""
    expect(page.locator("#sync-status[data-state=synced]")).to_be_visible(timeout=20_000)
    page.wait_for_timeout(300)
    if page.locator("#banner").is_visible():
        page.click("#banner button")


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright, tempfile.TemporaryDirectory() as temp:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        for locale, suffix in (("en-GB", "en"), ("zh-CN", "zh")):
            page = browser.new_context(locale=locale, viewport={"width": 360, "height": 640}).new_page()
            page.goto(URL + "/")
            page.wait_for_selector("#username")
            page.screenshot(path=OUT / f"login-{suffix}.png")
            page.fill("#username", "inspector")
            page.fill("#password", "demo-patrol")
            page.click("form button[type=submit]")
            logged_in(page)
            page.screenshot(path=OUT / f"checkpoints-{suffix}.png")
            page.fill("#checkpoint-search", "EX-B-B1")
            page.click("#checkpoint-list a")
            page.click(".stack button.primary")
            page.wait_for_selector("#item-extinguisher_pressure")
            page.fill("#value-extinguisher_pressure", "0.8")
            page.click("label[for='extinguisher_seal-pass']")
            page.set_input_files("#photo-extinguisher_pressure", str(photo(Path(temp) / "gauge.jpg")))
            page.wait_for_selector("#item-extinguisher_pressure .photo-row img")
            page.context.set_offline(True)
            page.wait_for_timeout(600)
            page.evaluate("scrollTo(0, 0)")
            page.screenshot(path=OUT / f"inspection-{suffix}.png")
            page.click("#item-extinguisher_pressure .finding-link")
            page.wait_for_selector("#finding-title")
            page.evaluate("scrollTo(0, 0)")
            page.screenshot(path=OUT / f"finding-{suffix}.png")
            page.click("a[href='#/sync']")
            page.wait_for_timeout(300)
            page.screenshot(path=OUT / f"sync-{suffix}.png")
            page.context.close()
            page = browser.new_context(locale=locale, viewport={"width": 360, "height": 640}).new_page()
            page.goto(URL + "/")
            page.fill("#username", "fireco")
            page.fill("#password", "demo-patrol")
            page.click("form button[type=submit]")
            logged_in(page)
            page.screenshot(path=OUT / f"jobs-{suffix}.png")
            page.click(".job-list li a")
            page.wait_for_selector("#job-status")
            page.wait_for_timeout(500)
            page.screenshot(path=OUT / f"job-{suffix}.png")
            page.context.close()
        office_screens(browser)
        browser.close()
    print(f"wrote {len(list(OUT.glob('*.png')))} screenshots to {OUT}")


def office_screens(browser) -> None:
    page = browser.new_context(locale="en-GB", viewport={"width": 1280, "height": 800}).new_page()
    page.goto(URL + "/")
    page.fill("#username", "office")
    page.fill("#password", "demo-patrol")
    page.click("form button[type=submit]")
    page.wait_for_selector("#desk-list li")
    logged_in(page)
    page.screenshot(path=OUT / "desk-en.png")
    page.select_option("#filter-status", "fixed")
    page.click("#desk-list a")
    page.wait_for_selector("#desk-status")
    page.wait_for_timeout(500)
    page.screenshot(path=OUT / "desk-finding-en.png")
    page.goto(URL + "/#/review")
    page.click("#review-list a")
    page.wait_for_selector("#accept-inspection")
    page.screenshot(path=OUT / "review-en.png")
    page.goto(URL + "/#/labels")
    page.wait_for_selector("#label-sheet img[src]")
    page.wait_for_timeout(1000)
    page.screenshot(path=OUT / "labels-en.png")
    page.context.close()


if __name__ == "__main__":
    main()
