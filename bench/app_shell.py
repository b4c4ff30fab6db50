"""App shell weight: the bytes a phone downloads on first load, on disk and as the server sends them.

Prints a table and a JSON line. The shell is what the service worker caches
(index page, modules, translation catalogs, styles, manifest, icons), as the
server lists it. The "sent" column is the body the server itself answers to
a browser that accepts gzip (as every browser does), asked through the app
with Chromium's Accept-Encoding header; no proxy is involved.
"""

import json
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from server import create_app  # noqa: E402
from server.web import PWA_FOLDER, shell_files  # noqa: E402

TARGET = 100 * 1024


CHROMIUM_ACCEPT_ENCODING = "gzip, deflate, br, zstd"


def main() -> None:
    with tempfile.TemporaryDirectory() as instance:
        os.environ["INSTANCE_PATH"] = instance  # a throwaway SQLite database; the shell needs none
        os.environ.pop("DATABASE_URL", None)
        client = create_app().test_client()
        rows = []
        for url in shell_files():
            data = (PWA_FOLDER / ("index.html" if url == "/" else url.lstrip("/"))).read_bytes()
            with client.get(url, headers={"Accept-Encoding": CHROMIUM_ACCEPT_ENCODING}) as response:
                rows.append((url, len(data), len(response.data)))
    raw = sum(row[1] for row in rows)
    sent = sum(row[2] for row in rows)
    print(f"{'file':32} {'bytes':>8} {'sent':>8}")
    for url, size, packed in rows:
        print(f"{url:32} {size:8} {packed:8}")
    print(f"{'total':32} {raw:8} {sent:8}   target: {TARGET} sent")
    print(json.dumps({"bench": "app_shell", "files": len(rows), "bytes": raw, "sent_bytes": sent, "target_sent_bytes": TARGET}))


if __name__ == "__main__":
    main()
