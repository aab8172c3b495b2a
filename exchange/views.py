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
from exchange.forms import ImportForm
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
