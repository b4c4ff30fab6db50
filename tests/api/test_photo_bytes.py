"""Issue #18, 2 to 4: knowing a hash opens nothing, partial uploads are bounded and expire, costly images are refused."""

import io
import os
import struct
import time
import zlib
from datetime import date, timedelta
from pathlib import Path

import pytest
from PIL import Image

from tests.helpers import jpeg_bytes, sha

DUE = (date.today() + timedelta(days=3)).isoformat()


def blob_url(data_or_hash) -> str:
    return f"/api/v1/blobs/{data_or_hash if isinstance(data_or_hash, str) else sha(data_or_hash)}"


def patch(device, data, offset, chunk, length=None, content_type="image/jpeg"):
    return device.client.patch(
        blob_url(data),
        headers={**device.headers, "Upload-Offset": str(offset), "Upload-Length": str(len(data) if length is None else length)},
        data=chunk,
        content_type=content_type,
    )


def assigned_finding(office, inspector, estate, company):
    finding = inspector.create("finding", estate.finding_fields())
    result = office.push_one("finding", {"status": "assigned", "company_id": company, "due_date": DUE}, record_id=finding)
    assert result["status"] == "applied", result
    return finding


def photo_fields(data_or_hash, finding, role="after"):
    return {
        "blob": data_or_hash if isinstance(data_or_hash, str) else sha(data_or_hash),
        "parent_type": "finding",
        "parent_id": finding,
        "role": role,
    }


def big_jpeg(colour="teal") -> bytes:
    return jpeg_bytes(colour, size=(400, 300), quality=100)


# 2. Knowing a photo's sha256 is not enough to read it.


def test_joining_another_devices_upload_in_progress_opens_nothing(office, inspector, contractor_a, contractor_b, estate):
    finding = assigned_finding(office, inspector, estate, estate.company_a)
    data = big_jpeg()
    cut = len(data) // 2
    assert patch(contractor_a, data, 0, data[:cut]).status_code == 204

    probe = patch(contractor_b, data, cut, b"")  # the offset a 409 would have told
    joined = patch(contractor_b, data, 0, b"")
    finished = patch(contractor_a, data, cut, data[cut:])
    contractor_a.create("photo", photo_fields(data, finding))

    assert probe.status_code == 409 and probe.headers["Upload-Offset"] == "0"  # its own upload, of nothing
    assert joined.status_code in (204, 409)
    assert finished.status_code == 204
    assert contractor_b.download(blob_url(data)).status_code == 404
    assert contractor_b.client.head(blob_url(data), headers=contractor_b.headers).status_code in (200, 404)
    assert contractor_b.client.head(blob_url(data), headers=contractor_b.headers).headers.get("Upload-Offset") != str(len(data))
    assert office.download(blob_url(data)).status_code == 200


def test_junk_put_or_patch_under_a_stored_hash_opens_nothing(office, inspector, contractor_a, contractor_b, estate):
    finding = assigned_finding(office, inspector, estate, estate.company_a)
    data = big_jpeg("navy")
    assert contractor_a.upload(data).status_code == 201
    contractor_a.create("photo", photo_fields(data, finding))
    junk = b"\xff\xd8\xff" + b"junk" * 50

    put = contractor_b.client.put(blob_url(data), headers=contractor_b.headers, data=junk, content_type="image/jpeg")
    refused = patch(contractor_b, data, 5, junk)
    whole = patch(contractor_b, data, 0, junk, length=len(junk))
    ending = [patch(contractor_b, data, 0, data[:10]), patch(contractor_b, data, 10, b"j" * (len(data) - 10))]

    assert put.status_code == 422 and refused.status_code == 409 and whole.status_code == 422
    assert ending[0].status_code == 204 and ending[1].status_code == 422
    assert contractor_b.download(blob_url(data)).status_code == 404


def test_a_photo_record_naming_someone_elses_stored_bytes_is_refused(office, inspector, contractor_a, contractor_b, estate):
    theirs = assigned_finding(office, inspector, estate, estate.company_a)
    mine = assigned_finding(office, inspector, estate, estate.company_b)
    data = jpeg_bytes("purple")
    assert contractor_a.upload(data).status_code == 201
    contractor_a.create("photo", photo_fields(data, theirs))

    claim = contractor_b.push_one("photo", photo_fields(data, mine))

    assert claim["status"] == "rejected" and claim["error"]["code"] == "forbidden" and "blob" in claim["error"]["fields"]
    assert contractor_b.download(blob_url(data)).status_code == 404


def test_a_photo_record_made_before_someone_else_sends_the_bytes_opens_nothing(office, inspector, contractor_a, contractor_b, estate):
    theirs = assigned_finding(office, inspector, estate, estate.company_a)
    mine = assigned_finding(office, inspector, estate, estate.company_b)
    data = jpeg_bytes("olive")

    early = contractor_b.push_one("photo", photo_fields(data, mine))  # a record may arrive before its bytes (protocol)
    contractor_a.create("photo", photo_fields(data, theirs))
    assert contractor_a.upload(data).status_code == 201

    assert early["status"] == "applied"
    assert contractor_b.download(blob_url(data)).status_code == 404
    assert contractor_b.client.head(blob_url(data), headers=contractor_b.headers).status_code == 404
    assert office.download(blob_url(data)).status_code == 200 and contractor_a.download(blob_url(data)).status_code == 200


def test_the_same_bytes_sent_by_a_second_device_open_its_photo_record(office, inspector, contractor_a, contractor_b, estate):
    theirs = assigned_finding(office, inspector, estate, estate.company_a)
    mine = assigned_finding(office, inspector, estate, estate.company_b)
    data = jpeg_bytes("maroon")
    assert contractor_a.upload(data).status_code == 201

    assert contractor_b.upload(data).status_code == 200
    contractor_b.create("photo", photo_fields(data, mine))

    assert contractor_b.download(blob_url(data)).status_code == 200
    assert contractor_a.create("photo", photo_fields(data, theirs))


# 3. Partial uploads are bounded, leave nothing when refused, and expire.


def partial_files(app) -> list[Path]:
    root = Path(app.config["BLOB_FOLDER"]) / "partial"
    return sorted(path for path in root.rglob("*") if path.is_file()) if root.exists() else []


def test_a_device_holds_only_so_many_partial_uploads(app, inspector, contractor_a):
    app.config["UPLOAD_PARTIALS_PER_DEVICE"] = 2
    photos = [big_jpeg(colour) for colour in ("red", "green", "blue")]

    started = [patch(inspector, data, 0, data[:100]).status_code for data in photos]
    refused = patch(inspector, photos[2], 0, photos[2][:100])
    other_device = patch(contractor_a, photos[2], 0, photos[2][:100])
    whole = inspector.upload(photos[2])

    assert started == [204, 204, 429]
    assert refused.get_json()["error"]["code"] == "too_many_partial_uploads" and refused.headers["Retry-After"]
    assert other_device.status_code == 204 and whole.status_code == 201  # a whole photo keeps no partial
    assert len(partial_files(app)) == 3 and not any(path.suffix == ".lock" for path in partial_files(app))


def test_partial_uploads_together_hold_only_so_much(app, inspector, contractor_a):
    app.config["UPLOAD_PARTIAL_TOTAL_MB"] = 1
    first = patch(inspector, b"x" * 10, 0, b"\xff\xd8\xff", length=700_000)
    second = patch(contractor_a, b"y" * 10, 0, b"\xff\xd8\xff", length=700_000)

    assert first.status_code == 204
    assert second.status_code == 507 and second.get_json()["error"]["code"] == "upload_space_full"
    assert len(partial_files(app)) == 1


def test_a_refused_upload_leaves_nothing_behind(app, inspector):
    data = big_jpeg("orange")
    wrong = bytearray(data)
    wrong[-100] ^= 0xFF

    refusals = [
        patch(inspector, data, 0, data[:10], content_type="image/gif"),
        patch(inspector, data, 0, data[:10], length=30 * 1024 * 1024),
        patch(inspector, data, 7, data[7:20]),
    ]
    started = patch(inspector, data, 0, data[:100])
    mismatch = patch(inspector, data, 100, bytes(wrong[100:]))

    assert [r.status_code for r in refusals] == [415, 413, 409]
    assert started.status_code == 204 and mismatch.status_code == 422
    assert partial_files(app) == []
    assert inspector.client.head(blob_url(data), headers=inspector.headers).status_code == 404


def test_expire_uploads_removes_stale_partials_and_keeps_fresh_ones(app, runner, inspector):
    stale, fresh = big_jpeg("olive"), big_jpeg("lime")
    patch(inspector, stale, 0, stale[:100])
    patch(inspector, fresh, 0, fresh[:100])
    (stale_file,) = [path for path in partial_files(app) if path.name.startswith(sha(stale))]
    long_ago = time.time() - 49 * 3600
    os.utime(stale_file, (long_ago, long_ago))
    old_layout = Path(app.config["BLOB_FOLDER"]) / "partial" / f"{sha(stale)}.lock"
    old_layout.write_text("")

    result = runner.invoke(args=["expire-uploads"])

    assert result.exit_code == 0 and "Removed 2" in result.output
    assert [path.name.partition(".")[0] for path in partial_files(app)] == [sha(fresh)]
    assert inspector.client.head(blob_url(stale), headers=inspector.headers).status_code == 404
    resumed = patch(inspector, fresh, 100, fresh[100:])
    assert resumed.status_code == 204 and partial_files(app) == []


def test_a_setting_that_is_not_a_whole_number_stops_the_start(monkeypatch):
    from flask import Flask

    from server.api import register_api

    monkeypatch.setenv("UPLOAD_PARTIALS_PER_DEVICE", "ten")
    with pytest.raises(ValueError, match="UPLOAD_PARTIALS_PER_DEVICE"):
        register_api(Flask(__name__))  # a bare app: a failed create_app would leave its database connections open


# 4. Few bytes that would cost a lot to decode are refused before they are decoded.


def jpeg_claiming(width: int, height: int) -> bytes:
    """A tiny JPEG whose frame header claims width × height, with a rotation tag and its scan cut short by EOI."""
    exif = Image.Exif()
    exif[0x0112] = 6
    out = io.BytesIO()
    Image.new("RGB", (16, 16), "white").save(out, format="JPEG", exif=exif.tobytes())
    data = bytearray(out.getvalue())
    sof = data.index(b"\xff\xc0")
    data[sof + 5 : sof + 9] = struct.pack(">HH", height, width)
    scan = data.index(b"\xff\xda")
    scan_end = scan + 2 + struct.unpack(">H", data[scan + 2 : scan + 4])[0]
    return bytes(data[: scan_end + 4]) + b"\xff\xd9"


def png_of_zeros(width: int, height: int) -> bytes:
    """A real, valid PNG of width × height black pixels: a few hundred KB that decode to width × height × 4 bytes."""

    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    packer = zlib.compressobj(9)
    row = b"\x00" * (1 + width * 3)
    idat = b"".join(packer.compress(row) for _ in range(height)) + packer.flush()
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def test_a_jpeg_of_a_few_hundred_bytes_claiming_49_megapixels_is_refused(app, inspector):
    data = jpeg_claiming(7000, 7000)
    assert len(data) < 1000

    started = time.monotonic()
    response = inspector.upload(data)

    assert response.status_code == 422 and response.get_json()["error"]["code"] == "invalid_image"
    assert "7000" in response.get_json()["error"]["message"]
    assert time.monotonic() - started < 2
    assert not list(Path(app.config["BLOB_FOLDER"]).glob("??/*"))


def test_a_png_of_a_hundred_kilobytes_that_decodes_to_192_megabytes_is_refused(inspector):
    data = png_of_zeros(8000, 6000)
    assert len(data) < 300_000

    response = inspector.upload(data, content_type="image/png")

    assert response.status_code == 413 and response.get_json()["error"]["code"] == "too_costly_to_decode"


def test_the_decode_budget_is_a_setting(app, inspector):
    data = png_of_zeros(1200, 1000)  # 4.8 MB decoded

    app.config["PHOTO_DECODE_MB"] = 4
    refused = inspector.upload(data, content_type="image/png")
    app.config["PHOTO_DECODE_MB"] = 8
    taken = inspector.upload(data, content_type="image/png")

    assert (refused.status_code, taken.status_code) == (413, 201)


def test_a_real_twelve_megapixel_photo_with_a_rotation_tag_is_still_taken(inspector):
    exif = Image.Exif()
    exif[0x0112] = 6
    out = io.BytesIO()
    Image.new("RGB", (4000, 3000), "white").save(out, format="JPEG", exif=exif.tobytes(), quality=90)
    data = out.getvalue()

    response = inspector.upload(data)
    thumb = Image.open(io.BytesIO(inspector.download(blob_url(data) + "?size=thumb").body))

    assert response.status_code == 201
    assert thumb.size == (240, 320)  # upright
