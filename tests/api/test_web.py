"""How the server hands out the PWA: its files, the service worker and the headers."""

import gzip
import re

from server import create_app
from server.extensions import db


def test_the_app_shell_is_served_with_a_strict_content_security_policy(client):
    with client.get("/") as page:
        assert page.status_code == 200 and b'<script type="module" src="/app.js">' in page.data
        policy = page.headers["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "unsafe-inline" not in policy and "unsafe-eval" not in policy
        assert page.headers["X-Frame-Options"] == "DENY"


def test_the_service_worker_lists_the_shell_and_is_never_cached(client):
    worker = client.get("/sw.js")

    text = worker.get_data(as_text=True)
    assert worker.headers["Cache-Control"] == "no-cache"
    assert "__VERSION__" not in text and "__SHELL_FILES__" not in text
    for path in ("/", "/app.js", "/db.js", "/sync.js", "/features/inspection/inspection.js", "/styles.css", "/manifest.webmanifest"):
        assert f'"{path}"' in text


def test_a_new_release_gets_a_new_service_worker_version(app, monkeypatch):
    def version(app):
        try:
            return re.search(r'const VERSION = "(\w+)"', app.test_client().get("/sw.js").get_data(as_text=True)).group(1)
        finally:
            with app.app_context():
                db.engine.dispose()

    before = version(create_app())
    monkeypatch.setenv("APP_VERSION_SALT", "next")
    after = version(create_app())

    assert before != after


def test_only_app_files_are_served_and_never_from_outside_the_app_folder(client):
    for path, status in (("/app.js", 200), ("/../pyproject.toml", 404), ("/server/__init__.py", 404), ("/features/../../server/models.py", 404)):
        with client.get(path) as response:
            assert response.status_code == status, path


def test_the_index_preloads_every_module_so_a_first_load_is_one_round_of_requests(client):
    from server.web import PWA_FOLDER

    with client.get("/") as page:
        html = page.get_data(as_text=True)
    # A vendored library (pwa/vendor/) is loaded only by the screen that needs it (server/web.py shell_files).
    modules = {"/" + path.relative_to(PWA_FOLDER).as_posix() for path in PWA_FOLDER.rglob("*.js") if "vendor" not in path.parts} - {
        "/sw.js",
        "/app.js",
    }
    preloaded = set(re.findall(r'<link rel="modulepreload" href="([^"]+)">', html))
    assert preloaded == modules


def shell_file_bytes(url: str) -> bytes:
    from server.web import PWA_FOLDER

    return (PWA_FOLDER / ("index.html" if url == "/" else url.lstrip("/"))).read_bytes()


def test_the_shell_goes_gzipped_to_a_browser_that_takes_it_and_weighs_under_100_kb(client):
    from server.web import shell_files

    sent = 0
    for url in shell_files():
        with client.get(url, headers={"Accept-Encoding": "gzip, deflate, br"}) as response:
            assert response.status_code == 200, url
            sent += len(response.data)
            if url.endswith(".png"):
                assert "Content-Encoding" not in response.headers and response.data == shell_file_bytes(url)
            else:
                assert response.headers["Content-Encoding"] == "gzip" and "Accept-Encoding" in response.headers["Vary"], url
                assert gzip.decompress(response.data) == shell_file_bytes(url), url
    assert sent <= 100 * 1024


def test_a_browser_without_gzip_gets_the_plain_files(client):
    for url in ("/", "/app.js", "/i18n/zh.json", "/styles.css"):
        with client.get(url) as response:
            assert "Content-Encoding" not in response.headers and response.data == shell_file_bytes(url), url


def test_a_phone_revalidates_each_file_with_a_304_and_sees_a_change_at_once(client, tmp_path, monkeypatch):
    import server.web

    for url in ("/", "/app.js", "/sw.js"):
        for encoding in ("gzip", "identity"):
            first = client.get(url, headers={"Accept-Encoding": encoding})
            assert first.headers["Cache-Control"] == "no-cache" and first.headers["ETag"], url
            again = client.get(url, headers={"Accept-Encoding": encoding, "If-None-Match": first.headers["ETag"]})
            assert again.status_code == 304 and again.data == b"", (url, encoding)

    (tmp_path / "app.js").write_text("export const first = 1;\n")
    monkeypatch.setattr(server.web, "PWA_FOLDER", tmp_path)
    before = client.get("/app.js", headers={"Accept-Encoding": "gzip"})
    (tmp_path / "app.js").write_text("export const second = 2; // a new release\n")
    after = client.get("/app.js", headers={"Accept-Encoding": "gzip", "If-None-Match": before.headers["ETag"]})
    assert after.status_code == 200 and b"second" in gzip.decompress(after.data)
