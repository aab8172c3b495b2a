#!/usr/bin/env bash
# The demo: the background worker (exports, imports) and the web server, stopped together.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=.venv/bin/python
HOST=${HOST:-127.0.0.1}
PORT=${PORT:-8000}

$PYTHON manage.py db_worker --no-startup-delay &
worker=$!
trap 'kill "$worker" 2>/dev/null || true; wait "$worker" 2>/dev/null || true' EXIT INT TERM
echo "Демо: http://$HOST:$PORT/  (логины — в README.md); фоновые задания выполняет db_worker (pid $worker)"
$PYTHON manage.py runserver "$HOST:$PORT"
