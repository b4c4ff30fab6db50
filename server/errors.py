"""The error catalogue, and one JSON error body for every error under /api/v1.

Services raise the `ApiError` classes below, one per stable code; the
handlers here turn them, marshmallow's ValidationError, and every HTTP error
Flask or Werkzeug raises (404, 405, 413, ...), into
`{"error": {"code", "message", "fields"?}}` with a fitting status, all built
by `error_body`. An unexpected exception is logged and answered 500 with the
same shape.
"""

from flask import Flask, current_app, jsonify, request
from marshmallow import ValidationError
from werkzeug.exceptions import HTTPException


class ApiError(Exception):
    """An answer the client can act on: an HTTP status and a stable `code` (the PWA and the protocol rely on both).

    One class per code. A family class (BadRequest, NotFound, ...) owns the
    generic code of its status; a subclass names one thing that went wrong.
    Never send a code without its class here: grep this file for the catalogue.
    """

    status: int
    code: str

    def __init__(self, message: str, fields: dict | None = None, headers: dict | None = None):
        super().__init__(message)
        self.message = message
        self.fields = fields
        self.headers = headers or {}


# 400
class BadRequest(ApiError):
    status, code = 400, "bad_request"


class MalformedJson(BadRequest):
    code = "malformed_json"


class InvalidCursor(BadRequest):
    code = "invalid_cursor"


class InvalidLimit(BadRequest):
    code = "invalid_limit"


class InvalidLabelCode(BadRequest):
    code = "invalid_code"


class NulCharacter(BadRequest):
    """A NUL in the path or the query: no name or id holds one, and PostgreSQL cannot even compare against it."""

    code = "nul_character"


# 401
class Unauthorized(ApiError):
    status, code = 401, "unauthorized"


class BadCredentials(Unauthorized):
    code = "bad_credentials"


class MissingToken(Unauthorized):
    code = "missing_token"


class InvalidToken(Unauthorized):
    code = "invalid_token"


class TokenExpired(Unauthorized):
    code = "token_expired"


# 403
class Forbidden(ApiError):
    status, code = 403, "forbidden"


# 404
class NotFound(ApiError):
    status, code = 404, "not_found"


# 409: the request clashes with what the server holds now
class StateConflict(ApiError):
    status, code = 409, "conflict"


class UsernameTaken(StateConflict):
    code = "username_taken"


class StaleValue(StateConflict):
    code = "stale"


class OffsetMismatch(StateConflict):
    code = "offset_mismatch"


class LengthMismatch(StateConflict):
    code = "length_mismatch"


# 413
class PayloadTooLarge(ApiError):
    status, code = 413, "too_large"


class TooManyMutations(PayloadTooLarge):
    code = "too_many_mutations"


class TooManyPixels(PayloadTooLarge):
    code = "too_many_pixels"


class TooCostlyImage(PayloadTooLarge):
    """Few bytes that would take more memory to decode than the server allows a photo (a decompression bomb)."""

    code = "too_costly_to_decode"


# 414
class UriTooLong(ApiError):
    status, code = 414, "uri_too_long"


# 415
class UnsupportedMediaType(ApiError):
    status, code = 415, "unsupported_media_type"


class UnsupportedImageFormat(UnsupportedMediaType):
    code = "unsupported_format"


# 422
class Unprocessable(ApiError):
    status, code = 422, "invalid"


class InvalidText(Unprocessable):
    code = "invalid_text"


class InvalidImage(Unprocessable):
    code = "invalid_image"


class InvalidHeader(Unprocessable):
    code = "invalid_header"


class ChunkTooLong(Unprocessable):
    code = "chunk_too_long"


class HashMismatch(Unprocessable):
    code = "hash_mismatch"


class WrongPassword(Unprocessable):
    """A signed-in user's current password, asked again before it changes: wrong. Not a 401, so the device stays signed in."""

    code = "wrong_password"


class EditRejected(Unprocessable):
    """An edit made for the client (resolving a conflict) was rejected as a pushed one would be.

    The one class without a code of its own: it answers with the push
    rejection's code (`forbidden`, `invalid`, ...), so the client reads the
    same code a push result would have given it.
    """

    def __init__(self, rejection: dict):
        super().__init__(rejection["message"], rejection.get("fields"))
        self.code = rejection["code"]


# 429
class TooManyRequests(ApiError):
    status, code = 429, "too_many_requests"


class TooManyPartialUploads(TooManyRequests):
    """The device has as many uploads in progress as it may: finish one first (or wait for stale ones to expire)."""

    code = "too_many_partial_uploads"


# 507
class UploadSpaceFull(ApiError):
    """Uploads in progress of all devices together hold as much as the server keeps for them: try again later."""

    status, code = 507, "upload_space_full"


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
