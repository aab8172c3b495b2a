"""Server-level faults under load (`make faults`): PostgreSQL restarted, a gunicorn worker killed.

    .venv/bin/python loadtest/faults.py [--keep]

Everything runs on a PRIVATE PostgreSQL cluster this script creates (initdb into var/faults/pg,
port 54329 or the next free one, run as the `postgres` OS user when started as root), so the
shared server on 5432 is never touched. It is filled with `generate_data --people 2000` and
loadtest/prepare.py's accounts, served by gunicorn (3 sync workers, production settings from the
environment, deploy/gunicorn.conf.py when present), and loaded by LOAD_THREADS (6) virtual
curators in threads: logins, page GETs, and forming pairs with a newly typed mentee (one POST
writes a person, a pair and its participation).

Scenario A, twice (pg_ctl restart -m fast, then -m immediate, i.e. a crash and WAL recovery):
  PASS when the app serves again within 5 s of the database accepting connections, gunicorn is
  neither restarted nor its workers replaced, requests caught by the outage fail fast (none slower
  than 15 s, no client timeout) and as server errors (5xx or a refused connection, never a 4xx),
  nothing fails once the database has been back for 5 s, and nothing is half-written (SQL
  invariants below, and every pair the client saw saved is in the database).
Scenario B, three times: SIGKILL to one gunicorn worker under the same load.
  PASS when at most one request fails per kill (a sync worker serves one request at a time) and
  none at any other moment, requests in flight on the other workers and those sent in the next
  5 s succeed, and the master forks a replacement (3 workers again, the master's pid unchanged).

Each check prints PASS/FAIL with its numbers; results go to var/faults/results-*.json; the exit
status is 1 when any check fails. The cluster, gunicorn and the load are always stopped at the end
(`--keep` keeps the cluster's files for a look).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import secrets
import shutil
import signal
import subprocess
import sys
import threading
import time
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import psycopg2
import requests
import webforms
from pgcluster import Cluster, free_port

ROOT = Path(__file__).resolve().parent.parent
VAR = ROOT / "var" / "faults"
PY = str(ROOT / ".venv" / "bin" / "python")
GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")
DB = "mentoring_faults"
THREADS = int(os.environ.get("LOAD_THREADS", "6"))
WORKERS = 3
RECOVERY_LIMIT_S = 5.0  # the app serves again this soon after the database is back
CLEAN_FAILURE_S = 15.0  # a request caught by a fault fails at least this fast (else: hung)
CLIENT_TIMEOUT_S = 30.0  # past this, a request counts as hung
MARK = "Сбойнов"  # surname prefix of the mentees the load types in (the invariants find them)


def log(message: str) -> None:
    print(f"[faults {time.strftime('%H:%M:%S')}] {message}", flush=True)


# --- gunicorn ------------------------------------------------------------------------------------


def children(pid: int) -> set[int]:
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.add(int(entry.name))
    return found


def serving(pids: set[int], port: int) -> set[int]:
    """The workers among `pids` that hold an accepted client connection to `port` right now: a sync
    worker holds one only while it serves a request (found through /proc/net/tcp and /proc/PID/fd)."""
    established = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            if fields[3] == "01" and int(fields[1].rsplit(":", 1)[1], 16) == port:
                established.add(fields[9])
    busy = set()
    for pid in pids:
        try:
            links = [os.readlink(f"/proc/{pid}/fd/{fd}") for fd in os.listdir(f"/proc/{pid}/fd")]
        except OSError:
            continue
        if any(link.startswith("socket:[") and link[8:-1] in established for link in links):
            busy.add(pid)
    return busy


class Gunicorn:
    def __init__(self, env: dict, port: int, logdir: Path) -> None:
        self.env, self.port, self.logdir = env, port, logdir
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        config = ROOT / "deploy" / "gunicorn.conf.py"
        args = [
            GUNICORN,
            *(["--config", str(config)] if config.exists() else []),
            "mentoring.wsgi:application",
            "--workers",
            str(WORKERS),
            "--bind",
            f"127.0.0.1:{self.port}",
            "--timeout",
            "60",
            "--max-requests",
            "0",
            "--access-logfile",
            str(self.logdir / "access.log"),
            "--error-logfile",
            "-",
        ]
        self.log = open(self.logdir / "gunicorn.log", "w")  # noqa: SIM115 — open while gunicorn runs: stop() closes it
        self.process = subprocess.Popen(args, cwd=ROOT, env=self.env, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                r = requests.get(
                    f"http://127.0.0.1:{self.port}/accounts/login/", headers={"X-Forwarded-Proto": "https"}, timeout=5
                )
                if r.status_code == 200 and len(self.workers()) == WORKERS:
                    return
            except requests.RequestException:
                pass
            if self.process.poll() is not None:
                raise SystemExit(f"gunicorn stopped: see {self.logdir / 'gunicorn.log'}")
            time.sleep(0.3)
        raise SystemExit("gunicorn did not answer within 60 s")

    @property
    def pid(self) -> int:
        return self.process.pid

    def workers(self) -> set[int]:
        return children(self.pid) if self.process else set()

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=40)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()


# --- the load ------------------------------------------------------------------------------------


@dataclass
class Sample:
    start: float
    end: float
    thread: int
    label: str
    method: str
    status: int
    error: str  # "" when it answered as expected

    @property
    def ok(self) -> bool:
        return not self.error


class Client:
    """One virtual curator: a requests session that behaves like a browser behind nginx.

    It sends X-Forwarded-Proto: https (as nginx does), Origin and Referer for the CSRF check, and
    returns the Secure cookies on this link (the browser's side of it is TLS)."""

    def __init__(self, base: str, number: int, samples: list[Sample]) -> None:
        self.base, self.number, self.samples = base, number, samples
        self.origin = "https://" + urlsplit(base).netloc
        self.session = requests.Session()
        self.session.headers.update({"X-Forwarded-Proto": "https", "Origin": self.origin})
        self.logged_in = False
        self.last: Sample | None = None

    def call(
        self, method: str, path: str, label: str, *, data=None, referer: str | None = None, expect=(200,)
    ) -> requests.Response | None:
        headers = {"Referer": self.origin + referer} if referer else {}
        start = time.time()
        status, error, response = 0, "", None
        try:
            response = self.session.request(
                method,
                self.base + path,
                data=data,
                headers=headers,
                allow_redirects=False,
                timeout=(5, CLIENT_TIMEOUT_S),
            )
            status = response.status_code
            if status not in expect:
                where = response.headers.get("Location", "")
                error = f"HTTP {status} {where}".strip()
        except requests.Timeout as exc:
            error = f"timeout: {exc}"[:200]
        except requests.ConnectionError as exc:
            error = f"connection: {exc}"[:200]
        for cookie in self.session.cookies:
            cookie.secure = False  # see the class docstring
        self.last = Sample(start, time.time(), self.number, label, method, status, error)
        self.samples.append(self.last)
        if response is not None and status == 302 and "/accounts/login/" in response.headers.get("Location", ""):
            self.logged_in = False
        return None if error else response

    def login(self, username: str, password: str) -> bool:
        page = self.call("GET", "/accounts/login/", "login form")
        if page is None:
            return False
        form = webforms.post_form(page.text, "username")
        form.set("username", username)
        form.set("password", password)
        done = self.call(
            "POST", "/accounts/login/", "login", data=form.fields, referer="/accounts/login/", expect=(302,)
        )
        self.logged_in = done is not None and urlsplit(done.headers["Location"]).path == "/"
        return self.logged_in


class Load:
    """THREADS virtual curators: pages and, every fifth action, a new pair with a typed mentee."""

    def __init__(self, base: str, plan: dict) -> None:
        self.base, self.plan = base, plan
        self.samples: list[Sample] = []
        self.saved_pairs: list[int] = []
        self.attempts: dict[str, Sample] = {}  # typed mentee's surname → the POST that sent it
        self.stop_event = threading.Event()
        self.threads: list[threading.Thread] = []
        self.counter = 0
        self.lock = threading.Lock()
        self.ready = threading.Semaphore(0)  # released once per virtual user after its first login

    def start(self) -> None:
        for n in range(THREADS):
            thread = threading.Thread(target=self.run, args=(n,), daemon=True)
            thread.start()
            self.threads.append(thread)

    def wait_ready(self, timeout: float = 180) -> None:
        """Until every virtual user has logged in (logins hash passwords: the faults come after)."""
        deadline = time.monotonic() + timeout
        for _ in range(THREADS):
            if not self.ready.acquire(timeout=max(0.1, deadline - time.monotonic())):
                raise SystemExit("the virtual users could not log in")

    def stop(self) -> None:
        self.stop_event.set()
        for thread in self.threads:
            thread.join(timeout=CLIENT_TIMEOUT_S + 10)

    def run(self, n: int) -> None:
        curators = self.plan["curators"]
        account = curators[n % len(curators)]
        rng = random.Random(n)
        client = Client(self.base, n, self.samples)
        people: list[str] = []
        step = 0
        first_login = True
        while not self.stop_event.is_set():
            if not client.logged_in:
                if not client.login(account["username"], self.plan["password"]):
                    time.sleep(0.5)
                elif first_login:
                    first_login = False
                    self.ready.release()
                continue
            step += 1
            kind = step % 5
            try:
                if kind == 0 and account["mentors"]:
                    self.form_pair(client, account, rng)
                elif kind == 1:
                    page = client.call("GET", f"/people/?page={rng.randint(1, 8)}", "people list")
                    if page is not None:
                        people = webforms.links(page.text, r"/people/\d+/") or people
                elif kind == 2 and people:
                    client.call("GET", rng.choice(people), "person card")
                elif kind == 3:
                    client.call("GET", "/pairs/?status=active", "pairs list")
                else:
                    client.call("GET", "/", "home")
            except Exception as exc:  # a page that did not look as expected: recorded, the user goes on
                now = time.time()
                self.samples.append(Sample(now, now, n, "client", "-", 0, f"client: {type(exc).__name__}: {exc}"[:200]))
            time.sleep(rng.uniform(0.05, 0.3))

    def form_pair(self, client: Client, account: dict, rng: random.Random) -> None:
        page = client.call("GET", "/pairs/new/", "pair form")
        if page is None:
            return
        with self.lock:
            self.counter += 1
            number = self.counter
        form = webforms.post_form(page.text, "mentor_choice")
        form.set("format", form.option("format", self.plan["pair_format"]))
        form.set("entry_date", date.today().strftime("%d.%m.%Y"))
        form.set("planned_end_date", (date.today() + timedelta(days=120)).strftime("%d.%m.%Y"))
        form.set("mentor_choice", str(rng.choice(account["mentors"])[0]))
        for field, value in (
            ("last_name", f"{MARK}{number}"),
            ("first_name", "Пётр"),
            ("patronymic", "Ильич"),
            ("birth_year", str(date.today().year - 12)),
            ("category", "student"),
            ("class_or_group", "6 А"),
        ):
            form.set(f"new_mentee-0-{field}", value)
        saved = client.call("POST", "/pairs/new/", "pair save", data=form.fields, referer="/pairs/new/", expect=(302,))
        self.attempts[f"{MARK}{number}"] = client.last
        if saved is not None:
            match = re.fullmatch(r"/pairs/(\d+)/", urlsplit(saved.headers["Location"]).path)
            if match:
                self.saved_pairs.append(int(match.group(1)))
            else:
                client.last.error = f"saved, but went to {saved.headers['Location']}"


# --- checks --------------------------------------------------------------------------------------


class Checks:
    def __init__(self) -> None:
        self.items: list[dict] = []

    def add(self, scenario: str, name: str, passed: bool, measured: str, **numbers) -> None:
        self.items.append(
            {
                "scenario": scenario,
                "check": name,
                "verdict": "PASS" if passed else "FAIL",
                "measured": measured,
                **numbers,
            }
        )
        log(f"{'PASS' if passed else 'FAIL'}  {scenario}: {name} — {measured}")

    @property
    def failed(self) -> list[dict]:
        return [item for item in self.items if item["verdict"] == "FAIL"]


INVARIANTS = {
    "pairs without a participation": """
        SELECT count(*) FROM registry_mentoringpair p
        WHERE NOT EXISTS (SELECT 1 FROM registry_pairmentee m WHERE m.pair_id = p.id)""",
    "typed mentees without their pair": f"""
        SELECT count(*) FROM registry_person p WHERE p.last_name LIKE '{MARK}%%'
        AND NOT EXISTS (SELECT 1 FROM registry_pairmentee m WHERE m.mentee_id = p.id)""",
    "participations out of step with their pair": """
        SELECT count(*) FROM registry_pairmentee m JOIN registry_mentoringpair p ON p.id = m.pair_id
        WHERE m.mentor_id <> p.mentor_id OR m.format_id <> p.format_id OR m.organisation_id <> p.organisation_id
           OR m.active <> (p.end_date IS NULL)""",
    "mentees in two active pairs of one form": """
        SELECT count(*) FROM (SELECT mentee_id, format_id FROM registry_pairmentee WHERE active
                              GROUP BY 1, 2 HAVING count(*) > 1) twice""",
}


def invariants(cluster: Cluster) -> dict[str, int]:
    return {name: cluster.query(sql)[0][0] for name, sql in INVARIANTS.items()}


def wait_for_database(cluster: Cluster, started: float, limit: float = 120) -> float:
    """Time (epoch) at which the database first accepts a query again."""
    while time.time() - started < limit:
        try:
            with cluster.connect(timeout=1) as conn, conn.cursor() as cursor:
                cursor.execute("SELECT 1")
                return time.time()
        except psycopg2.Error:
            time.sleep(0.05)
    raise SystemExit(f"the database did not come back within {limit} s")


def window(samples: list[Sample], start: float, end: float) -> list[Sample]:
    return [s for s in samples if start <= s.start < end]


def restart_scenario(mode: str, cluster: Cluster, server: Gunicorn, load: Load, checks: Checks) -> dict:
    scenario = f"A: PostgreSQL restart -m {mode}"
    workers_before = server.workers()
    time.sleep(6)  # steady load before the fault
    began = time.time()
    restart = threading.Thread(target=cluster.restart, args=(mode,))
    restart.start()
    # The database is "back" when a fresh connection runs a query; poll from a moment after the
    # restart began (before that, the old server still answers).
    time.sleep(0.2)
    back = wait_for_database(cluster, began)
    restart.join()
    time.sleep(12)  # the load goes on
    samples = list(load.samples)
    during = [s for s in samples if s.end >= began and s.start < back]  # in flight or sent while down
    after = [s for s in samples if s.start >= back]
    failed_during = [s for s in during if not s.ok]
    first_ok = min((s.end for s in after if s.ok), default=None)
    recovery = (first_ok - back) if first_ok else float("inf")
    late_failures = [s for s in samples if s.start >= back + RECOVERY_LIMIT_S and not s.ok]
    unclean = [
        s
        for s in samples
        if s.end >= began and not s.ok and (s.end - s.start > CLEAN_FAILURE_S or s.error.startswith("timeout"))
    ]
    slowest_failure = max((s.end - s.start for s in samples if s.end >= began and not s.ok), default=0.0)
    workers_after = server.workers()
    result = {
        "mode": mode,
        "down_s": round(back - began, 2),
        "requests_during": len(during),
        "failed_during": len(failed_during),
        "failed_after_back": sum(1 for s in after if not s.ok),
        "recovery_s": round(recovery, 3),
        "late_failures": len(late_failures),
        "unclean_failures": len(unclean),
        "slowest_failure_s": round(slowest_failure, 3),
        "ok_after_back_12s": sum(1 for s in window(samples, back, back + 12) if s.ok),
        "failure_kinds": sorted({s.error[:90] for s in failed_during + [s for s in after if not s.ok]}),
        "workers_unchanged": workers_before == workers_after,
        "gunicorn_master": server.pid,
    }
    checks.add(
        scenario,
        "serves again within 5 s of the database",
        recovery <= RECOVERY_LIMIT_S,
        f"database down {result['down_s']} s; first success {recovery:.2f} s after it was back; "
        f"{result['ok_after_back_12s']} successful requests in the next 12 s",
        recovery_s=result["recovery_s"],
    )
    checks.add(
        scenario,
        "nothing fails once the database has been back 5 s",
        not late_failures,
        f"{len(late_failures)} failures later than 5 s; {result['failed_after_back']} failures among requests "
        f"sent after it was back",
        late_failures=len(late_failures),
    )
    checks.add(
        scenario,
        "in-flight requests fail fast, none hangs (≤ 15 s, no client timeout)",
        not unclean,
        f"{len(failed_during)} of {len(during)} requests failed while it was down, slowest failure "
        f"{slowest_failure:.2f} s, hung {len(unclean)}; kinds: {'; '.join(result['failure_kinds'][:4]) or '—'}",
        failed=len(failed_during),
    )
    wrong = [s for s in samples if s.end >= began and 400 <= s.status < 500]
    result["answered_4xx"] = [f"{s.method} {s.label}: HTTP {s.status}" for s in wrong]
    interrupted = (server.logdir / "gunicorn.log").read_text(errors="replace").count("SessionInterrupted:")
    checks.add(
        scenario,
        "an outage is answered as a server error, never as the client's (4xx)",
        not wrong,
        f"{len(wrong)} requests answered 4xx: {', '.join(result['answered_4xx']) or '—'}"
        + (
            f"; SessionInterrupted in the server log so far: {interrupted} (the session saved after the view, "
            "on a lost connection, becomes a 400: docs/faults.md)"
            if wrong and interrupted
            else ""
        ),
        answered_4xx=len(wrong),
    )
    checks.add(
        scenario,
        "gunicorn not restarted, workers kept",
        workers_before == workers_after and server.process.poll() is None,
        f"master {server.pid} alive, workers {sorted(workers_before)} → {sorted(workers_after)}",
    )
    return result


def kill_scenario(server: Gunicorn, load: Load, checks: Checks, kills: int = 3) -> dict:
    scenario = "B: gunicorn worker SIGKILL"
    time.sleep(5)
    baseline_start = time.time()
    time.sleep(5)
    baseline_ok = sum(1 for s in window(load.samples, baseline_start, baseline_start + 5) if s.ok)
    rounds, kill_times = [], []
    for k in range(kills):
        before = server.workers()
        # A worker that is serving a request at this moment (looked for during up to 3 s): its
        # request is the one that should fail, and no other.
        busy: set[int] = set()
        deadline = time.monotonic() + 3
        while not busy and time.monotonic() < deadline:
            busy = serving(before, server.port)
            if not busy:
                time.sleep(0.005)
        victim = sorted(busy)[0] if busy else sorted(before)[k % len(before)]
        killed = time.time()
        kill_times.append(killed)
        os.kill(victim, signal.SIGKILL)
        respawned = None
        while time.time() - killed < 30:
            now = server.workers()
            if victim not in now and len(now) == WORKERS:
                respawned = time.time()
                break
            time.sleep(0.02)
        time.sleep(6)
        samples = list(load.samples)
        in_flight = [s for s in samples if s.start <= killed <= s.end + 0.2]
        failed = [s for s in in_flight if not s.ok]
        rounds.append(
            {
                "victim": victim,
                "victim_was_serving": bool(busy),
                "respawn_s": round(respawned - killed, 3) if respawned else None,
                "in_flight": len(in_flight),
                "failed": len(failed),
                "failure_kinds": sorted({s.error[:90] for s in failed}),
                "in_flight_ok": sum(1 for s in in_flight if s.ok),
                "ok_in_next_5s": sum(1 for s in window(samples, killed, killed + 5) if s.ok),
                "workers_after": sorted(server.workers()),
            }
        )
    samples = list(load.samples)
    phase = [s for s in samples if s.end >= kill_times[0] - 1]
    all_failed = [s for s in phase if not s.ok]
    failed_at_kill = sum(r["failed"] for r in rounds)
    result = {
        "kills": kills,
        "baseline_ok_5s": baseline_ok,
        "rounds": rounds,
        "requests_in_phase": len(phase),
        "failed_total": len(all_failed),
        "failure_kinds": sorted({s.error[:90] for s in all_failed}),
    }
    checks.add(
        scenario,
        "only the killed worker's request fails (≤ 1 per kill, none elsewhere)",
        failed_at_kill <= kills and len(all_failed) == failed_at_kill,
        f"{kills} kills (victim serving a request: {[r['victim_was_serving'] for r in rounds]}): failed at each "
        f"kill {[r['failed'] for r in rounds]}; {len(all_failed)} failures among "
        f"{len(phase)} requests of the phase; kinds: {'; '.join(result['failure_kinds'][:3]) or '—'}",
        failed=failed_at_kill,
    )
    checks.add(
        scenario,
        "other requests go on succeeding",
        all(r["ok_in_next_5s"] > 0 for r in rounds) and sum(r["in_flight_ok"] for r in rounds) > 0,
        f"requests in flight at each kill that still succeeded {[r['in_flight_ok'] for r in rounds]}; "
        f"successes in the 5 s after each kill {[r['ok_in_next_5s'] for r in rounds]} "
        f"(5 s before the first kill: {baseline_ok})",
    )
    respawns = [r["respawn_s"] for r in rounds]
    checks.add(
        scenario,
        "the master re-spawns a worker",
        all(r is not None and r < 5 for r in respawns)
        and server.process.poll() is None
        and len(server.workers()) == WORKERS,
        f"re-spawned after {respawns} s, master {server.pid} alive, {len(server.workers())} workers now",
    )
    return result


def static_is_fresh() -> bool:
    """The collected files' manifest is newer than every source file (DEBUG off needs it)."""
    manifest = ROOT / "var" / "static" / "staticfiles.json"
    if not manifest.exists():
        return False
    newest = max((p.stat().st_mtime for p in (ROOT / "static").rglob("*") if p.is_file()), default=0)
    return manifest.stat().st_mtime > newest


# --- main ----------------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--keep", action="store_true", help="keep the private cluster's files")
    parser.add_argument("--people", type=int, default=2000)
    args = parser.parse_args()

    stamp = time.strftime("%Y%m%d-%H%M%S")
    run_dir = VAR / f"run-{stamp}"
    run_dir.mkdir(parents=True, exist_ok=True)
    cluster = Cluster(VAR, free_port(int(os.environ.get("FAULTS_PG_PORT", "54329"))), DB)
    server: Gunicorn | None = None
    load: Load | None = None
    checks = Checks()
    results: dict = {"started": time.strftime("%Y-%m-%dT%H:%M:%S"), "cpus": os.cpu_count()}

    def interrupted(signum, _frame):
        raise KeyboardInterrupt(f"signal {signum}")

    signal.signal(signal.SIGTERM, interrupted)
    try:
        log(f"private PostgreSQL cluster in {cluster.data} on port {cluster.port}")
        cluster.create()
        cluster.start()
        conn = cluster.connect(db="postgres")
        conn.autocommit = True
        conn.cursor().execute(f"CREATE DATABASE {DB}")
        conn.close()
        env = {
            **os.environ,
            "ENV_FILE": "",
            "DEBUG": "0",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DATABASE_URL": cluster.url(),
            "LOG_LEVEL": "WARNING",
        }
        env.pop("TASKS_BACKEND", None)
        env.pop("CONN_MAX_AGE", None)  # the default (60 s, with health checks) is what is tested
        for step in (
            ["manage.py", "migrate", "--noinput"],
            ["manage.py", "generate_data", "--people", str(args.people), "--organisations", "6"],
            [
                "loadtest/prepare.py",
                "--curators",
                "4",
                "--methodists",
                "1",
                "--no-roadmap",
                "--plan",
                str(run_dir / "plan.json"),
            ],
            ["manage.py", "collectstatic", "--noinput"],
        ):
            if step[1] == "collectstatic" and static_is_fresh():
                log("collectstatic: var/static is newer than every file in static/, skipped")
                continue
            log(" ".join(step))
            subprocess.run([PY, *step], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
        plan = json.loads((run_dir / "plan.json").read_text(encoding="utf-8"))

        port = free_port(8790)
        server = Gunicorn(env, port, run_dir)
        server.start()
        log(f"gunicorn master {server.pid}, workers {sorted(server.workers())}, http://127.0.0.1:{port}")
        pairs_before = cluster.query("SELECT coalesce(max(id), 0), count(*) FROM registry_mentoringpair")[0]
        load = Load(f"http://127.0.0.1:{port}", plan)
        load.start()
        log(f"load: {THREADS} virtual curators")
        load.wait_ready()
        time.sleep(2)

        results["restart"] = []
        for mode in ("fast", "immediate"):
            log(f"scenario A: pg_ctl restart -m {mode}")
            results["restart"].append(restart_scenario(mode, cluster, server, load, checks))
        log("scenario B: SIGKILL to gunicorn workers")
        results["kill"] = kill_scenario(server, load, checks)
        load.stop()

        # Nothing half-written, nothing lost.
        found = invariants(cluster)
        broken = {name: n for name, n in found.items() if n}
        saved = load.saved_pairs
        present = (
            {row[0] for row in cluster.query("SELECT id FROM registry_mentoringpair WHERE id = ANY(%s)", (saved,))}
            if saved
            else set()
        )
        created = cluster.query("SELECT count(*) FROM registry_mentoringpair WHERE id > %s", (pairs_before[0],))[0][0]
        typed_names = [
            row[0] for row in cluster.query(f"SELECT last_name FROM registry_person WHERE last_name LIKE '{MARK}%%'")
        ]
        typed = len(typed_names)
        # Saved although the client was told otherwise: the answer was lost after the commit.
        unacknowledged = [
            {
                "mentee": name,
                "status": load.attempts[name].status,
                "error": load.attempts[name].error,
                "at": time.strftime("%H:%M:%S", time.localtime(load.attempts[name].start)),
            }
            for name in typed_names
            if name in load.attempts and not load.attempts[name].ok
        ]
        results["data"] = {
            "invariants": found,
            "pairs_saved_by_client": len(saved),
            "pairs_found": len(present),
            "pairs_created": created,
            "typed_mentees": typed,
            "unacknowledged": unacknowledged,
        }
        checks.add(
            "A+B: data",
            "nothing half-written (SQL invariants)",
            not broken,
            "; ".join(f"{name}: {n}" for name, n in found.items()),
        )
        checks.add(
            "A+B: data",
            "every pair the client saw saved is in the database",
            len(present) == len(saved),
            f"{len(saved)} saved (302) → {len(present)} found; {created} pairs created in all, {typed} typed "
            f"mentees, each with a participation; committed though the client got an error: "
            + (
                ", ".join(f"{u['mentee']} ({u['error'] or u['status']} at {u['at']})" for u in unacknowledged) or "none"
            ),
        )
        total = len(load.samples)
        results["requests"] = {"total": total, "failed": sum(1 for s in load.samples if not s.ok)}
        log(f"{total} requests in all, {results['requests']['failed']} failed")
    except KeyboardInterrupt as exc:
        checks.add("run", "completed", False, f"interrupted ({exc})")
    finally:
        if load:
            load.stop()
            (run_dir / "samples.json").write_text(json.dumps([asdict(s) for s in load.samples]), encoding="utf-8")
        if server:
            server.stop()
        cluster.stop()
        if not args.keep and cluster.data.exists():
            shutil.rmtree(cluster.data, ignore_errors=True)
        log("gunicorn and the private cluster stopped")

    results["checks"] = checks.items
    results["verdict"] = "FAIL" if checks.failed else "PASS"
    for name in (f"results-{stamp}.json", "results-latest.json"):
        (VAR / name).write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
    print()
    for item in checks.items:
        print(f"{item['verdict']}  {item['scenario']}: {item['check']}\n      {item['measured']}")
    print(
        f"\n{results['verdict']}: {len(checks.items) - len(checks.failed)} of {len(checks.items)} checks passed; "
        f"results in {VAR / f'results-{stamp}.json'}, logs in {run_dir}"
    )
    return 1 if checks.failed else 0


if __name__ == "__main__":
    sys.exit(main())
