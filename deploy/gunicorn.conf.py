"""gunicorn settings of the mentoring registry in production (docs/deploy.md).

    gunicorn --config deploy/gunicorn.conf.py

systemd starts it (deploy/systemd/mentoring-web.service) with the listening socket handed over by
deploy/systemd/mentoring-web.socket (/run/mentoring/web.sock, owned by nginx's user): gunicorn
then ignores `bind`, which only matters when gunicorn is started by hand. A restart does not refuse
connections: systemd keeps the socket and they wait for the new workers.

Every value can be changed without editing this file, through a GUNICORN_* variable in the
EnvironmentFile (/etc/mentoring/mentoring.env); a command-line flag overrides both.
"""

from __future__ import annotations

import os


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError:
        raise SystemExit(f"{name}={raw!r}: expected a whole number.") from None


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))  # the cores this process may use (honours CPU pinning)
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


wsgi_app = "mentoring.wsgi:application"
bind = [os.environ.get("GUNICORN_BIND", "unix:/run/mentoring/web.sock")]

# Sync workers: every page is a short database-bound request (docs/performance.md: p95 well under a
# second); long work (large exports, every import) goes to the background worker (db_worker).
# nginx buffers requests and responses, so a slow client never holds a worker. 2 × cores + 1 is
# gunicorn's rule of thumb; each worker holds ≈100–150 MB once warm.
worker_class = "sync"
workers = _int("GUNICORN_WORKERS", 2 * _cores() + 1)

# A worker silent this long is killed and the request answered 502 by nginx. The slowest pages
# (an indicator table of a whole region, a PDF export of up to 150 rows written in the request)
# take a few seconds; nginx waits a little longer (proxy_read_timeout 75s in deploy/nginx).
timeout = _int("GUNICORN_TIMEOUT", 60)
# On restart or stop, a worker finishes the request in hand for up to this long
# (TimeoutStopSec in the unit is a little longer).
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
# Workers are replaced after this many requests (± jitter, so they do not all restart at once):
# a slow leak in a library never grows without bound.
max_requests = _int("GUNICORN_MAX_REQUESTS", 1000)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", 100)

# The heartbeat file lives in memory, not on disk (a disk-backed /tmp can stall workers).
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None

# nginx in front sets X-Forwarded-Proto; only that header says "https" (gunicorn's other two
# default headers are not sent by our nginx, and a client must not be able to send them).
secure_scheme_headers = {"X-FORWARDED-PROTO": "https"}
# Only nginx can connect: the unix socket is owned by www-data with mode 0600 (unix-socket peers
# are always trusted by gunicorn); over TCP only the local host is trusted.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# Logs go to stdout/stderr, that is to the journal: journalctl -u mentoring-web.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# The client's address comes from nginx (X-Real-IP). The query string and the referrer are left out
# on purpose: searches carry people's names (personal data of minors must not end up in logs).
access_log_format = '%({x-real-ip}i)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms "%(a)s"'

# gunicornc's control socket is not used: systemctl reload/restart does the same, and its default
# place ($HOME/.gunicorn) is read-only under the unit's ProtectSystem=strict.
control_socket_disable = True

proc_name = "mentoring-web"


def post_worker_init(worker) -> None:
    """The worker has loaded the application: load what requests would load lazily and keep it out of
    the garbage collector's walks (mentoring/startup.py)."""
    from mentoring.startup import settle

    settle()
