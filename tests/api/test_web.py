"""How the server hands out the PWA: its files, the service worker and the headers."""

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
    modules = {"/" + path.relative_to(PWA_FOLDER).as_posix() for path in PWA_FOLDER.rglob("*.js")} - {"/sw.js", "/app.js"}
    preloaded = set(re.findall(r'<link rel="modulepreload" href="([^"]+)">', html))
    assert preloaded == modules
