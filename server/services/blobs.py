"""Photo bytes: stored once per SHA-256, uploaded whole or in resumable chunks.

A partial upload is a file in `partial/` whose size is the offset the server
holds; a file lock around each append keeps workers from interleaving. When
the last byte arrives the bytes are checked (hash, format by magic number,
pixel limit, a full decode with Pillow restricted to JPEG, PNG and WebP),
turned upright, stripped of EXIF location, given a thumbnail, and only then
recorded as a `Blob`. Anything Pillow cannot decode is a 4xx, never a 500.
"""

import fcntl
import hashlib
import io
import json
import math
import os
import tempfile
import warnings
from contextlib import contextmanager
from pathlib import Path

from flask import current_app
from PIL import Image, ImageOps
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from server.errors import (
    ChunkTooLong,
    HashMismatch,
    InvalidHeader,
    InvalidImage,
    LengthMismatch,
    NotFound,
    OffsetMismatch,
    PayloadTooLarge,
    TooManyPixels,
    UnsupportedImageFormat,
    UnsupportedMediaType,
)
from server.extensions import db
from server.models import Blob, BlobUploader, Record, utcnow
from server.services import rights
from server.services.actor import Actor

MAX_BYTES = 20 * 1024 * 1024
MAX_PIXELS = 50_000_000
THUMB_SIZE = 320
CONTENT_TYPES = {"image/jpeg": "JPEG", "image/png": "PNG", "image/webp": "WEBP"}
FORMAT_TYPES = {fmt: content_type for content_type, fmt in CONTENT_TYPES.items()}
GPS_IFD = 0x8825
ORIENTATION = 0x0112

# Pillow refuses (DecompressionBombError) at twice this; we refuse above it ourselves.
Image.MAX_IMAGE_PIXELS = MAX_PIXELS


def blob_folder() -> Path:
    return Path(current_app.config["BLOB_FOLDER"])


def final_path(sha256: str) -> Path:
    return blob_folder() / sha256[:2] / sha256


def thumb_path(sha256: str) -> Path:
    return blob_folder() / sha256[:2] / f"{sha256}.thumb.jpg"


def partial_path(sha256: str) -> Path:
    return blob_folder() / "partial" / f"{sha256}.part"


def partial_meta_path(sha256: str) -> Path:
    return blob_folder() / "partial" / f"{sha256}.json"


@contextmanager
def blob_lock(sha256: str):
    """One writer per blob at a time, across threads and worker processes."""
    lock_file = blob_folder() / "partial" / f"{sha256}.lock"
    lock_file.parent.mkdir(parents=True, exist_ok=True)
    with open(lock_file, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def check_content_type(content_type: str | None) -> str:
    if content_type not in CONTENT_TYPES:
        raise UnsupportedMediaType("Photos are image/jpeg, image/png or image/webp.")
    return content_type


def upload_state(sha256: str) -> tuple[int, int] | None:
    """(bytes held, total) for a blob, or None when nothing of it is stored."""
    blob = db.session.get(Blob, sha256)
    if blob is not None:
        return blob.length, blob.length
    part = partial_path(sha256)
    if part.exists() and partial_meta_path(sha256).exists():
        meta = json.loads(partial_meta_path(sha256).read_text())
        return part.stat().st_size, meta["length"]
    return None


def head_state(actor: Actor, sha256: str) -> tuple[int, int] | None:
    """What HEAD tells: the upload state, to a caller who may read the blob or is sending it; None otherwise.

    Answering anyone else would tell them a photo with that hash exists.
    """
    state = upload_state(sha256)
    if state is None:
        return None
    if may_read(actor, sha256) or actor.device_id in partial_senders(sha256):
        return state
    return None


def put_blob(actor: Actor, sha256: str, content_type: str | None, data: bytes) -> bool:
    """Store a whole upload; True when it was new, False when it was stored already.

    The caller becomes an uploader (who may read the blob back) only by
    sending bytes that hash to its name, stored already or not.
    """
    check_content_type(content_type)
    if len(data) > MAX_BYTES:
        raise PayloadTooLarge("A photo is at most 20 MiB.")
    if db.session.get(Blob, sha256) is not None:
        if hashlib.sha256(data).hexdigest() != sha256:
            raise HashMismatch("The bytes do not hash to the blob's name.")
        note_uploader(actor.device_id, sha256)
        return False
    with blob_lock(sha256):
        stored = store_verified(sha256, data)
        partial_path(sha256).unlink(missing_ok=True)  # a whole upload replaces one in progress
        partial_meta_path(sha256).unlink(missing_ok=True)
    note_uploader(actor.device_id, sha256)
    return stored


def patch_blob(actor: Actor, sha256: str, content_type: str | None, offset_text: str | None, length_text: str | None, chunk: bytes) -> int:
    """Append a chunk at the offset the server holds; the new offset comes back."""
    check_content_type(content_type)
    offset, length = header_int(offset_text, "Upload-Offset"), header_int(length_text, "Upload-Length")
    if length > MAX_BYTES:
        raise PayloadTooLarge("A photo is at most 20 MiB.")
    if length == 0:
        raise InvalidImage("An empty file is not a photo.")
    with blob_lock(sha256):
        blob = db.session.get(Blob, sha256)
        # To a caller who may not read it, a stored blob is as good as absent: it sends the bytes like anyone.
        if blob is not None and may_read(actor, sha256):
            if offset != blob.length:
                raise OffsetMismatch("The blob is complete on the server.", headers={"Upload-Offset": str(blob.length)})
            return blob.length
        part, meta = partial_path(sha256), partial_meta_path(sha256)
        held = part.stat().st_size if part.exists() else 0
        if meta.exists() and json.loads(meta.read_text())["length"] != length:
            if held:
                raise LengthMismatch("Upload-Length differs from the upload in progress.", headers={"Upload-Offset": str(held)})
        if offset != held:
            raise OffsetMismatch(f"The server holds {held} bytes of this blob.", headers={"Upload-Offset": str(held)})
        if offset + len(chunk) > length:
            raise ChunkTooLong("The chunk runs past Upload-Length.")
        if held == 0 and len(chunk) == length:  # the whole photo in one chunk: nothing to keep for a resume
            store_verified(sha256, chunk)
            meta.unlink(missing_ok=True)
            note_uploader(actor.device_id, sha256)
            return length
        part.parent.mkdir(parents=True, exist_ok=True)
        senders = sorted(set(partial_senders(sha256) if held else ()) | {actor.device_id})
        meta.write_text(json.dumps({"length": length, "content_type": content_type, "senders": senders}))
        with open(part, "ab") as handle:
            handle.write(chunk)
            handle.flush()
            os.fsync(handle.fileno())
        held += len(chunk)
        if held < length:
            return held
        data = part.read_bytes()
        try:
            store_verified(sha256, data)
        finally:
            part.unlink(missing_ok=True)
            meta.unlink(missing_ok=True)
        for device_id in senders:  # together they sent bytes that hash to the name
            note_uploader(device_id, sha256)
        return held


def partial_senders(sha256: str) -> list[str]:
    """The devices that sent chunks of an upload in progress (kept beside it until it completes)."""
    meta = partial_meta_path(sha256)
    if not meta.exists() or not partial_path(sha256).exists():
        return []
    return json.loads(meta.read_text()).get("senders", [])


def header_int(text: str | None, name: str) -> int:
    if text is None or not text.isascii() or not text.isdigit() or len(text) > 12:
        raise InvalidHeader(f"{name} must be a whole number of bytes.", {name: ["Missing or not a number."]})
    return int(text)


def note_uploader(device_id: str, sha256: str) -> None:
    """A device sent bytes that hash to the blob's name: it may read the blob back."""
    if db.session.get(BlobUploader, (sha256, device_id)) is None:
        try:
            with db.session.begin_nested():
                db.session.add(BlobUploader(sha256=sha256, device_id=device_id))
        except IntegrityError:
            pass


def store_verified(sha256: str, data: bytes) -> bool:
    """Check, clean and store an image's bytes under their hash; True if stored now."""
    if hashlib.sha256(data).hexdigest() != sha256:
        raise HashMismatch("The bytes do not hash to the blob's name.")
    fmt = sniff_format(data)
    image, (width, height) = decode(data, fmt, reduced_to=THUMB_SIZE)
    display, thumbnail = clean_copies(data, image, fmt)
    write_atomically(final_path(sha256), display)
    write_atomically(thumb_path(sha256), thumbnail)
    try:
        with db.session.begin_nested():
            db.session.add(Blob(sha256=sha256, length=len(data), content_type=FORMAT_TYPES[fmt], width=width, height=height, created_at=utcnow()))
    except IntegrityError:
        return False
    return True


def sniff_format(data: bytes) -> str:
    """The format by magic number, so Pillow never guesses among its other decoders."""
    if data[:3] == b"\xff\xd8\xff":
        return "JPEG"
    if data[:8] == b"\x89PNG\r\n\x1a\n":
        return "PNG"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "WEBP"
    raise UnsupportedImageFormat("The bytes are not a JPEG, PNG or WebP image.")


def decode(data: bytes, fmt: str, reduced_to: int | None = None) -> tuple[Image.Image, tuple[int, int]]:
    """The decoded image and its full size; a JPEG may be decoded at a reduced scale.

    libjpeg reads every coefficient of the stream even when it scales down, so
    a broken JPEG fails the same; the smaller picture is all a thumbnail needs,
    at a fraction of the time (bench/photo_upload.py).
    """
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=(fmt,))
            size = image.size
            if image.width * image.height > MAX_PIXELS:
                raise TooManyPixels("A photo is at most 50 megapixels.")
            if fmt == "JPEG" and reduced_to and max(size) > reduced_to:
                scale = reduced_to / max(size)
                image.draft("RGB", (math.ceil(size[0] * scale), math.ceil(size[1] * scale)))
            image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise TooManyPixels("A photo is at most 50 megapixels.") from error
    except TooManyPixels:
        raise
    except Exception as error:  # Pillow raises many types for bad input; all of them mean a bad image
        raise InvalidImage(f"The image could not be decoded: {error}") from error
    return image, size


def clean_copies(data: bytes, image: Image.Image, fmt: str) -> tuple[bytes, bytes]:
    """The bytes to serve (upright, no location) and a JPEG thumbnail.

    A photo from the app has no EXIF (it is redrawn on a canvas) and is served
    as it came; one with a location or a rotation is decoded in full and saved again.
    """
    exif = image.getexif()
    rotated = exif.get(ORIENTATION, 1) != 1
    display = data
    if GPS_IFD in exif or rotated or "xmp" in image.info:
        full, _ = decode(data, fmt)
        upright = ImageOps.exif_transpose(full) if rotated else full
        clean_exif = upright.getexif()
        clean_exif.pop(GPS_IFD, None)
        clean_exif.pop(ORIENTATION, None)
        out = io.BytesIO()
        options = {"exif": clean_exif.tobytes()}
        if fmt in ("JPEG", "WEBP"):
            options.update(quality=92)
        upright.save(out, format=fmt, **options)
        display = out.getvalue()
    thumb = ImageOps.exif_transpose(image) if rotated else image
    thumb = ImageOps.contain(thumb, (THUMB_SIZE, THUMB_SIZE)) if max(thumb.size) > THUMB_SIZE else thumb
    if thumb.mode not in ("RGB", "L"):
        background = Image.new("RGB", thumb.size, "white")
        rgba = thumb.convert("RGBA")
        background.paste(rgba, mask=rgba.getchannel("A"))
        thumb = background
    out = io.BytesIO()
    thumb.save(out, format="JPEG", quality=80)
    return display, out.getvalue()


def write_atomically(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(dir=path.parent, prefix=".incoming-")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def readable_blob(actor: Actor, sha256: str, size: str | None) -> tuple[Path, str]:
    """The file to serve and its type, if the caller may see it; 404 otherwise."""
    if size not in (None, "thumb", "full"):
        raise NotFound("size is thumb or full.")
    blob = db.session.get(Blob, sha256)
    if blob is None or not may_read(actor, sha256):
        raise NotFound("No such photo, or not yours to see.")
    if size == "thumb":
        return thumb_path(sha256), "image/jpeg"
    return final_path(sha256), blob.content_type


def may_read(actor: Actor, sha256: str) -> bool:
    if db.session.get(BlobUploader, (sha256, actor.device_id)) is not None:
        return True
    photos = db.session.execute(select(Record).where(Record.type == "photo", Record.blob == sha256, Record.deleted.is_(False))).scalars()
    return any(rights.can_read(actor, photo) for photo in photos)
