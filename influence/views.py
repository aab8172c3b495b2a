"""A pair's questionnaires: the participants × stages with what is entered, the growth they show, and the
curator's entry of a paper questionnaire. Access is the pair's own (registry.access.get_pair)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from common.views import save_or_explain
from influence import results, services
from influence.forms import QuestionnaireForm
from influence.models import Purpose, Role
from jobs.submissions import submitted_once
from registry import privacy
from registry.access import get_pair, scope_for
from registry.models import MentoringPair, PairMentee


def _participations(pair: MentoringPair) -> list[PairMentee]:
    return list(pair.participations.select_related("mentee"))


@require_GET
def pair_questionnaires(request: HttpRequest, pk: int) -> HttpResponse:
    pair = get_pair(request.user, pk)
    participations = _participations(pair)
    sheet = results.pair_sheet(pair, participations)
    privacy.record_shown(request, [pair.mentor, *(p.mentee for p in participations)], what="анкеты пары")
    return render(
        request,
        "influence/pair_questionnaires.html",
        {"pair": pair, "sheet": sheet, "can_edit": scope_for(request.user).edits_organisation(pair.organisation)},
    )


@require_http_methods(["GET", "POST"])
@submitted_once
def mentor_response(request: HttpRequest, pk: int, purpose: str) -> HttpResponse:
    pair = get_pair(request.user, pk, write=True)
    return _response_page(request, pair, purpose, None)


@require_http_methods(["GET", "POST"])
@submitted_once
def mentee_response(request: HttpRequest, pk: int, purpose: str, participation: int) -> HttpResponse:
    pair = get_pair(request.user, pk, write=True)
    found = get_object_or_404(pair.participations.select_related("mentee"), pk=participation)
    return _response_page(request, pair, purpose, found)


def _response_page(
    request: HttpRequest, pair: MentoringPair, purpose: str, participation: PairMentee | None
) -> HttpResponse:
    """Enter a paper questionnaire, or correct the one entered."""
    if purpose not in Purpose.values:
        raise Http404("Такой анкеты нет.")
    role = Role.MENTOR if participation is None else Role.MENTEE
    person = pair.mentor if participation is None else participation.mentee
    response = services.response_of(pair, participation, purpose)
    template = response.template if response else services.template_for(pair, purpose, role)
    if template is None:
        raise Http404("Для этой формы наставничества нет анкеты.")
    questions = services.questions_of(template)
    form = QuestionnaireForm(request.POST or None, questions=questions, response=response)
    privacy.record_shown(request, [pair.mentor, person], what="анкета участника")
    if request.method == "POST" and form.is_valid():
        saved = save_or_explain(  # two curators saving the same new questionnaire at once: explained, never a 500
            form,
            lambda: services.save_response(
                pair=pair,
                participation=participation,
                template=template,
                values=form.values(),
                user=request.user,
                response=response,
            ),
        )
        if saved is not None:
            messages.success(request, "Анкета сохранена.")
            return redirect("influence_pair", pk=pair.pk)
    return render(
        request,
        "influence/response_form.html",
        {
            "pair": pair,
            "person": person,
            "role_label": Role(role).label,
            "purpose_label": Purpose(purpose).label,
            "template": template,
            "response": response,
            "form": form,
        },
    )
