"""Photo bytes: HEAD to learn what the server holds, PUT whole, PATCH to resume, GET to see."""

from flask import Response, request, send_file

from schemas.fields import SHA256_PATTERN
from server.api.boundary import ApiBlueprint
from server.api.guard import current_actor, login_required
from server.errors import NotFound
from server.services import blobs

bp = ApiBlueprint("blobs", __name__)


def checked_name(sha256: str) -> str:
    if not SHA256_PATTERN.match(sha256):
        raise NotFound("A blob is named by its SHA-256 in lower-case hex.")
    return sha256


@bp.route("/blobs/<sha256>", methods=["GET", "HEAD"])
@login_required()
def read_blob(sha256: str):
    """GET the image (or ?size=thumb); HEAD tells how much of it the server holds."""
    if request.method == "HEAD":
        return head_blob(sha256)
    return get_blob(sha256)


def head_blob(sha256: str):
    """Upload-Offset (bytes held) and Upload-Length (total), equal only once the photo is stored and readable; 404 when nothing is held or the caller may not know of it."""
    state = blobs.head_state(current_actor(), checked_name(sha256))
    if state is None:
        return Response(status=404)
    held, total = state
    return Response(status=200, headers={"Upload-Offset": str(held), "Upload-Length": str(total)})


@bp.put("/blobs/<sha256>")
@login_required()
def put_blob(sha256: str):
    """Upload a whole image; 201 when stored now, 200 when it was stored already."""
    data = request.get_data()
    created = blobs.put_blob(current_actor(), checked_name(sha256), request.mimetype, data)
    length = len(data)
    return Response(status=201 if created else 200, headers={"Upload-Offset": str(length), "Upload-Length": str(length)})


@bp.patch("/blobs/<sha256>")
@login_required()
def patch_blob(sha256: str):
    """Append the next chunk at Upload-Offset; the last one completes and verifies the blob."""
    name = checked_name(sha256)
    offset = blobs.patch_blob(
        current_actor(), name, request.mimetype, request.headers.get("Upload-Offset"), request.headers.get("Upload-Length"), request.get_data()
    )
    return Response(status=204, headers={"Upload-Offset": str(offset)})


def get_blob(sha256: str):
    """The image to callers who may see a photo of it, or whose device uploaded it."""
    path, mimetype = blobs.readable_blob(current_actor(), checked_name(sha256), request.args.get("size"))
    response = send_file(path, mimetype=mimetype, max_age=0, conditional=True, etag=False)
    response.headers["Cache-Control"] = "private, max-age=86400"
    return response
