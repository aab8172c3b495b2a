"""«Подобрать наставника» (a fragment the pair form and a mentee's card load), proposals and the weights."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from common.forms import CONFLICT_MESSAGE
from common.views import paginate, save_or_explain
from jobs.submissions import submitted_once
from registry import privacy
from registry.access import editable_organisations, get_person
from registry.models import MentoringFormat, Person
from registry.scope import scope_for
from suggestions import services
from suggestions.access import edits_weights, get_proposal, may_decide, own_department
from suggestions.forms import ProposalForm, SuggestForm, WeightsForm
from suggestions.models import Decision, Proposal, Weights

NO_DEPARTMENT = "Подбор наставников доступен методисту, руководителю и кураторам организаций муниципалитета."


def _formats(department_id: int):
    return MentoringFormat.objects.for_department(department_id).active()


@require_GET
def candidates(request: HttpRequest) -> HttpResponse:
    """The top candidates for `?mentee=` in `?format=` (the first form admitting the mentee by default): a
    fragment for htmx, the whole page otherwise."""
    raw = request.GET.get("mentee") or next(iter(request.GET.getlist("mentees_choice")), "")  # the pair form's first
    if not raw.isdigit():
        if request.headers.get("HX-Request"):
            return render(request, "suggestions/_choose_mentee.html")
        raise Http404("Выберите наставляемого.")
    mentee = get_person(request.user, int(raw))
    formats = _formats(mentee.organisation.department_id)
    form = SuggestForm(request.GET if request.GET.get("format") else None, formats=formats)
    form.is_valid()
    chosen = form.cleaned_data["format"] if form.is_valid() else None
    if chosen is None and not form.is_bound:
        chosen = services.default_format(mentee, formats)
    result = services.suggest(mentee, chosen) if chosen else None
    if result is not None:
        shown = [s.mentor_id for s in result.found if not s.foreign]
        privacy.record_shown(
            request,
            [mentee, *Person.objects.for_user(request.user).filter(pk__in=shown).select_related("organisation")],
            what="подбор наставника",
        )
    context = {"mentee": mentee, "form": form, "result": result, "chosen": chosen}
    template = "suggestions/_candidates.html" if request.headers.get("HX-Request") else "suggestions/candidates.html"
    return render(request, template, context)


@require_http_methods(["GET", "POST"])
@submitted_once
def proposal_list(request: HttpRequest) -> HttpResponse:
    """The user's reach's proposals, and a new one started (curators and methodists)."""
    department = own_department(request.user, NO_DEPARTMENT)
    scope = scope_for(request.user)
    form = None
    if scope.writes_anywhere:
        form = ProposalForm(
            request.POST or None,
            organisations=editable_organisations(request.user).filter(department=department).order_by("short_name"),
            formats=_formats(department.pk),
            department_wide=scope.manages_department(department.pk),
        )
    elif request.method == "POST":
        raise PermissionDenied("Рассчитывать предложения может куратор организации или методист муниципалитета.")
    if request.method == "POST" and form is not None and form.is_valid():
        proposal = services.start_proposal(
            request.user, department, form.cleaned_data["organisation"], form.cleaned_data["format"]
        )
        messages.success(request, "Предложение рассчитывается в фоне: страница покажет его, когда расчёт закончится.")
        return redirect("proposal_detail", pk=proposal.pk)
    proposals = Proposal.objects.for_user(request.user).select_related("organisation", "format", "job")[:50]
    return render(request, "suggestions/proposal_list.html", {"form": form, "proposals": proposals})


_LINE_FIELDS = (
    "pk",
    "decision",
    "score",
    "reasons",
    "pair_id",
    "mentee_id",
    "mentee__last_name",
    "mentee__first_name",
    "mentee__patronymic",
    "mentee__main_request",
    "organisation__short_name",
    "mentor_id",
    "mentor__last_name",
    "mentor__first_name",
    "mentor__patronymic",
    "mentor__organisation_id",
    "mentor__organisation__short_name",
    "mentor__competencies",
)


@require_http_methods(["GET", "POST"])
@submitted_once
def proposal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The draft line by line with the reasons; each line accepted or rejected (the page's lines at once).

    Mentors are read as the columns shown (name, school, competencies), never as whole rows: a staff form's
    mentor may be of another school."""
    proposal = get_proposal(request.user, pk, write=request.method == "POST")
    error = ""
    if request.method == "POST":
        decisions = {
            int(key.removeprefix("line-")): value
            for key, value in request.POST.items()
            if key.startswith("line-") and key.removeprefix("line-").isdigit() and value in Decision.values
        }
        version = request.POST.get("version", "")
        if not version.lstrip("-").isdigit():
            error = CONFLICT_MESSAGE
        else:
            try:
                accepted, rejected = services.decide(request.user, proposal, decisions, int(version))
            except ValidationError as refusal:
                error = " ".join(refusal.messages)
            else:
                messages.success(request, f"Принято строк: {accepted}, отклонено: {rejected}.")
                return redirect("proposal_detail", pk=proposal.pk)
        proposal.version = Proposal.objects.filter(pk=proposal.pk).values_list("version", flat=True).get()
    lines = proposal.lines.order_by("organisation__short_name", "mentee__last_name", "mentee__first_name", "pk")
    page, query = paginate(request, lines.values(*_LINE_FIELDS))
    for line in page.object_list:
        line["mentee_name"] = _name(line, "mentee")
        line["mentor_name"] = _name(line, "mentor")
    ids = {line["mentee_id"] for line in page.object_list} | {line["mentor_id"] for line in page.object_list}
    privacy.record_shown(
        request,
        Person.objects.for_user(request.user).filter(pk__in=ids).select_related("organisation"),
        what="предложение пар",
    )
    context = {
        "proposal": proposal,
        "page": page,
        "query": query,
        "error": error,
        "can_decide": may_decide(request.user, proposal),
        "decisions": Decision,
    }
    return render(request, "suggestions/proposal_detail.html", context)


def _name(line: dict, side: str) -> str:
    return " ".join(
        p for p in (line[f"{side}__last_name"], line[f"{side}__first_name"], line[f"{side}__patronymic"]) if p
    )


@require_http_methods(["GET", "POST"])
def weights(request: HttpRequest) -> HttpResponse:
    """The department's weights: read by all of it, changed by its methodist."""
    department = own_department(request.user, NO_DEPARTMENT)
    editable = edits_weights(request.user, department)
    if request.method == "POST" and not editable:
        raise PermissionDenied("Веса подбора меняет методист муниципалитета.")
    instance = Weights.objects.filter(department=department).first() or Weights(department=department)
    form = WeightsForm(request.POST or None, instance=instance)
    if not editable:
        for field in form.fields.values():
            field.disabled = True
        form.helper.inputs = []
    if request.method == "POST" and form.is_valid():
        if save_or_explain(form, form.save) is not None:
            messages.success(request, "Веса подбора сохранены.")
            return redirect("suggestion_weights")
    return render(request, "suggestions/weights.html", {"form": form, "department": department, "editable": editable})
