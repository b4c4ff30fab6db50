"""Push a device's queued mutations; pull what changed since its cursor."""

from flask import Response, request

from schemas.api import MAX_MUTATIONS, PushSchema
from schemas.fields import UUID_PATTERN
from server.api.boundary import ApiBlueprint, on_rollback
from server.api.guard import current_actor, login_required
from server.api.payload import read_json
from server.errors import TooManyMutations, Unprocessable
from server.models import utcnow
from server.services import mutations, pull

bp = ApiBlueprint("sync", __name__)

MAX_PUSH_BYTES = 2 * 1024 * 1024

# A push rolled back at the boundary (a deadlock victim run again, an error) leaves nothing of its batch behind.
on_rollback(mutations.forget_batch)


@bp.post("/sync/push")
@login_required()
def push():
    """Apply a device's queued edits in order, each exactly once."""
    request.max_content_length = MAX_PUSH_BYTES
    body = read_json()
    if not isinstance(body, dict):
        raise Unprocessable("The body is an object with sent_at and mutations.")
    batch = PushSchema().load(body)
    if len(batch["mutations"]) > MAX_MUTATIONS:
        raise TooManyMutations(f"At most {MAX_MUTATIONS} mutations a request; send the rest in another.")
    check_mutation_ids(batch["mutations"])
    results = mutations.apply_batch(current_actor(), batch["mutations"], batch["sent_at"], utcnow())
    # The results are built as plain JSON by the service; PushResultSchema documents them (OpenAPI)
    # and dumping thousands of nested records through marshmallow would cost more than the push.
    return {"results": results}


def check_mutation_ids(mutations: list) -> None:
    """Every mutation needs an object shape and a mid; without one no result can name it."""
    problems = {}
    for index, mutation in enumerate(mutations):
        if not isinstance(mutation, dict):
            problems[index] = ["A mutation is an object."]
        elif not isinstance(mutation.get("mid"), str) or not UUID_PATTERN.match(mutation["mid"]):
            problems[index] = ["mid must be a UUID."]
    if problems:
        raise Unprocessable("Some mutations cannot be identified; nothing was applied.", {"mutations": problems})


@bp.get("/sync/pull")
@login_required()
def pull_changes():
    """The changes the caller may read after its cursor, oldest first."""
    page = pull.pull_changes(current_actor(), request.args.get("since"), request.args.get("limit"))
    return Response(page, mimetype="application/json")
