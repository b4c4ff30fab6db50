"""The JSON API under /api/v1: one module per area, each its own blueprint (an ApiBlueprint: one transaction a request)."""

import os

from flask import Flask, request

from server.api import auth, blobs, conflicts, devices, exports, labels, openapi, rounds, sync
from server.errors import NulCharacter, UriTooLong
from server.services import accounts
from server.services import blobs as blob_service


def register_api(app: Flask) -> None:
    # The device idle limit: the environment, else the instance config; a bad value stops the start, not each request.
    setting = os.environ.get("DEVICE_IDLE_DAYS") or app.config.get("DEVICE_IDLE_DAYS")
    app.config["DEVICE_IDLE_DAYS"] = accounts.idle_days_setting(setting)
    app.config.update(blob_service.read_settings(app.config, os.environ))
    if os.environ.get("UPLOAD_CRASH_AT"):  # tests/api/test_upload_crash.py only: where an upload dies
        app.config["UPLOAD_CRASH_AT"] = os.environ["UPLOAD_CRASH_AT"]
    app.before_request(check_url)
    for module in (auth, devices, sync, conflicts, blobs, labels, rounds, exports, openapi):
        app.register_blueprint(module.bp, url_prefix="/api/v1")


MAX_URL_BYTES = 4096  # gunicorn's own request-line limit is raised above it (deploy/gunicorn.conf.py), so this one answers


def check_url() -> None:
    """Refuse, as JSON, an API URL no call needs: longer than MAX_URL_BYTES, or with a NUL anywhere in it."""
    if not request.path.startswith("/api/"):
        return
    if max(len(request.environ.get("RAW_URI", "")), len(request.full_path)) > MAX_URL_BYTES:
        raise UriTooLong(f"A URL is at most {MAX_URL_BYTES} bytes.")
    if "\x00" in request.path or any("\x00" in key or "\x00" in value for key, values in request.args.lists() for value in values):
        raise NulCharacter("The URL holds a NUL character.")
