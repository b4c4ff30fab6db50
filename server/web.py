"""What the server answers outside the API: security headers, and the front page."""

from flask import Flask, request

API_POLICY = "default-src 'none'; frame-ancestors 'none'"
PAGE_POLICY = "default-src 'self'; img-src 'self' blob: data:; style-src 'self'; script-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'"

FRONT_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Estate Patrol</title></head>
<body><h1>Estate Patrol sync server</h1>
<p>The sync API is at <a href="/api/v1/openapi.json">/api/v1</a> (OpenAPI description).
The inspector, office and contractor app is not built yet.</p></body></html>
"""


def register_web(app: Flask) -> None:
    @app.after_request
    def security_headers(response):
        headers = response.headers
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", "no-referrer")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Content-Security-Policy", API_POLICY if request.path.startswith("/api/") else PAGE_POLICY)
        if request.path.startswith("/api/") and "Cache-Control" not in headers:
            headers["Cache-Control"] = "no-store"
        return response

    @app.get("/")
    def front_page():
        return FRONT_PAGE
