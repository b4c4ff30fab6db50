"""The OpenAPI description, generated from the marshmallow schemas.

Paths are listed here once, each naming its request and response schema;
apispec's marshmallow plugin turns the schemas into components, so the
description cannot drift from what the routes actually load and dump.
"""

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin

from schemas import api, fields, records
from server.api.boundary import ApiBlueprint

bp = ApiBlueprint("openapi", __name__)

JSON_ERROR = {"description": "A JSON error body", "content": {"application/json": {"schema": "ErrorSchema"}}}

# (path, method, summary, request schema or None, response schema or None, extra responses)
OPERATIONS = [
    ("/auth/login", "post", "Log in: a new device session with its own bearer token", "LoginSchema", "LoginResultSchema", [401, 422, 429]),
    ("/auth/logout", "post", "Revoke the caller's token", None, None, [401]),
    ("/users", "get", "Every user (office, admin)", None, "UserListSchema", [401, 403]),
    ("/users", "post", "Make an account (admin)", "NewUserSchema", "UserSchema", [401, 403, 409, 422]),
    ("/devices", "get", "Every device session (office, admin)", None, "DeviceListSchema", [401, 403]),
    ("/devices/{device_id}", "delete", "Revoke a device session (office, admin)", None, "DeviceSchema", [401, 403, 404]),
    ("/sync/push", "post", "Apply queued mutations in order, each exactly once", "PushSchema", "PushResultSchema", [400, 401, 413, 415, 422]),
    ("/sync/pull", "get", "Changes the caller may read after a cursor", None, "PullResultSchema", [400, 401]),
    ("/conflicts", "get", "Values that lost a concurrent edit (office, admin)", None, "ConflictListSchema", [400, 401, 403]),
    (
        "/conflicts/{conflict_id}/resolve",
        "post",
        "Write the chosen value and mark the conflict resolved",
        "ResolveSchema",
        "ConflictSchema",
        [401, 403, 404, 409, 422],
    ),
    ("/blobs/{sha256}", "head", "How many bytes of a blob the server holds (Upload-Offset, Upload-Length)", None, None, [401, 404]),
    ("/blobs/{sha256}", "put", "Upload a whole image (image/jpeg, image/png, image/webp)", None, None, [401, 413, 415, 422]),
    ("/blobs/{sha256}", "patch", "Append a chunk at Upload-Offset; the last one verifies the blob", None, None, [401, 409, 413, 415, 422]),
    ("/blobs/{sha256}", "get", "The image, or ?size=thumb", None, None, [401, 404]),
    (
        "/rounds/compliance",
        "get",
        "Per site and schedule: rounds due, done, late, missed, % on time (?from=&to=)",
        None,
        "ComplianceSchema",
        [401, 403, 422],
    ),
    (
        "/exports/{kind}",
        "get",
        "Inspections, findings or rounds of a date range as XLSX or CSV (office; ?format=&from=&to=&site_id=&lang=)",
        None,
        None,
        [401, 403, 404, 422],
    ),
    ("/labels/qr.svg", "get", "A checkpoint code (?code=) as a QR code in SVG, to print (office, admin)", None, None, [400, 401, 403]),
]


def build_spec() -> dict:
    plugin = MarshmallowPlugin()
    spec = APISpec(
        title="Estate Patrol sync API",
        version="1.0.0",
        openapi_version="3.0.3",
        plugins=[plugin],
        info={"description": "The sync protocol v1: see PROTOCOL.md. Every error is {error: {code, message, fields?}}."},
        servers=[{"url": "/api/v1"}],
    )
    for field_class, openapi_type in (
        (fields.Uuid, ("string", "uuid")),
        (fields.Sha256, ("string", None)),
        (fields.UtcDateTime, ("string", "date-time")),
        (fields.DateText, ("string", "date")),
        (fields.StrictInteger, ("integer", None)),
        (fields.StrictNumber, ("number", None)),
        (fields.StrictBoolean, ("boolean", None)),
        (fields.Scalar, (None, None)),
    ):
        plugin.map_to_openapi_type(field_class, *openapi_type)
    spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer"})
    # Nested schemas first, so the ones that contain them refer to these components.
    for name in (
        "ErrorDetailSchema",
        "ErrorSchema",
        "LoginSchema",
        "UserSchema",
        "LoginResultSchema",
        "DeviceSchema",
        "DeviceListSchema",
        "NewUserSchema",
        "UserListSchema",
        "MutationSchema",
        "PushSchema",
        "RecordSchema",
        "MutationResultSchema",
        "PushResultSchema",
        "PullResultSchema",
        "StampedValueSchema",
        "ConflictSchema",
        "ConflictListSchema",
        "ResolveSchema",
    ):
        spec.components.schema(name.removesuffix("Schema"), schema=getattr(api, name))
    for record_type, schema in records.RECORD_FIELDS.items():
        spec.components.schema(f"{record_type.capitalize()}Fields", schema=schema)
    paths: dict[str, dict] = {}
    for path, method, summary, request_schema, response_schema, errors in OPERATIONS:
        operation = {"summary": summary, "responses": {}}
        if path != "/auth/login":
            operation["security"] = [{"bearer": []}]
        if request_schema:
            operation["requestBody"] = {"required": True, "content": {"application/json": {"schema": ref(request_schema)}}}
        ok = {"description": "Success"}
        if response_schema:
            ok["content"] = {"application/json": {"schema": ref(response_schema)}}
        operation["responses"]["200"] = ok
        for status in errors:
            operation["responses"][str(status)] = {"description": "Error", "content": {"application/json": {"schema": ref("ErrorSchema")}}}
        paths.setdefault(path, {})[method] = operation
    for path, operations in paths.items():
        spec.path(path=path, operations=operations)
    return spec.to_dict()


def ref(schema_name: str) -> dict:
    return {"$ref": f"#/components/schemas/{schema_name.removesuffix('Schema')}"}


@bp.get("/openapi.json")
def openapi_json():
    """The OpenAPI 3 description of this API."""
    return build_spec()
