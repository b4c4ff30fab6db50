"""Photos and other blobs (protocol §7)."""

import io
import struct
import zlib

from PIL import Image, ImageOps, PngImagePlugin

from tests.helpers import jpeg_bytes, sha


def blob_url(data_or_hash) -> str:
    name = data_or_hash if isinstance(data_or_hash, str) else sha(data_or_hash)
    return f"/api/v1/blobs/{name}"


def patch(device, data, offset, chunk, content_type="image/jpeg", length=None):
    return device.client.patch(
        blob_url(data),
        headers={**device.headers, "Upload-Offset": str(offset), "Upload-Length": str(length if length is not None else len(data))},
        data=chunk,
        content_type=content_type,
    )


def head(device, data):
    return device.client.head(blob_url(data), headers=device.headers)


def jpeg_with_exif(orientation=None, gps=False, size=(60, 40)) -> bytes:
    image = Image.new("RGB", size, "blue")
    image.putpixel((0, 0), (255, 0, 0))
    exif = Image.Exif()
    if orientation:
        exif[0x0112] = orientation
    if gps:
        exif[0x8825] = {1: "N", 2: (22.0, 17.0, 0.0), 3: "E", 4: (114.0, 10.0, 0.0)}
    exif[0x010F] = "PhoneMaker"
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif.tobytes(), quality=95)
    return out.getvalue()


def png_header_claiming(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims huge dimensions: a decompression bomb."""

    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )


def test_put_stores_a_photo_once_and_head_reports_it_complete(inspector):
    data = jpeg_bytes()

    first = inspector.upload(data)
    second = inspector.upload(data)
    state = head(inspector, data)

    assert (first.status_code, second.status_code) == (201, 200)
    assert state.status_code == 200
    assert state.headers["Upload-Offset"] == state.headers["Upload-Length"] == str(len(data))


def test_head_of_an_unknown_blob_is_404(inspector):
    assert head(inspector, b"nothing").status_code == 404


def test_an_upload_resumes_where_the_connection_was_cut(inspector):
    data = jpeg_bytes(size=(400, 300), quality=100)
    cut = len(data) // 3

    assert patch(inspector, data, 0, data[:cut]).status_code == 204
    state = head(inspector, data)
    assert (state.headers["Upload-Offset"], state.headers["Upload-Length"]) == (str(cut), str(len(data)))
    resumed = patch(inspector, data, int(state.headers["Upload-Offset"]), data[cut:])

    assert resumed.status_code == 204 and resumed.headers["Upload-Offset"] == str(len(data))
    assert inspector.download(blob_url(data)).body == data


def test_a_chunk_at_the_wrong_offset_is_a_409_carrying_the_right_one(inspector):
    data = jpeg_bytes(size=(200, 200))
    patch(inspector, data, 0, data[:100])

    response = patch(inspector, data, 0, data[:100])

    assert response.status_code == 409
    assert response.headers["Upload-Offset"] == "100"
    assert response.get_json()["error"]["code"] == "offset_mismatch"


def test_bytes_that_do_not_hash_to_the_name_are_a_422_and_are_discarded(inspector):
    data = jpeg_bytes()
    wrong_name = sha(b"something else")

    whole = inspector.client.put(blob_url(wrong_name), headers=inspector.headers, data=data, content_type="image/jpeg")
    chunked = inspector.client.patch(
        blob_url(wrong_name),
        headers={**inspector.headers, "Upload-Offset": "0", "Upload-Length": str(len(data))},
        data=data,
        content_type="image/jpeg",
    )

    assert whole.status_code == chunked.status_code == 422
    assert whole.get_json()["error"]["code"] == "hash_mismatch"
    assert head(inspector, wrong_name).status_code == 404


def test_a_non_image_or_another_format_is_a_415(inspector):
    gif = io.BytesIO()
    Image.new("RGB", (10, 10)).save(gif, format="GIF")
    for data, content_type in (
        (b"just some text, not a photo", "image/jpeg"),
        (gif.getvalue(), "image/jpeg"),
        (jpeg_bytes(), "image/gif"),
        (jpeg_bytes(), "application/octet-stream"),
    ):
        response = inspector.upload(data, content_type=content_type)
        assert response.status_code == 415, (data[:10], content_type)
        assert response.get_json()["error"]["code"]


def test_a_truncated_image_is_a_422_not_a_500(inspector):
    data = jpeg_bytes(size=(300, 300))[:400]

    response = inspector.upload(data)

    assert response.status_code == 422 and response.get_json()["error"]["code"] == "invalid_image"


def test_a_decompression_bomb_is_refused(inspector):
    for width, height in ((10_000, 10_000), (100_000, 100_000)):
        response = inspector.upload(png_header_claiming(width, height), content_type="image/png")
        assert response.status_code == 413, (width, response.get_json())


def test_more_than_twenty_mebibytes_is_a_413(inspector):
    data = b"\xff\xd8\xff" + b"\x00" * (20 * 1024 * 1024)

    assert inspector.upload(data).status_code == 413
    assert patch(inspector, data, 0, data[:10]).status_code == 413


def jpeg_full_of_metadata() -> bytes:
    """A phone's JPEG at its worst: orientation and camera in EXIF, GPS again in a second EXIF segment, XMP, a comment, an ICC profile (kept: it is colour), and another picture with its own EXIF after EOI (as MPF previews are)."""
    plain = jpeg_with_exif(orientation=6, gps=True, size=(60, 40))

    def segment(marker: int, body: bytes) -> bytes:
        return bytes([0xFF, marker]) + struct.pack(">H", len(body) + 2) + body

    second_exif = Image.Exif()
    second_exif[0x8825] = {1: "N", 2: (22.0, 17.0, 31.0), 3: "E", 4: (114.0, 10.0, 5.0)}
    extra = (
        segment(0xE1, second_exif.tobytes())
        + segment(0xE1, b"http://ns.adobe.com/xap/1.0/\x00<x:xmpmeta>GPSLatitude 22,17.5N</x:xmpmeta>")
        + segment(0xE2, b"ICC_PROFILE\x00\x01\x01" + b"display colours")
        + segment(0xFE, b"Shot by PhoneMaker owner Wong")
    )
    first_exif = plain.index(b"\xff\xe1")
    after_it = first_exif + 2 + struct.unpack(">H", plain[first_exif + 2 : first_exif + 4])[0]
    return plain[:after_it] + extra + plain[after_it:] + jpeg_with_exif(gps=True)


def segments(data: bytes) -> list[tuple[int, bytes]]:
    """(marker, body) of each segment before the first scan."""
    found, position = [], 2
    while data[position + 1] != 0xDA:
        (size,) = struct.unpack(">H", data[position + 2 : position + 4])
        found.append((data[position + 1], data[position + 4 : position + 2 + size]))
        position += 2 + size
    return found


def test_served_photos_keep_no_metadata_but_their_orientation(inspector):
    data = jpeg_full_of_metadata()
    assert inspector.upload(data).status_code == 201

    served_bytes = inspector.download(blob_url(data)).body
    served = Image.open(io.BytesIO(served_bytes))

    assert [marker for marker, _ in segments(served_bytes) if 0xE0 <= marker <= 0xEF or marker == 0xFE] == [
        0xE0,
        0xE1,
        0xE2,
    ]  # JFIF, orientation, colour
    assert dict(served.getexif()) == {0x0112: 6}
    for leak in (b"PhoneMaker", b"GPS", b"Wong", b"xmpmeta"):
        assert leak not in served_bytes, leak
    assert served_bytes.count(b"\xff\xd9") == 1 and served_bytes.endswith(b"\xff\xd9")  # nothing after EOI
    assert ImageOps.exif_transpose(served).size == (40, 60)  # shown upright
    assert served.tobytes() == Image.open(io.BytesIO(data)).tobytes()  # the picture itself untouched


def test_a_photo_as_the_app_makes_it_is_served_byte_for_byte(inspector):
    data = jpeg_bytes("red", size=(64, 48), quality=85, icc_profile=b"sRGB profile as a canvas writes it")

    assert inspector.upload(data).status_code == 201
    assert inspector.download(blob_url(data)).body == data


def test_png_and_webp_photos_keep_no_metadata_either(inspector):
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    exif[0x0112] = 8
    exif[0x8825] = {1: "N", 2: (22.0, 17.0, 0.0)}
    image = Image.new("RGB", (30, 20), "green")
    png_info = PngImagePlugin.PngInfo()
    png_info.add_text("Comment", "PhoneMaker at 22N 114E")
    for fmt, options, content_type in (("PNG", {"pnginfo": png_info}, "image/png"), ("WEBP", {"lossless": True}, "image/webp")):
        out = io.BytesIO()
        image.save(out, format=fmt, exif=exif.tobytes(), **options)
        data = out.getvalue()
        assert inspector.upload(data, content_type=content_type).status_code == 201, fmt

        served_bytes = inspector.download(blob_url(data)).body
        served = Image.open(io.BytesIO(served_bytes))

        assert b"PhoneMaker" not in served_bytes, fmt
        assert dict(served.getexif()) == {0x0112: 8}, fmt
        assert ImageOps.exif_transpose(served).size == (20, 30), fmt
        assert served.convert("RGB").tobytes() == image.tobytes(), fmt


def test_a_thumbnail_is_at_most_320_pixels_a_side(inspector):
    data = jpeg_bytes(size=(1600, 1200))
    inspector.upload(data)

    thumb = inspector.download(blob_url(data) + "?size=thumb")

    assert thumb.status_code == 200 and thumb.mimetype == "image/jpeg"
    assert max(Image.open(io.BytesIO(thumb.body)).size) == 320


def test_a_blob_is_served_only_to_its_uploader_and_those_who_can_read_a_photo_of_it(office, inspector, contractor_a, contractor_b, estate):
    data = jpeg_bytes("purple")
    inspector.upload(data)
    finding = inspector.create("finding", estate.finding_fields())
    url = blob_url(data)
    assert contractor_a.download(url).status_code == 404

    inspector.create("photo", {"blob": sha(data), "parent_type": "finding", "parent_id": finding, "role": "before"})
    office.push_one("finding", {"status": "assigned", "company_id": estate.company_a, "due_date": "2030-01-01"}, record_id=finding)

    assert inspector.download(url).status_code == 200
    assert office.download(url).status_code == 200
    assert contractor_a.download(url).status_code == 200
    assert contractor_b.download(url).status_code == 404


def test_blob_calls_need_a_token(client):
    data = jpeg_bytes()

    assert client.put(blob_url(data), data=data, content_type="image/jpeg").status_code == 401
    assert client.get(blob_url(data)).status_code == 401


def test_a_photo_record_may_arrive_before_its_bytes(inspector, estate):
    data = jpeg_bytes("orange")
    finding = inspector.create("finding", estate.finding_fields())

    photo = inspector.push_one("photo", {"blob": sha(data), "parent_type": "finding", "parent_id": finding, "role": "evidence"})
    upload = inspector.upload(data)

    assert photo["status"] == "applied" and upload.status_code == 201
