"""Pages of the exchange: download a base, upload a file, follow a background job.

One view serves every exporter (exchange/exporters.py): a small base is written in the request
and downloaded at once; a large one becomes a background job (exchange/jobs.py) with a progress
bar. An upload is checked in a job too; the user sees the report and only then saves it.
"""

from __future__ import annotations

import io

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from common.files.writers import CONTENT_TYPES, ExportTooLarge, check_size, write
from common.views import paginate
from exchange import jobs
from exchange.exporters import PERIOD_LABELS, Period, exporter_for
from exchange.forms import LIST_FILTERS, ExportForm, ImportForm
from exchange.models import Job, JobKind, JobStatus
from exchange.official import FORMS, Kind
from registry import privacy
from registry.access import editable_organisations
from registry.models import Organisation
from registry.models.pairs import PairStatus


def _export_initial(request: HttpRequest) -> dict:
    """Arriving from the pair list: its organisation and status become the export's choices."""
    initial = {}
    if request.GET.get("base") in Kind.__members__.values():
        initial["base"] = request.GET["base"]
    status = request.GET.get("status")
    if status == PairStatus.COMPLETED:
        initial["period"] = Period.ARCHIVE
    elif status in (PairStatus.ACTIVE, PairStatus.OVERDUE):
        initial["period"] = Period.CURRENT
    if request.GET.get("organisation", "").isdigit():
        initial["organisations"] = [request.GET["organisation"]]
    return initial


@require_http_methods(["GET", "POST"])
def export(request: HttpRequest) -> HttpResponse:
    organisations = Organisation.objects.for_user(request.user).select_related("department").order_by("short_name")
    source = request.POST if request.method == "POST" else request.GET
    filters = {name: source[name] for name in LIST_FILTERS if source.get(name)}
    form = ExportForm(
        request.POST or None,
        organisations=organisations,
        filters=filters,
        initial=_export_initial(request) if request.method == "GET" else None,
    )
    if request.method == "POST" and form.is_valid():
        params = form.params()
        exporter = exporter_for(request.user, params)
        rows = exporter.count()
        try:
            check_size(params.file_format, rows)  # refused here, not by a job a minute later
        except ExportTooLarge as error:
            form.add_error(None, str(error))
        else:
            title = (
                f"{exporter.form.title}, {PERIOD_LABELS[params.period]} — {exporter.where()} "
                f"({params.file_format.upper()})"
            )[: Job._meta.get_field("title").max_length]
            # The bases hold personal data: every export is in the access log (who, when, what).
            privacy.record_export(
                request, what=title, rows=rows, organisations=list(exporter.organisations().select_related(None))
            )
            if rows > jobs.SYNC_ROWS[params.file_format]:
                job = jobs.start_export(request.user, params, title=title, total=rows)
                return redirect("job_detail", pk=job.pk)
            out = io.BytesIO()
            write(exporter, params.file_format, out)
            out.seek(0)
            return FileResponse(
                out, as_attachment=True, filename=exporter.filename(), content_type=CONTENT_TYPES[params.file_format]
            )
    return render(
        request,
        "exchange/export.html",
        {
            "form": form,
            "filters": filters,
            "show_organisations": len(organisations) > 1,
            "sync_rows": jobs.SYNC_ROWS,
        },
    )


@require_http_methods(["GET", "POST"])
def import_file(request: HttpRequest) -> HttpResponse:
    organisations = editable_organisations(request.user).order_by("short_name")
    if not organisations.exists():
        raise PermissionDenied("Загружать данные могут кураторы организаций и методисты.")
    form = ImportForm(request.POST or None, request.FILES or None, organisations=organisations)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        upload = data["file"]
        form_title = FORMS[Kind(data["base"])].title
        job = Job(
            owner=request.user,
            kind=JobKind.IMPORT_CHECK,
            title=f"Проверка файла «{upload.name}»: {form_title} → {data['organisation'].short_name}",
            params={"base": data["base"], "organisation": data["organisation"].pk, "filename": upload.name},
        )
        job.file.save(upload.name, upload, save=False)
        jobs.start(job)
        return redirect("job_detail", pk=job.pk)
    return render(request, "exchange/import.html", {"form": form})


def _own_job(request: HttpRequest, pk: int) -> Job:
    """A job is its owner's alone: anyone else gets 404."""
    return get_object_or_404(Job, pk=pk, owner=request.user)


def job_list(request: HttpRequest) -> HttpResponse:
    page, query = paginate(request, Job.objects.filter(owner=request.user))
    return render(request, "exchange/job_list.html", {"page": page, "query": query})


def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = _own_job(request, pk)
    template = "exchange/includes/job_status.html" if request.headers.get("HX-Request") else "exchange/job_detail.html"
    can_save = (
        job.kind == JobKind.IMPORT_CHECK
        and job.status == JobStatus.DONE
        and job.report.get("ok")
        and not Job.objects.filter(owner=request.user, kind=JobKind.IMPORT_SAVE, params__checked=job.pk).exists()
    )
    return render(request, template, {"job": job, "can_save": can_save, "JobKind": JobKind, "JobStatus": JobStatus})


def job_download(request: HttpRequest, pk: int) -> FileResponse:
    job = _own_job(request, pk)
    if job.kind != JobKind.EXPORT or job.status != JobStatus.DONE or not job.file:
        raise Http404("Файл ещё не готов.")
    return FileResponse(
        job.file.open("rb"),
        as_attachment=True,
        filename=job.filename,
        content_type=CONTENT_TYPES.get(job.filename.rsplit(".", 1)[-1], "application/octet-stream"),
    )


@require_POST
def job_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    """Save a checked upload: a new job over the same file, in one transaction inside the importer."""
    checked = _own_job(request, pk)
    if checked.kind != JobKind.IMPORT_CHECK or checked.status != JobStatus.DONE or not checked.report.get("ok"):
        messages.error(request, "Этот файл нельзя загрузить: сначала исправьте ошибки и загрузите его снова.")
        return redirect("job_detail", pk=checked.pk)
    organisation = get_object_or_404(editable_organisations(request.user), pk=checked.params["organisation"])
    existing = Job.objects.filter(owner=request.user, kind=JobKind.IMPORT_SAVE, params__checked=checked.pk).first()
    if existing:  # a second click, or the back button: the same saving, not a second one
        return redirect("job_detail", pk=existing.pk)
    job = Job(
        owner=request.user,
        kind=JobKind.IMPORT_SAVE,
        title=checked.title.replace("Проверка файла", "Загрузка файла", 1),
        params={**checked.params, "organisation": organisation.pk, "checked": checked.pk},
        file=checked.file.name,
    )
    jobs.start(job)
    return redirect("job_detail", pk=job.pk)


@require_POST
def job_retry(request: HttpRequest, pk: int) -> HttpResponse:
    """Run a failed or interrupted job again: the same choices, the same uploaded file."""
    job = _own_job(request, pk)
    if not job.can_retry:
        messages.info(request, "Это задание не нужно запускать заново: оно выполнено или ещё идёт.")
        return redirect("job_detail", pk=job.pk)
    if job.kind != JobKind.EXPORT and not (job.file and job.file.storage.exists(job.file.name)):
        messages.error(request, "Загруженный файл не сохранился на сервере: загрузите его снова.")
        return redirect("import_file")
    again = jobs.retry(job)
    messages.success(request, "Задание запущено заново.")
    return redirect("job_detail", pk=again.pk)


@require_POST
def job_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    """Give up a job still waiting in the queue (the worker, if it starts later, skips it)."""
    job = _own_job(request, pk)
    cancelled = Job.objects.filter(pk=job.pk, status=JobStatus.QUEUED).update(
        status=JobStatus.FAILED, finished_at=timezone.now(), message="Задание отменено до начала работы."
    )
    if cancelled:
        messages.success(request, "Задание отменено.")
    else:
        messages.info(request, "Задание уже началось или завершилось: отменить его нельзя.")
    return redirect("job_detail", pk=job.pk)


urlpatterns = [
    path("exchange/export/", export, name="export"),
    path("exchange/import/", import_file, name="import_file"),
    path("exchange/jobs/", job_list, name="job_list"),
    path("exchange/jobs/<int:pk>/", job_detail, name="job_detail"),
    path("exchange/jobs/<int:pk>/download/", job_download, name="job_download"),
    path("exchange/jobs/<int:pk>/confirm/", job_confirm, name="job_confirm"),
    path("exchange/jobs/<int:pk>/retry/", job_retry, name="job_retry"),
    path("exchange/jobs/<int:pk>/cancel/", job_cancel, name="job_cancel"),
]
