"""Rounds compliance for the desk and auditors: per site and schedule, what was due and what was done on time."""

from flask import request

from schemas.api import ComplianceQuerySchema, ComplianceSchema
from server.api.boundary import ApiBlueprint
from server.api.guard import current_actor, login_required
from server.api.payload import date_range
from server.models import utcnow
from server.services import rounds

bp = ApiBlueprint("rounds", __name__)


@bp.get("/rounds/compliance")
@login_required("office", "admin")
def compliance():
    """?from=YYYY-MM-DD&to=YYYY-MM-DD, local dates in the server's zone, both included: seven days when one is left out."""
    query = ComplianceQuerySchema().load(request.args.to_dict())
    zone = rounds.server_zone()
    first, last = date_range(query, 7, utcnow().astimezone(zone).date())
    rows = rounds.compliance(current_actor().site_ids, first, last)
    return ComplianceSchema().dump({"first": first.isoformat(), "last": last.isoformat(), "time_zone": zone.key, "rows": rows})
