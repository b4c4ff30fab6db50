"""QR labels for checkpoints: the code as an SVG to print and stick beside the checkpoint."""

import io

import segno
from flask import Response, request

from schemas.records import CODE_LENGTH
from server.api.boundary import ApiBlueprint
from server.api.guard import login_required
from server.errors import InvalidLabelCode

bp = ApiBlueprint("labels", __name__)


@bp.get("/labels/qr.svg")
@login_required("office", "admin")
def qr_svg():
    """?code=HY-A-B1 as a QR code in SVG, error correction M, with its quiet zone."""
    code = request.args.get("code", "")
    if not code or len(code) > CODE_LENGTH or not code.isprintable():
        raise InvalidLabelCode(f"code is 1 to {CODE_LENGTH} printable characters.", {"code": ["Missing or too long."]})
    out = io.BytesIO()
    segno.make_qr(code, error="m").save(out, kind="svg", scale=8, border=4, xmldecl=False, svgns=True, title=code)
    response = Response(out.getvalue(), mimetype="image/svg+xml")
    response.headers["Cache-Control"] = "private, max-age=86400"
    return response
