#!/usr/bin/env bash
# Install what the tests need and run the whole suite on SQLite, then on PostgreSQL.
# The browser tests drive Debian's Chromium (installed here with apt-get when missing).
#
#   TEST_POSTGRES_URL  the PostgreSQL database to test on
#                      (default postgresql://postgres@127.0.0.1:5432/test)
#   SKIP_POSTGRES=1    run on SQLite only (never in CI)
#   extra arguments    are passed to pytest, e.g. scripts/test.sh -k pull
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
POSTGRES_URL=${TEST_POSTGRES_URL:-postgresql://postgres@127.0.0.1:5432/test}

if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --disable-pip-version-check -e '.[test]'

echo "== lint"
.venv/bin/ruff check .
.venv/bin/ruff format --check .
# ESLint as tools/eslint/package-lock.json pins it, installed there (not committed); again only when the lock changes.
ESLINT_DIR=tools/eslint
if ! cmp -s "$ESLINT_DIR/package-lock.json" "$ESLINT_DIR/node_modules/.installed-lock.json"; then
  command -v npm >/dev/null || { echo "ESLint needs Node.js 20 and npm." >&2; exit 1; }
  npm ci --prefix "$ESLINT_DIR" --no-audit --no-fund --loglevel=error >/dev/null
  cp "$ESLINT_DIR/package-lock.json" "$ESLINT_DIR/node_modules/.installed-lock.json"
fi
"$ESLINT_DIR/node_modules/.bin/eslint" .

if [ ! -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "The browser tests need Debian's chromium: sudo apt-get install chromium (or set CHROMIUM_PATH)." >&2
    exit 1
  fi
fi

postgres_answers() {
  .venv/bin/python - "$POSTGRES_URL" <<'PY'
import sys, psycopg
try:
    psycopg.connect(sys.argv[1], connect_timeout=3).close()
except Exception as error:
    sys.exit(f"PostgreSQL at {sys.argv[1]}: {error}")
PY
}

run_postgres=1
if [ "${SKIP_POSTGRES:-}" = 1 ] && [ "${CI:-}" != true ]; then
  run_postgres=0
elif ! postgres_answers; then
  # On our machines the cluster is installed; start it if it is down.
  if command -v pg_ctlcluster >/dev/null && [ -d /etc/postgresql ]; then
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n 1)" main start || true
    sleep 2
  fi
  if ! postgres_answers; then
    echo "PostgreSQL is needed for the second half of the suite (or SKIP_POSTGRES=1 outside CI)." >&2
    exit 1
  fi
fi

echo "== tests on SQLite"
env -u TEST_DATABASE_URL .venv/bin/python -m pytest "$@"
if [ "$run_postgres" = 1 ]; then
  echo "== tests on PostgreSQL ($POSTGRES_URL)"
  TEST_DATABASE_URL="$POSTGRES_URL" .venv/bin/python -m pytest "$@"
else
  echo "== PostgreSQL skipped (SKIP_POSTGRES=1)"
fi

# The benchmarks' smoke mode, so they never rot; their figures here mean nothing.
echo "== benchmarks, smoke mode"
.venv/bin/python bench/app_shell.py | tail -n 1
(
  cd bench
  ../.venv/bin/python sync_speed.py --smoke | tail -n 1
  ../.venv/bin/python profile_push.py --smoke | tail -n 1
  ../.venv/bin/python photo_upload.py --smoke | tail -n 1
  ../.venv/bin/python incremental_pull.py --smoke | tail -n 1
  ../.venv/bin/python cold_start.py --smoke | tail -n 1
  ../.venv/bin/python rounds.py --smoke | tail -n 1
  ../.venv/bin/python export.py --smoke | tail -n 1
  if [ "$run_postgres" = 1 ]; then
    DATABASE_URL="$POSTGRES_URL" ../.venv/bin/python load.py --smoke | tail -n 1
  else
    ../.venv/bin/python load.py --smoke | tail -n 1
  fi
)
