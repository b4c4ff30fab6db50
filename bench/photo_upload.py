"""Photo upload over real HTTP on 127.0.0.1: 200 photos of about 1 MiB, in 1 MiB PATCH chunks.

    .venv/bin/python bench/photo_upload.py            # 200 photos, median of 3 runs
    .venv/bin/python bench/photo_upload.py --smoke    # 10 photos, one run (CI)

One device uploads one photo after another, as the app's outbox does, with
the resumable PATCH of PROTOCOL.md §7. The server checks each photo's hash,
decodes it, strips its location and makes a thumbnail before it answers.
Prints a table with the target of issue #4 and a JSON line.
"""

import argparse
import hashlib
import io
import json
import os
import random
import time

from PIL import Image

from common import Server, machine_line, median, python_speed_ms

CHUNK = 1024 * 1024
TARGET_BYTES = 1024 * 1024


def photo_like_jpegs(count: int) -> list[bytes]:
    """Distinct JPEGs just under 1 MiB: a textured 1600 × 1200 picture, as a phone sends after downscaling."""
    rng = random.Random(7)
    base = Image.effect_noise((400, 300), 64).resize((1600, 1200), Image.Resampling.BICUBIC)
    colour = Image.merge("RGB", (base, base.rotate(180), base.transpose(Image.Transpose.FLIP_LEFT_RIGHT)))
    quality = 95
    while quality > 20:
        if len(encode(colour, quality)) <= TARGET_BYTES:
            break
        quality -= 3
    photos = []
    for index in range(count):
        picture = colour.copy()
        picture.putpixel((index % 1600, index // 1600), (rng.randrange(256), 0, 0))  # each photo its own hash
        photos.append(encode(picture, quality))
    return photos


def encode(picture: Image.Image, quality: int) -> bytes:
    out = io.BytesIO()
    picture.save(out, format="JPEG", quality=quality)
    return out.getvalue()


def upload(device, data: bytes) -> None:
    sha = hashlib.sha256(data).hexdigest()
    offset = 0
    while offset < len(data):
        chunk = data[offset : offset + CHUNK]
        response = device.session.patch(
            f"{device.url}/api/v1/blobs/{sha}",
            data=chunk,
            headers={"Content-Type": "image/jpeg", "Upload-Offset": str(offset), "Upload-Length": str(len(data))},
        )
        if response.status_code != 204:
            raise RuntimeError(f"upload refused: {response.status_code} {response.text[:200]}")
        offset = int(response.headers["Upload-Offset"])


def check_stored(device, photos: list[bytes]) -> None:
    for data in photos:
        sha = hashlib.sha256(data).hexdigest()
        response = device.session.head(f"{device.url}/api/v1/blobs/{sha}")
        assert response.status_code == 200 and response.headers["Upload-Offset"] == str(len(data)), sha


def main():
    python_speed_ms()  # measured first, on a quiet machine; printed with the figures
    parser = argparse.ArgumentParser()
    parser.add_argument("--smoke", action="store_true")
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()
    count, runs = (10, 1) if args.smoke else (200, 3)
    photos = photo_like_jpegs(count)
    times = []
    for _ in range(runs):
        with Server(workers=args.workers, database_url=os.environ.get("DATABASE_URL")) as server:
            device = server.device("camera phone")
            start = time.perf_counter()
            for data in photos:
                upload(device, data)
            times.append(time.perf_counter() - start)
            check_stored(device, photos)
            database = server.database
    seconds = median(times)
    mean_size = sum(map(len, photos)) / len(photos)
    print(
        f"{machine_line()}; database: {database}; gunicorn workers: {args.workers}; "
        f"median of {runs} run(s); photos of {mean_size / 1048576:.3f} MiB on average"
    )
    print(f"{'figure':55} {'seconds':>9} {'target':>8}")
    target = "2.000" if count == 200 else "-"
    print(f"{f'upload {count} photos of about 1 MiB in 1 MiB chunks':55} {seconds:9.3f} {target:>8}")
    print(f"{'per photo':55} {seconds / count:9.4f} {'-':>8}")
    print(
        json.dumps(
            {
                "bench": "photo_upload",
                "speed_ms": round(python_speed_ms(), 1),
                "database": database,
                "workers": args.workers,
                "photos": count,
                "runs": runs,
                "mean_bytes": round(mean_size),
                "upload_s": round(seconds, 4),
                "per_photo_s": round(seconds / count, 5),
            }
        )
    )


if __name__ == "__main__":
    main()
