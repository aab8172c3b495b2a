"""Mentoring programs of organisations."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from common.views import paginate, save_or_explain
from jobs.submissions import submitted_once
from registry.access import editable_organisations, get_program, scope_for
from registry.forms.pairs import ProgramFilterForm, ProgramForm
from registry.models import MentoringProgram, Organisation


def program_list(request: HttpRequest) -> HttpResponse:
    scope = scope_for(request.user)
    organisations = scope.organisations(Organisation.objects.all())
    filters = ProgramFilterForm(request.GET or None, organisations=organisations)
    programs = filters.apply(
        MentoringProgram.objects.for_user(request.user)
        .select_related("organisation")
        .annotate(
            pair_count=Count("pairs", distinct=True),
            active_pair_count=Count("pairs", filter=Q(pairs__end_date__isnull=True), distinct=True),
        )
    ).prefetch_related("formats")
    page, query = paginate(request, programs)
    return render(
        request,
        "registry/program_list.html",
        {
            "filters": filters,
            "page": page,
            "query": query,
            "can_create": bool(scope.curator_organisations or scope.methodist_departments),
            "show_organisation": len(organisations) > 1,
        },
    )


def program_detail(request: HttpRequest, pk: int) -> HttpResponse:
    program = get_program(request.user, pk)
    pairs = program.pairs.select_related("mentor", "format").prefetch_related("participations__mentee")
    return render(
        request,
        "registry/program_detail.html",
        {
            "program": program,
            "formats": list(program.formats.all()),
            "pairs": pairs,
            "can_edit": scope_for(request.user).edits_organisation(program.organisation),
        },
    )


@require_http_methods(["GET", "POST"])
@submitted_once
def program_create(request: HttpRequest) -> HttpResponse:
    return _program_page(request, None)


@require_http_methods(["GET", "POST"])
def program_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _program_page(request, get_program(request.user, pk, write=True))


def _program_page(request: HttpRequest, program: MentoringProgram | None) -> HttpResponse:
    form = ProgramForm(request.POST or None, instance=program, organisations=editable_organisations(request.user))
    if request.method == "POST" and form.is_valid():
        saved = save_or_explain(form, form.save)
        if saved is not None:
            messages.success(request, "Программа сохранена.")
            return redirect("program_detail", pk=saved.pk)
    return render(request, "registry/program_form.html", {"form": form, "program": program})
