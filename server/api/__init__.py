"""The JSON API under /api/v1: one module per area, each its own blueprint (an ApiBlueprint: one transaction a request)."""

from flask import Flask

from server.api import auth, blobs, conflicts, devices, labels, openapi, sync


def register_api(app: Flask) -> None:
    for module in (auth, devices, sync, conflicts, blobs, labels, openapi):
        app.register_blueprint(module.bp, url_prefix="/api/v1")
