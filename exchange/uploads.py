"""An uploaded base as background jobs: checked first (the importer runs and rolls back), then, once the
user has read the report, saved — at most once, whatever retries and double clicks there were.

The job runner (jobs/runner.py) calls the handlers below by the job's kind; the views call the
services `start_check` and `confirm`.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F

from common.files.cells import normalise_header
from exchange.forms import MappingForm
from exchange.importer import run_import
from exchange.models import ColumnMapping
from exchange.official import FORMS, Kind
from jobs import runner
from jobs.models import Job, JobKind, JobStatus
from registry.access import editable_organisations
from registry.models import Organisation, User

ALREADY_SAVED_MESSAGE = "Этот файл уже загружен в реестр другим заданием: повторная загрузка не нужна."
NOT_CHECKED_MESSAGE = "Этот файл нельзя загрузить: сначала исправьте ошибки и загрузите его снова."


class NotSaveable(Exception):
    """A checked upload that cannot be saved (Russian message)."""


def start_check(user: User, upload: UploadedFile, base: str, organisation: Organisation) -> Job:
    """Keep the uploaded file and check it in the background."""
    form_title = FORMS[Kind(base)].title
    job = Job(
        owner=user,
        kind=JobKind.IMPORT_CHECK,
        title=f"Проверка файла «{upload.name}»: {form_title} → {organisation.short_name}",
        params={"base": base, "organisation": organisation.pk, "filename": upload.name},
    )
    job.file.save(upload.name, upload, save=False)
    return runner.start(job)


def saving_of(checked: Job) -> Job | None:
    """The job saving this checked upload, if the user has asked for it already."""
    return Job.objects.filter(owner=checked.owner, kind=JobKind.IMPORT_SAVE, params__checked=checked.pk).first()


def can_save(checked: Job) -> bool:
    return (
        checked.kind == JobKind.IMPORT_CHECK
        and checked.status == JobStatus.DONE
        and bool(checked.report.get("ok"))
        and saving_of(checked) is None
    )


def confirm(checked: Job, organisation: Organisation) -> Job:
    """Save a checked upload: a new job over the same file, in one transaction inside the importer.

    A second click, or the back button, finds the saving already started and gets that one.
    """
    if checked.kind != JobKind.IMPORT_CHECK or checked.status != JobStatus.DONE or not checked.report.get("ok"):
        raise NotSaveable(NOT_CHECKED_MESSAGE)
    existing = saving_of(checked)
    if existing is not None:
        return existing
    job = Job(
        owner=checked.owner,
        kind=JobKind.IMPORT_SAVE,
        title=checked.title.replace("Проверка файла", "Загрузка файла", 1),
        params={**checked.params, "organisation": organisation.pk, "checked": checked.pk},
        file=checked.file.name,
    )
    return runner.start(job)


def _still_editable(job: Job) -> bool:
    """An upload is its owner's while they may still change the organisation it was loaded into."""
    try:
        return editable_organisations(job.owner).filter(pk=job.params.get("organisation")).exists()
    except PermissionDenied:
        return False


def _result(job: Job) -> dict:
    mapping = job.report.get("mapping") if job.kind == JobKind.IMPORT_CHECK else None
    return {
        "report": job.report,
        "can_save": can_save(job),
        "mapping_form": MappingForm(mapping=mapping) if mapping else None,
    }


def remember_mapping(checked: Job, user: User, chosen: dict[str, str]) -> Job:
    """Keep the user's answer for the organisation's next files, and check this one again with it."""
    organisation = Organisation.objects.get(pk=checked.params["organisation"])
    kind = Kind(checked.params["base"])
    with transaction.atomic():
        for key, header in chosen.items():
            ColumnMapping.objects.update_or_create(
                organisation=organisation,
                kind=kind,
                header=normalise_header(header)[:300],
                defaults={"key": key, "updated_by": user},
            )
    again = Job(
        owner=checked.owner,
        kind=JobKind.IMPORT_CHECK,
        title=checked.title,
        params=checked.params,
        file=checked.file.name,
    )
    return runner.start(again)


@runner.handles(
    JobKind.IMPORT_CHECK,
    result_template="exchange/includes/import_report.html",
    result_context=_result,
    allowed=_still_editable,
)
def check(job: Job, progress: runner.ProgressWriter) -> None:
    _import(job, progress)


@runner.handles(
    JobKind.IMPORT_SAVE,
    result_template="exchange/includes/import_report.html",
    result_context=_result,
    allowed=_still_editable,
)
def save_once(job: Job, progress: runner.ProgressWriter) -> None:
    """Save a checked upload, at most once whatever retries and double clicks there were.

    The checked job's row is locked for the whole saving transaction: a second saving of the same
    upload waits for the first and then finds it done. The organisation is locked too, so two uploads
    of one file saved at once by two workers save its people once.
    """
    with transaction.atomic():
        Job.objects.select_for_update().filter(pk=job.params.get("checked")).first()
        # One saving into an organisation at a time, whatever the worker: a second upload of the same file
        # waits here, then matches the people and pairs the first one saved instead of creating twins.
        # (An UPDATE: a row lock on PostgreSQL, the database's write lock on SQLite.)
        Organisation.objects.filter(pk=job.params["organisation"]).update(version=F("version"))
        saved = Job.objects.filter(
            kind=JobKind.IMPORT_SAVE, status=JobStatus.DONE, params__checked=job.params.get("checked")
        ).exclude(pk=job.pk)
        if saved.exists():
            runner.finish(job.pk, JobStatus.FAILED, message=ALREADY_SAVED_MESSAGE)
            return
        _import(job, progress)


def _import(job: Job, progress: runner.ProgressWriter) -> None:
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
    runner.finish(job.pk, JobStatus.DONE, report=report_json(report), done=report.rows_read, total=report.rows_read)


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
        "notes": report.notes,
        "mapping": report.mapping,
        "problems": [
            {"row": p.row, "column": p.column, "header": p.header, "message": p.message} for p in report.problems
        ],
        "lines": [[row, text] for row, text in report.lines[:2000]],
        "more_lines": max(0, len(report.lines) - 2000),
    }
