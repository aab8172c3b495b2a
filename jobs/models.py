"""Background jobs: a large export of any exporter, the check and the saving of an uploaded file.

A `Job` belongs to the user who started it and is shown only to them (`for_user`). The work itself
runs as a django-tasks task (jobs/runner.py) in `db_worker`; the job row is what the pages read:
its status, its progress (`done` of `total`), its result file or its report.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

# A queued job not started within this time means no worker is taking jobs.
QUEUE_PATIENCE = timedelta(minutes=1)
# A worker reports progress at least every few seconds (jobs/runner.py ProgressWriter); this long
# without a report means it died. Generous: one PDF chunk or one database step may take a while.
HEARTBEAT_TIMEOUT = timedelta(minutes=3)


class JobKind(models.TextChoices):
    EXPORT = "export", "Выгрузка"
    IMPORT_CHECK = "import_check", "Проверка файла"
    IMPORT_SAVE = "import_save", "Загрузка в реестр"
    SNAPSHOT = "snapshot", "Снимок сбора отчётности"
    SUGGESTIONS = "suggestions", "Предложение пар"


class JobStatus(models.TextChoices):
    QUEUED = "queued", "В очереди"
    RUNNING = "running", "Выполняется"
    DONE = "done", "Готово"
    FAILED = "failed", "Не удалось"


class JobQuerySet(models.QuerySet):
    def for_user(self, user) -> JobQuerySet:
        """A job is its owner's alone: nobody else sees it, whatever their role."""
        return self.filter(owner_id=user.pk) if getattr(user, "is_authenticated", False) else self.none()


class Job(models.Model):
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="jobs", verbose_name="кто запустил"
    )
    kind = models.CharField("вид", max_length=20, choices=JobKind.choices)
    status = models.CharField("состояние", max_length=20, choices=JobStatus.choices, default=JobStatus.QUEUED)
    title = models.CharField("что делается", max_length=500)
    # What to do: an export's exporter, format and parameters (jobs/exports.py), an import's form
    # and organisation. Plain JSON, so the worker rebuilds everything from the database.
    params = models.JSONField("параметры", default=dict)
    done = models.PositiveIntegerField("сделано", default=0)
    total = models.PositiveIntegerField("всего", default=0)
    # An export's result, or an import's uploaded file (kept until the user confirms it).
    file = models.FileField("файл", upload_to="exchange/%Y/%m/", blank=True)
    filename = models.CharField("имя файла для скачивания", max_length=255, blank=True)
    report = models.JSONField("отчёт", default=dict, blank=True)
    message = models.TextField("сообщение", blank=True)
    created_at = models.DateTimeField("создано", auto_now_add=True)
    # Written by the worker when it starts and with every progress report: a running job whose
    # heartbeat stopped was interrupted (the worker was stopped or killed) and may be run again.
    heartbeat_at = models.DateTimeField("последний признак работы", null=True, blank=True)
    finished_at = models.DateTimeField("завершено", null=True, blank=True)

    objects = JobQuerySet.as_manager()

    class Meta:
        verbose_name = "задание"
        verbose_name_plural = "задания"
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=JobKind.values), name="jobs_job_kind_valid"),
            models.CheckConstraint(condition=Q(status__in=JobStatus.values), name="jobs_job_status_valid"),
            models.CheckConstraint(condition=Q(done__lte=F("total")), name="jobs_job_done_within_total"),
        ]
        indexes = [models.Index(fields=["owner", "-created_at"], name="jobs_job_owner_recent")]

    def __str__(self) -> str:
        return self.title

    @property
    def percent(self) -> int:
        if self.status == JobStatus.DONE:
            return 100
        return int(self.done * 100 / self.total) if self.total else 0

    @property
    def is_finished(self) -> bool:
        return self.status in (JobStatus.DONE, JobStatus.FAILED)

    @property
    def is_waiting_too_long(self) -> bool:
        """Queued for longer than a free worker would take: the worker is probably not running."""
        return self.status == JobStatus.QUEUED and timezone.now() - self.created_at > QUEUE_PATIENCE

    @property
    def is_interrupted(self) -> bool:
        """Running, but the worker has given no sign of life for a while: it was stopped mid-job."""
        last = self.heartbeat_at or self.created_at
        return self.status == JobStatus.RUNNING and timezone.now() - last > HEARTBEAT_TIMEOUT

    @property
    def can_retry(self) -> bool:
        return self.status == JobStatus.FAILED or self.is_interrupted


class Submission(models.Model):
    """A form sent once: its one-time token, taken in the same transaction as what the form creates, so a
    double click or a resent form creates nothing twice (jobs/submissions.py)."""

    token = models.UUIDField("одноразовый ключ формы", unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name="кто отправил"
    )
    path = models.CharField("адрес формы", max_length=300)
    # Where the first sending led (its redirect): a second sending of the same form is sent there too.
    result_url = models.CharField("куда привела отправка", max_length=500, blank=True)
    created_at = models.DateTimeField("отправлено", auto_now_add=True)

    class Meta:
        verbose_name = "отправленная форма"
        verbose_name_plural = "отправленные формы"

    def __str__(self) -> str:
        return f"{self.path} ({self.created_at:%d.%m.%Y %H:%M})"
