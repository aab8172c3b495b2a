"""Execution of roadmap items: marking an occurrence, its evidence, the matrix and the agenda."""

from __future__ import annotations

import mimetypes

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from common.views import save_or_explain, stored_file
from registry.access import scope_for
from registry.models import Organisation
from roadmap import agenda as agenda_service
from roadmap.access import get_occurrence, get_roadmap, markable
from roadmap.forms import AgendaFilterForm, OccurrenceForm
from roadmap.models import Occurrence, Roadmap, Status


def save_mark(form: OccurrenceForm, user) -> Occurrence:
    """Save an execution mark from its form (the roadmap's mark, or a register's document given), as `user`."""
    marked = form.save(commit=False)
    marked.updated_by = user
    marked.save()
    return marked


@require_http_methods(["GET", "POST"])
def occurrence_edit(request: HttpRequest, pk: int) -> HttpResponse:
    occurrence = get_occurrence(request.user, pk, write=request.method == "POST")
    roadmap = occurrence.item.roadmap
    can_mark = scope_for(request.user).marks_occurrence(occurrence, roadmap)
    form = OccurrenceForm(request.POST or None, request.FILES or None, instance=occurrence)
    if request.method == "POST" and form.is_valid():
        if save_or_explain(form, lambda: save_mark(form, request.user)) is not None:
            messages.success(request, "Отметка сохранена.")
            back = request.POST.get("next", "")
            if back.startswith("/") and not back.startswith("//"):
                return redirect(back)
            return redirect(f"{roadmap.get_absolute_url()}#item-{occurrence.item_id}")
    return render(
        request,
        "roadmap/occurrence_form.html",
        {
            "form": form,
            "occurrence": occurrence,
            "roadmap": roadmap,
            "item": occurrence.item,
            "can_mark": can_mark,
            "next": request.GET.get("next", request.POST.get("next", "")),
        },
    )


def evidence_download(request: HttpRequest, pk: int) -> HttpResponse:
    """The evidence document, to those who read the roadmap (media files are not served publicly)."""
    occurrence = get_occurrence(request.user, pk)
    if not occurrence.evidence_file:
        raise Http404("Документ не загружен.")
    name = occurrence.evidence_name
    return stored_file(
        request,
        occurrence.evidence_file,
        filename=name,
        content_type=mimetypes.guess_type(name)[0] or "application/octet-stream",
        what="Подтверждающий документ",
        remedy="Загрузите документ снова в отметке об исполнении пункта.",
    )


def matrix(request: HttpRequest, pk: int) -> HttpResponse:
    """Items that every organisation does itself × the organisations: who has done their part."""
    roadmap = get_roadmap(request.user, pk)
    scope = scope_for(request.user)
    organisations = list(scope.organisations(Organisation.objects.filter(department_id=roadmap.department_id)))
    occurrences = (
        Occurrence.objects.filter(item__roadmap=roadmap, organisation__in=organisations)
        .select_related("item")
        .order_by("item__position", "due", "key")
    )
    editable = set(markable(request.user, occurrences).values_list("pk", flat=True))
    columns: dict[tuple[int, str], dict] = {}
    cells: dict[tuple[int, str, int], Occurrence] = {}
    for occurrence in occurrences:
        column = columns.setdefault(
            (occurrence.item_id, occurrence.key),
            {
                "item": occurrence.item,
                "label": occurrence.label,
                "due": occurrence.planned_due,
                "done": 0,
            },
        )
        column["done"] += occurrence.status == Status.DONE
        occurrence.editable = occurrence.pk in editable
        cells[(occurrence.item_id, occurrence.key, occurrence.organisation_id)] = occurrence
    rows = [
        {
            "organisation": organisation,
            "cells": [cells.get((item_id, key, organisation.pk)) for item_id, key in columns],
            "done": sum(
                1
                for item_id, key in columns
                if (cell := cells.get((item_id, key, organisation.pk))) and cell.status == Status.DONE
            ),
        }
        for organisation in organisations
    ]
    return render(
        request,
        "roadmap/matrix.html",
        {
            "roadmap": roadmap,
            "columns": list(columns.values()),
            "rows": rows,
            "today": timezone.localdate(),
            "Status": Status,
        },
    )


def agenda(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    scope = scope_for(request.user)
    form = AgendaFilterForm(
        request.GET or None,
        organisations=scope.organisations(Organisation.objects.all()).order_by("short_name"),
        roadmaps=Roadmap.objects.for_user(request.user).select_related("organisation").order_by("title", "pk"),
    )
    return render(
        request,
        "roadmap/agenda.html",
        {
            "agenda": agenda_service.build(request.user, today, filters=form.filters()),
            "horizon": agenda_service.HORIZON_DAYS,
            "filters": form,
            "filtered": bool(request.GET),
        },
    )
