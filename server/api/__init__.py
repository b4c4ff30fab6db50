"""The JSON API under /api/v1: one module per area, each its own blueprint (an ApiBlueprint: one transaction a request)."""

import os

from flask import Flask

from server.api import auth, blobs, conflicts, devices, labels, openapi, sync
from server.services import accounts
from server.services import blobs as blob_service


def register_api(app: Flask) -> None:
    # The device idle limit: the environment, else the instance config; a bad value stops the start, not each request.
    setting = os.environ.get("DEVICE_IDLE_DAYS") or app.config.get("DEVICE_IDLE_DAYS")
    app.config["DEVICE_IDLE_DAYS"] = accounts.idle_days_setting(setting)
    app.config.update(blob_service.read_settings(app.config, os.environ))
    if os.environ.get("UPLOAD_CRASH_AT"):  # tests/api/test_upload_crash.py only: where an upload dies
        app.config["UPLOAD_CRASH_AT"] = os.environ["UPLOAD_CRASH_AT"]
    for module in (auth, devices, sync, conflicts, blobs, labels, openapi):
        app.register_blueprint(module.bp, url_prefix="/api/v1")
