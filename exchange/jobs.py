"""Background jobs: start one, run it in the worker, report its progress.

A web request never does long work: an export past `SYNC_ROWS` rows, and every import, becomes a
`Job` row and a django-tasks task (`run_job`), enqueued once the request's transaction commits.
`python manage.py db_worker` runs it; the job page polls the row for the progress bar and offers
the result. Tests run tasks in-process (TASKS_BACKEND=ImmediateBackend).
"""

from __future__ import annotations

import errno
import logging
import tempfile
import time

from django.core.files import File
from django.db import connection, connections, transaction
from django.utils import timezone
from django_tasks import task

from common.files.writers import ExportTooLarge, write
from exchange.exporters import ExportParams, exporter_for
from exchange.models import Job, JobKind, JobStatus

log = logging.getLogger(__name__)

# Up to this many rows an export is written in the request (well under a second for XLSX, a few
# seconds for PDF); past it, in the background with a progress bar.
SYNC_ROWS = {"xlsx": 5000, "pdf": 150}

FAILED_MESSAGE = (
    "Задание не выполнено из-за внутренней ошибки. Попробуйте ещё раз; если ошибка повторится, "
    "сообщите администратору время и название задания."
)
DISK_FULL_MESSAGE = (
    "На сервере закончилось место на диске: файл не записан, в реестре ничего не изменилось. "
    "Сообщите администратору; когда место освободят, запустите задание заново."
)
INTERRUPTED_MESSAGE = (
    "Задание прервано: фоновый обработчик остановился во время работы. Ничего не сохранено наполовину — "
    "загрузка сохраняется целиком или никак. Задание можно запустить заново."
)
ALREADY_SAVED_MESSAGE = "Этот файл уже загружен в реестр другим заданием: повторная загрузка не нужна."


def start(job: Job) -> Job:
    """Save the job and enqueue it after the current transaction commits."""
    job.save()
    job_id = job.pk
    transaction.on_commit(lambda: run_job.enqueue(job_id))
    return job


def start_export(user, params: ExportParams, *, title: str, total: int) -> Job:
    return start(Job(owner=user, kind=JobKind.EXPORT, title=title, params=params.as_json(), total=total))


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
        self._side = None

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
    job = Job.objects.select_related("owner").filter(pk=job_id).first()
    if job is None or job.is_finished:
        return
    Job.objects.filter(pk=job_id).update(status=JobStatus.RUNNING, heartbeat_at=timezone.now())
    progress = ProgressWriter(job_id)
    try:
        if job.kind == JobKind.EXPORT:
            _export(job, progress)
        elif job.kind == JobKind.IMPORT_SAVE:
            _save_once(job, progress)
        else:
            _import(job, progress)
    except ExportTooLarge as error:
        _finish(job_id, JobStatus.FAILED, message=str(error))
    except OSError as error:
        if error.errno not in (errno.ENOSPC, errno.EDQUOT):
            log.exception("Job %s (%s) failed", job_id, job.kind)
        _finish(
            job_id,
            JobStatus.FAILED,
            message=DISK_FULL_MESSAGE if error.errno in (errno.ENOSPC, errno.EDQUOT) else FAILED_MESSAGE,
        )
    except Exception:
        log.exception("Job %s (%s) failed", job_id, job.kind)
        _finish(job_id, JobStatus.FAILED, message=FAILED_MESSAGE)
    finally:
        progress.close()


def _finish(job_id: int, status: str, **fields) -> None:
    Job.objects.filter(pk=job_id).update(status=status, finished_at=timezone.now(), **fields)


def _export(job: Job, progress: ProgressWriter) -> None:
    exporter = exporter_for(job.owner, ExportParams.from_json(job.params))
    with tempfile.TemporaryFile() as out:
        rows = write(exporter, exporter.params.file_format, out, progress)
        out.seek(0)
        # Stored under the job's number; the name users see (Job.filename) is given at download.
        job.file.save(f"export-{job.pk}.{exporter.params.file_format}", File(out), save=False)
    Job.objects.filter(pk=job.pk).update(file=job.file.name, filename=exporter.filename()[:255])
    _finish(job.pk, JobStatus.DONE, done=rows, total=rows)


def _save_once(job: Job, progress: ProgressWriter) -> None:
    """Save a checked upload, at most once whatever retries and double clicks there were.

    The checked job's row is locked for the whole saving transaction: a second saving of the same
    upload waits for the first and then finds it done.
    """
    with transaction.atomic():
        Job.objects.select_for_update().filter(pk=job.params.get("checked")).first()
        saved = Job.objects.filter(
            kind=JobKind.IMPORT_SAVE, status=JobStatus.DONE, params__checked=job.params.get("checked")
        ).exclude(pk=job.pk)
        if saved.exists():
            _finish(job.pk, JobStatus.FAILED, message=ALREADY_SAVED_MESSAGE)
            return
        _import(job, progress)


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


def _import(job: Job, progress: ProgressWriter) -> None:
    from exchange.importer import run_import
    from exchange.official import Kind
    from registry.models import Organisation

    organisation = Organisation.objects.get(pk=job.params["organisation"])
    with job.file.open("rb") as uploaded:
        data = uploaded.read()
    report = run_import(
        data,
        job.params["filename"],
        Kind(job.params["base"]),
        organisation,
        job.owner,
        commit=job.kind == JobKind.IMPORT_SAVE,
        progress=progress,
    )
    _finish(job.pk, JobStatus.DONE, report=report_json(report), done=report.rows_read, total=report.rows_read)


def report_json(report) -> dict:
    """The import report as the job page shows it (JSON in the job row)."""
    return {
        "ok": report.ok,
        "saved": report.saved,
        "rows_read": report.rows_read,
        "created": dict(report.created),
        "matched": dict(report.matched),
        "filled": dict(report.filled),
        "problem_count": report.problem_count,
        "problems": [
            {"row": p.row, "column": p.column, "header": p.header, "message": p.message} for p in report.problems
        ],
        "lines": [[row, text] for row, text in report.lines[:2000]],
        "more_lines": max(0, len(report.lines) - 2000),
    }
