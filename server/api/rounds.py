"""Rounds compliance for the desk and auditors: per site and schedule, what was due and what was done on time."""

from datetime import date, timedelta

from flask import request

from schemas.api import ComplianceQuerySchema, ComplianceSchema
from server.api.boundary import ApiBlueprint
from server.api.guard import current_actor, login_required
from server.models import utcnow
from server.services import rounds

bp = ApiBlueprint("rounds", __name__)


@bp.get("/rounds/compliance")
@login_required("office", "admin")
def compliance():
    """?from=YYYY-MM-DD&to=YYYY-MM-DD, local dates in the server's zone, both included: seven days when one is left out."""
    query = ComplianceQuerySchema().load(request.args.to_dict())
    zone = rounds.server_zone()
    week = timedelta(days=6)
    if query.get("first"):
        first = date.fromisoformat(query["first"])
        last = date.fromisoformat(query["last"]) if query.get("last") else first + week
    else:
        last = date.fromisoformat(query["last"]) if query.get("last") else utcnow().astimezone(zone).date()
        first = last - week
    rows = rounds.compliance(current_actor().site_ids, first, last)
    return ComplianceSchema().dump({"first": first.isoformat(), "last": last.isoformat(), "time_zone": zone.key, "rows": rows})
