"""People (mentors and mentees) and their consents."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from common.russian import gendered
from common.views import paginate, save_or_explain
from jobs.submissions import submitted_once
from registry import audit, privacy
from registry.access import editable_organisations, get_consent, get_person, scope_for
from registry.forms.people import (
    ArchiveForm,
    ConsentForm,
    ConsentWithdrawForm,
    FirstConsentForm,
    PersonFilterForm,
    PersonForm,
)
from registry.models import Consent, MentoringPair, Organisation, PairMentee, Person, PersonalDataAccess
from registry.services import people as people_services
from registry.services.pairs import refresh_person_facts

AUTOCOMPLETE_LIMIT = 20


def person_list(request: HttpRequest) -> HttpResponse:
    scope = scope_for(request.user)
    organisations = scope.organisations(Organisation.objects.all())
    filters = PersonFilterForm(request.GET or None, organisations=organisations)
    people = filters.apply(Person.objects.for_user(request.user).select_related("organisation"))
    page, query = paginate(request, people)
    _mark_roles_and_consent(page.object_list)
    privacy.record_shown(request, page.object_list, what="список участников")
    return render(
        request,
        "registry/person_list.html",
        {
            "filters": filters,
            "page": page,
            "query": query,
            "can_create": bool(scope.curator_organisations or scope.methodist_departments),
            "show_organisation": len(organisations) > 1,
        },
    )


def _mark_roles_and_consent(people) -> None:
    """Flags for the people of one page: three small queries, whatever the size of the base.

    (As annotations on the whole list, PostgreSQL hashes the consent and pair tables entirely.)
    """
    ids = [person.pk for person in people]
    mentors = set(MentoringPair.objects.filter(mentor_id__in=ids).values_list("mentor_id", flat=True))
    mentees = set(PairMentee.objects.filter(mentee_id__in=ids).values_list("mentee_id", flat=True))
    consented = set(Consent.objects.in_force().filter(person_id__in=ids).values_list("person_id", flat=True))
    for person in people:
        person.is_mentor = person.pk in mentors
        person.is_mentee = person.pk in mentees
        person.has_consent = person.pk in consented


def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_person(request.user, pk)
    privacy.record_view(request, person)
    scope = scope_for(request.user)
    can_edit = scope.edits_organisation(person.organisation) and person.erased_at is None
    is_methodist = person.organisation.department_id in scope.methodist_departments
    consents = list(person.consents.select_related("recorded_by"))
    mentor_pairs = list(
        person.mentor_pairs.select_related("format", "organisation").prefetch_related(
            Prefetch("participations", PairMentee.objects.select_related("mentee__organisation"))
        )
    )
    # A mentor may lead a pair in another school: its people are shown by name and school only (no link
    # to a pair the user does not read); like the card's other people, a minor among them is logged.
    for pair in mentor_pairs:
        pair.outside = not scope.reads_organisation(pair.organisation)
    participations = list(
        person.participations.select_related("pair__format", "pair__mentor", "pair__organisation").order_by(
            "-pair__entry_date"
        )
    )
    privacy.record_shown(
        request,
        [p.mentee for pair in mentor_pairs for p in pair.participations.all()]
        + [participation.pair.mentor for participation in participations],
        what="карточка участника: его пары",
    )
    entries = audit.entries_for(
        (Person, [person.pk]),
        (Consent, [c.pk for c in consents]),
        (PairMentee, [p.pk for p in participations]),
    )[:50]
    history = audit.history(entries)
    return render(
        request,
        "registry/person_detail.html",
        {
            "person": person,
            "consents": consents,
            "has_consent": any(c.is_valid for c in consents),
            "mentor_pairs": mentor_pairs,
            "participations": participations,
            "history": history,
            "can_edit": can_edit,
            "is_methodist": is_methodist,
            # Only those who see the personal-data card need the count (one query).
            "access_count": PersonalDataAccess.objects.about(person).count() if can_edit or is_methodist else None,
        },
    )


@require_http_methods(["GET", "POST"])
@submitted_once
def person_create(request: HttpRequest) -> HttpResponse:
    """A new person, and — if it was given already — their consent to processing personal data, on one page:
    both saved, or neither."""
    organisations = editable_organisations(request.user)
    initial = {"organisation": request.GET.get("organisation")} if request.GET.get("organisation") else None
    form = PersonForm(request.POST or None, initial=initial, organisations=organisations)
    wants_consent = request.method == "POST" and FirstConsentForm.wanted(request.POST)
    person_valid = request.method == "POST" and form.is_valid()
    # The consent's rules need the person (a minor's consent is given by a representative).
    new_person = form.save(commit=False) if person_valid else Person()
    consent = FirstConsentForm(request.POST if wants_consent else None, person=new_person)
    if person_valid and (not wants_consent or consent.is_valid()):

        def save() -> Person:
            saved = form.save()
            if wants_consent:
                consent.instance.person = saved
                consent.instance.recorded_by = request.user
                consent.save()
            return saved

        person = save_or_explain(form, save)
        if person is not None:
            added = f"{person.full_name} {gendered(person, 'добавлен', 'добавлена')} в базу"
            messages.success(request, f"{added}{', согласие записано' if wants_consent else ''}.")
            return redirect("person_detail", pk=person.pk)
    return render(
        request,
        "registry/person_form.html",
        {"form": form, "person": None, "consent": consent, "consent_open": wants_consent},
    )


@require_http_methods(["GET", "POST"])
def person_edit(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_person(request.user, pk, write=True)
    form = PersonForm(request.POST or None, instance=person, organisations=editable_organisations(request.user))

    def save() -> Person:
        saved = form.save()
        refresh_person_facts(saved)
        return saved

    if request.method == "POST" and form.is_valid():
        if save_or_explain(form, save) is not None:
            messages.success(request, "Изменения сохранены.")
            return redirect("person_detail", pk=person.pk)
    privacy.record_shown(request, [person], what="изменение сведений участника")
    return render(request, "registry/person_form.html", {"form": form, "person": person})


@require_http_methods(["GET", "POST"])
def person_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """A person without pairs is deleted; one with pairs is archived, so their history stays."""
    person = get_person(request.user, pk, write=True)
    has_pairs = people_services.has_pairs(person)
    form = ArchiveForm(request.POST or None)
    if request.method == "POST" and (not has_pairs or form.is_valid()):
        if has_pairs:
            people_services.archive(person, form.cleaned_data["reason"])
            messages.success(
                request,
                f"{person.full_name} {gendered(person, 'перемещён', 'перемещена')} в архив. Пары и история сохранены.",
            )
            return redirect("person_detail", pk=person.pk)
        name, deleted = person.full_name, gendered(person, "удалён", "удалена")
        person.delete()
        messages.success(request, f"{name} {deleted} из базы.")
        return redirect("person_list")
    privacy.record_shown(request, [person], what="удаление или архив")
    return render(request, "registry/person_delete.html", {"person": person, "has_pairs": has_pairs, "form": form})


@require_POST
def person_restore(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_person(request.user, pk, write=True)
    people_services.restore(person)
    messages.success(request, f"{person.full_name} {gendered(person, 'возвращён', 'возвращена')} из архива.")
    return redirect("person_detail", pk=person.pk)


@require_http_methods(["GET", "POST"])
@submitted_once
def consent_create(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_person(request.user, pk, write=True)
    form = ConsentForm(request.POST or None, person=person)
    if request.method == "POST" and form.is_valid():
        form.instance.recorded_by = request.user
        if save_or_explain(form, form.save) is not None:
            messages.success(request, "Согласие на обработку персональных данных записано.")
            return redirect("person_detail", pk=person.pk)
    privacy.record_shown(request, [person], what="запись согласия")
    return render(request, "registry/consent_form.html", {"form": form, "person": person})


@require_http_methods(["GET", "POST"])
def consent_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    consent = get_consent(request.user, pk, write=True)
    form = ConsentWithdrawForm(request.POST or None, instance=consent, initial={"withdrawn_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        if save_or_explain(form, form.save) is not None:
            messages.success(request, "Отзыв согласия отмечен.")
            return redirect("person_detail", pk=consent.person_id)
    privacy.record_shown(request, [consent.person], what="отзыв согласия")
    return render(request, "registry/consent_withdraw.html", {"form": form, "consent": consent})


@require_GET
def person_autocomplete(request: HttpRequest) -> JsonResponse:
    """People for a picker: `q` (name), `organisation` (only its people), current ones only."""
    people = Person.objects.for_user(request.user).current().search(request.GET.get("q", ""))
    organisation = request.GET.get("organisation", "")
    if organisation.isdigit():
        people = people.filter(organisation_id=int(organisation))
    people = list(people.select_related("organisation").order_by("last_name", "first_name", "pk")[:AUTOCOMPLETE_LIMIT])
    privacy.record_shown(request, people, what="подбор участника")
    return JsonResponse({"results": [{"value": person.pk, "text": person.picker_label} for person in people]})
