"""Personal data: the access log, a subject's extract, erasure (registry/privacy.py does the work)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from common.views import paginate
from registry import privacy
from registry.access import get_person, methodist_scope
from registry.forms.privacy import AccessLogFilterForm, EraseForm
from registry.models import Erasure, Organisation, PersonalDataAccess

JOURNALS_REFUSED = "Журналы персональных данных ведёт методист муниципалитета."


@require_GET
def access_log(request: HttpRequest) -> HttpResponse:
    scope = methodist_scope(request.user, JOURNALS_REFUSED)
    organisations = Organisation.objects.filter(department_id__in=scope.methodist_departments).order_by("short_name")
    filters = AccessLogFilterForm(request.GET or None, organisations=organisations)
    entries = filters.apply(privacy.log_for(scope).select_related("organisation", "person")).prefetch_related("people")
    page, query = paginate(request, entries)
    privacy.record_shown(
        request,
        [person for entry in page.object_list for person in (entry.person, *entry.people.all())],
        what="журнал доступа",
    )
    return render(request, "registry/access_log.html", {"filters": filters, "page": page, "query": query})


@require_GET
def erasure_list(request: HttpRequest) -> HttpResponse:
    scope = methodist_scope(request.user, JOURNALS_REFUSED)
    erasures = Erasure.objects.filter(department_id__in=scope.methodist_departments).select_related("organisation")
    page, query = paginate(request, erasures)
    return render(request, "registry/erasure_list.html", {"page": page, "query": query})


@require_http_methods(["GET", "POST"])
def person_erase(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_person(request.user, pk, write=True)
    grounds = privacy.grounds(person)
    form = EraseForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and grounds.reason and form.is_valid():
        erasure = privacy.erase(person, user=request.user)
        messages.success(request, f"Сведения об участнике уничтожены. Запись об удалении № {erasure.pk} сохранена.")
        return redirect("person_detail", pk=person.pk)
    privacy.record_shown(request, [person], what="уничтожение сведений")
    return render(
        request,
        "registry/person_erase.html",
        {
            "person": person,
            "grounds": grounds,
            "form": form,
            "consents": person.consents.count(),
            "accesses": PersonalDataAccess.objects.about(person).count(),
        },
        status=200 if grounds.reason or request.method == "GET" else 409,
    )
