"""Background jobs: start one, run it in the worker, report its progress.

A web request never does long work: an export past its exporter's `background_after` rows, and
every import, becomes a `Job` row and a django-tasks task (`run_job`), enqueued once the request's
transaction commits. `python manage.py db_worker` runs it; the job page polls the row for the
progress bar and offers the result. Tests run tasks in-process (TASKS_BACKEND=ImmediateBackend).

An export job builds its exporter (jobs/exports.py) again for the job's owner, so the worker applies
the same scope as the request did. Other kinds of job are run by the handler their app registers
with `@handles` (the exchange's import check and saving).
"""

from __future__ import annotations

import errno
import logging
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.db import connection, connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.http import Http404
from django.utils import timezone
from django_tasks import task

from common import replica
from jobs import exports
from jobs.models import Job, JobKind, JobStatus

log = logging.getLogger(__name__)

Handler = Callable[[Job, "ProgressWriter"], None]


@dataclass(frozen=True)
class KindOfJob:
    """How the jobs of one kind (other than exports) are run in the worker, and how their result is
    shown on the job page: a template of the app that runs them, and its context."""

    run: Handler
    result_template: str = ""
    result_context: Callable[[Job], dict] = lambda job: {}
    # Whether the owner, as they are now, may still see the job and its result (their role may be gone).
    allowed: Callable[[Job], bool] = lambda job: True


HANDLERS: dict[str, KindOfJob] = {}

FAILED_MESSAGE = (
    "Задание не выполнено из-за внутренней ошибки. Попробуйте ещё раз; если ошибка повторится, "
    "сообщите администратору время и название задания."
)
DISK_FULL_MESSAGE = (
    "На сервере закончилось место на диске: файл не записан, в реестре ничего не изменилось. "
    "Сообщите администратору; когда место освободят, запустите задание заново."
)
REPLICA_WAIT = 5.0  # seconds a job waits for the replica to replay what was committed before it began

NO_LONGER_ALLOWED_MESSAGE = (
    "Выгрузка не сделана: у вас больше нет доступа к этим данным. Если доступ нужен, обратитесь к "
    "методисту муниципалитета."
)
INTERRUPTED_MESSAGE = (
    "Задание прервано: фоновый обработчик остановился во время работы. Ничего не сохранено наполовину — "
    "загрузка сохраняется целиком или никак. Задание можно запустить заново."
)


def handles(
    kind: str,
    *,
    result_template: str = "",
    result_context: Callable[[Job], dict] | None = None,
    allowed: Callable[[Job], bool] | None = None,
) -> Callable[[Handler], Handler]:
    """Decorator: `handler(job, progress)` runs the jobs of `kind` (other than exports) in the worker;
    the job page shows a finished one with `result_template` and `result_context(job)`, to its owner
    while `allowed(job)` holds."""

    def decorator(handler: Handler) -> Handler:
        HANDLERS[kind] = KindOfJob(
            handler, result_template, result_context or (lambda job: {}), allowed or (lambda job: True)
        )
        return handler

    return decorator


def start(job: Job) -> Job:
    """Save the job and enqueue it after the current transaction commits."""
    job.save()
    job_id = job.pk
    transaction.on_commit(lambda: run_job.enqueue(job_id))
    return job


def start_export(user, exporter: exports.Exporter, *, total: int) -> Job:
    """A job writing `exporter`'s file in the worker (its parameters carry the format)."""
    file_format = exporter.params["format"]
    title = exporter.title(file_format)[: Job._meta.get_field("title").max_length]
    params = {"exporter": exporter.identifier, "params": exporter.params, "reach": exporter.reach()}
    return start(Job(owner=user, kind=JobKind.EXPORT, title=title, params=params, total=total))


class ProgressWriter:
    """Writes a job's progress so that the page sees it while the job is still working.

    Inside a transaction (an import saving everything at once) an UPDATE through the worker's own
    connection would stay invisible until the end, so on PostgreSQL progress goes through a
    second connection of its own; on SQLite, which has one writer at a time, it is skipped there.
    """

    INTERVAL = 0.5  # seconds between writes

    def __init__(self, job_id: int) -> None:
        self.job_id = job_id
        self.last = 0.0
        self._side: BaseDatabaseWrapper | None = None

    def __call__(self, done: int, total: int, *, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self.last < self.INTERVAL and done < total:
            return
        self.last = now
        done, total = max(0, done), max(0, total)
        done = min(done, total)
        if not connection.in_atomic_block:
            Job.objects.filter(pk=self.job_id).update(done=done, total=total, heartbeat_at=timezone.now())
        elif connection.vendor == "postgresql":
            if self._side is None:
                self._side = connections.create_connection("default")
            with self._side.cursor() as cursor:
                cursor.execute(
                    f'UPDATE "{Job._meta.db_table}" SET "done" = %s, "total" = %s, "heartbeat_at" = %s WHERE "id" = %s',
                    [done, total, timezone.now(), self.job_id],
                )

    def close(self) -> None:
        if self._side is not None:
            self._side.close()
            self._side = None


@task()
def run_job(job_id: int) -> None:
    with replica.unit_of_work():  # a job's reads of the replica stop once it writes data (common/replica.py)
        _run_job(job_id)


def _run_job(job_id: int) -> None:
    job = Job.objects.select_related("owner").filter(pk=job_id).first()
    if job is None or job.is_finished:
        return
    Job.objects.filter(pk=job_id).update(status=JobStatus.RUNNING, heartbeat_at=timezone.now())
    progress = ProgressWriter(job_id)
    try:
        if job.kind == JobKind.EXPORT:
            _export(job, progress)
        else:
            HANDLERS[job.kind].run(job, progress)
    except exports.ExportRefused as error:
        finish(job_id, JobStatus.FAILED, message=error.message)
    except (Http404, PermissionDenied):
        # The owner's scope is applied again in the worker: a role taken away meanwhile stops the job.
        finish(job_id, JobStatus.FAILED, message=NO_LONGER_ALLOWED_MESSAGE)
    except OSError as error:
        if error.errno not in (errno.ENOSPC, errno.EDQUOT):
            log.exception("Job %s (%s) failed", job_id, job.kind)
        finish(
            job_id,
            JobStatus.FAILED,
            message=DISK_FULL_MESSAGE if error.errno in (errno.ENOSPC, errno.EDQUOT) else FAILED_MESSAGE,
        )
    except Exception:
        log.exception("Job %s (%s) failed", job_id, job.kind)
        finish(job_id, JobStatus.FAILED, message=FAILED_MESSAGE)
    finally:
        progress.close()


def finish(job_id: int, status: str, **fields) -> None:
    Job.objects.filter(pk=job_id).update(status=status, finished_at=timezone.now(), **fields)


def exporter_of(job: Job) -> exports.Exporter:
    """The exporter a job was started with, built again for its owner (the same scope applies).

    Jobs started before every file had an exporter hold the bases' choices themselves.
    """
    if "exporter" not in job.params:
        return exports.get("bases")(job.owner, {**job.params, "format": job.params.get("file_format", "xlsx")})
    return exports.get(job.params["exporter"])(job.owner, job.params["params"])


def still_allowed(job: Job) -> bool:
    """A job and its file are its owner's only while the owner's scope, as it is now, still covers what
    the job read: an export's exporter is built again for the owner (its access checks) and asked
    whether it still reads all it read; other kinds ask their app."""
    if job.kind != JobKind.EXPORT:
        kind = HANDLERS.get(job.kind)
        return kind is None or kind.allowed(job)
    try:
        exporter = exporter_of(job)
    except (Http404, PermissionDenied, exports.ExportRefused, KeyError, ValueError):
        return False  # out of reach now, or parameters that no longer read
    return exporter.covers(job.params.get("reach"))


def _export(job: Job, progress: ProgressWriter) -> None:
    # The file's reads from the replica once it has replayed what was committed before the job began.
    with tempfile.TemporaryFile() as out, replica.reading(current=True, wait=REPLICA_WAIT):
        exporter = exporter_of(job)
        file_format = exporter.params["format"]
        rows = exporter.count()
        exporter.check(file_format, rows)
        rows = exporter.render(file_format, out, progress)
        out.seek(0)
        # Stored under the job's number; the name users see (Job.filename) is given at download.
        job.file.save(f"export-{job.pk}.{file_format}", File(out), save=False)
    Job.objects.filter(pk=job.pk).update(file=job.file.name, filename=exporter.filename(file_format)[:255])
    finish(job.pk, JobStatus.DONE, done=rows, total=rows)


def retry(job: Job) -> Job:
    """A new job doing what a failed or interrupted one was asked (same parameters, same file)."""
    if job.is_interrupted:
        Job.objects.filter(pk=job.pk, status=JobStatus.RUNNING).update(
            status=JobStatus.FAILED, finished_at=timezone.now(), message=INTERRUPTED_MESSAGE
        )
    again = Job(
        owner=job.owner,
        kind=job.kind,
        title=job.title,
        params=job.params,
        total=job.total,
        file=job.file.name if job.kind != JobKind.EXPORT else "",
    )
    return start(again)


def cancel(job: Job) -> bool:
    """Give up a job still waiting in the queue (the worker, if it starts later, skips it); False when
    it has started or finished already."""
    return bool(
        Job.objects.filter(pk=job.pk, status=JobStatus.QUEUED).update(
            status=JobStatus.FAILED, finished_at=timezone.now(), message="Задание отменено до начала работы."
        )
    )
