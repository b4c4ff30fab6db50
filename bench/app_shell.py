"""App shell weight: the bytes a phone downloads on first load, raw and compressed.

Prints a table and a JSON line. The shell is what the service worker caches
(index page, modules, translation catalogs, styles, manifest, icons), as the
server lists it.
Flask itself sends these files uncompressed; the gzip column (level 9) is
what a phone downloads behind a compressing reverse proxy, which a phone
deployment needs anyway for HTTPS.
"""

import gzip
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from server.web import PWA_FOLDER, shell_files  # noqa: E402

TARGET = 100 * 1024


def main() -> None:
    rows = []
    for url in shell_files():
        path = PWA_FOLDER / ("index.html" if url == "/" else url.lstrip("/"))
        data = path.read_bytes()
        rows.append((url, len(data), len(gzip.compress(data, 9))))
    raw = sum(row[1] for row in rows)
    compressed = sum(row[2] for row in rows)
    print(f"{'file':32} {'bytes':>8} {'gzip':>8}")
    for url, size, packed in rows:
        print(f"{url:32} {size:8} {packed:8}")
    print(f"{'total':32} {raw:8} {compressed:8}   target: {TARGET} compressed")
    print(json.dumps({"bench": "app_shell", "files": len(rows), "bytes": raw, "gzip_bytes": compressed, "target_gzip_bytes": TARGET}))


if __name__ == "__main__":
    main()
