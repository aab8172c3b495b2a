#!/usr/bin/env bash
# `make faults`: server-level fault tests under load (loadtest/faults.py, docs/faults.md).
#   A. PostgreSQL restarted mid-load (-m fast, then -m immediate) on a PRIVATE cluster this run
#      creates in var/faults/pg (the shared server on 5432 is never touched);
#   B. a gunicorn worker killed with SIGKILL under load, three times.
# Prints PASS/FAIL per check with the measured numbers, writes var/faults/results-*.json, exits
# non-zero on any FAIL. gunicorn, the load and the private cluster are stopped at the end, always.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
[ -x "$PY" ] || { echo "No .venv: run make install first." >&2; exit 2; }
export PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
[ -x "$PG_BIN/initdb" ] || { echo "PostgreSQL server binaries not found in $PG_BIN (set PG_BIN)." >&2; exit 2; }
if ! "$PY" -c 'import requests' 2>/dev/null; then
  echo "Installing the load tools (pyproject.toml, optional group [load])"
  .venv/bin/pip install --quiet --disable-pip-version-check -e ".[load]"
fi
exec "$PY" loadtest/faults.py "$@"
