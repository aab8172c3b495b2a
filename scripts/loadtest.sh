#!/usr/bin/env bash
# `make loadtest`: the load test, from an empty machine to the verdict, in one command.
#
#   1. PostgreSQL database `mentoring_load` on 127.0.0.1:5432 (reused when its marker says it already
#      holds this data set; otherwise dropped, created, migrated and filled by generate_data and
#      loadtest/prepare.py: accounts, roadmaps with execution, contingent);
#   2. collectstatic, gunicorn (3 workers, DEBUG off, production settings) and the task worker;
#   3. locust, headless (loadtest/locustfile.py): LOAD_USERS virtual users for LOAD_DURATION;
#   4. loadtest/report.py: the table per page, var/loadtest/results-*.json, and the verdict
#      (non-zero on a server error, a connection error, a failed flow, or a page with p95 > 300 ms).
#
# Environment (defaults): LOAD_USERS (20), LOAD_DURATION (3m), LOAD_SPAWN_RATE (1 per second),
# LOAD_THINK_MIN / LOAD_THINK_MAX (1 / 3 s between a user's actions), LOAD_EXPORT_EVERY (120 s: a
# user downloads each kind of file at most that often), LOAD_P95_MS (300),
# LOAD_PEOPLE / LOAD_PAIRS / LOAD_ORGANISATIONS (50000 / 25000 / 30), LOAD_DB (mentoring_load),
# LOAD_PG (postgres://postgres@127.0.0.1:5432), LOAD_PORT (a free port), LOAD_WORKERS (3),
# LOAD_FRESH=1 rebuilds the database even when its marker matches; LOAD_PROFILE=1 samples the workers
# with py-spy and prints where their time went (loadtest/profile.py).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
PY=$ROOT/.venv/bin/python
[ -x "$PY" ] || { echo "No .venv: run make install first." >&2; exit 2; }
PG_BIN=/usr/lib/postgresql/15/bin
[ -d "$PG_BIN" ] && export PATH="$PG_BIN:$PATH"

USERS=${LOAD_USERS:-20}
DURATION=${LOAD_DURATION:-3m}
SPAWN_RATE=${LOAD_SPAWN_RATE:-1}
WORKERS=${LOAD_WORKERS:-3}
PEOPLE=${LOAD_PEOPLE:-50000}
PAIRS=${LOAD_PAIRS:-25000}
ORGANISATIONS=${LOAD_ORGANISATIONS:-30}
DB=${LOAD_DB:-mentoring_load}
PG=${LOAD_PG:-postgres://postgres@127.0.0.1:5432}
PG_HOSTPORT=${PG#*@}; PG_HOST=${PG_HOSTPORT%:*}; PG_PORT=${PG_HOSTPORT##*:}; PG_USER=${PG#postgres://}; PG_USER=${PG_USER%@*}
OUT=$ROOT/var/loadtest
mkdir -p "$OUT"
STAMP=$(date +%Y%m%d-%H%M%S)
RUN=$OUT/run-$STAMP
mkdir -p "$RUN"

say() { printf '\n== %s\n' "$*"; }
psql_() { psql -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" -v ON_ERROR_STOP=1 -qtAX "$@"; }

# --- the load generator ------------------------------------------------------------------------
if ! "$PY" -c 'import locust' 2>/dev/null; then
  say "Installing locust (pyproject.toml, optional group [load])"
  "$ROOT/.venv/bin/pip" install --quiet --disable-pip-version-check -e ".[load]"
fi

# --- settings: production ones, from the environment only --------------------------------------
# ENV_FILE= : the development .env (DEBUG=1) is not read. TLS would end at nginx, which sets
# X-Forwarded-Proto; the virtual users send that header themselves (loadtest/locustfile.py), so
# SECURE_SSL_REDIRECT, secure cookies and the CSRF checks stay exactly as in production.
export ENV_FILE=
export DEBUG=0
export SECRET_KEY
SECRET_KEY=$("$PY" -c 'import secrets; print(secrets.token_urlsafe(50))')
export ALLOWED_HOSTS=127.0.0.1,localhost
export DATABASE_URL="$PG/$DB"
export LOG_LEVEL=WARNING
unset TASKS_BACKEND || true

# --- the database ------------------------------------------------------------------------------
SIGNATURE="people=$PEOPLE pairs=$PAIRS organisations=$ORGANISATIONS seed=1 prepare=v1"
say "Database $DB on $PG_HOST:$PG_PORT"
current=""
if [ -z "${LOAD_FRESH:-}" ] && [ "$(psql_ -d postgres -c "SELECT 1 FROM pg_database WHERE datname = '$DB'")" = "1" ]; then
  current=$(psql_ -d "$DB" -c "SELECT value FROM loadtest_marker WHERE key = 'dataset'" 2>/dev/null || true)
fi
if [ "$current" = "$SIGNATURE" ]; then
  echo "reused: it already holds $SIGNATURE"
  "$PY" manage.py migrate --noinput >"$RUN/migrate.log"
  grep -E '^  Applying' "$RUN/migrate.log" || true
else
  echo "building it: $SIGNATURE"
  psql_ -d postgres -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)"
  psql_ -d postgres -c "CREATE DATABASE $DB"
  "$PY" manage.py migrate --noinput >"$RUN/migrate.log"
  started=$SECONDS
  "$PY" manage.py generate_data --people "$PEOPLE" --pairs "$PAIRS" --organisations "$ORGANISATIONS" | tail -n 1
  echo "generate_data: $((SECONDS - started)) s"
fi
MARKER_ARG=()
[ "$current" = "$SIGNATURE" ] || MARKER_ARG=(--marker "$SIGNATURE")
"$PY" loadtest/prepare.py --department gen-1-1 --plan "$RUN/plan.json" "${MARKER_ARG[@]}"
# VACUUM too: the database is reused run after run, and a server with autovacuum off (these machines'
# PostgreSQL has it off) would carry every run's dead rows into the next — the session table, updated on
# every request, grew 35 000 dead rows in ten runs and slowed every page.
psql_ -d "$DB" -c "VACUUM ANALYZE" >/dev/null

# --- the servers -------------------------------------------------------------------------------
say "collectstatic"
"$PY" manage.py collectstatic --noinput | tail -n 1

PORT=${LOAD_PORT:-$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}
gunicorn_pid=""
worker_pid=""
sampler_pid=""
stop_servers() {
  local rc=$?
  trap - EXIT INT TERM
  [ -n "$sampler_pid" ] && kill "$sampler_pid" 2>/dev/null || true
  for pid in ${locust_pid:-} $gunicorn_pid $worker_pid; do
    kill -TERM "$pid" 2>/dev/null || true
  done
  for pid in $gunicorn_pid $worker_pid; do
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  [ -n "$gunicorn_pid$worker_pid" ] && echo "servers stopped (gunicorn $gunicorn_pid, db_worker $worker_pid)"
  exit "$rc"
}
trap stop_servers EXIT
trap 'exit 130' INT TERM

# The production gunicorn settings (deploy/gunicorn.conf.py: sync workers, timeouts, max_requests)
# when the file is there; the flags override the number of workers, the address and the logs.
CONFIG=()
[ -f deploy/gunicorn.conf.py ] && CONFIG=(--config deploy/gunicorn.conf.py)
say "gunicorn ($WORKERS workers${CONFIG:+, deploy/gunicorn.conf.py}) on 127.0.0.1:$PORT and db_worker; logs in $RUN"
"$ROOT/.venv/bin/gunicorn" "${CONFIG[@]}" mentoring.wsgi:application --workers "$WORKERS" \
  --bind "127.0.0.1:$PORT" --access-logfile "$RUN/access.log" --error-logfile - >"$RUN/gunicorn.log" 2>&1 &
gunicorn_pid=$!
# At the priority the production unit gives it (deploy/systemd/mentoring-worker.service: Nice=10).
nice -n 10 "$PY" manage.py db_worker --no-startup-delay >"$RUN/db_worker.log" 2>&1 &
worker_pid=$!
for _ in $(seq 1 100); do
  code=$(curl -s -o /dev/null -w '%{http_code}' -H 'X-Forwarded-Proto: https' "http://127.0.0.1:$PORT/accounts/login/" || true)
  [ "$code" = "200" ] && break
  kill -0 "$gunicorn_pid" 2>/dev/null || { cat "$RUN/gunicorn.log" >&2; echo "gunicorn did not start" >&2; exit 1; }
  sleep 0.2
done
[ "$code" = "200" ] || { echo "gunicorn does not answer (login page: $code)" >&2; exit 1; }

# --- the profile (LOAD_PROFILE=1): py-spy samples every gunicorn worker for the whole load ----------
profiler_pid=""
if [ -n "${LOAD_PROFILE:-}" ]; then
  say "py-spy: sampling the gunicorn workers into $RUN/profile.folded"
  "$ROOT/.venv/bin/py-spy" record --pid "$gunicorn_pid" --subprocesses --nonblocking --gil --rate 200 \
    --format raw --output "$RUN/profile.folded" >"$RUN/py-spy.log" 2>&1 &
  profiler_pid=$!
fi

# --- the load ----------------------------------------------------------------------------------
say "locust: $USERS users, spawn rate $SPAWN_RATE/s, for $DURATION"
export LOAD_PLAN="$RUN/plan.json" LOAD_SAMPLES="$RUN/samples.json" LOAD_USERS="$USERS"
"$ROOT/.venv/bin/locust" -f loadtest/locustfile.py --headless --host "http://127.0.0.1:$PORT" \
  --users "$USERS" --spawn-rate "$SPAWN_RATE" --run-time "$DURATION" --stop-timeout 30 \
  --only-summary --csv "$RUN/locust" --loglevel WARNING >"$RUN/locust.log" 2>&1 &
locust_pid=$!
# The load average and the CPU time of gunicorn, the task worker, PostgreSQL's backends of $DB and
# locust, every 2 s: the report says how much CPU the application spent, whatever else ran.
"$PY" loadtest/cpusample.py --out "$RUN/cpu.jsonl" --gunicorn "$gunicorn_pid" --worker "$worker_pid" \
  --locust "$locust_pid" --db "$DB" &
sampler_pid=$!
set +e
wait "$locust_pid"
locust_rc=$?
set -e
echo "locust finished (exit $locust_rc; its own summary is in $RUN/locust.log)"

# --- the verdict -------------------------------------------------------------------------------
say "Results"
kill "$sampler_pid" 2>/dev/null || true
if [ -n "$profiler_pid" ]; then
  kill -INT "$profiler_pid" 2>/dev/null || true
  for _ in $(seq 1 50); do kill -0 "$profiler_pid" 2>/dev/null || break; sleep 0.2; done
  "$PY" loadtest/profile.py "$RUN/profile.folded" --access-log "$RUN/access.log" | tee "$RUN/profile.txt"
fi
"$PY" loadtest/report.py --samples "$RUN/samples.json" --server-log "$RUN/gunicorn.log" --cpu "$RUN/cpu.jsonl" \
  --out "$OUT/results-$STAMP.json" --latest "$OUT/results-latest.json" \
  --meta users="$USERS" duration="$DURATION" spawn_rate="$SPAWN_RATE" workers="$WORKERS" dataset="$SIGNATURE" \
  run_dir="$RUN"
