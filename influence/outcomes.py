"""Outcomes of mentees per school year (the results of the process): entered by hand on the pair's
questionnaires page, or uploaded for a whole school from XLSX (influence/outcome_upload.py).

Access is the pair's own for the form (the curator of its school, the department's methodist: as the
questionnaires, influence/views.py `_participant`); the upload and its template take a school the user
writes to (`registry.access.editable_organisations`: a curator their own, a methodist one they choose).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from common.russian import counted
from common.views import save_or_explain
from influence import views
from influence.models import MenteeOutcome, school_year_label, school_year_of
from influence.outcome_forms import OutcomeForm, OutcomeUploadForm
from influence.outcome_upload import (
    PlanRefused,
    check_outcomes,
    current_school_year,
    save_plan,
    school_year_problem,
    sign_plan,
    template_filename,
    write_template,
)
from jobs.submissions import submitted_once
from registry import privacy
from registry.access import chosen_organisation, editable_organisations
from registry.models import MentoringPair, Organisation, PairMentee

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# --- The pair's page: each mentee's school years -------------------------------------------------------


@dataclass
class OutcomeYear:
    year: int
    outcome: MenteeOutcome | None

    @property
    def label(self) -> str:
        return school_year_label(self.year)


@dataclass
class MenteeOutcomes:
    participation: PairMentee
    years: list[OutcomeYear]


def pair_outcomes(
    pair: MentoringPair, participations: list[PairMentee], today: date | None = None
) -> list[MenteeOutcomes]:
    """Each mentee's school years, from the one the pair entered the program in to the current (and any
    other year entered), with the outcomes entered (one query)."""
    entered: dict[tuple[int, int], MenteeOutcome] = {
        (outcome.participation_id, outcome.school_year): outcome
        for outcome in MenteeOutcome.objects.filter(participation__in=participations)
    }
    first = school_year_of(pair.entry_date)
    years = list(range(first, max(first, school_year_of(today or timezone.localdate())) + 1))
    return [
        MenteeOutcomes(
            participation,
            [
                OutcomeYear(year, entered.get((participation.pk, year)))
                for year in sorted({*years, *(y for (p, y) in entered if p == participation.pk)})
            ],
        )
        for participation in participations
    ]


# --- One school year by hand ---------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@submitted_once
def outcome_edit(request: HttpRequest, pk: int, participation: int, year: int) -> HttpResponse:
    pair, found = views._participant(request, pk, participation)
    assert found is not None
    found.pair = pair
    if problem := school_year_problem(found, year):
        raise Http404(problem)
    outcome = MenteeOutcome.objects.filter(participation=found, school_year=year).first()
    instance = outcome or MenteeOutcome(participation=found, school_year=year)
    form = OutcomeForm(request.POST or None, instance=instance)
    privacy.record_shown(request, [pair.mentor, found.mentee], what="результаты наставляемого")
    if request.method == "POST" and form.is_valid():
        form.instance.entered_by = request.user
        if save_or_explain(form, form.save) is not None:
            messages.success(
                request, f"Результаты {found.mentee.full_name} за {school_year_label(year)} учебный год сохранены."
            )
            return redirect("influence_pair", pk=pair.pk)
    return render(
        request,
        "influence/outcomes/outcome_form.html",
        {"pair": pair, "person": found.mentee, "year_label": school_year_label(year), "outcome": outcome, "form": form},
    )


# --- A school's XLSX -----------------------------------------------------------------------------------


def _school(request: HttpRequest, organisations: list[Organisation]) -> Organisation:
    """The school the query names among the user's, or the user's only one; 404 otherwise."""
    chosen = chosen_organisation(organisations, request.GET.get("organisation", ""))
    if chosen is None and len(organisations) == 1:
        return organisations[0]
    if chosen is None:
        raise Http404("Выберите образовательную организацию.")
    return chosen


def _year(request: HttpRequest) -> int:
    current = current_school_year()
    raw = request.GET.get("year", "")
    return int(raw) if raw.isdigit() and 2000 <= int(raw) <= current else current


@require_GET
def outcome_template(request: HttpRequest) -> HttpResponse:
    school = _school(request, list(editable_organisations(request.user)))
    year = _year(request)
    response = HttpResponse(content_type=XLSX)
    participations = write_template(school, year, response)
    privacy.record_shown(request, [p.mentee for p in participations], what="шаблон результатов наставляемых")
    response["Content-Disposition"] = f'attachment; filename="{template_filename(school, year)}"'
    return response


@require_http_methods(["GET", "POST"])
@submitted_once
def outcome_upload(request: HttpRequest) -> HttpResponse:
    writable = editable_organisations(request.user).order_by("short_name")
    organisations = list(writable)
    form = OutcomeUploadForm(request.POST or None, request.FILES or None, organisations=writable)
    report, plan, refused = None, "", ""
    if request.method == "POST" and "plan" in request.POST:
        school = chosen_organisation(organisations, request.POST.get("organisation", ""))
        if school is None:
            raise Http404("Организация не найдена.")
        try:
            created, updated = save_plan(request.POST["plan"], school, request.user)
        except PlanRefused as error:
            refused = error.message
        else:
            messages.success(
                request,
                f"Результаты наставляемых «{school.short_name}» сохранены: новых записей — {created}, "
                f"изменено — {updated}.",
            )
            return redirect("influence_outcome_upload")
    elif request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        report = check_outcomes(upload, upload.name, form.cleaned_data["organisation"])
        privacy.record_shown(
            request, [line.participation.mentee for line in report.lines], what="загрузка результатов наставляемых"
        )
        if report.ok and report.changing:
            plan = sign_plan(report, request.user)
    chosen = organisations[0] if len(organisations) == 1 else None
    return render(
        request,
        "influence/outcomes/upload.html",
        {
            "form": form,
            "report": report,
            "plan": plan,
            "refused": refused,
            "organisations": organisations,
            "chosen": chosen,
            "year_label": school_year_label(current_school_year()),
            "problem_count": counted(report.problem_count, "ошибка", "ошибки", "ошибок") if report else "",
        },
    )
