"""What the server answers outside the API: the PWA's files, and security headers.

The app has no build step: its files are served as they are from `pwa/`.
Only `sw.js` is filled in when served, with the list of app-shell files and
a version hashed from their contents, so any change to any file installs a
new service worker (and a new cache) on the phones.

Text files go gzipped to a browser that accepts it, compressed once per
file version and kept in memory: the shell is a few dozen small files, so
this is simpler than Flask-Compress (which compresses a streamed file again
on every request) and needs no proxy a new user does not have. Every file is
`no-cache` with an ETag, so a phone revalidates each with a 304 and an update
reaches it on the next load.
"""

import gzip
import hashlib
import mimetypes
import os
from functools import lru_cache
from pathlib import Path

from flask import Flask, Response, abort, request, send_from_directory
from werkzeug.routing import PathConverter
from werkzeug.security import safe_join

PWA_FOLDER = Path(__file__).resolve().parent.parent / "pwa"
SHELL_SUFFIXES = {".html", ".js", ".json", ".css", ".webmanifest", ".png", ".svg"}
COMPRESSED_SUFFIXES = SHELL_SUFFIXES - {".png"}  # a PNG is compressed already

API_POLICY = "default-src 'none'; frame-ancestors 'none'"
PAGE_POLICY = (
    "default-src 'self'; img-src 'self' blob: data:; media-src 'self' blob:; style-src 'self'; "
    "script-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)


# The install icon: the browser fetches it itself, online, when the app is added to a home screen; no screen shows it.
INSTALL_ONLY = ("icon-512.png",)


def shell_files() -> list[str]:
    """The URL paths the service worker caches: every app file but the worker itself, the vendored libraries and the install icon.

    A vendored library (pwa/vendor/) is imported by the one screen that needs it and cached on first use,
    so the first load stays within its budget.
    """
    files = sorted(
        "/" + path.relative_to(PWA_FOLDER).as_posix()
        for path in PWA_FOLDER.rglob("*")
        if path.is_file()
        and path.suffix in SHELL_SUFFIXES
        and path.name not in ("sw.js", "index.html", *INSTALL_ONLY)
        and "vendor" not in path.relative_to(PWA_FOLDER).parts
    )
    return ["/", *files]


@lru_cache(maxsize=8)
def service_worker_source(salt: str) -> bytes:
    digest = hashlib.sha256(salt.encode())
    for path in sorted(PWA_FOLDER.rglob("*")):
        if path.is_file():
            digest.update(path.relative_to(PWA_FOLDER).as_posix().encode())
            digest.update(path.read_bytes())
    source = (PWA_FOLDER / "sw.js").read_text()
    files = ", ".join(f'"{name}"' for name in shell_files())
    return source.replace('"__VERSION__"', f'"{digest.hexdigest()[:12]}"').replace('"__SHELL_FILES__"', f"[{files}]").encode()


@lru_cache(maxsize=256)
def encodings(body: bytes) -> tuple[bytes, str, str]:
    """A file's gzip (mtime 0, so the same bytes give the same gzip on every host), its ETag, and the plain bytes' ETag: once per version."""
    packed = gzip.compress(body, 9, mtime=0)
    return packed, hashlib.sha256(packed).hexdigest()[:32], hashlib.sha256(body).hexdigest()[:32]


@lru_cache(maxsize=256)
def file_bytes(path: str, mtime_ns: int, size: int) -> bytes:
    """A file's bytes, read again only when it changes on disk."""
    with open(path, "rb") as file:
        return file.read()


def text_response(body: bytes, mimetype: str) -> Response:
    """A text file of the app: gzipped when the browser takes it, conditional on its ETag, revalidated on every load."""
    packed, packed_etag, plain_etag = encodings(body)
    if request.accept_encodings["gzip"]:
        response = Response(packed, mimetype=mimetype, headers={"Content-Encoding": "gzip"})
        response.set_etag(packed_etag)
    else:
        response = Response(body, mimetype=mimetype)
        response.set_etag(plain_etag)
    response.vary.add("Accept-Encoding")
    response.headers["Cache-Control"] = "no-cache"
    return response.make_conditional(request)


def send_app_file(filename: str) -> Response:
    if Path(filename).suffix not in COMPRESSED_SUFFIXES:
        response = send_from_directory(PWA_FOLDER, filename, max_age=0)
        response.headers["Cache-Control"] = "no-cache"
        return response
    path = safe_join(str(PWA_FOLDER), filename)
    if path is None or not os.path.isfile(path):
        abort(404)
    stat = os.stat(path)
    return text_response(file_bytes(path, stat.st_mtime_ns, stat.st_size), mimetypes.guess_type(filename)[0] or "application/octet-stream")


class AppFilePath(PathConverter):
    """A path outside /api/: the PWA's files. The API's paths never match it, so a known API path
    asked with the wrong method is Werkzeug's 405 (with Allow), not this route's 404."""

    regex = r"(?!api/)[^/].*?"


def register_web(app: Flask) -> None:
    app.url_map.converters["app_file"] = AppFilePath

    @app.after_request
    def security_headers(response):
        headers = response.headers
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", "no-referrer")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Permissions-Policy", "camera=(self), geolocation=(self), microphone=()")
        headers.setdefault("Content-Security-Policy", API_POLICY if request.path.startswith("/api/") else PAGE_POLICY)
        if request.path.startswith("/api/") and "Cache-Control" not in headers:
            headers["Cache-Control"] = "no-store"
        return response

    @app.get("/")
    def index():
        return send_app_file("index.html")

    @app.get("/sw.js")
    def service_worker():
        source = service_worker_source(app.config.get("APP_VERSION_SALT", ""))
        return text_response(source, "text/javascript")

    @app.get("/<app_file:filename>")
    def app_file(filename: str):
        if Path(filename).suffix not in SHELL_SUFFIXES:
            abort(404)
        return send_app_file(filename)
