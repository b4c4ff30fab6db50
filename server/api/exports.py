"""Spreadsheet exports for the office: inspections, findings and rounds of a date range (server/services/exports.py)."""

import os

from flask import Response, request, send_file, stream_with_context

from schemas.api import ExportQuerySchema
from server.api.boundary import ApiBlueprint
from server.api.guard import current_actor, login_required
from server.api.payload import date_range
from server.errors import Forbidden, NotFound, Unprocessable
from server.models import utcnow
from server.services import exports
from server.services.rounds import server_zone

bp = ApiBlueprint("exports", __name__)

MIMETYPES = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "csv": "text/csv; charset=utf-8"}


@bp.get("/exports/<kind>")
@login_required("office", "admin")
def export(kind: str):
    """?format=xlsx|csv&from=&to=&site_id=&lang=en|zh: local dates, both included (the last 30 days when left out)."""
    if kind not in exports.SHEETS:
        raise NotFound(f"There is no export of {kind[:40]}: choose one of {', '.join(exports.SHEETS)}.")
    query = ExportQuerySchema().load(request.args.to_dict())
    actor = current_actor()
    if query.get("site_id") and not actor.covers_site(query["site_id"]):
        raise Forbidden("That site is not one of yours.")
    first, last = date_range(query, 30, utcnow().astimezone(server_zone()).date())
    rows = exports.table(actor, kind, query.get("site_id"), first, last, query["lang"])
    name = f"{kind}-{first.isoformat()}-{last.isoformat()}.{query['format']}"
    if query["format"] == "csv":
        response = Response(stream_with_context(exports.csv_chunks(rows)), mimetype=MIMETYPES["csv"])
        response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
    try:
        path = exports.xlsx_file(rows, kind)
    except exports.TooManyRows as error:
        raise Unprocessable(str(error), {"to": ["Too many rows for one sheet."]}) from error
    # Opened, then unlinked at once: the open file is sent and its space freed when the response closes it.
    handle = open(path, "rb")  # noqa: SIM115 - send_file closes it
    os.remove(path)
    return send_file(handle, mimetype=MIMETYPES["xlsx"], as_attachment=True, download_name=name, max_age=0)
