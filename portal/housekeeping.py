"""Housekeeping: what the registry no longer needs leaves the server (`manage.py housekeeping`).

Exported bases and uploaded files hold personal data (152-ФЗ): they are kept as long as their purpose
lasts, not for ever. A daily run (deploy/systemd/mentoring-housekeeping.timer) removes

- background jobs (exports, import checks and saves) finished — or abandoned — more than `days` ago,
  with their files: the user downloads an export the day it is made; an upload waits for its
  confirmation for a day or two;
- the scans of signed orders none of whose pairs is left (paperwork/privacy.py: the scan names the pairs'
  people; an erasure takes the scans naming the erased person at once);
- files in the media folder that no row points to any more (an evidence document replaced, a roadmap
  deleted, a job row removed by hand, a signed order's scan taken off or its order deleted), once they
  are a day old — younger ones may belong to a request still in progress;
- finished task results of the job queue, expired sessions, expired rows of the database cache.

Roadmap evidence of existing roadmaps is kept: it is the record of what was done.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.cache import DEFAULT_CACHE_ALIAS, caches
from django.core.cache.backends.db import DatabaseCache
from django.core.files.storage import default_storage
from django.db import connections, router, transaction
from django.db.models import FileField, Q
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from jobs.models import HEARTBEAT_TIMEOUT, Job, JobStatus, Submission
from paperwork import privacy as paperwork_privacy
from paperwork.models import DocumentTemplate, SignedOrder
from roadmap.models import ImportPreview, Occurrence

DEFAULT_DAYS = 30
GRACE = timedelta(days=1)  # an unreferenced file younger than this may be a request's, still writing
SUBMISSION_KEPT = timedelta(days=1)
# The media folders that hold only files the database points to (Job.file, Occurrence.evidence_file,
# the paperwork's files: SignedOrder.scan, DocumentTemplate.file).
MANAGED_FOLDERS = ("exchange", "roadmap/evidence", "paperwork/orders", "paperwork/templates")


@dataclass
class Report:
    jobs: int = 0
    files: list[str] = field(default_factory=list)  # media-relative names removed (or to remove)
    bytes: int = 0
    task_results: int = 0
    sessions: int = 0
    cache_rows: int = 0
    submissions: int = 0
    previews: int = 0
    scans: int = 0  # signed orders' scans taken off: none of their pairs is left

    def lines(self) -> list[str]:
        return [
            f"Заданий (выгрузки, загрузки): {self.jobs}",
            f"Файлов: {len(self.files)}, {self.bytes / 1024 / 1024:.1f} МБ",
            f"Результатов очереди заданий: {self.task_results}",
            f"Истёкших сессий: {self.sessions}",
            f"Устаревших записей кэша: {self.cache_rows}",
            f"Ключей отправленных форм старше суток: {self.submissions}",
            f"Несохранённых предпросмотров дорожных карт старше суток: {self.previews}",
            f"Сканов приказов, у которых не осталось пар: {self.scans}",
        ]


def old_jobs(days: int, now=None):
    """Jobs finished more than `days` ago, and those never finished that were started as long ago
    (a queued job the worker never took, a running one whose worker died)."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=days)
    alive = Q(status=JobStatus.RUNNING, heartbeat_at__gte=now - HEARTBEAT_TIMEOUT)
    finished = Q(status__in=(JobStatus.DONE, JobStatus.FAILED))
    return Job.objects.filter(
        (finished & Q(finished_at__lt=cutoff))
        | (finished & Q(finished_at__isnull=True, created_at__lt=cutoff))
        | (~finished & Q(created_at__lt=cutoff))
    ).exclude(alive)


def _media_files() -> list[tuple[str, Path]]:
    root = Path(settings.MEDIA_ROOT)
    found = []
    for folder in MANAGED_FOLDERS:
        for directory, _, names in os.walk(root / folder):
            for name in names:
                path = Path(directory) / name
                found.append((path.relative_to(root).as_posix(), path))
    return found


def _referenced(except_jobs: list[int]) -> set[str]:
    """The files rows point to (a checked upload is shared by its check, its save and their retries)."""
    jobs = Job.objects.exclude(file="").exclude(pk__in=except_jobs).values_list("file", flat=True)
    evidence = Occurrence.objects.exclude(evidence_file="").values_list("evidence_file", flat=True)
    paperwork = {
        name
        for model in (SignedOrder, DocumentTemplate)
        for field in model._meta.get_fields()
        if isinstance(field, FileField)
        for name in model.objects.exclude(**{field.name: ""}).values_list(field.name, flat=True)
    }
    return {*jobs, *evidence, *paperwork}


def _expired_cache_rows(now, dry_run: bool) -> int:
    backend = caches[DEFAULT_CACHE_ALIAS]
    if not isinstance(backend, DatabaseCache):
        return 0  # other caches expire their keys themselves
    connection = connections[router.db_for_write(backend.cache_model_class)]
    table = connection.ops.quote_name(backend._table)
    expires = connection.ops.adapt_datetimefield_value(now.replace(microsecond=0))
    with connection.cursor() as cursor:
        verb = "SELECT COUNT(*)" if dry_run else "DELETE"
        cursor.execute(f"{verb} FROM {table} WHERE expires < %s", [expires])
        return cursor.fetchone()[0] if dry_run else cursor.rowcount


def run(days: int = DEFAULT_DAYS, *, dry_run: bool = False) -> Report:
    """Remove what is past its purpose (nothing with `dry_run`: only tell)."""
    if days < 1:
        raise ValueError("Срок хранения — не меньше одного дня.")
    now = timezone.now()
    report = Report()
    with transaction.atomic():
        jobs = list(old_jobs(days, now).values_list("pk", "file"))
        report.jobs = len(jobs)
        job_files = {name for _, name in jobs if name}
        # A scan whose pairs are all gone: its file goes in this run, whatever its age.
        orphaned = paperwork_privacy.orders_without_pairs().exclude(scan="")
        scans = list(orphaned.values_list("scan", flat=True))
        report.scans = len(scans)
        if not dry_run and scans:
            SignedOrder.objects.filter(pk__in=orphaned.values("pk")).update(scan="")
        job_files |= set(scans)
        # Files last, from what the database says without these rows.
        referenced = _referenced([pk for pk, _ in jobs]) - set(scans)
        if not dry_run:
            Job.objects.filter(pk__in=[pk for pk, _ in jobs]).delete()
        results = DBTaskResult.objects.finished().filter(finished_at__lt=now - timedelta(days=days))
        report.task_results = results.count()
        sessions = Session.objects.filter(expire_date__lt=now)
        report.sessions = sessions.count()
        # A form's one-time key matters while its page may be sent again: a day is plenty.
        submissions = Submission.objects.filter(created_at__lt=now - SUBMISSION_KEPT)
        report.submissions = submissions.count()
        previews = ImportPreview.objects.filter(created_at__lt=now - SUBMISSION_KEPT)
        report.previews = previews.count()
        if not dry_run:
            results.delete()
            sessions.delete()
            submissions.delete()
            previews.delete()
        report.cache_rows = _expired_cache_rows(now, dry_run)
    oldest = time.time() - GRACE.total_seconds()
    for name, path in _media_files():
        if name in referenced:
            continue
        try:
            stat = path.stat()
        except FileNotFoundError:
            continue
        if name not in job_files and stat.st_mtime > oldest:
            continue
        report.files.append(name)
        report.bytes += stat.st_size
        if not dry_run:
            default_storage.delete(name)
    return report
