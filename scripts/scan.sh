#!/usr/bin/env bash
# `make scan`: a black-box scan of the running application by Wapiti, a web vulnerability scanner
# written elsewhere (https://wapiti-scanner.github.io), with production settings. See docs/security.md.
#
#   1. the scanner: Debian's `wapiti` if it is of the 3.3 line, otherwise wapiti3==3.3.2 from PyPI in
#      its own virtualenv var/scan/venv (never the project's .venv). Debian 12 ships 3.0.4, which crashes
#      on Python 3.11 when given an -x exclusion; wapiti3 3.3.2 needs Python 3.12-3.14 (PATH or pyenv).
#   2. a fresh database with the demo: PostgreSQL `mentoring_scan` on 127.0.0.1:5432 (SQLite in
#      var/scan/ when no server answers), `migrate` + `load_demo`, `collectstatic` into STATIC_ROOT.
#   3. the app served the production way: gunicorn + db_worker, DEBUG=0, a random SECRET_KEY,
#      ALLOWED_HOSTS=127.0.0.1,localhost and every security setting left at its production default.
#      gunicorn terminates TLS itself with a throw-away self-signed certificate, so the Secure-only
#      session and CSRF cookies go back and forth as they do behind nginx in production.
#   4. one login as the methodist; wapiti crawls with its passive checks, the crawl is thinned to one
#      resource per URL pattern, and the attack modules run against it, each for a bounded time.
#      Excluded from crawl and attack: the logout URL, /admin/, delete/remove/withdraw/erase URLs.
#   5. reports var/scan/report.json and var/scan/report-html/report.html, a summary by category
#      (var/scan/summary.txt), and the exit status: 0 when every high/critical finding is explained
#      in docs/security-scan-allowlist.txt, 1 when one is not, 2 when the scan itself failed.
#
# Knobs (environment): SCAN_PORT (8643), SCAN_CRAWL_SECONDS (150), SCAN_PER_PATTERN (1),
# SCAN_ATTACK_PLAN (see below), SCAN_DATABASE_URL, SCAN_PYTHON (a Python 3.12-3.14 for the venv).
set -euo pipefail
{ # The whole script is read before it runs, so editing it during a scan cannot derail that scan.
cd "$(dirname "$0")/.."

OUT=var/scan
PY=.venv/bin/python                      # the project's venv: runs manage.py and this script's helper (stdlib + psycopg2)
WAPITI_PIN=3.3.2
PORT=${SCAN_PORT:-8643}
BASE=https://127.0.0.1:$PORT
CRAWL_SECONDS=${SCAN_CRAWL_SECONDS:-150}
PER_PATTERN=${SCAN_PER_PATTERN:-1}
# The attack: groups "module,module:seconds", each group one wapiti run in which every module gets at
# most that many seconds (--max-attack-time). permanentxss needs xss in the same run. About 11 minutes.
# Left out on purpose: ssrf, xxe, log4shell (they prove a hit through wapiti's public endpoint
# wapiti3.ovh, and this machine reaches no host but itself), ssl (it would grade the throw-away
# certificate and gunicorn's TLS; production TLS is nginx's), timesql (time-based blind SQL injection:
# sleeps, slow and noisy on a busy 2-core machine; `sql` covers error- and boolean-based injection),
# ldap (the app has no directory), buster and brute_login_form (brute force), and the fingerprinting
# modules wapp/htp/cms/wp_enum/network_device/printer/takeover/spring4shell/shellshock (products
# this app does not run, or databases fetched from the internet).
ATTACK_PLAN=${SCAN_ATTACK_PLAN:-"xss,permanentxss:150 sql:100 exec,file:45 redirect,crlf,upload,csrf:25 nikto:40 methods,htaccess,backup:15"}
SCAN_USER=metodist
SCAN_PASSWORD=nastavnik2026
ALLOWLIST=docs/security-scan-allowlist.txt

log() { printf '[scan %s] %s\n' "$(date +%H:%M:%S)" "$*"; }
die() { printf '[scan %s] ERROR: %s\n' "$(date +%H:%M:%S)" "$*" >&2; exit 2; }

[ -x "$PY" ] || die "$PY is missing: run 'make scan' (it creates the project's virtualenv first)."
mkdir -p "$OUT"
T_START=$(date +%s)

# --- 1. The scanner -------------------------------------------------------------------------------

wapiti_version() { "$1" --version 2>/dev/null | grep -oE '[0-9]+\.[0-9]+\.[0-9]+' | tail -n 1; }

python_for_wapiti() {
  # wapiti3 3.3.2 declares Requires-Python >=3.12,<3.15.
  local candidate
  for candidate in "${SCAN_PYTHON:-}" python3 python3.14 python3.13 python3.12 \
      "${PYENV_ROOT:-$HOME/.pyenv}"/versions/3.1[234]*/bin/python3; do
    [ -n "$candidate" ] || continue
    command -v "$candidate" >/dev/null 2>&1 || continue
    if "$candidate" -c 'import sys, venv, ensurepip; sys.exit(not ((3, 12) <= sys.version_info[:2] < (3, 15)))' 2>/dev/null; then
      command -v "$candidate"
      return 0
    fi
  done
  return 1
}

find_scanner() {
  local installed candidate venv_python
  if command -v wapiti >/dev/null 2>&1; then
    installed=$(dpkg-query -W -f='${Version}' wapiti 2>/dev/null | grep -oE '^[0-9]+\.[0-9]+\.[0-9]+' || true)
    [ -n "$installed" ] || installed=$(wapiti_version wapiti)
    if [[ $installed == 3.3.* ]]; then
      WAPITI=$(command -v wapiti); return 0
    fi
    log "Debian's wapiti $installed is installed but not of the 3.3 line (3.0.4 crashes on Python 3.11 with -x): not used."
  elif [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    candidate=$(apt-cache policy wapiti 2>/dev/null | awk '/Candidate:/ {print $2}')
    if [ -n "$candidate" ] && [ "$candidate" != "(none)" ] \
        && dpkg --compare-versions "$candidate" ge 3.3 && dpkg --compare-versions "$candidate" lt 3.4; then
      log "Installing Debian's wapiti $candidate"
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wapiti >"$OUT/apt.log" 2>&1 || die "apt-get install wapiti failed: $OUT/apt.log"
      WAPITI=$(command -v wapiti); return 0
    fi
    log "Debian offers wapiti ${candidate:-nothing}, not of the 3.3 line: using wapiti3==$WAPITI_PIN from PyPI instead."
  fi
  if [ -x "$OUT/venv/bin/wapiti" ] && [ "$(wapiti_version "$OUT/venv/bin/wapiti")" = "$WAPITI_PIN" ]; then
    WAPITI=$OUT/venv/bin/wapiti; return 0
  fi
  venv_python=$(python_for_wapiti) || die "wapiti3==$WAPITI_PIN needs Python 3.12-3.14 and none was found (PATH, pyenv). Set SCAN_PYTHON=/path/to/python3.12."
  log "Installing wapiti3==$WAPITI_PIN into $OUT/venv (with $venv_python, $("$venv_python" -V 2>&1))"
  rm -rf "$OUT/venv"
  "$venv_python" -m venv "$OUT/venv"
  "$OUT/venv/bin/pip" install --quiet --disable-pip-version-check "wapiti3==$WAPITI_PIN" >"$OUT/pip.log" 2>&1 \
    || die "pip install wapiti3==$WAPITI_PIN failed: $OUT/pip.log"
  WAPITI=$OUT/venv/bin/wapiti
}

find_scanner
WAPITI_VERSION=$(wapiti_version "$WAPITI")
log "Scanner: Wapiti $WAPITI_VERSION ($WAPITI)"

# --- The helper (login, pruning, summary): written from here so that this file is the whole tool ---

cat >"$OUT/helper.py" <<'PYTHON'
"""Helper of scripts/scan.sh (generated by it; edit the script, not this copy)."""
import collections, fnmatch, glob, html.parser, http.cookiejar, json, os, re, sqlite3, ssl, sys
import urllib.error, urllib.parse, urllib.request


def createdb():
    import psycopg2
    try:
        conn = psycopg2.connect(host="127.0.0.1", port=5432, user="postgres", dbname="postgres", connect_timeout=3)
    except psycopg2.OperationalError as exc:
        print(f"PostgreSQL on 127.0.0.1:5432 does not answer: {exc}".strip(), file=sys.stderr)
        return 3
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute("DROP DATABASE IF EXISTS mentoring_scan WITH (FORCE)")
        cur.execute("CREATE DATABASE mentoring_scan")
    conn.close()
    return 0


class _Forms(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.csrf = None
        self.logout_form = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "input" and attrs.get("name") == "csrfmiddlewaretoken":
            self.csrf = attrs.get("value")
        if tag == "form" and (attrs.get("action") or "").rstrip("/").endswith("/accounts/logout"):
            self.logout_form = True


def _opener(cafile, jar=None):
    context = ssl.create_default_context(cafile=cafile)   # the scan's own certificate, verified
    handlers = [urllib.request.HTTPSHandler(context=context)]
    if jar is not None:
        handlers.append(urllib.request.HTTPCookieProcessor(jar))
    return urllib.request.build_opener(*handlers)


def wait(url, cafile, seconds):
    import time
    deadline = time.time() + float(seconds)
    while time.time() < deadline:
        try:
            with _opener(cafile).open(url, timeout=3) as response:
                if response.status < 500:
                    return 0
        except urllib.error.HTTPError as exc:
            if exc.code < 500:
                return 0
        except OSError:
            pass
        time.sleep(0.5)
    return 1


def login(base, cafile, username, password, cookie_file):
    """Log in through the login form, as a browser does; write the Cookie header for wapiti."""
    jar = http.cookiejar.CookieJar()
    opener = _opener(cafile, jar)
    login_url = base + "/accounts/login/"
    page = _Forms()
    with opener.open(login_url, timeout=30) as response:
        page.feed(response.read().decode("utf-8"))
    if not page.csrf:
        print("no csrfmiddlewaretoken on the login page", file=sys.stderr)
        return 1
    data = urllib.parse.urlencode({"csrfmiddlewaretoken": page.csrf, "username": username,
                                   "password": password, "next": "/"}).encode()
    request = urllib.request.Request(login_url, data=data, headers={"Referer": login_url})
    with opener.open(request, timeout=30) as response:
        landed = urllib.parse.urlparse(response.geturl()).path
        body = response.read().decode("utf-8")
    check = _Forms()
    check.feed(body)
    cookies = {cookie.name: cookie.value for cookie in jar}
    if landed.startswith("/accounts/login") or not check.logout_form or "sessionid" not in cookies:
        print(f"login as {username} failed (landed on {landed})", file=sys.stderr)
        return 1
    insecure = [cookie.name for cookie in jar if cookie.name in ("sessionid", "csrftoken") and not cookie.secure]
    with open(cookie_file, "w", encoding="utf-8") as fh:
        fh.write("; ".join(f"{name}={cookies[name]}" for name in ("sessionid", "csrftoken") if name in cookies))
    os.chmod(cookie_file, 0o600)
    print(f"logged in as {username}; cookies {sorted(cookies)}"
          + (f"; NOT Secure: {insecure}" if insecure else "; sessionid and csrftoken are Secure"))
    return 0


def alive(base, cafile, cookie_file):
    """Is the scan's session still logged in? (GET / shows the logout form.)"""
    with open(cookie_file, encoding="utf-8") as fh:
        cookie = fh.read().strip()
    request = urllib.request.Request(base + "/", headers={"Cookie": cookie})
    try:
        with _opener(cafile).open(request, timeout=30) as response:
            page = _Forms()
            page.feed(response.read().decode("utf-8"))
            ok = urllib.parse.urlparse(response.geturl()).path == "/" and page.logout_form
    except OSError as exc:
        print(f"session check failed: {exc}", file=sys.stderr)
        return 1
    print("session still logged in" if ok else "session LOST: / no longer shows the logout form")
    return 0 if ok else 1


def _session_db(session_dir):
    found = glob.glob(os.path.join(session_dir, "*.db"))
    if len(found) != 1:
        raise SystemExit(f"expected one wapiti session database in {session_dir}, found {found}")
    return found[0]


def prune(session_dir, per_pattern, stats_file):
    """Keep at most `per_pattern` crawled resources per (method, path with numbers as N, parameter names).

    The demo's pages repeat one shape many times (a mark form per occurrence, a contingent form per
    organisation and year, a card per person): attacking every copy would spend the bounded attack
    time on one view. Wapiti attacks what its session database holds, in path order; this thins it.
    """
    db = sqlite3.connect(_session_db(session_dir))
    rows = db.execute("SELECT path_id, path, method FROM paths WHERE evil = 0 AND response_id IS NOT NULL "
                      "ORDER BY depth, path_id").fetchall()
    names = collections.defaultdict(list)
    for path_id, kind, name in db.execute("SELECT path_id, type, name FROM params ORDER BY position"):
        names[path_id].append(f"{kind}:{name}")
    per_pattern, keep, drop = int(per_pattern), collections.Counter(), []
    for path_id, path, method in rows:
        shape = re.sub(r"/\d+(?=/|$)", "/N", urllib.parse.urlsplit(path).path)
        key = (method, shape, tuple(sorted(set(names[path_id]))))
        if keep[key] >= per_pattern:
            drop.append(path_id)
        else:
            keep[key] += 1
    referenced = {row[0] for row in db.execute("SELECT evil_path_id FROM payloads")}
    drop = [path_id for path_id in drop if path_id not in referenced]
    for start in range(0, len(drop), 500):
        chunk = drop[start:start + 500]
        marks = ",".join("?" * len(chunk))
        db.execute(f"DELETE FROM params WHERE path_id IN ({marks})", chunk)
        db.execute(f"DELETE FROM paths WHERE path_id IN ({marks})", chunk)
    db.commit()
    shapes = {(method, shape) for method, shape, _ in keep}
    stats = {"crawled": len(rows), "patterns": len(keep), "url_shapes": len(shapes),
             "kept": len(rows) - len(drop), "per_pattern": per_pattern}
    with open(stats_file, "w", encoding="utf-8") as fh:
        json.dump(stats, fh)
    print(f"crawled {stats['crawled']} URLs and forms of {stats['patterns']} patterns "
          f"({stats['url_shapes']} URL shapes); kept {stats['kept']} for the attack")
    return 0


LEVELS = {4: "critical", 3: "high", 2: "medium", 1: "low", 0: "info"}


def _allowlist(path):
    rules = []
    if not os.path.exists(path):
        return rules
    with open(path, encoding="utf-8") as fh:
        for number, line in enumerate(fh, 1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            parts = [part.strip() for part in line.split("|", 2)]
            if len(parts) != 3 or not all(parts):
                raise SystemExit(f"{path}:{number}: expected 'kind | URL pattern | reason', got: {line}")
            kind, pattern, reason = parts
            category, _, text = (part.strip() for part in kind.partition("~"))
            rules.append({"line": number, "category": category, "text": text, "pattern": pattern,
                          "reason": reason, "used": 0})
    return rules


def _explain(rules, category, finding):
    for rule in rules:
        if rule["category"].lower() != category.lower():
            continue
        if rule["text"] and rule["text"].lower() not in (finding.get("info") or "").lower():
            continue
        if not fnmatch.fnmatchcase(finding.get("path") or "", rule["pattern"]):
            continue
        rule["used"] += 1
        return rule
    return None


def _access_log(path):
    statuses, server_errors, to_login, total = collections.Counter(), collections.Counter(), 0, 0
    line_re = re.compile(r'"(?P<method>[A-Z]+) (?P<target>\S+) [^"]*" (?P<status>\d{3}) \S+ "(?P<location>[^"]*)"')
    if not os.path.exists(path):
        return {}
    with open(path, encoding="utf-8", errors="replace") as fh:
        for line in fh:
            match = line_re.search(line)
            if not match:
                continue
            total += 1
            status = int(match["status"])
            statuses[status] += 1
            if status in (301, 302) and match["location"].startswith("/accounts/login/"):
                to_login += 1
            if status >= 500:
                shape = re.sub(r"/\d+(?=/|$)", "/N", urllib.parse.urlsplit(match["target"]).path)
                server_errors[match["method"] + " " + shape] += 1
    return {"requests": total, "statuses": dict(sorted(statuses.items())),
            "redirected_to_login": to_login, "server_errors": dict(server_errors.most_common())}


def summary(report, allowlist, out_dir, meta_file):
    with open(report, encoding="utf-8") as fh:
        data = json.load(fh)
    with open(meta_file, encoding="utf-8") as fh:
        meta = json.load(fh)
    rules = _allowlist(allowlist)
    prune_stats = {}
    if os.path.exists(os.path.join(out_dir, "prune.json")):
        with open(os.path.join(out_dir, "prune.json"), encoding="utf-8") as fh:
            prune_stats = json.load(fh)
    attacked = {}
    db_path = glob.glob(os.path.join(out_dir, "session", "*.db"))
    if db_path:
        db = sqlite3.connect(db_path[0])
        attacked = dict(db.execute("SELECT module, COUNT(*) FROM attack_logs GROUP BY module").fetchall())
    timed_out = []
    attack_log = os.path.join(out_dir, "wapiti-attack.log")
    if os.path.exists(attack_log):
        with open(attack_log, encoding="utf-8", errors="replace") as fh:
            timed_out = sorted(set(re.findall(r"Max attack time was reached for module (\w+)", fh.read())))
    access = _access_log(os.path.join(out_dir, "access.log"))

    findings, rows = [], collections.OrderedDict()
    for section in ("vulnerabilities", "anomalies", "additionals"):
        for category, items in (data.get(section) or {}).items():
            for item in items:
                rule = _explain(rules, category, item)
                level = int(item.get("level", 0))
                findings.append({"section": section, "category": category, "level": level,
                                 "severity": LEVELS.get(level, str(level)), "method": item.get("method"),
                                 "path": item.get("path"), "parameter": item.get("parameter"),
                                 "module": item.get("module"), "info": item.get("info"),
                                 "explained": bool(rule), "allowlist_line": rule["line"] if rule else None,
                                 "reason": rule["reason"] if rule else None})
                row = rows.setdefault((section, category), {"count": 0, "max": -1, "explained": 0})
                row["count"] += 1
                row["max"] = max(row["max"], level)
                row["explained"] += bool(rule)
    blocking = [f for f in findings if f["level"] >= 3 and not f["explained"]]
    suppressed = data.get("suppressed_findings") or {}

    lines = []
    add = lines.append
    info = data.get("infos", {})
    add(f"Wapiti {meta['wapiti_version']} against {info.get('target')} as {meta['persona']}, {meta['date']}")
    add(f"Duration: {meta['minutes']} min in all (crawl {meta['crawl_seconds']} s, attack {meta['attack_seconds']} s)")
    if prune_stats:
        add(f"Crawled: {prune_stats['crawled']} URLs and forms, {prune_stats['patterns']} patterns "
            f"({prune_stats['url_shapes']} URL shapes); attacked: {prune_stats['kept']} "
            f"(at most {prune_stats['per_pattern']} per pattern)")
    add("Passive modules (during the crawl): " + ", ".join(meta["passive_modules"]))
    add("Active modules (resources attacked, seconds allowed): " + ", ".join(
        f"{name} {attacked.get(name, 0)} ({seconds} s" + (", ran out" if name in timed_out else "") + ")"
        for name, seconds in meta["attack_plan"].items()))
    if access:
        add(f"HTTP requests: {access['requests']}, by status {access['statuses']}; "
            f"redirected to the login page: {access['redirected_to_login']}; session at the end: {meta['session_at_end']}")
        if access["server_errors"]:
            add("Server errors (5xx) by URL shape: " + ", ".join(f"{k} ×{v}" for k, v in access["server_errors"].items()))
    add("")
    add("Findings by category (severity 4 critical, 3 high, 2 medium, 1 low, 0 info):")
    if not rows:
        add("  none")
    width = max([len(category) for _, category in rows] + [8])
    for (section, category), row in rows.items():
        kind = {"vulnerabilities": "vulnerability", "anomalies": "anomaly", "additionals": "additional"}[section]
        add(f"  {kind:<14} {category:<{width}}  ×{row['count']:<4} "
            f"max {LEVELS.get(row['max'], row['max']):<8}  explained {row['explained']}/{row['count']}")
    if suppressed:
        add(f"  (wapiti folded similar passive alerts into one: {suppressed})")
    add("")
    for f in findings:
        verdict = f"explained (allow-list line {f['allowlist_line']})" if f["explained"] else "NOT EXPLAINED"
        where = f"{f['method']} {f['path']}" + (f" [{f['parameter']}]" if f["parameter"] else "")
        add(f"- [{f['severity']}] {f['category']}: {where} — {verdict}")
        add(f"    {(f['info'] or '').strip()[:300]}")
    stale = [r for r in rules if not r["used"]]
    if stale:
        add("")
        add("Allow-list lines that matched nothing this run: " + ", ".join(str(r["line"]) for r in stale))
    add("")
    if blocking:
        add(f"RESULT: {len(blocking)} high/critical finding(s) not explained in {allowlist}: exit 1")
    else:
        add(f"RESULT: no unexplained high/critical finding ({len(findings)} finding(s) in all)")
    text = "\n".join(lines) + "\n"
    with open(os.path.join(out_dir, "summary.txt"), "w", encoding="utf-8") as fh:
        fh.write(text)
    with open(os.path.join(out_dir, "summary.json"), "w", encoding="utf-8") as fh:
        json.dump({"meta": meta, "prune": prune_stats, "attacked_by_module": attacked, "timed_out": timed_out,
                   "access_log": access, "crawled_pages_nbr": info.get("crawled_pages_nbr"),
                   "findings": findings}, fh, ensure_ascii=False, indent=2)
    sys.stdout.write(text)
    return 1 if blocking else 0


if __name__ == "__main__":
    command, *args = sys.argv[1:]
    sys.exit({"createdb": createdb, "wait": wait, "login": login, "alive": alive,
              "prune": prune, "summary": summary}[command](*args))
PYTHON

# --- 2. A fresh database with the demo, and production settings -----------------------------------

if [ -n "${SCAN_DATABASE_URL:-}" ]; then
  DB_URL=$SCAN_DATABASE_URL
elif "$PY" "$OUT/helper.py" createdb 2>"$OUT/createdb.log"; then
  DB_URL=postgres://postgres@127.0.0.1:5432/mentoring_scan
elif [ $? -ne 3 ]; then
  die "creating the database mentoring_scan failed: $OUT/createdb.log"
else
  log "$(tail -n 1 "$OUT/createdb.log"); using SQLite in $OUT/ instead"
  rm -f "$OUT/db.sqlite3"
  DB_URL=sqlite:///$PWD/$OUT/db.sqlite3
fi

# Production defaults for everything else: no .env, none of the developer's overrides.
unset CSRF_TRUSTED_ORIGINS SECURE_SSL_REDIRECT SECURE_HSTS_SECONDS SECURE_HSTS_INCLUDE_SUBDOMAINS \
  SECURE_HSTS_PRELOAD SESSION_IDLE_MINUTES AXES_FAILURE_LIMIT AXES_COOLOFF_MINUTES EMAIL_BACKEND \
  TASKS_BACKEND LOG_LEVEL CONN_MAX_AGE DJANGO_SETTINGS_MODULE
export ENV_FILE=""
export DEBUG=0
SECRET_KEY=$("$PY" -c 'import secrets; print(secrets.token_urlsafe(50))')
export SECRET_KEY
export ALLOWED_HOSTS=127.0.0.1,localhost
export DATABASE_URL=$DB_URL

log "Database: ${DB_URL%%://*} ($DB_URL); migrate, load_demo, collectstatic"
{
  "$PY" manage.py migrate --noinput
  "$PY" manage.py load_demo
  "$PY" manage.py collectstatic --noinput
} >"$OUT/setup.log" 2>&1 || die "preparing the database failed: $OUT/setup.log"

# --- 3. The app: gunicorn with TLS, and the background worker ------------------------------------

mkdir -p "$OUT/tls"
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=127.0.0.1" \
  -addext "subjectAltName=IP:127.0.0.1,DNS:localhost" \
  -keyout "$OUT/tls/key.pem" -out "$OUT/tls/cert.pem" >"$OUT/tls/openssl.log" 2>&1 \
  || die "openssl could not make the certificate: $OUT/tls/openssl.log"
chmod 600 "$OUT/tls/key.pem"

"$PY" -c "import socket, sys; s = socket.socket(); s.bind(('127.0.0.1', $PORT))" 2>/dev/null \
  || die "port $PORT on 127.0.0.1 is taken: set SCAN_PORT to a free one."

GUNICORN_PID=""
WORKER_PID=""
stop_app() {
  local pid
  for pid in "$GUNICORN_PID" "$WORKER_PID"; do
    [ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null || true
  done
  for pid in "$GUNICORN_PID" "$WORKER_PID"; do
    [ -n "$pid" ] && wait "$pid" 2>/dev/null || true
  done
  GUNICORN_PID=""
  WORKER_PID=""
}
trap stop_app EXIT
trap 'exit 130' INT TERM

rm -f "$OUT/access.log"
# Production's gunicorn settings (deploy/gunicorn.conf.py: sync workers, timeouts, forwarded headers)
# when the tree has them; the flags below override its socket and logs.
GUNICORN_CONFIG=()
if [ -f deploy/gunicorn.conf.py ]; then
  GUNICORN_CONFIG=(--config deploy/gunicorn.conf.py)
else
  GUNICORN_CONFIG=(--workers 3 --timeout 60)
fi
.venv/bin/gunicorn mentoring.wsgi "${GUNICORN_CONFIG[@]}" --bind "127.0.0.1:$PORT" \
  --certfile "$OUT/tls/cert.pem" --keyfile "$OUT/tls/key.pem" --no-control-socket \
  --access-logfile "$OUT/access.log" \
  --access-logformat '%(h)s %(t)s "%(r)s" %(s)s %(b)s "%({location}o)s" %(M)sms' \
  --error-logfile "$OUT/gunicorn.log" >"$OUT/gunicorn.out" 2>&1 &
GUNICORN_PID=$!
"$PY" manage.py db_worker --no-startup-delay >"$OUT/db_worker.log" 2>&1 &
WORKER_PID=$!

"$PY" "$OUT/helper.py" wait "$BASE/accounts/login/" "$OUT/tls/cert.pem" 60 \
  || die "the app did not answer on $BASE within 60 s: $OUT/gunicorn.log"
log "App: gunicorn (pid $GUNICORN_PID) on $BASE, db_worker (pid $WORKER_PID), DEBUG=0"

# --- 4. Login, crawl, thin, attack -----------------------------------------------------------------

# One login for the whole scan. Wapiti's own form login (--form-url/--form-user/--form-password) does
# log in here, but it judges success by an English or French "log out" on the page (so it reports a
# failure on this Russian UI), and each wapiti run would log in anew: Django rotates the CSRF secret
# at every login, so the forms saved by the crawl run would carry stale tokens in the attack run and
# every POST would be refused with 403. The session is handed to both runs as a Cookie header instead.
"$PY" "$OUT/helper.py" login "$BASE" "$OUT/tls/cert.pem" "$SCAN_USER" "$SCAN_PASSWORD" "$OUT/cookie" \
  || die "login as $SCAN_USER failed"
COOKIE=$(cat "$OUT/cookie")

COMMON=(
  -u "$BASE/" --scope folder
  -C "$COOKIE"
  -x "$BASE/accounts/logout/*" -x "$BASE/admin/*" -x "$BASE/*/delete/*"
  -x "$BASE/staff/*/remove/*" -x "$BASE/consents/*/withdraw/*" -x "$BASE/people/*/erase/*"
  --store-session "$OUT/session" --store-config "$OUT/config"
  --no-bugreport --endpoint "http://127.0.0.1:9/" --dns-endpoint localhost
  --verify-ssl 0
)
rm -rf "$OUT/session" "$OUT/report-html" "$OUT/report.json" "$OUT/summary.txt" "$OUT/summary.json" "$OUT/prune.json"

log "Crawl with the passive checks, at most $CRAWL_SECONDS s"
T_CRAWL=$(date +%s)
timeout -k 30 $((CRAWL_SECONDS + 180)) "$WAPITI" "${COMMON[@]}" --flush-session -m passive \
  --max-scan-time "$CRAWL_SECONDS" -f json -o "$OUT/crawl.json" \
  --log "$OUT/wapiti-crawl.log" -v 1 >"$OUT/wapiti-crawl.out" 2>&1 \
  || die "wapiti's crawl failed: $OUT/wapiti-crawl.out"
CRAWL_TOOK=$(( $(date +%s) - T_CRAWL ))

"$PY" "$OUT/helper.py" prune "$OUT/session" "$PER_PATTERN" "$OUT/prune.json" || die "thinning the crawl failed"

T_ATTACK=$(date +%s)
rm -f "$OUT/wapiti-attack.log" "$OUT/wapiti-attack.out"
MODULE_SECONDS=()
for group in $ATTACK_PLAN; do
  modules=${group%%:*}
  seconds=${group##*:}
  n_modules=$(tr ',' '\n' <<<"$modules" | grep -c .)
  for module in ${modules//,/ }; do MODULE_SECONDS+=("$module:$seconds"); done
  log "Attack: $modules, at most $seconds s each"
  # --skip csrfmiddlewaretoken: a changed token only earns CsrfViewMiddleware's 403.
  timeout -k 30 $((n_modules * seconds + 120)) "$WAPITI" "${COMMON[@]}" --skip-crawl -m "$modules" \
    --max-attack-time "$seconds" --skip csrfmiddlewaretoken -f json -o "$OUT/attack-last.json" \
    --log "$OUT/wapiti-attack.part.log" -v 1 >>"$OUT/wapiti-attack.out" 2>&1 \
    || log "wapiti's run for $modules ended with status $? (see $OUT/wapiti-attack.out); the reports are rebuilt from its session"
  cat "$OUT/wapiti-attack.part.log" >>"$OUT/wapiti-attack.log" 2>/dev/null || true
  rm -f "$OUT/wapiti-attack.part.log"
done
ATTACK_TOOK=$(( $(date +%s) - T_ATTACK ))

if "$PY" "$OUT/helper.py" alive "$BASE" "$OUT/tls/cert.pem" "$OUT/cookie" >"$OUT/alive.txt" 2>&1; then
  SESSION_AT_END="logged in"
else
  SESSION_AT_END="LOST"
fi
stop_app

# --- 5. Reports and summary -----------------------------------------------------------------------

# Both reports from the session database (which holds the crawl's passive findings and the attacks').
"$WAPITI" -u "$BASE/" --scope folder --store-session "$OUT/session" --store-config "$OUT/config" \
  --no-bugreport --skip-crawl -m "" -f json -o "$OUT/report.json" >"$OUT/wapiti-report.out" 2>&1 \
  || die "writing the JSON report failed: $OUT/wapiti-report.out"
"$WAPITI" -u "$BASE/" --scope folder --store-session "$OUT/session" --store-config "$OUT/config" \
  --no-bugreport --skip-crawl -m "" -f html -o "$OUT/report-html" >>"$OUT/wapiti-report.out" 2>&1 \
  || die "writing the HTML report failed: $OUT/wapiti-report.out"
for page in "$OUT"/report-html/*.html; do
  [ "$page" = "$OUT/report-html/report.html" ] || mv "$page" "$OUT/report-html/report.html"
done

MINUTES=$("$PY" -c "print(round(($(date +%s) - $T_START) / 60, 1))")
"$PY" - "$OUT/meta.json" <<PYTHON
import json, sys
json.dump({
    "wapiti_version": "$WAPITI_VERSION", "wapiti": "$WAPITI", "persona": "$SCAN_USER (methodist)",
    "date": "$(date -u +%Y-%m-%dT%H:%M:%SZ)", "minutes": $MINUTES,
    "crawl_seconds": $CRAWL_TOOK, "attack_seconds": $ATTACK_TOOK,
    "max_crawl_seconds": $CRAWL_SECONDS,
    "attack_plan": {m.split(":")[0]: int(m.split(":")[1]) for m in "${MODULE_SECONDS[*]}".split()},
    "passive_modules": ["cookieflags", "csp", "http_headers", "https_redirect", "inconsistent_redirection",
                        "information_disclosure", "stacktrace_disclosure", "unsecure_password"],
    "database": "${DB_URL%%://*}", "session_at_end": "$SESSION_AT_END",
}, open(sys.argv[1], "w"), indent=2)
PYTHON

echo
set +e
"$PY" "$OUT/helper.py" summary "$OUT/report.json" "$ALLOWLIST" "$OUT" "$OUT/meta.json"
status=$?
set -e
echo "Reports: $OUT/report.json, $OUT/report-html/report.html; summary: $OUT/summary.txt"
if [ "$SESSION_AT_END" != "logged in" ]; then
  log "The scan's session was lost during the attack ($OUT/alive.txt): the results cover less than they should."
  exit 2
fi
exit $status
}
