"""«Мероприятия»: the list with its filters, an event's page (participants, results, documents), creating,
changing and deleting an event, «Мероприятие проведено», participants and documents, the kinds' list."""

from __future__ import annotations

import mimetypes

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from common.views import paginate, save_or_explain, stored_file
from events import access, services
from events.forms import DocumentForm, EventForm, EventKindForm, FilterForm, ParticipantForm
from events.models import Event
from jobs.submissions import submitted_once
from registry import privacy
from registry.models import EducationDepartment, Organisation
from registry.scope import scope_for
from roadmap.access import markable
from roadmap.models import Occurrence


def _posted(request: HttpRequest):
    return request.POST if request.method == "POST" else None


def _occurrences(request: HttpRequest, event: Event | None):
    """The roadmap occurrences the user may tie an event to: open ones they may mark, and the one it holds."""
    occurrences = markable(request.user, Occurrence.objects.for_user(request.user))
    chosen = Q(pk=event.roadmap_occurrence_id) if event is not None and event.roadmap_occurrence_id else Q(pk=None)
    return Occurrence.objects.filter(Q(pk__in=occurrences.open().values("pk")) | chosen).order_by(
        "item__roadmap__title", "item__position", "due", "pk"
    )


@require_GET
def event_list(request: HttpRequest) -> HttpResponse:
    events = access.events(request.user)
    scope = scope_for(request.user)
    organisations = scope.organisations(Organisation.objects.all()).order_by("short_name")
    filters = FilterForm(request.GET or None, kinds=access.kinds(request.user), organisations=organisations)
    events = filters.filter(events).annotate(
        participant_count=Count("participants", distinct=True), document_count=Count("documents", distinct=True)
    )
    page, params = paginate(request, events.order_by("-start_date", "-pk"))
    return render(
        request,
        "events/list.html",
        {
            "page": page,
            "query": params,
            "filters": filters,
            "can_create": scope.is_methodist or scope.is_curator,
            "manages_kinds": scope.is_methodist,
        },
    )


@require_http_methods(["GET", "POST"])
@submitted_once
def event_create(request: HttpRequest) -> HttpResponse:
    departments, organisations, school_only = access.creatable(request.user)
    form = EventForm(
        _posted(request),
        departments=departments,
        organisations=organisations,
        school_only=school_only,
        occurrences=_occurrences(request, None),
    )
    if request.method == "POST" and form.is_valid():
        event = save_or_explain(form, lambda: services.save_event(form.save(commit=False), user=request.user))
        if event is not None:
            messages.success(request, f"Мероприятие «{event.title}» внесено.")
            return redirect("event_detail", pk=event.pk)
    return render(request, "events/form.html", {"form": form, "event": None})


@require_http_methods(["GET", "POST"])
def event_edit(request: HttpRequest, pk: int) -> HttpResponse:
    event = access.get_event(request.user, pk, write=True)
    departments, organisations, school_only = access.creatable(request.user)
    form = EventForm(
        _posted(request),
        instance=event,
        departments=departments.filter(pk=event.department_id) or departments,
        organisations=organisations,
        school_only=school_only,
        occurrences=_occurrences(request, event),
    )
    if request.method == "POST" and form.is_valid():
        if save_or_explain(form, lambda: services.save_event(form.save(commit=False))) is not None:
            messages.success(request, "Мероприятие сохранено.")
            return redirect("event_detail", pk=event.pk)
    return render(request, "events/form.html", {"form": form, "event": event})


@require_http_methods(["GET", "POST"])
def event_delete(request: HttpRequest, pk: int) -> HttpResponse:
    event = access.get_event(request.user, pk, write=True)
    if request.method == "POST":
        services.delete_event(event)
        messages.success(request, f"Мероприятие «{event.title}» удалено.")
        return redirect("event_list")
    return render(request, "events/delete.html", {"event": event})


@require_GET
def event_detail(request: HttpRequest, pk: int) -> HttpResponse:
    event = access.get_event(request.user, pk)
    can_change = access.changes_event(scope_for(request.user), event)
    occurrence = event.roadmap_occurrence
    if occurrence is not None and not Occurrence.objects.for_user(request.user).filter(pk=occurrence.pk).exists():
        occurrence = None  # a curator does not see another school's part
    return render(
        request,
        "events/detail.html",
        {
            "event": event,
            "participants": access.participants(request.user, event),
            "documents": event.documents.all(),
            "occurrence": occurrence,
            "can_change": can_change,
            "document_form": DocumentForm() if can_change else None,
        },
    )


@require_POST
def event_held(request: HttpRequest, pk: int) -> HttpResponse:
    event = access.get_event(request.user, pk, write=True)
    try:
        held = services.mark_held(event, user=request.user)
    except ValidationError as refused:
        messages.error(request, " ".join(refused.messages))
    else:
        text = "Мероприятие отмечено проведённым."
        if held.occurrence is not None:
            text += " Пункт дорожной карты отмечен выполненным, мероприятие указано подтверждением."
        messages.success(request, text)
    return redirect("event_detail", pk=event.pk)


@require_http_methods(["GET", "POST"])
def document_add(request: HttpRequest, pk: int) -> HttpResponse:
    event = access.get_event(request.user, pk, write=True)
    form = DocumentForm(_posted(request), request.FILES or None)
    if request.method == "POST" and form.is_valid():
        services.add_document(event, form.cleaned_data["file"], form.original_name, user=request.user)
        messages.success(request, f"Документ «{form.original_name}» загружен.")
        return redirect("event_detail", pk=event.pk)
    return render(request, "events/document_form.html", {"form": form, "event": event})


@require_GET
def document_download(request: HttpRequest, pk: int) -> HttpResponse:
    document = access.get_document(request.user, pk)
    return stored_file(
        request,
        document.file,
        filename=document.original_name,
        content_type=mimetypes.guess_type(document.original_name)[0] or "application/octet-stream",
        what="Документ мероприятия",
        remedy="Загрузите документ снова на странице мероприятия.",
    )


@require_POST
def document_delete(request: HttpRequest, pk: int) -> HttpResponse:
    document = access.get_document(request.user, pk, write=True)
    document.file.delete(save=False)
    document.delete()
    messages.success(request, f"Документ «{document.original_name}» удалён.")
    return redirect("event_detail", pk=document.event_id)


@require_http_methods(["GET", "POST"])
@submitted_once
def participant_add(request: HttpRequest, pk: int) -> HttpResponse:
    event = access.get_event(request.user, pk, write=True)
    form = ParticipantForm(
        _posted(request),
        request.FILES or None,
        event=event,
        people=access.people_of(request.user, event),
        pairs=access.pairs_of(request.user, event),
    )
    if request.method == "POST" and form.is_valid():
        participant = save_or_explain(form, form.save)
        if participant is not None:
            messages.success(request, f"Участник «{participant.name}» добавлен.")
            return redirect("event_detail", pk=event.pk)
    # The pairs' list names their mentors (pupils among them), and a form shown again names the person chosen.
    chosen = getattr(form, "cleaned_data", {}).get("person")
    privacy.record_shown(
        request,
        [*(pair.mentor for pair in form.fields["pair"].queryset), chosen],
        what="Мероприятие: добавление участника",
    )
    return render(request, "events/participant_form.html", {"form": form, "event": event, "participant": None})


@require_http_methods(["GET", "POST"])
def participant_edit(request: HttpRequest, pk: int) -> HttpResponse:
    participant = access.get_participant(request.user, pk, write=True)
    event = participant.event
    form = ParticipantForm(
        _posted(request), request.FILES or None, instance=participant, event=event, people=None, pairs=None
    )
    if request.method == "POST" and form.is_valid():
        if save_or_explain(form, form.save) is not None:
            messages.success(request, "Участник сохранён.")
            return redirect("event_detail", pk=event.pk)
    return render(request, "events/participant_form.html", {"form": form, "event": event, "participant": participant})


@require_POST
def participant_delete(request: HttpRequest, pk: int) -> HttpResponse:
    participant = access.get_participant(request.user, pk, write=True)
    if participant.certificate:
        participant.certificate.delete(save=False)
    participant.delete()
    messages.success(request, f"Участник «{participant.name}» удалён из мероприятия.")
    return redirect("event_detail", pk=participant.event_id)


@require_GET
def certificate_download(request: HttpRequest, pk: int) -> HttpResponse:
    participant = access.get_participant(request.user, pk)
    if not participant.certificate:
        raise Http404("Сертификат не загружен.")
    name = participant.certificate_original_name or "сертификат"
    return stored_file(
        request,
        participant.certificate,
        filename=name,
        content_type=mimetypes.guess_type(name)[0] or "application/octet-stream",
        what="Сертификат участника",
        remedy="Загрузите сертификат снова в карточке участника мероприятия.",
    )


# --- the kinds' list --------------------------------------------------------------------------------------


@require_GET
def kind_list(request: HttpRequest) -> HttpResponse:
    scope = scope_for(request.user)
    kinds = access.kinds(request.user).annotate(used=Count("events")).order_by("position", "name")
    return render(
        request,
        "events/kind_list.html",
        {"kinds": kinds, "manages": scope.methodist_departments, "can_add": scope.is_methodist},
    )


@require_http_methods(["GET", "POST"])
@submitted_once
def kind_create(request: HttpRequest) -> HttpResponse:
    form = EventKindForm(_posted(request), departments=access.kind_departments(request.user))
    if request.method == "POST" and form.is_valid():
        kind = save_or_explain(form, form.save)
        if kind is not None:
            messages.success(request, f"Вид мероприятия «{kind.name}» добавлен.")
            return redirect("event_kind_list")
    return render(request, "events/kind_form.html", {"form": form, "kind": None})


@require_http_methods(["GET", "POST"])
def kind_edit(request: HttpRequest, pk: int) -> HttpResponse:
    kind = access.get_kind(request.user, pk)
    departments = EducationDepartment.objects.filter(pk=kind.department_id)
    form = EventKindForm(_posted(request), instance=kind, departments=departments)
    if request.method == "POST" and form.is_valid():
        if save_or_explain(form, lambda: services.save_kind(form)) is not None:
            messages.success(request, "Изменения сохранены.")
            return redirect("event_kind_list")
    return render(request, "events/kind_form.html", {"form": form, "kind": kind})
