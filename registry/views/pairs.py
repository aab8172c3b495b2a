"""Pairs and groups: the list, "form a pair", the card, completion and the meetings log."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Exists, OuterRef, Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from common.views import paginate, save_or_explain
from jobs.submissions import submitted_once
from registry import audit, privacy
from registry.access import editable_organisations, get_pair, scope_for
from registry.forms.pairs import (
    MeetingForm,
    PairCompleteForm,
    PairEntry,
    PairFilterForm,
    ParticipationResultFormSet,
)
from registry.models import (
    Consent,
    Meeting,
    MentoringPair,
    Organisation,
    PairMentee,
    PairStage,
    Person,
)
from registry.services.pairs import form_pair, save_pair


def _mark_missing_consent(pairs) -> None:
    """`consent_missing` on the pairs of one page: a minor mentee without a valid consent (one query)."""
    mentees = {p.mentee_id for pair in pairs for p in pair.participations.all() if p.mentee.is_minor()}
    consented = set(Consent.objects.in_force().filter(person_id__in=mentees).values_list("person_id", flat=True))
    missing = mentees - consented
    for pair in pairs:
        pair.consent_missing = any(p.mentee_id in missing for p in pair.participations.all())


def _people_of(pairs) -> list[Person]:
    """The mentor and the mentees of each pair of a page (participations and mentees prefetched)."""
    return [person for pair in pairs for person in (pair.mentor, *(p.mentee for p in pair.participations.all()))]


def _people_of_pair(pair: MentoringPair) -> list[Person]:
    return [pair.mentor, *(p.mentee for p in pair.participations.select_related("mentee"))]


def pair_list(request: HttpRequest) -> HttpResponse:
    scope = scope_for(request.user)
    organisations = scope.organisations(Organisation.objects.all())
    filters = PairFilterForm(request.GET or None, organisations=organisations)
    pairs = filters.apply(
        MentoringPair.objects.for_user(request.user).select_related("mentor", "format", "organisation")
    ).prefetch_related(Prefetch("participations", PairMentee.objects.select_related("mentee")))
    page, query = paginate(request, pairs)
    _mark_missing_consent(page.object_list)
    privacy.record_shown(request, _people_of(page.object_list), what="список пар")
    return render(
        request,
        "registry/pair_list.html",
        {
            "filters": filters,
            "page": page,
            "query": query,
            "can_create": bool(scope.curator_organisations or scope.methodist_departments),
            "show_organisation": len(organisations) > 1,
        },
    )


def pair_detail(request: HttpRequest, pk: int) -> HttpResponse:
    pair = get_pair(request.user, pk)
    participations = list(
        pair.participations.select_related("mentee").annotate(
            has_consent=Exists(Consent.objects.in_force().filter(person=OuterRef("mentee")))
        )
    )
    meetings = list(pair.meetings.select_related("kind"))
    scope = scope_for(request.user)
    can_edit = scope.edits_organisation(pair.organisation)
    entries = audit.entries_for(
        (MentoringPair, [pair.pk]),
        (PairMentee, [p.pk for p in participations]),
        (Meeting, [m.pk for m in meetings] + audit.deleted_meetings(pair)),
    )[:50]
    history = audit.history(entries)
    privacy.record_shown(request, [pair.mentor, *(p.mentee for p in participations)], what="карточка пары")
    return render(
        request,
        "registry/pair_detail.html",
        {
            "pair": pair,
            "participations": participations,
            "meetings": meetings,
            "meeting_form": MeetingForm(pair=pair) if can_edit and pair.is_active else None,
            "can_edit": can_edit,
            "history": history,
            # A mentor of another school: named with their place of work, no link to a card the user cannot open.
            "mentor_outside": not scope.reads_organisation(pair.mentor.organisation),
        },
    )


def _pair_page(request: HttpRequest, pair: MentoringPair | None) -> HttpResponse:
    """ "Form a pair" and "edit a pair": pick people from the base or type new ones, on one page."""
    initial = (
        {"organisation": request.GET["organisation"]} if pair is None and request.GET.get("organisation") else None
    )
    entry = PairEntry(
        request.POST or None,
        pair=pair,
        initial=initial,
        organisations=editable_organisations(request.user),
        people=Person.objects.for_user(request.user).current(),
    )
    can_add_formats = bool(scope_for(request.user).methodist_departments)
    if request.method == "POST" and entry.is_valid() and entry.format_fits(can_add_formats=can_add_formats):
        saved = save_or_explain(entry.form, lambda: form_pair(*entry.chosen()))
        if saved is not None:
            messages.success(request, "Пара сохранена." if pair else "Пара сформирована.")
            return redirect("pair_detail", pk=saved.pk)
    if pair is not None:
        privacy.record_shown(request, _people_of_pair(pair), what="изменение пары")
    return render(request, "registry/pair_form.html", {**entry.context(), "pair": pair})


@require_http_methods(["GET", "POST"])
@submitted_once
def pair_create(request: HttpRequest) -> HttpResponse:
    return _pair_page(request, None)


@require_http_methods(["GET", "POST"])
def pair_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _pair_page(request, get_pair(request.user, pk, write=True))


@require_http_methods(["GET", "POST"])
def pair_complete(request: HttpRequest, pk: int) -> HttpResponse:
    """ "Complete a pair": the end date, the results, and each mentee's mark and feedback."""
    pair = get_pair(request.user, pk, write=True)
    data = request.POST or None
    form = PairCompleteForm(data, instance=pair)
    results = ParticipationResultFormSet(data, queryset=pair.participations.select_related("mentee"), prefix="mentee")
    if request.method == "POST" and form.is_valid() and results.is_valid():

        def save() -> MentoringPair:
            results.save()  # first: save_pair then brings the rows' copies of the pair up to date
            completed = form.save(commit=False)
            completed.stage = PairStage.RESULT
            return save_pair(completed, [p.mentee for p in pair.participations.select_related("mentee")])

        if save_or_explain(form, save) is not None:
            messages.success(request, "Пара завершена, результаты записаны.")
            return redirect("pair_detail", pk=pair.pk)
    privacy.record_shown(request, _people_of_pair(pair), what="завершение пары")
    return render(request, "registry/pair_complete.html", {"form": form, "results": results, "pair": pair})


@require_http_methods(["GET", "POST"])
@submitted_once
def meeting_create(request: HttpRequest, pk: int) -> HttpResponse:
    pair = get_pair(request.user, pk, write=True)
    form = MeetingForm(request.POST or None, pair=pair)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Встреча добавлена в журнал.")
        return redirect("pair_detail", pk=pair.pk)
    privacy.record_shown(request, _people_of_pair(pair), what="запись встречи")
    return render(request, "registry/meeting_form.html", {"form": form, "pair": pair})


def _meeting_of(request: HttpRequest, pk: int, meeting_pk: int) -> tuple[MentoringPair, Meeting]:
    """A meeting of a pair the user may change (404 for another pair's meeting, as for another school's)."""
    pair = get_pair(request.user, pk, write=True)
    meeting = pair.meetings.filter(pk=meeting_pk).first()
    if meeting is None:
        raise Http404("Такой встречи у пары нет.")
    return pair, meeting


@require_http_methods(["GET", "POST"])
def meeting_edit(request: HttpRequest, pk: int, meeting_pk: int) -> HttpResponse:
    """Correct a meeting of the log (the change is in the pair's history)."""
    pair, meeting = _meeting_of(request, pk, meeting_pk)
    form = MeetingForm(request.POST or None, pair=pair, instance=meeting)
    if request.method == "POST" and form.is_valid() and save_or_explain(form, form.save) is not None:
        messages.success(request, f"Встреча {meeting.date:%d.%m.%Y} исправлена.")
        return redirect("pair_detail", pk=pair.pk)
    privacy.record_shown(request, _people_of_pair(pair), what="исправление встречи")
    return render(request, "registry/meeting_form.html", {"form": form, "pair": pair, "meeting": meeting})


@require_http_methods(["GET", "POST"])
def meeting_delete(request: HttpRequest, pk: int, meeting_pk: int) -> HttpResponse:
    """Delete a meeting entered by mistake (the deletion, with what it held, stays in the pair's history)."""
    pair, meeting = _meeting_of(request, pk, meeting_pk)
    if request.method == "POST":
        meeting.delete()
        messages.success(request, f"Встреча {meeting.date:%d.%m.%Y} удалена из журнала.")
        return redirect("pair_detail", pk=pair.pk)
    privacy.record_shown(request, _people_of_pair(pair), what="удаление встречи")
    return render(request, "registry/meeting_delete.html", {"pair": pair, "meeting": meeting})
