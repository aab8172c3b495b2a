"""Heavy read-only work from a PostgreSQL streaming replica, when one is configured (docs/deploy.md).

`DATABASE_REPLICA_URL` adds the database alias `replica` (a hot standby of the primary, fed by PostgreSQL's own
streaming replication) and `ReplicaRouter`. Nothing goes to the replica unless it is asked for: the heavy
read-only work — indicator tables and their breakdowns, the analytic report, exports, the regional
consolidation — runs inside `reading()` (or a view under `@reads_replica`), and only its reads go there.
Everything else, and every write, goes to the primary.

Reading one's own writes:

- a request that wrote data gives its user the primary's position after it committed (the cookie
  `replica_after`); a marked page uses the replica only once it has replayed that far
  (`pg_last_wal_replay_lsn()`, one question to the replica), so a page right after a save reads the save,
  while other users' saves of the last milliseconds may be missing from it, as from any copy;
- a job waits (a few seconds at most) for the replica to replay everything the primary had committed when the
  job began, and reads the primary if it has not;
- a request (or a job) that has written data reads the primary from then on: its writes are not committed yet,
  or not replayed. Writes that nothing reads back in the same unit of work — the cache's kept answers, the
  access log, a job's progress, a form's one-time token, the session — do not count (`SIDE_WRITES`). Only the
  marked work reads the replica at all: a form's checks before it saves never do;
- a replica that cannot be asked, or is behind, means the primary.

The marks live here, at the bottom of the floor plan, so any app may use them; with no replica configured they
cost one context-variable read. django-multidb-router was weighed: it sends every read to the replicas and pins
a user to the primary for a fixed time after a write; the registry wants only the heavy work there, and the
replay position tells exactly when a replica has a write.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import wraps

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.http import HttpRequest, HttpResponse

log = logging.getLogger(__name__)

REPLICA = "replica"
# Rows a unit of work writes and never reads back in it: writing them keeps its reads on the replica.
SIDE_WRITES = frozenset(
    {
        "django_cache.cacheentry",  # registry/freshness.py: kept answers and versions
        "registry.personaldataaccess",  # registry/privacy.py: who was shown whose data
        "jobs.job",  # a job's status and progress
        "jobs.submission",  # a form's one-time token (jobs/submissions.py)
        "sessions.session",
    }
)

COOKIE = "replica_after"
_LSN = re.compile(r"[0-9A-F]{1,8}/[0-9A-F]{1,8}")

_reading: ContextVar[bool] = ContextVar("replica_reading", default=False)
_wrote: ContextVar[bool] = ContextVar("replica_wrote", default=False)
_after: ContextVar[str | None] = ContextVar("replica_after", default=None)


def configured() -> bool:
    return REPLICA in settings.DATABASES


def _primary_position() -> str:
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_lsn()::text")
        return cursor.fetchone()[0]


def caught_up(position: str | None = None, *, wait: float = 0.0) -> bool:
    """Whether the replica has replayed up to `position` (the primary's position now, when None), waiting up
    to `wait` seconds for it. False when the replica cannot be asked."""
    try:
        position = position or _primary_position()
        deadline = time.monotonic() + wait
        with connections[REPLICA].cursor() as cursor:
            while True:
                cursor.execute("SELECT coalesce(pg_last_wal_replay_lsn() >= %s::pg_lsn, false)", [position])
                if cursor.fetchone()[0]:
                    return True
                if time.monotonic() >= deadline:
                    return False
                time.sleep(0.05)
    except DatabaseError:
        log.warning("The replica cannot be asked how far it has replayed: reading the primary", exc_info=True)
        connections[REPLICA].close()
        return False


@contextmanager
def reading(*, current: bool = False, wait: float = 0.0) -> Iterator[bool]:
    """Reads inside go to the replica when one is configured, this unit of work has written nothing yet, and
    the replica has replayed the user's last write (`current`: everything committed on the primary so far,
    waiting up to `wait` seconds — a job can afford it, a page cannot). Yields whether they do."""
    if _reading.get():
        yield True
        return
    use = configured() and not _wrote.get() and caught_up(None if current else _after.get() or "0/0", wait=wait)
    if not use:
        yield False
        return
    token = _reading.set(True)
    try:
        yield True
    finally:
        _reading.reset(token)


def reads_replica(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A view whose reads may come from the replica (`reading`)."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        with reading():
            return view(request, *args, **kwargs)

    return wrapped


@contextmanager
def unit_of_work(after: str | None = None) -> Iterator[None]:
    """A request or a job: nothing written yet; `after`: the replay position its reads must see."""
    wrote, later = _wrote.set(False), _after.set(after)
    try:
        yield
    finally:
        _wrote.reset(wrote)
        _after.reset(later)


def middleware(get_response: Callable[[HttpRequest], HttpResponse]) -> Callable[[HttpRequest], HttpResponse]:
    """Each request is a unit of work that must see its user's last write; one that wrote data tells the
    user's browser where the primary stood once it committed (a cookie, only with a replica configured)."""

    def handle(request: HttpRequest) -> HttpResponse:
        after = request.COOKIES.get(COOKIE, "")
        with unit_of_work(after if _LSN.fullmatch(after) else None):
            response = get_response(request)
            if _wrote.get() and configured():
                response.set_cookie(
                    COOKIE, _primary_position(), httponly=True, samesite="Lax", secure=settings.SESSION_COOKIE_SECURE
                )
        return response

    return handle


class ReplicaRouter:
    """Reads inside `reading()` to the replica, everything else to the primary (settings.DATABASE_ROUTERS when
    `DATABASE_REPLICA_URL` is set). Explicit answers: an object read from the replica is saved to the primary,
    and its relations outside the block are read there too."""

    def db_for_read(self, model, **hints) -> str:
        return REPLICA if _reading.get() and not _wrote.get() else DEFAULT_DB_ALIAS

    def db_for_write(self, model, **hints) -> str:
        # app_label and model_name: the database cache's model is not a registered one (no `label_lower`)
        if f"{model._meta.app_label}.{model._meta.model_name}" not in SIDE_WRITES:
            _wrote.set(True)
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints) -> bool:
        return True  # the same rows, whichever copy they were read from

    def allow_migrate(self, db: str, app_label: str, **hints) -> bool:
        return db != REPLICA  # a standby follows the primary's schema by replication
