"""«Справочники»: the reference lists everyone in a department reads and its methodist extends.

Common items (department empty) come from the methodology and are the same for every
department: nobody changes them here. A methodist adds the department's own items and
renames, reorders or hides them; nothing is deleted, since records point at the items.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib import messages
from django.db.models import Prefetch, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from common.views import save_or_explain
from jobs.submissions import submitted_once
from registry.access import get_reference_item, managed_departments, scope_for
from registry.forms.reference import (
    MeetingKindForm,
    MentoringFormatForm,
    MentoringKindForm,
    ReferenceItemForm,
    RoleModelForm,
)
from registry.models import EducationDepartment, MentoringFormat, RoleModel
from registry.models.reference import ReferenceItem


@dataclass(frozen=True)
class ReferenceList:
    form_class: type[ReferenceItemForm]
    title: str
    new_title: str
    add_label: str
    anchor: str  # the section of the index that shows the list

    @property
    def model(self) -> type[ReferenceItem]:
        return self.form_class._meta.model


LISTS = {
    "formats": ReferenceList(
        MentoringFormatForm,
        title="Формы наставничества",
        new_title="Новая форма наставничества",
        add_label="Добавить форму",
        anchor="formats",
    ),
    "role-models": ReferenceList(
        RoleModelForm,
        title="Ролевые модели",
        new_title="Новая ролевая модель",
        add_label="Добавить ролевую модель",
        anchor="formats",
    ),
    "kinds": ReferenceList(
        MentoringKindForm,
        title="Виды наставничества",
        new_title="Новый вид наставничества",
        add_label="Добавить вид наставничества",
        anchor="kinds",
    ),
    "meeting-kinds": ReferenceList(
        MeetingKindForm,
        title="Виды встреч",
        new_title="Новый вид встречи",
        add_label="Добавить вид встречи",
        anchor="meeting-kinds",
    ),
}


def _list_of(kind: str) -> ReferenceList:
    try:
        return LISTS[kind]
    except KeyError:
        raise Http404("Такого справочника нет.") from None


@dataclass
class Row:
    item: ReferenceItem
    can_edit: bool
    role_models: list[Row] = field(default_factory=list)


def reference_list(request: HttpRequest) -> HttpResponse:
    scope = scope_for(request.user)
    departments = scope.departments(EducationDepartment.objects.all())

    def rows(items) -> list[Row]:
        return [Row(item, scope.manages_department(item.department_id)) for item in items]

    def readable(model: type[ReferenceItem]) -> QuerySet:
        return scope.reference_items(model.objects.select_related("department"))

    formats = readable(MentoringFormat).prefetch_related(
        Prefetch("role_models", queryset=readable(RoleModel), to_attr="readable_role_models")
    )
    format_rows = [
        Row(item, scope.manages_department(item.department_id), rows(item.readable_role_models)) for item in formats
    ]
    sections = [
        {"kind": kind, "list": LISTS[kind], "rows": rows(readable(LISTS[kind].model))}
        for kind in ("kinds", "meeting-kinds")
    ]
    return render(
        request,
        "registry/reference/list.html",
        {
            "formats": LISTS["formats"],
            "role_models": LISTS["role-models"],
            "format_rows": format_rows,
            "sections": sections,
            "can_add": scope.is_methodist,
            "show_department": len(departments) > 1,
        },
    )


@require_http_methods(["GET", "POST"])
@submitted_once
def reference_create(request: HttpRequest, kind: str) -> HttpResponse:
    reference = _list_of(kind)
    departments = managed_departments(request.user)
    form = reference.form_class(
        request.POST or None, departments=departments, initial={"format": request.GET.get("format")}
    )
    if request.method == "POST" and form.is_valid():
        item = save_or_explain(form, form.save)
        if item is not None:
            messages.success(request, f"Элемент «{item.name}» добавлен в справочник «{reference.title}».")
            return redirect(f"{reverse('reference_list')}#{reference.anchor}")
    return render(
        request,
        "registry/reference/form.html",
        {"form": form, "kind": kind, "title": reference.new_title, "reference": reference, "item": None},
    )


@require_http_methods(["GET", "POST"])
def reference_edit(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    reference = _list_of(kind)
    item = get_reference_item(request.user, reference.model, pk)
    departments = EducationDepartment.objects.filter(pk=item.department_id)
    form = reference.form_class(request.POST or None, instance=item, departments=departments)
    if request.method == "POST" and form.is_valid() and save_or_explain(form, form.save) is not None:
        messages.success(request, "Изменения сохранены.")
        return redirect(f"{reverse('reference_list')}#{reference.anchor}")
    title = f"{reference.model._meta.verbose_name.capitalize()}: изменение"
    return render(
        request,
        "registry/reference/form.html",
        {"form": form, "kind": kind, "title": title, "reference": reference, "item": item},
    )
