"""Photo bytes: stored once per SHA-256, uploaded whole or in resumable chunks.

An upload is complete only once its verified bytes are durably stored: the
image and its thumbnail are written to temporary files, fsynced and renamed
into place, and only then is the `Blob` row recorded. HEAD reports an upload
complete only for a recorded blob whose files are there, so a crash at any
step leaves either a resumable partial or a readable photo, never a claim of
one.

Each device keeps its own partial upload of a hash (`partial/<device>/<sha256>.<length>`,
the file's size is the offset it holds): nobody can append to, or learn of,
another device's upload. The last chunk is never appended; it is verified
together with the bytes held and stored, and the partial is removed after the
transaction commits. Partials are bounded per device and in total, and
`expire_partial_uploads` removes stale ones.

The checks (hash, format by magic number, declared size against a pixel
limit, the bytes and a memory budget, then a decode by Pillow restricted to
JPEG, PNG and WebP) answer a 4xx for anything wrong, never a 500. What is
served keeps no metadata but the orientation and the colour profile: the
segments or chunks that carry EXIF, XMP, comments and text are dropped
without re-encoding. (The ICC profile stays: without it a wide-gamut photo
shows wrong colours, it holds no place or time, and a photo from the app,
whose canvas JPEG carries an sRGB profile, is then served byte for byte.)
"""

import fcntl
import hashlib
import io
import os
import signal
import struct
import tempfile
import time
import warnings
import zlib
from contextlib import contextmanager
from pathlib import Path

from flask import current_app
from PIL import Image, ImageOps
from sqlalchemy import event, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from server.errors import (
    ApiError,
    ChunkTooLong,
    HashMismatch,
    InvalidHeader,
    InvalidImage,
    LengthMismatch,
    NotFound,
    OffsetMismatch,
    PayloadTooLarge,
    TooCostlyImage,
    TooManyPartialUploads,
    TooManyPixels,
    UnsupportedImageFormat,
    UnsupportedMediaType,
    UploadSpaceFull,
)
from server.extensions import db
from server.models import Blob, BlobUploader, Device, Record, utcnow
from server.services import rights
from server.services.accounts import SYSTEM_DEVICE  # bytes the server itself stored (the demo)
from server.services.actor import Actor

MAX_BYTES = 20 * 1024 * 1024
MAX_PIXELS = 50_000_000
THUMB_SIZE = 320
CONTENT_TYPES = {"image/jpeg": "JPEG", "image/png": "PNG", "image/webp": "WEBP"}
FORMAT_TYPES = {fmt: content_type for content_type, fmt in CONTENT_TYPES.items()}
ORIENTATION = 0x0112

# The settings of uploads, each a whole number (README, Configuration): the environment, else <instance>/config.py.
SETTINGS = {
    "UPLOAD_PARTIALS_PER_DEVICE": 10,  # uploads in progress one device may hold
    "UPLOAD_PARTIAL_TOTAL_MB": 1024,  # the declared lengths of all uploads in progress together
    "UPLOAD_PARTIAL_MAX_AGE_HOURS": 48,  # an upload not resumed for this long is removed by expire-uploads
    "PHOTO_DECODE_MB": 96,  # the memory one photo's decode may take
}
# A Huffman-coded JPEG spends at least two bits on every 8 × 8 block of each scan; allow well under that.
JPEG_MIN_BYTES_PER_PIXEL = 1 / 1024

# Pillow's own bomb check refuses at twice this; we refuse above it ourselves, with our error.
Image.MAX_IMAGE_PIXELS = MAX_PIXELS


def read_settings(config, environ) -> dict[str, int]:
    """The upload settings, checked at start: a value that is not a whole number stops the server."""
    settings = {}
    for name, default in SETTINGS.items():
        value = environ.get(name) or config.get(name)
        text = str(default if value is None or value == "" else value).strip()
        if isinstance(value, bool) or not text.isascii() or not text.isdigit():
            raise ValueError(f"{name} must be a whole number, not {value!r}")
        settings[name] = int(text)
    return settings


def setting(name: str) -> int:
    return current_app.config.get(name, SETTINGS[name])


def crash_point(step: str, sha256: str) -> None:
    """Die here, as a power cut would, when UPLOAD_CRASH_AT names this step (and this blob): the crash test's hook, unset in service."""
    planned = current_app.config.get("UPLOAD_CRASH_AT")
    if planned and planned in (step, f"{step}:{sha256}"):
        os.kill(os.getpid(), signal.SIGKILL)


def blob_folder() -> Path:
    return Path(current_app.config["BLOB_FOLDER"])


def final_path(sha256: str) -> Path:
    return blob_folder() / sha256[:2] / sha256


def thumb_path(sha256: str) -> Path:
    return blob_folder() / sha256[:2] / f"{sha256}.thumb.jpg"


def partial_root() -> Path:
    return blob_folder() / "partial"


def device_partials(device_id: str) -> Path:
    return partial_root() / device_id


def own_partial(device_id: str, sha256: str) -> Path | None:
    """The device's upload in progress of this hash (its name carries the declared length), if any."""
    folder = device_partials(device_id)
    if not folder.is_dir():
        return None
    return next(folder.glob(f"{sha256}.*"), None)


def partial_length(path: Path) -> int:
    return int(path.name.rpartition(".")[2])


def check_content_type(content_type: str | None) -> str:
    if content_type not in CONTENT_TYPES:
        raise UnsupportedMediaType("Photos are image/jpeg, image/png or image/webp.")
    return content_type


def stored_blob(sha256: str) -> Blob | None:
    """The blob, when it is recorded and its files are there to serve; anything less is not stored."""
    blob = db.session.get(Blob, sha256)
    if blob is None or not final_path(sha256).is_file() or not thumb_path(sha256).is_file():
        return None
    return blob


def upload_state(actor: Actor, sha256: str) -> tuple[int, int] | None:
    """(bytes held, total) as this caller may know them, or None: equal only for a stored blob it may read."""
    blob = stored_blob(sha256)
    if blob is not None and may_read(actor, sha256):
        return blob.length, blob.length
    partial = own_partial(actor.device_id, sha256)
    if partial is not None:
        return partial.stat().st_size, partial_length(partial)
    return None


def head_state(actor: Actor, sha256: str) -> tuple[int, int] | None:
    """What HEAD tells: a stored blob to those who may read it, an upload in progress to the device sending it.

    Answering anyone else would tell them a photo with that hash exists.
    """
    return upload_state(actor, sha256)


def put_blob(actor: Actor, sha256: str, content_type: str | None, data: bytes) -> bool:
    """Store a whole upload; True when it was new, False when it was stored already.

    The caller becomes an uploader (who may read the blob back) only by
    sending bytes that hash to its name, stored already or not.
    """
    check_content_type(content_type)
    if len(data) > MAX_BYTES:
        raise PayloadTooLarge("A photo is at most 20 MiB.")
    if stored_blob(sha256) is not None:
        if hashlib.sha256(data).hexdigest() != sha256:
            raise HashMismatch("The bytes do not hash to the blob's name.")
        note_uploader(actor.device_id, sha256)
        return False
    stored = store_verified(sha256, data)
    note_uploader(actor.device_id, sha256)
    partial = own_partial(actor.device_id, sha256)
    if partial is not None:  # a whole upload replaces one in progress
        discard_after_commit(partial)
    return stored


def patch_blob(actor: Actor, sha256: str, content_type: str | None, offset_text: str | None, length_text: str | None, chunk: bytes) -> int:
    """Append a chunk at the offset the device's upload holds; the new offset comes back.

    The last chunk completes the upload: it is verified with the bytes held
    and stored, never appended, so a partial never holds a whole photo.
    """
    check_content_type(content_type)
    offset, length = header_int(offset_text, "Upload-Offset"), header_int(length_text, "Upload-Length")
    if length > MAX_BYTES:
        raise PayloadTooLarge("A photo is at most 20 MiB.")
    if length == 0:
        raise InvalidImage("An empty file is not a photo.")
    blob = stored_blob(sha256)
    # To a caller who may not read it, a stored blob is as good as absent: it sends the bytes like anyone.
    if blob is not None and may_read(actor, sha256):
        if offset != blob.length:
            raise OffsetMismatch("The blob is complete on the server.", headers={"Upload-Offset": str(blob.length)})
        leftover = own_partial(actor.device_id, sha256)
        if leftover is not None:  # a crash came between the commit and its removal
            discard_after_commit(leftover)
        return blob.length
    if offset + len(chunk) > length:
        raise ChunkTooLong("The chunk runs past Upload-Length.")
    partial = own_partial(actor.device_id, sha256)
    if partial is None:
        return start_upload(actor, sha256, offset, length, chunk)
    with locked(partial) as handle:
        if handle is None:  # completed or expired since we looked
            raise OffsetMismatch("The upload ended meanwhile.", headers={"Upload-Offset": "0"})
        held = os.fstat(handle.fileno()).st_size
        if partial_length(partial) != length:
            raise LengthMismatch("Upload-Length differs from the upload in progress.", headers={"Upload-Offset": str(held)})
        if offset != held:
            raise OffsetMismatch(f"The server holds {held} bytes of this blob.", headers={"Upload-Offset": str(held)})
        crash_point("chunk-received", sha256)
        if held + len(chunk) < length:
            handle.write(chunk)
            handle.flush()
            os.fsync(handle.fileno())
            crash_point("chunk-written", sha256)
            return held + len(chunk)
        handle.seek(0)
        data = handle.read() + chunk
        try:
            store_verified(sha256, data)
        except ApiError:
            partial.unlink(missing_ok=True)  # a refused upload leaves nothing behind; the phone still has the photo
            raise
        note_uploader(actor.device_id, sha256)
        discard_after_commit(partial)
        return length


def start_upload(actor: Actor, sha256: str, offset: int, length: int, chunk: bytes) -> int:
    """The first chunk of an upload: a whole photo is stored at once, anything less starts a partial, if there is room."""
    if offset != 0:
        raise OffsetMismatch("The server holds 0 bytes of this blob.", headers={"Upload-Offset": "0"})
    if len(chunk) == length:  # the whole photo in one chunk: nothing to keep for a resume
        store_verified(sha256, chunk)
        note_uploader(actor.device_id, sha256)
        return length
    check_room(actor.device_id, length)
    folder = device_partials(actor.device_id)
    path = folder / f"{sha256}.{length}"
    try:
        for attempt in (1, 2):
            folder.mkdir(parents=True, exist_ok=True)
            try:
                handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
                break
            except FileNotFoundError:  # expire-uploads removed the empty folder just now
                if attempt == 2:
                    raise
    except FileExistsError:  # a second request of the same device started it first
        raise OffsetMismatch("The server holds part of this blob.", headers={"Upload-Offset": str(path.stat().st_size)}) from None
    with os.fdopen(handle, "wb") as out:
        out.write(chunk)
        out.flush()
        os.fsync(out.fileno())
    fsync_folder(folder)
    crash_point("chunk-written", sha256)
    return len(chunk)


def check_room(device_id: str, length: int) -> None:
    """Refuse a new partial upload beyond the device's count or the total the server keeps for them."""
    partials = list(all_partials())
    mine = sum(1 for device, _ in partials if device == device_id)
    if mine >= setting("UPLOAD_PARTIALS_PER_DEVICE"):
        raise TooManyPartialUploads(
            f"This device has {mine} photo uploads in progress; finish one before starting another.", headers={"Retry-After": "60"}
        )
    held = sum(partial_length(path) for _, path in partials)
    if held + length > setting("UPLOAD_PARTIAL_TOTAL_MB") * 1024 * 1024:
        raise UploadSpaceFull("The server holds as many uploads in progress as it can; try again later.", headers={"Retry-After": "300"})


def all_partials():
    """(device id, path) of every upload in progress."""
    root = partial_root()
    if not root.is_dir():
        return
    for folder in root.iterdir():
        if folder.is_dir():
            for path in folder.iterdir():
                if path.is_file() and path.name.rpartition(".")[2].isdigit():
                    yield folder.name, path


@contextmanager
def locked(path: Path):
    """The partial open for appending under an exclusive lock, or None when it is gone (one writer across workers)."""
    try:
        handle = open(path, "r+b")
    except FileNotFoundError:
        yield None
        return
    with handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        if os.fstat(handle.fileno()).st_nlink == 0:  # removed while we waited for the lock
            yield None
            return
        handle.seek(0, os.SEEK_END)
        yield handle


def discard_after_commit(path: Path) -> None:
    """Remove a completed partial once the blob's row is committed; a crash before that leaves a resumable upload."""
    db.session.info.setdefault("completed_partials", []).append(path)


@event.listens_for(Session, "after_commit")
def remove_completed_partials(session) -> None:
    for path in session.info.pop("completed_partials", []):
        crash_point("committed", path.name.partition(".")[0])
        path.unlink(missing_ok=True)


@event.listens_for(Session, "after_rollback")
def keep_partials_of_a_rollback(session) -> None:
    session.info.pop("completed_partials", None)


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
    """Check, clean and durably store an image's bytes under their hash, then record it; True if recorded now."""
    if hashlib.sha256(data).hexdigest() != sha256:
        raise HashMismatch("The bytes do not hash to the blob's name.")
    fmt = sniff_format(data)
    image, (width, height), orientation = decode(data, fmt)
    display = without_metadata(data, fmt, orientation)
    write_atomically(final_path(sha256), display)
    write_atomically(thumb_path(sha256), thumbnail(image, orientation))
    crash_point("files-written", sha256)
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


def decode(data: bytes, fmt: str) -> tuple[Image.Image, tuple[int, int], int]:
    """The image decoded at thumbnail scale where the format allows it, its full size, and its EXIF orientation.

    The declared size is checked before any pixel is decoded: against the
    pixel limit, against the bytes (a JPEG of a few hundred bytes cannot hold
    49 megapixels of picture) and against the memory the decode would take.
    A JPEG is decoded scaled down (libjpeg still reads every coefficient, so
    a broken one fails the same), which is all a thumbnail needs.
    """
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=(fmt,))
            size = image.size
            if size[0] * size[1] > MAX_PIXELS:
                raise TooManyPixels("A photo is at most 50 megapixels.")
            if fmt == "JPEG":
                if len(data) < size[0] * size[1] * JPEG_MIN_BYTES_PER_PIXEL:
                    raise InvalidImage(f"The JPEG claims {size[0]} × {size[1]} pixels but holds only {len(data)} bytes.")
                if max(size) > THUMB_SIZE:
                    scale = THUMB_SIZE / max(size)
                    image.draft("RGB", (max(1, round(size[0] * scale)), max(1, round(size[1] * scale))))
            if decode_cost(data, image, fmt, size) > setting("PHOTO_DECODE_MB") * 1024 * 1024:
                raise TooCostlyImage(f"A {size[0]} × {size[1]} {fmt} takes more memory to decode than the server allows a photo.")
            orientation = image.getexif().get(ORIENTATION, 1)
            image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise TooManyPixels("A photo is at most 50 megapixels.") from error
    except ApiError:
        raise
    except Exception as error:  # Pillow raises many types for bad input; all of them mean a bad image
        raise InvalidImage(f"The image could not be decoded: {error}") from error
    return image, size, orientation if orientation in range(1, 9) else 1


def decode_cost(data: bytes, image: Image.Image, fmt: str, size: tuple[int, int]) -> int:
    """Bytes of memory the decode needs: the pixels Pillow keeps, and a JPEG's full coefficient buffer when libjpeg keeps one.

    Pillow keeps 1 byte a pixel for grey and palette images and 4 for the
    rest. libjpeg buffers every coefficient of a progressive or multi-scan
    JPEG (2 bytes each, per component) whatever the output scale.
    """
    pixels = image.size[0] * image.size[1] * (1 if image.mode in ("1", "L", "P") else 4)
    if fmt == "JPEG" and (image.info.get("progressive") or data.count(b"\xff\xda") > 1):
        pixels += size[0] * size[1] * 2 * len(image.getbands())
    return pixels


def thumbnail(image: Image.Image, orientation: int) -> bytes:
    """A JPEG at most THUMB_SIZE a side, upright, with no metadata."""
    thumb = ImageOps.exif_transpose(image) if orientation != 1 else image
    thumb = ImageOps.contain(thumb, (THUMB_SIZE, THUMB_SIZE)) if max(thumb.size) > THUMB_SIZE else thumb
    if thumb.mode not in ("RGB", "L"):
        background = Image.new("RGB", thumb.size, "white")
        rgba = thumb.convert("RGBA")
        background.paste(rgba, mask=rgba.getchannel("A"))
        thumb = background
    out = io.BytesIO()
    thumb.save(out, format="JPEG", quality=80)
    return out.getvalue()


def orientation_exif(orientation: int) -> bytes:
    """A TIFF-structured EXIF block holding the orientation and nothing else."""
    exif = Image.Exif()
    exif[ORIENTATION] = orientation
    return exif.tobytes()[len(b"Exif\x00\x00") :]


def without_metadata(data: bytes, fmt: str, orientation: int) -> bytes:
    """The image's bytes with every metadata segment or chunk dropped, the orientation and colour profile kept; the pixels untouched.

    Where a photo was taken lives in its record; the camera, its owner's
    name, the time and the place must not leave with the image.
    """
    if fmt == "JPEG":
        return jpeg_without_metadata(data, orientation)
    if fmt == "PNG":
        return png_without_metadata(data, orientation)
    return webp_without_metadata(data, orientation)


# JPEG segments that describe how to decode; everything else between SOI and SOS (APPn, COM) is metadata.
JPEG_KEPT = {0xC0 + n for n in range(16) if n not in (8,)} | {0xDA, 0xDB, 0xDD, 0xDC, 0xDF}  # SOFn, DHT, DAC, SOS, DQT, DRI, DNL, EXP


def jpeg_without_metadata(data: bytes, orientation: int) -> bytes:
    """Keep the segments that decode the picture and the scans; drop APPn and COM, and whatever follows EOI.

    Phones append more pictures after EOI (MPF depth maps and previews, each
    with its own EXIF), so the walk ends at EOI, and APPn segments between
    scans go too.
    """
    out = [b"\xff\xd8"]
    exif = b"Exif\x00\x00" + orientation_exif(orientation)
    orientation_segment = b"\xff\xe1" + struct.pack(">H", len(exif) + 2) + exif if orientation != 1 else b""
    position = 2
    while position + 1 < len(data):
        if data[position] != 0xFF:
            raise InvalidImage("The JPEG's segments are broken.")
        marker = data[position + 1]
        if marker == 0xFF:  # fill byte
            position += 1
            continue
        if marker == 0xD9:
            break
        (size,) = struct.unpack(">H", data[position + 2 : position + 4])
        segment = data[position : position + 2 + size]
        # JFIF and ICC profiles say how to read the colours, Adobe's segment how to read CMYK and RGB.
        is_jfif = marker == 0xE0 and segment[4:9] == b"JFIF\x00"
        is_colour = (marker == 0xE2 and segment[4:16] == b"ICC_PROFILE\x00") or (marker == 0xEE and segment[4:9] == b"Adobe")
        if marker in JPEG_KEPT or is_jfif or is_colour:
            if orientation_segment and not is_jfif:  # EXIF follows JFIF, which must come first
                out.append(orientation_segment)
                orientation_segment = b""
            out.append(segment)
        position += 2 + size
        if marker == 0xDA:
            end = end_of_scan(data, position)
            out.append(data[position:end])
            position = end
    out.append(b"\xff\xd9")
    return b"".join(out)


def end_of_scan(data: bytes, position: int) -> int:
    """Where a scan's entropy-coded bytes end: the next marker that is not a stuffed 0xFF or a restart."""
    while True:
        position = data.find(b"\xff", position)
        if position < 0 or position + 1 >= len(data):
            return len(data)
        follower = data[position + 1]
        if follower == 0x00 or 0xD0 <= follower <= 0xD7:
            position += 2
        elif follower == 0xFF:
            position += 1
        else:
            return position


PNG_KEPT = {b"IHDR", b"PLTE", b"IDAT", b"IEND", b"tRNS", b"gAMA", b"cHRM", b"sRGB", b"iCCP", b"sBIT", b"bKGD", b"pHYs"}


def png_without_metadata(data: bytes, orientation: int) -> bytes:
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    out = [data[:8]]
    position = 8
    while position + 8 <= len(data):
        (size,) = struct.unpack(">I", data[position : position + 4])
        kind = data[position + 4 : position + 8]
        if kind in PNG_KEPT:
            out.append(data[position : position + 12 + size])
        if kind == b"IHDR" and orientation != 1:
            out.append(chunk(b"eXIf", orientation_exif(orientation)))
        position += 12 + size
    return b"".join(out)


WEBP_KEPT = {b"VP8 ", b"VP8L", b"VP8X", b"ALPH", b"ANIM", b"ANMF", b"ICCP"}
VP8X_EXIF, VP8X_XMP = 0x08, 0x04


def webp_without_metadata(data: bytes, orientation: int) -> bytes:
    body = []
    position = 12
    while position + 8 <= len(data):
        kind = data[position : position + 4]
        (size,) = struct.unpack("<I", data[position + 4 : position + 8])
        piece = data[position : position + 8 + size + (size & 1)]
        if kind == b"VP8X":
            flags = piece[8] & ~(VP8X_EXIF | VP8X_XMP)
            if orientation != 1:
                flags |= VP8X_EXIF
            piece = piece[:8] + bytes([flags]) + piece[9:]
        if kind in WEBP_KEPT:
            body.append(piece)
        position += 8 + size + (size & 1)
    if orientation != 1 and any(piece[:4] == b"VP8X" for piece in body):
        exif = orientation_exif(orientation)
        body.append(b"EXIF" + struct.pack("<I", len(exif)) + exif + b"\x00" * (len(exif) & 1))
    joined = b"".join(body)
    return b"RIFF" + struct.pack("<I", len(joined) + 4) + b"WEBP" + joined


def write_atomically(path: Path, data: bytes) -> None:
    """Write to a temporary file, fsync it, rename it into place and fsync the folder: the file is whole or absent."""
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
    fsync_folder(path.parent)


def fsync_folder(folder: Path) -> None:
    """A rename or a new file survives a power cut only once its folder is synced."""
    handle = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(handle)
    finally:
        os.close(handle)


def readable_blob(actor: Actor, sha256: str, size: str | None) -> tuple[Path, str]:
    """The file to serve and its type, if the caller may see it; 404 otherwise."""
    if size not in (None, "thumb", "full"):
        raise NotFound("size is thumb or full.")
    blob = stored_blob(sha256)
    if blob is None or not may_read(actor, sha256):
        raise NotFound("No such photo, or not yours to see.")
    if size == "thumb":
        return thumb_path(sha256), "image/jpeg"
    return final_path(sha256), blob.content_type


def may_read(actor: Actor, sha256: str) -> bool:
    """The device that uploaded the bytes, and whoever reads a photo record whose author uploaded them.

    A photo record may arrive before its bytes (protocol §Photos), so a
    record naming a hash proves nothing by itself: it opens the bytes only
    once its author's device has sent them.
    """
    if db.session.get(BlobUploader, (sha256, actor.device_id)) is not None:
        return True
    photos = db.session.execute(select(Record).where(Record.type == "photo", Record.blob == sha256, Record.deleted.is_(False))).scalars().all()
    if not photos:
        return False
    vouched = set(
        db.session.execute(
            select(Device.user_id).join(BlobUploader, BlobUploader.device_id == Device.id).where(BlobUploader.sha256 == sha256)
        ).scalars()
    )
    by_server = db.session.get(BlobUploader, (sha256, SYSTEM_DEVICE)) is not None
    return any((by_server or photo.owner_id in vouched) and rights.can_read(actor, photo) for photo in photos)


def check_photo_bytes(actor: Actor, sha256: str | None) -> bool:
    """A photo record may name bytes not stored yet, or bytes its author's device sent; not bytes someone else sent."""
    if not sha256 or stored_blob(sha256) is None:
        return True
    return db.session.get(BlobUploader, (sha256, actor.device_id)) is not None or actor.device_id == SYSTEM_DEVICE


def expire_partial_uploads(max_age_hours: int | None = None) -> int:
    """Remove uploads in progress not resumed within max_age_hours (UPLOAD_PARTIAL_MAX_AGE_HOURS), and what crashes left; how many files went.

    Also goes: partials of blobs their device has completed (a crash between
    the commit and the removal), the partial files of the layout before
    per-device uploads, and temporary files a crash left beside the images.
    Run it every hour or so (`flask --app server expire-uploads`).
    """
    hours = setting("UPLOAD_PARTIAL_MAX_AGE_HOURS") if max_age_hours is None else max_age_hours
    cutoff = time.time() - hours * 3600
    removed = 0
    root = partial_root()
    for device_id, path in list(all_partials()):
        completed = db.session.get(BlobUploader, (path.name.partition(".")[0], device_id)) is not None
        if completed or path.stat().st_mtime < cutoff:
            removed += remove_unless_in_use(path)
    if root.is_dir():
        for entry in root.iterdir():
            if entry.is_file():  # the layout before per-device partials: <sha256>.part, .json and .lock
                entry.unlink(missing_ok=True)
                removed += 1
            elif entry.is_dir():
                try:
                    entry.rmdir()  # only an empty one; a device starting an upload now recreates it
                except OSError:
                    pass
    for temp in blob_folder().glob("??/.incoming-*"):
        if temp.stat().st_mtime < cutoff:
            temp.unlink(missing_ok=True)
            removed += 1
    return removed


def remove_unless_in_use(path: Path) -> int:
    """Remove a partial unless a request is appending to it right now."""
    try:
        handle = open(path, "rb")
    except FileNotFoundError:
        return 0
    with handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return 0
        path.unlink(missing_ok=True)
    return 1
