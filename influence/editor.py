"""«Анкеты мониторинга»: the common questionnaires of the methodology and a department's own versions.

Everyone of a department reads the list and the questions (a curator enters paper questionnaires by them),
as with the reference lists. A methodist makes a version of the department from any template, edits it
(title, forms of mentoring, questions) and deletes it — only while nobody has answered it: a version with
answers stays as it was answered (its answers are scored by it), so a change means a new version. A common
template is never changed here. Outside the user's departments a version does not exist (404).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Exists, Max, OuterRef, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from common.views import save_or_explain
from influence import services
from influence.editor_forms import CopyForm, QuestionForm, TemplateFilterForm, TemplateForm
from influence.models import USED_VERSION, Purpose, Question, QuestionnaireTemplate, Response, Role
from jobs.submissions import submitted_once
from registry.access import managed_departments, scope_for
from registry.models import EducationDepartment, MentoringFormat, MentoringPair, Organisation, User

COMMON_REFUSED = (
    "Общая анкета методологии одна для всех муниципалитетов: изменить её нельзя. Создайте версию муниципалитета."
)
METHODIST_ONLY = "Создавать и изменять анкеты муниципалитета может только методист."


# --- Access: the one place these views ask ------------------------------------------------------------


def _readable(user: User) -> QuerySet[QuestionnaireTemplate]:
    """The common templates and the own versions of the departments the user belongs to."""
    return scope_for(user).reference_items(QuestionnaireTemplate.objects.select_related("department"))


def get_template(user: User, pk: int, *, write: bool = False) -> QuestionnaireTemplate:
    """A template, or 404 outside the user's departments; on `write`, 403 for a common template and for
    anyone but a methodist of its department."""
    template = get_object_or_404(_readable(user), pk=pk)
    if write and template.department_id is None:
        raise PermissionDenied(COMMON_REFUSED)
    if write and not scope_for(user).manages_department(template.department_id):
        raise PermissionDenied(METHODIST_ONLY)
    return template


def get_question(user: User, pk: int) -> Question:
    """A question of a version the user may change (404 outside the departments, 403 read-only)."""
    question = get_object_or_404(Question.objects.filter(template__in=_readable(user)), pk=pk)
    question.template = get_template(user, question.template_id, write=True)
    return question


def _refused_when_used(request: HttpRequest, template: QuestionnaireTemplate) -> HttpResponse | None:
    """The template's page with the reason, when the version has answers; None when it may change."""
    if not template.is_used:
        return None
    messages.error(request, USED_VERSION)
    return redirect("influence_template_detail", pk=template.pk)


# --- The list ---------------------------------------------------------------------------------------


@dataclass
class Row:
    template: QuestionnaireTemplate
    in_force_for: list[MentoringFormat] = field(default_factory=list)


@dataclass
class Group:
    purpose: str
    role: str
    rows: list[Row]

    @property
    def title(self) -> str:
        return f"{Purpose(self.purpose).label} — {Role(self.role).label.lower()}"


def _in_force(department: EducationDepartment | None, formats: list[MentoringFormat]) -> dict[int, list]:
    """Which template a pair of each form of mentoring of the department answers at each stage: exactly the
    one services.template_for picks, asked for a pair of that form (not saved)."""
    chosen: dict[int, list[MentoringFormat]] = defaultdict(list)
    if department is None:
        return chosen
    organisation = Organisation(department_id=department.pk)
    for mentoring_format in formats:
        pair = MentoringPair(organisation=organisation, format_id=mentoring_format.pk)
        for purpose in Purpose.values:
            for role in Role.values:
                template = services.template_for(pair, purpose, role)
                if template is not None:
                    chosen[template.pk].append(mentoring_format)
    return chosen


@require_GET
def template_list(request: HttpRequest) -> HttpResponse:
    scope = scope_for(request.user)
    departments = scope.departments(EducationDepartment.objects.order_by("name"))
    filters = TemplateFilterForm(request.GET or None, departments=departments)
    department = filters.value("department") or departments.first()
    templates = (
        QuestionnaireTemplate.objects.filter(Q(department__isnull=True) | Q(department=department))
        .select_related("department")
        .prefetch_related("formats")
        .annotate(
            question_count=Count("questions", distinct=True),
            used=Exists(Response.objects.filter(template=OuterRef("pk"))),
        )
        .order_by("purpose", "role", "department", "title", "-version", "pk")
    )
    formats = list(MentoringFormat.objects.for_department(department and department.pk).active())
    in_force = _in_force(department, formats)
    query, purpose, role = (filters.value("q") or "").casefold(), filters.value("purpose"), filters.value("role")
    groups = []
    for group_purpose in Purpose.values:
        for group_role in Role.values:
            if purpose and purpose != group_purpose or role and role != group_role:
                continue
            rows = [
                Row(template, in_force.get(template.pk, []))
                for template in templates
                if template.purpose == group_purpose
                and template.role == group_role
                and query in template.title.casefold()
            ]
            if rows:
                groups.append(Group(group_purpose, group_role, rows))
    return render(
        request,
        "influence/editor/list.html",
        {
            "filters": filters,
            "groups": groups,
            "department": department,
            "show_department": len(departments) > 1,
            "can_copy": scope.is_methodist,
        },
    )


# --- One template -----------------------------------------------------------------------------------


@require_GET
def template_detail(request: HttpRequest, pk: int) -> HttpResponse:
    template = get_template(request.user, pk)
    scope = scope_for(request.user)
    used = template.is_used
    return render(
        request,
        "influence/editor/detail.html",
        {
            "template": template,
            "questions": services.questions_of(template),
            "formats": list(template.formats.all()),
            "used": used,
            "can_edit": template.department_id is not None and scope.manages_department(template.department_id),
            "can_copy": scope.is_methodist,
        },
    )


def next_version(department: EducationDepartment, title: str, source: QuestionnaireTemplate) -> int:
    """One more than the department's own versions of this title (the unique key of a department's
    versions) and, for the same title, than the version it is made from."""
    own = QuestionnaireTemplate.objects.filter(department=department, title=title).aggregate(Max("version"))
    base = source.version if source.title == title else 0
    return max(own["version__max"] or 0, base) + 1


def copy_version(source: QuestionnaireTemplate, department: EducationDepartment, title: str) -> QuestionnaireTemplate:
    """A new version of the department: the source's purpose, role, forms of mentoring and questions."""
    with transaction.atomic():
        template = QuestionnaireTemplate.objects.create(
            purpose=source.purpose,
            role=source.role,
            title=title,
            version=next_version(department, title, source),
            department=department,
            is_seeded=False,
        )
        template.formats.set(source.formats.all())
        for question in source.questions.order_by("order"):
            Question.objects.create(
                template=template,
                order=question.order,
                text=question.text,
                kind=question.kind,
                choices=list(question.choices or []),
                required=question.required,
                growth_group=question.growth_group,
            )
    return template


@require_http_methods(["GET", "POST"])
@submitted_once
def template_copy(request: HttpRequest, pk: int) -> HttpResponse:
    source = get_template(request.user, pk)
    departments = managed_departments(request.user, METHODIST_ONLY)
    if source.department_id is not None:  # an own version is copied within its department
        departments = departments.filter(pk=source.department_id)
        if not departments:
            raise PermissionDenied(METHODIST_ONLY)
    form = CopyForm(request.POST or None, departments=departments, initial={"title": source.title})
    if request.method == "POST" and form.is_valid():
        department, title = form.cleaned_data["department"], form.cleaned_data["title"]
        template = save_or_explain(form, lambda: copy_version(source, department, title))
        if template is not None:
            messages.success(
                request,
                f"Создана версия {template.version} анкеты «{template.title}» для муниципалитета. "
                "Её можно изменять, пока по ней не внесено ни одного ответа.",
            )
            return redirect("influence_template_detail", pk=template.pk)
    return render(request, "influence/editor/copy.html", {"source": source, "form": form})


@require_http_methods(["GET", "POST"])
def template_edit(request: HttpRequest, pk: int) -> HttpResponse:
    template = get_template(request.user, pk, write=True)
    if refused := _refused_when_used(request, template):
        return refused
    form = TemplateForm(request.POST or None, instance=template)
    if request.method == "POST" and form.is_valid() and save_or_explain(form, form.save) is not None:
        messages.success(request, "Изменения сохранены.")
        return redirect("influence_template_detail", pk=template.pk)
    return render(request, "influence/editor/template_form.html", {"template": template, "form": form})


@require_http_methods(["GET", "POST"])
def template_delete(request: HttpRequest, pk: int) -> HttpResponse:
    template = get_template(request.user, pk, write=True)
    if refused := _refused_when_used(request, template):
        return refused
    if request.method == "POST":
        try:
            with transaction.atomic():
                template.delete()
        except ValidationError:  # answered between the page and the button
            messages.error(request, USED_VERSION)
            return redirect("influence_template_detail", pk=template.pk)
        messages.success(request, f"Версия {template.version} анкеты «{template.title}» удалена.")
        return redirect("influence_template_list")
    return render(
        request,
        "influence/editor/confirm_delete.html",
        {"template": template, "what": f"версию {template.version} анкеты «{template.title}»"},
    )


# --- Questions of an own version --------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@submitted_once
def question_create(request: HttpRequest, pk: int) -> HttpResponse:
    template = get_template(request.user, pk, write=True)
    if refused := _refused_when_used(request, template):
        return refused
    last = template.questions.aggregate(Max("order"))["order__max"] or 0
    form = QuestionForm(request.POST or None, instance=Question(template=template), initial={"order": last + 1})
    if request.method == "POST" and form.is_valid() and save_or_explain(form, form.save) is not None:
        messages.success(request, "Вопрос добавлен.")
        return redirect("influence_template_detail", pk=template.pk)
    return render(
        request, "influence/editor/question_form.html", {"template": template, "form": form, "question": None}
    )


@require_http_methods(["GET", "POST"])
def question_edit(request: HttpRequest, pk: int) -> HttpResponse:
    question = get_question(request.user, pk)
    if refused := _refused_when_used(request, question.template):
        return refused
    form = QuestionForm(request.POST or None, instance=question)
    if request.method == "POST" and form.is_valid() and save_or_explain(form, form.save) is not None:
        messages.success(request, "Вопрос сохранён.")
        return redirect("influence_template_detail", pk=question.template_id)
    return render(
        request,
        "influence/editor/question_form.html",
        {"template": question.template, "form": form, "question": question},
    )


@require_http_methods(["GET", "POST"])
def question_delete(request: HttpRequest, pk: int) -> HttpResponse:
    question = get_question(request.user, pk)
    template = question.template
    if refused := _refused_when_used(request, template):
        return refused
    if request.method == "POST":
        try:
            with transaction.atomic():
                question.delete()
        except ValidationError:
            messages.error(request, USED_VERSION)
        else:
            messages.success(request, "Вопрос удалён.")
        return redirect("influence_template_detail", pk=template.pk)
    return render(
        request,
        "influence/editor/confirm_delete.html",
        {"template": template, "what": f"вопрос № {question.order} «{question.text}»"},
    )


def move_question(question: Question, direction: str) -> None:
    """Swap the question with its neighbour above or below (no move past the first or the last)."""
    siblings = Question.objects.filter(template_id=question.template_id)
    if direction == "up":
        neighbour = siblings.filter(order__lt=question.order).order_by("-order").first()
    else:
        neighbour = siblings.filter(order__gt=question.order).order_by("order").first()
    if neighbour is None:
        return
    with transaction.atomic():
        mine, theirs = question.order, neighbour.order
        spare = (siblings.aggregate(Max("order"))["order__max"] or 0) + 1  # the unique order kept throughout
        question.order = spare
        question.save(update_fields=["order"])
        neighbour.order = mine
        neighbour.save(update_fields=["order"])
        question.order = theirs
        question.save(update_fields=["order"])


@require_POST
def question_move(request: HttpRequest, pk: int) -> HttpResponse:
    question = get_question(request.user, pk)
    if refused := _refused_when_used(request, question.template):
        return refused
    try:
        move_question(question, "up" if request.POST.get("direction") == "up" else "down")
    except ValidationError:
        messages.error(request, USED_VERSION)
    return redirect(f"{reverse('influence_template_detail', args=[question.template_id])}#question-{question.pk}")
