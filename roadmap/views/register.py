"""«Реестр документов»: the methodist's list of required documents of a school year, the matrix of schools ×
documents, and a school giving its document (roadmap/register.py)."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from common.views import save_or_explain
from registry.access import scope_for
from registry.models import Organisation
from roadmap import register as registers
from roadmap.access import get_register, get_requirement, get_submission, markable, register_departments
from roadmap.forms import RegisterForm, RequirementForm, SubmissionForm
from roadmap.models import Occurrence, Roadmap, Status
from roadmap.views.execution import save_mark


@require_http_methods(["GET", "POST"])
def register_index(request: HttpRequest) -> HttpResponse:
    """The registers of the user's departments, newest year first; a methodist opens the next one here."""
    scope = scope_for(request.user)
    form = None
    if scope.is_methodist or request.method == "POST":
        form = RegisterForm(
            request.POST or None, departments=register_departments(request.user), today=timezone.localdate()
        )
    if request.method == "POST" and form is not None and form.is_valid():
        data = form.cleaned_data
        register = save_or_explain(
            form, lambda: registers.open_register(data["department"], data["period"], user=request.user)
        )
        if register is not None:
            messages.success(request, f"{register.title}: добавьте документы, которые должна иметь каждая школа.")
            return redirect("register_detail", pk=register.pk)
    found = (
        Roadmap.objects.for_user(request.user)
        .registers()
        .select_related("department")
        .annotate(documents=Count("items", distinct=True))
        .order_by("-period_start", "department__name")
    )
    return render(request, "roadmap/register_index.html", {"registers": found, "form": form})


def register_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Department-wide users: the documents and the matrix; a curator: the own school's documents."""
    register = get_register(request.user, pk)
    scope = scope_for(request.user)
    today = timezone.localdate()
    organisations = scope.organisations(Organisation.objects.filter(department_id=register.department_id))
    occurrences = Occurrence.objects.filter(item__roadmap=register, organisation__in=organisations)
    state = request.GET.get("state", "")
    only = registers.State(state) if state in registers.State.values else None
    matrix = registers.build_matrix(
        register,
        organisations,
        today,
        only=only,
        editable=set(markable(request.user, occurrences).values_list("pk", flat=True)),
    )
    return render(
        request,
        "roadmap/register_detail.html",
        {
            "register": register,
            "matrix": matrix,
            "department_wide": register.department_id in scope.department_wide,
            "can_edit": scope.edits_roadmap(register),
            "states": registers.State,
            "state": only.value if only else "",
            "today": today,
        },
    )


@require_http_methods(["GET", "POST"])
def requirement_create(request: HttpRequest, pk: int) -> HttpResponse:
    register = get_register(request.user, pk, write=True)
    return _requirement_page(request, register, registers.new_requirement(register))


@require_http_methods(["GET", "POST"])
def requirement_edit(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_requirement(request.user, pk, write=True)
    return _requirement_page(request, item.roadmap, item)


def _requirement_page(request: HttpRequest, register: Roadmap, item) -> HttpResponse:
    form = RequirementForm(request.POST or None, instance=item, register=register, due=registers.requirement_due(item))
    if request.method == "POST" and form.is_valid():
        saved = save_or_explain(
            form, lambda: registers.save_requirement(form.save(commit=False), form.cleaned_data["due"])
        )
        if saved is not None:
            messages.success(request, f"Документ «{saved.content[:80]}» сохранён.")
            return redirect("register_detail", pk=register.pk)
    return render(request, "roadmap/requirement_form.html", {"form": form, "register": register, "item": item})


@require_http_methods(["GET", "POST"])
def requirement_delete(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_requirement(request.user, pk, write=True)
    given = item.occurrences.filter(Q(status=Status.DONE) | ~Q(evidence_file="") | ~Q(evidence_url="")).count()
    if request.method == "POST":
        item.delete()  # every school's part and mark go with it (the request is one transaction)
        messages.success(request, f"Документ «{item.content[:80]}» удалён из реестра.")
        return redirect("register_detail", pk=item.roadmap_id)
    return render(request, "roadmap/requirement_delete.html", {"item": item, "register": item.roadmap, "given": given})


@require_http_methods(["GET", "POST"])
def submission(request: HttpRequest, pk: int) -> HttpResponse:
    """A school's part of a required document: what it gave, and the form to give (or replace) it."""
    occurrence = get_submission(request.user, pk, write=request.method == "POST")
    register = occurrence.item.roadmap
    can_submit = scope_for(request.user).marks_occurrence(occurrence, register)
    state = registers.state_of(occurrence, timezone.localdate())  # as saved, before the form touches it
    form = SubmissionForm(request.POST or None, request.FILES or None, instance=occurrence)
    if request.method == "POST" and form.is_valid():
        if save_or_explain(form, lambda: save_mark(form, request.user)) is not None:
            messages.success(request, f"Документ «{occurrence.item.content[:80]}» сдан.")
            return redirect("register_detail", pk=register.pk)
    return render(
        request,
        "roadmap/submission_form.html",
        {
            "form": form,
            "occurrence": occurrence,
            "register": register,
            "item": occurrence.item,
            "state": state,
            "can_submit": can_submit,
        },
    )
