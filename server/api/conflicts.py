"""Values that lost a concurrent edit, for office staff to see and settle."""

from flask import request

from schemas.api import ConflictListSchema, ConflictSchema, ResolveSchema
from server.api.boundary import ApiBlueprint
from server.api.guard import current_actor, login_required
from server.api.payload import read_json
from server.errors import NotFound
from server.services import conflicts

bp = ApiBlueprint("conflicts", __name__)


@bp.get("/conflicts")
@login_required("office", "admin")
def list_conflicts():
    """Conflicts, newest first; ?status=open or resolved, ?record_id= for one record."""
    found = conflicts.list_conflicts(current_actor(), request.args.get("status"), request.args.get("record_id"))
    return ConflictListSchema().dump({"conflicts": found})


@bp.post("/conflicts/<conflict_id>/resolve")
@login_required("office", "admin")
def resolve(conflict_id: str):
    """Write the chosen value as a new edit and mark the conflict resolved."""
    choice = ResolveSchema().load(read_json())
    if len(conflict_id) > 36:
        raise NotFound("There is no such conflict.")
    resolved = conflicts.resolve_conflict(current_actor(), conflict_id, choice["value"])
    return ConflictSchema().dump(resolved)
