"""Pages of the exchange: upload a base, and save it once its check is read.

Downloading a base is the export contract's (exchange/exports.py `BasesExporter`, served by
jobs/views.py `download`); an upload is checked in a background job, and the user sees the report
before saving it (exchange/uploads.py).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from exchange import uploads
from exchange.forms import ImportForm, MappingForm
from jobs.models import JobKind
from jobs.submissions import submitted_once
from jobs.views import get_job
from registry.access import editable_organisations


@require_http_methods(["GET", "POST"])
@submitted_once
def import_file(request: HttpRequest) -> HttpResponse:
    organisations = editable_organisations(request.user).order_by("short_name")
    if not organisations.exists():
        raise PermissionDenied("Загружать данные могут кураторы организаций и методисты.")
    form = ImportForm(request.POST or None, request.FILES or None, organisations=organisations)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        job = uploads.start_check(request.user, data["file"], data["base"], data["organisation"])
        return redirect("job_detail", pk=job.pk)
    return render(request, "exchange/import.html", {"form": form})


@require_POST
def job_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    """Save a checked upload: a new job over the same file, in one transaction inside the importer."""
    checked = get_job(request, pk)
    organisation = get_object_or_404(editable_organisations(request.user), pk=checked.params.get("organisation"))
    try:
        job = uploads.confirm(checked, organisation)
    except uploads.NotSaveable as refused:
        messages.error(request, str(refused))
        return redirect("job_detail", pk=checked.pk)
    return redirect("job_detail", pk=job.pk)


@require_POST
def import_map(request: HttpRequest, pk: int) -> HttpResponse:
    """The user's answer to a column the reader did not recognise: remembered for the organisation, and
    the same file checked again with it."""
    checked = get_job(request, pk)
    get_object_or_404(editable_organisations(request.user), pk=checked.params.get("organisation"))
    mapping = checked.report.get("mapping") if checked.kind == JobKind.IMPORT_CHECK else None
    if not mapping:
        messages.error(request, "Для этого файла сопоставлять столбцы не нужно.")
        return redirect("job_detail", pk=checked.pk)
    form = MappingForm(request.POST, mapping=mapping)
    if not form.is_valid():
        for error in [*form.non_field_errors(), *(e for field in form for e in field.errors)]:
            messages.error(request, error)
        return redirect("job_detail", pk=checked.pk)
    job = uploads.remember_mapping(checked, request.user, form.chosen())
    messages.success(
        request, "Столбцы сопоставлены и запомнены для следующих файлов организации. Файл проверяется снова."
    )
    return redirect("job_detail", pk=job.pk)
