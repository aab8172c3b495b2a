"""Downloads and background jobs: the one view that serves every exporter, and the job pages.

`download` serves any exporter (jobs/exports.py) by its identifier, which each download URL names:
a small file is written in the request and downloaded at once; past the exporter's
`background_after` rows it becomes a job with a progress bar. A job is its owner's alone.
"""

from __future__ import annotations

import io

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from common import replica
from common.files.writers import CONTENT_TYPES
from common.views import paginate, stored_file
from jobs import exports, runner
from jobs.exports import ExportRefused
from jobs.models import Job, JobKind, JobStatus
from jobs.submissions import submitted_once


@submitted_once
def download(request: HttpRequest, exporter: str, **url) -> HttpResponseBase:
    """The file of exporter `exporter` for the parameters in the request and the URL (`url`)."""
    kind = exports.get(exporter)
    if request.method not in kind.methods:
        return HttpResponseNotAllowed(kind.methods)
    submitted = request.method == "POST" or kind.page is None
    source = request.POST if request.method == "POST" else request.GET
    form = kind.Params(
        source if submitted else None,
        user=request.user,
        exporter=kind,
        url=url,
        initial=None if submitted else kind.initial(request),
    )
    if submitted and form.is_valid():
        try:
            return _deliver(request, kind(request.user, form.params()))
        except ExportRefused as refused:
            if kind.page is None:
                messages.error(request, refused.message)
                return redirect(request.headers.get("Referer") or "home")
            form.add_error(None, refused.message)
    if kind.page is None:  # a link with parameters that do not read
        raise Http404(" ".join(str(error) for errors in form.errors.values() for error in errors))
    return render(request, kind.page, {"form": form, **kind.page_context(form)})


def _deliver(request: HttpRequest, exporter: exports.Exporter) -> HttpResponseBase:
    # Counting and writing the file read the data: from the replica, where one is configured (common/replica.py).
    with replica.reading():
        file_format = exporter.params["format"]
        rows = exporter.count()
        exporter.check(file_format, rows)  # refused here, not by a job a minute later
        exporter.record(request, file_format, rows)
        if rows > exporter.background_after.get(file_format, rows):
            job = runner.start_export(request.user, exporter, total=rows)
            return redirect("job_detail", pk=job.pk)
        out = io.BytesIO()
        exporter.render(file_format, out)
    out.seek(0)
    return FileResponse(
        out,
        as_attachment=True,
        filename=exporter.filename(file_format),
        content_type=exporter.content_type(file_format),
    )


# --- the jobs -----------------------------------------------------------------------------------------


def get_job(request: HttpRequest, pk: int) -> Job:
    """A job is its owner's alone, and only while their scope still covers what it read: else 404."""
    job = get_object_or_404(Job.objects.for_user(request.user).select_related("owner"), pk=pk)
    if not runner.still_allowed(job):
        raise Http404("Задание недоступно: у вас больше нет доступа к его данным.")
    return job


def job_list(request: HttpRequest) -> HttpResponse:
    page, query = paginate(request, Job.objects.for_user(request.user).select_related("owner"))
    page.object_list = [job for job in page.object_list if runner.still_allowed(job)]
    return render(request, "jobs/job_list.html", {"page": page, "query": query})


def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = get_job(request, pk)
    template = "jobs/includes/job_status.html" if request.headers.get("HX-Request") else "jobs/job_detail.html"
    context = {"job": job, "JobKind": JobKind, "JobStatus": JobStatus}
    shown = runner.HANDLERS.get(job.kind)
    if shown is not None and job.status == JobStatus.DONE:
        context |= {"result_template": shown.result_template, **shown.result_context(job)}
    return render(request, template, context)


def job_download(request: HttpRequest, pk: int) -> HttpResponse:
    job = get_job(request, pk)
    if job.kind != JobKind.EXPORT or job.status != JobStatus.DONE or not job.file:
        raise Http404("Файл ещё не готов.")
    file_format = job.filename.rsplit(".", 1)[-1]
    # Every download of a file with personal data is in the access log, not only the first.
    runner.exporter_of(job).record(request, file_format, job.total)
    return stored_file(
        request,
        job.file,
        filename=job.filename,
        content_type=CONTENT_TYPES.get(file_format, "application/octet-stream"),
        what="Выгрузка",
        remedy="Запустите выгрузку заново: кнопка «Запустить заново» на странице задания или страница выгрузки.",
    )


@require_POST
def job_retry(request: HttpRequest, pk: int) -> HttpResponse:
    """Run a failed or interrupted job again: the same choices, the same uploaded file."""
    job = get_job(request, pk)
    if not job.can_retry:
        messages.info(request, "Это задание не нужно запускать заново: оно выполнено или ещё идёт.")
        return redirect("job_detail", pk=job.pk)
    if job.kind != JobKind.EXPORT and not (job.file and job.file.storage.exists(job.file.name)):
        messages.error(request, "Загруженный файл не сохранился на сервере: загрузите его снова.")
        return redirect("import_file")
    again = runner.retry(job)
    if job.kind == JobKind.EXPORT:  # the file is made again: another export of the same data, logged
        exporter = runner.exporter_of(job)
        exporter.record(request, exporter.params["format"], job.total)
    messages.success(request, "Задание запущено заново.")
    return redirect("job_detail", pk=again.pk)


@require_POST
def job_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    """Give up a job still waiting in the queue (the worker, if it starts later, skips it)."""
    job = get_job(request, pk)
    if runner.cancel(job):
        messages.success(request, "Задание отменено.")
    else:
        messages.info(request, "Задание уже началось или завершилось: отменить его нельзя.")
    return redirect("job_detail", pk=job.pk)
