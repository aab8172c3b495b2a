"""«Мониторинг влияния» pages: the growth of the participants of a school or a department by year, form,
role and growth group, with its chart, the quality of the process and the mentees' outcomes, and the
participants behind each figure. Every user reads their own reach (influence/overview.py `choose`: a school
outside it is 404)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET

from common.views import paginate
from influence.models import GrowthGroup, Role
from influence.overview import (
    NO_OUTCOMES,
    NOTHING_YET,
    OUTCOMES_NOTE,
    ROLE_PLURAL,
    WHAT_TO_DO,
    CellForm,
    PairLine,
    cell_lines,
    choose,
    overview,
)
from influence.quality import NO_AFTER, NO_BEFORE
from registry import privacy


@require_GET
def results(request: HttpRequest) -> HttpResponse:
    choice = choose(request.user, request.GET)
    figures = overview(choice)
    return render(
        request,
        "influence/results/results.html",
        {
            "choice": choice,
            "form": choice.form,
            "figures": figures,
            "charts": [mark_safe(chart) for chart in figures.charts],  # SVG: common/charts.py escapes its texts
            "nothing_yet": NOTHING_YET,
            "what_to_do": WHAT_TO_DO,
            "no_outcomes": NO_OUTCOMES,
            "outcomes_note": OUTCOMES_NOTE,
            "checks": (NO_BEFORE, NO_AFTER),
            "query": choice.query(),
        },
    )


@require_GET
def results_pairs(request: HttpRequest) -> HttpResponse:
    choice = choose(request.user, request.GET)
    cell = CellForm(request.GET)
    if not cell.is_valid():
        raise Http404("Не указаны год, форма, роль или группа роста.")
    data = cell.cleaned_data
    page, query = paginate(request, cell_lines(choice, data))
    page.object_list = [PairLine(line, data["group"]) for line in page.object_list]
    privacy.record_shown(request, [row.person for row in page.object_list], what="мониторинг влияния: участники")
    return render(
        request,
        "influence/results/pairs.html",
        {
            "choice": choice,
            "cell": data,
            "role_label": Role(data["role"]).label,
            "role_plural": ROLE_PLURAL[data["role"]],
            "group_label": GrowthGroup(data["group"]).label,
            "page": page,
            "query": query,
            "back": choice.query(),
        },
    )
