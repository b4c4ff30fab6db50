"""The error catalogue: one class per stable code, and the codes clients rely on stay as they are."""

from server import errors

# Sent to clients: the PWA and the protocol read them, so none may change or go.
STABLE_CODES = {
    "bad_request",
    "malformed_json",
    "wrong_password",
    "invalid_cursor",
    "invalid_limit",
    "invalid_code",
    "nul_character",
    "uri_too_long",
    "unauthorized",
    "bad_credentials",
    "missing_token",
    "invalid_token",
    "token_expired",
    "forbidden",
    "not_found",
    "conflict",
    "username_taken",
    "stale",
    "offset_mismatch",
    "length_mismatch",
    "too_large",
    "too_many_mutations",
    "too_many_pixels",
    "too_costly_to_decode",
    "unsupported_media_type",
    "unsupported_format",
    "invalid",
    "invalid_text",
    "invalid_image",
    "invalid_header",
    "chunk_too_long",
    "hash_mismatch",
    "too_many_requests",
    "too_many_partial_uploads",
    "upload_space_full",
}


def catalogue() -> list[type[errors.ApiError]]:
    found, todo = [], list(errors.ApiError.__subclasses__())
    while todo:
        cls = todo.pop()
        found.append(cls)
        todo.extend(cls.__subclasses__())
    return [cls for cls in found if cls is not errors.EditRejected and cls.__module__ == errors.__name__]


def test_each_stable_code_has_exactly_one_class_and_none_is_lost():
    codes = sorted(cls.code for cls in catalogue())

    assert len(codes) == len(set(codes)), "two classes send the same code"
    assert set(codes) == STABLE_CODES


def test_a_status_family_shares_its_status_with_every_class_in_it():
    for cls in catalogue():
        family = next(base for base in cls.__mro__[::-1] if issubclass(base, errors.ApiError) and base is not errors.ApiError)
        assert cls.status == family.status, cls


def test_a_rejected_edit_answers_with_the_push_rejections_code():
    error = errors.EditRejected({"code": "invalid_transition", "message": "Not from closed.", "fields": {"status": ["No."]}})

    assert (error.status, error.code, error.message, error.fields) == (422, "invalid_transition", "Not from closed.", {"status": ["No."]})
    assert errors.error_body(error.code, error.message, error.fields) == {
        "error": {"code": "invalid_transition", "message": "Not from closed.", "fields": {"status": ["No."]}}
    }
