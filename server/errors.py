"""One JSON error body for every error under /api/v1.

Services raise `ApiError` subclasses; the handlers here turn them, and every
HTTP error Flask or Werkzeug raises (404, 405, 413, ...), into
`{"error": {"code", "message", "fields"?}}` with a fitting status. An
unexpected exception is logged and answered 500 with the same shape.
"""

from flask import Flask, current_app, jsonify, request
from marshmallow import ValidationError
from werkzeug.exceptions import HTTPException


class ApiError(Exception):
    status = 400
    code = "bad_request"

    def __init__(self, message: str, fields: dict | None = None, headers: dict | None = None, code: str | None = None):
        super().__init__(message)
        self.message = message
        self.fields = fields
        self.headers = headers or {}
        if code:
            self.code = code


class BadRequest(ApiError):
    status, code = 400, "bad_request"


class Unauthorized(ApiError):
    status, code = 401, "unauthorized"


class Forbidden(ApiError):
    status, code = 403, "forbidden"


class NotFound(ApiError):
    status, code = 404, "not_found"


class Conflict(ApiError):
    status, code = 409, "conflict"


class PayloadTooLarge(ApiError):
    status, code = 413, "too_large"


class UnsupportedMediaType(ApiError):
    status, code = 415, "unsupported_media_type"


class Unprocessable(ApiError):
    status, code = 422, "invalid"


class TooManyRequests(ApiError):
    status, code = 429, "too_many_requests"


def error_body(code: str, message: str, fields: dict | None = None) -> dict:
    detail = {"code": code, "message": message}
    if fields:
        detail["fields"] = fields
    return {"error": detail}


def validation_fields(error: ValidationError) -> dict:
    messages = error.messages
    return messages if isinstance(messages, dict) else {"_schema": messages}


def wants_json() -> bool:
    return request.path.startswith("/api/")


def register_error_handlers(app: Flask) -> None:
    """Answer API errors as JSON; leave the PWA's pages to Flask's defaults."""

    @app.errorhandler(ApiError)
    def handle_api_error(error: ApiError):
        response = jsonify(error_body(error.code, error.message, error.fields))
        response.status_code = error.status
        response.headers.update(error.headers)
        return response

    @app.errorhandler(ValidationError)
    def handle_validation_error(error: ValidationError):
        response = jsonify(error_body("invalid", "Some fields are not valid.", validation_fields(error)))
        response.status_code = 422
        return response

    @app.errorhandler(HTTPException)
    def handle_http_error(error: HTTPException):
        if not wants_json():
            return error
        code = (error.name or "error").lower().replace(" ", "_").replace("'", "")
        response = jsonify(error_body(code, error.description or error.name))
        response.status_code = error.code or 500
        if error.code == 405 and error.valid_methods:
            response.headers["Allow"] = ", ".join(error.valid_methods)
        return response

    @app.errorhandler(Exception)
    def handle_unexpected(error: Exception):
        current_app.logger.exception("Unhandled error on %s %s", request.method, request.path)
        if not wants_json():
            return "Internal server error", 500
        response = jsonify(error_body("internal_error", "Something went wrong on the server; nothing was saved."))
        response.status_code = 500
        return response
