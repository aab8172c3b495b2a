"""«Сборы отчётности»: the list, opening and editing a collection, its page (the methodist's and the head's
matrix of organisations × requirements, a curator's checklist of the own school), the confirmation,
closing, reminding now; a snapshot's page (a failed one started again), its files, and two snapshots side
by side."""

from __future__ import annotations

import smtplib

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from common.files.writers import CONTENT_TYPES
from common.text import normalise
from common.views import paginate, save_or_explain, stored_file
from registry.models import Organisation
from reporting import access, services
from reporting.checklist import checklists
from reporting.forms import CollectionForm, ConfirmForm
from reporting.models import Collection, Requirement
from reporting.snapshots import compare

MAIL_FAILED = "Почтовый сервер недоступен: письма не отправлены. Попробуйте позже или сообщите администратору."


def _posted(request: HttpRequest):
    """The form's data on a POST (an empty one too: it is checked, not shown blank), None on a GET."""
    return request.POST if request.method == "POST" else None


@require_GET
def collection_list(request: HttpRequest) -> HttpResponse:
    collections = access.collections(request.user)
    query = request.GET.get("q", "").strip()
    if needle := normalise(query):
        collections = [c for c in collections if needle in normalise(c.title)]
    page, params = paginate(request, collections)
    scope = access.scope_for(request.user)
    return render(
        request,
        "reporting/list.html",
        {"page": page, "query": params, "q": query, "can_create": scope.is_methodist, "today": timezone.localdate()},
    )


@require_http_methods(["GET", "POST"])
def collection_create(request: HttpRequest) -> HttpResponse:
    department = access.creatable_departments(request.user)[0]
    form = CollectionForm(_posted(request), department=department)
    if request.method == "POST" and form.is_valid():

        def save() -> Collection:
            form.instance.created_by = request.user
            return form.save()

        collection = save_or_explain(form, save)
        if collection is not None:
            messages.success(request, f"Сбор «{collection.title}» открыт.")
            return redirect("collection_detail", pk=collection.pk)
    return render(request, "reporting/form.html", {"form": form, "collection": None})


@require_http_methods(["GET", "POST"])
def collection_edit(request: HttpRequest, pk: int) -> HttpResponse:
    collection = access.get_collection(request.user, pk, manage=True)
    if not collection.is_open:
        messages.warning(request, "Сбор закрыт: изменить его нельзя.")
        return redirect("collection_detail", pk=collection.pk)
    form = CollectionForm(_posted(request), instance=collection)
    if request.method == "POST" and form.is_valid():
        if save_or_explain(form, form.save) is not None:
            messages.success(request, "Сбор сохранён.")
            return redirect("collection_detail", pk=collection.pk)
    return render(request, "reporting/form.html", {"form": form, "collection": collection})


@require_GET
def collection_detail(request: HttpRequest, pk: int) -> HttpResponse:
    collection = access.get_collection(request.user, pk)
    today = timezone.localdate()
    if access.reads_matrix(request.user, collection):
        organisations = list(Organisation.objects.filter(department_id=collection.department_id).order_by("short_name"))
    else:
        organisations = access.own_organisations(request.user, collection)
    found = checklists(request.user, collection, [o.pk for o in organisations])
    rows = [(organisation, found[organisation.pk]) for organisation in organisations]
    confirmed = sum(1 for _, checklist in rows if checklist.confirmation)
    snapshot = collection.snapshots.select_related("job").first()
    return render(
        request,
        "reporting/detail.html",
        {
            "collection": collection,
            "rows": rows,
            "confirmed": confirmed,
            "matrix": access.reads_matrix(request.user, collection),
            "manages": access.scope_for(request.user).manages_department(collection.department_id),
            "curated": set(access.scope_for(request.user).curator_organisations),
            "overdue": collection.is_open and today > collection.deadline,
            "snapshot": snapshot,
            "snapshot_failed": snapshot is not None and services.snapshot_failed(snapshot),
        },
    )


@require_http_methods(["GET", "POST"])
def collection_confirm(request: HttpRequest, pk: int, organisation_pk: int) -> HttpResponse:
    collection = access.get_collection(request.user, pk)
    organisation = access.get_confirming_organisation(request.user, collection, organisation_pk)
    checklist = checklists(request.user, collection, [organisation.pk])[organisation.pk]
    needs_tick = Requirement.BASES_CONFIRMED in collection.requirement_list
    form = ConfirmForm(_posted(request), problems=checklist.quality_problems(), needs_tick=needs_tick)
    if checklist.confirmation is None and collection.is_open and request.method == "POST" and form.is_valid():
        try:
            services.confirm(
                request.user,
                collection,
                organisation,
                comments=form.comments(),
                bases_ticked=bool(form.cleaned_data.get("bases_current")),
            )
        except services.Refused as refusal:
            form.add_error(None, refusal.message)
        else:
            messages.success(request, f"Данные {organisation.short_name} подтверждены.")
            return redirect("collection_detail", pk=collection.pk)
    return render(
        request,
        "reporting/confirm.html",
        {"collection": collection, "organisation": organisation, "checklist": checklist, "form": form},
    )


@require_POST
def collection_close(request: HttpRequest, pk: int) -> HttpResponse:
    collection = access.get_collection(request.user, pk, manage=True)
    try:
        snapshot = services.close(request.user, collection)
    except services.Refused as refusal:
        messages.warning(request, refusal.message)
        return redirect("collection_detail", pk=collection.pk)
    messages.success(request, "Сбор закрыт. Снимок показателей и файлов делается в фоне — прогресс на странице снимка.")
    return redirect("snapshot_detail", pk=snapshot.pk)


@require_POST
def collection_remind(request: HttpRequest, pk: int) -> HttpResponse:
    collection = access.get_collection(request.user, pk, manage=True)
    if not collection.is_open:
        messages.warning(request, "Сбор закрыт: напоминать не о чем.")
        return redirect("collection_detail", pk=collection.pk)
    try:
        sent = services.remind(collection)
    except (smtplib.SMTPException, OSError):
        messages.error(request, MAIL_FAILED)
    else:
        (messages.success if sent.letters else messages.warning)(request, sent.summary())
    return redirect("collection_detail", pk=collection.pk)


@require_GET
def snapshot_detail(request: HttpRequest, pk: int) -> HttpResponse:
    snapshot = access.get_snapshot(request.user, pk)
    others = access.snapshots(request.user).filter(department_id=snapshot.department_id, taken_at__isnull=False)
    return render(
        request,
        "reporting/snapshot.html",
        {
            "snapshot": snapshot,
            "data": snapshot.data,
            "years": [str(year) for year in snapshot.data.get("years", [])],
            "others": others.exclude(pk=snapshot.pk),
            "failed": services.snapshot_failed(snapshot),
            "manages": access.scope_for(request.user).manages_department(snapshot.department_id),
        },
    )


@require_POST
def snapshot_retry(request: HttpRequest, pk: int) -> HttpResponse:
    """«Повторить»: a failed snapshot's job started again (a second click while it runs starts none)."""
    snapshot = access.get_snapshot(request.user, pk)
    if not access.scope_for(request.user).manages_department(snapshot.department_id):
        raise PermissionDenied("Повторить снимок может методист муниципалитета.")
    try:
        services.retry_snapshot(request.user, snapshot)
    except services.Refused as refusal:
        messages.info(request, refusal.message)
    else:
        messages.success(request, "Снимок делается заново — прогресс на этой странице.")
    return redirect("snapshot_detail", pk=snapshot.pk)


SNAPSHOT_FILES = {"xlsx": "indicators_file", "pdf": "report_file"}


@require_GET
def snapshot_file(request: HttpRequest, pk: int, file_format: str) -> HttpResponse:
    snapshot = access.get_snapshot(request.user, pk)
    if file_format not in SNAPSHOT_FILES:
        raise Http404("Нет такого файла.")
    stored = getattr(snapshot, SNAPSHOT_FILES[file_format])
    if not stored:
        raise Http404("Файл снимка ещё не готов.")
    filename = snapshot.data.get("filenames", {}).get(SNAPSHOT_FILES[file_format]) or f"Снимок.{file_format}"
    return stored_file(
        request,
        stored,
        filename=filename,
        content_type=CONTENT_TYPES[file_format],
        what="Файл снимка",
        remedy="Файл снимка не найден на сервере: сообщите администратору (его восстанавливают из резервной копии).",
    )


@require_GET
def snapshot_compare(request: HttpRequest) -> HttpResponse:
    snapshots = access.snapshots(request.user).filter(taken_at__isnull=False)
    if not access.scope_for(request.user).department_wide:
        raise PermissionDenied(access.SNAPSHOT_REFUSED)
    chosen = {}
    for key in ("before", "after"):
        raw = request.GET.get(key, "")
        chosen[key] = snapshots.filter(pk=int(raw)).first() if raw.isdigit() else None
        if raw.isdigit() and chosen[key] is None:
            raise Http404("Снимок не найден.")
    before, after = chosen["before"], chosen["after"]
    if before and after and before.department_id != after.department_id:
        raise Http404("Сравниваются снимки одного муниципалитета.")
    years, rows = compare(before, after) if before and after else ([], [])
    return render(
        request,
        "reporting/compare.html",
        {"snapshots": snapshots, "before": before, "after": after, "years": years, "rows": rows},
    )
