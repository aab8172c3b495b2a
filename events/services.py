"""Work on events that touches several rows in one transaction.

- `save_event` keeps an event and renews the training figures of its participants' organisations (its
  dates or kind decide whose training it is);
- `add_document` keeps a document already let through the upload gate (events/files.py);
- `mark_held` records «Мероприятие проведено» — at least one document, not before the event ends — and
  marks the roadmap occurrence the event holds done through the roadmap's own execution mark
  (roadmap.forms.OccurrenceForm saved by roadmap's `save_mark`), the event's page as the evidence;
- `delete_event` removes an event with its participants and documents.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from events.models import Event, EventDocument, EventKind, EventParticipant
from registry import freshness
from registry.models import User
from roadmap.forms import OccurrenceForm
from roadmap.models import Occurrence, Status
from roadmap.views.execution import save_mark

NO_DOCUMENTS = "Загрузите хотя бы один документ мероприятия (программу, приказ, отчёт), затем отметьте проведение."
NOT_ENDED = "Мероприятие ещё не закончилось: отметить его проведённым можно после {end:%d.%m.%Y}."


def _touch_participants(event: Event) -> None:
    """Renew the training version of every organisation whose participants (or pairs' mentors) took part."""
    rows = EventParticipant.objects.filter(event=event).values_list("organisation_id", "pair__mentor__organisation_id")
    freshness.touch(*{pk for row in rows for pk in row}, topics=(freshness.TRAINING,))


@transaction.atomic
def save_event(event: Event, *, user: User | None = None) -> Event:
    if event.pk is None and user is not None:
        event.created_by = user
    event.save()
    _touch_participants(event)
    return event


@transaction.atomic
def save_kind(form) -> EventKind:
    """Save a kind from its form; its being training or not changes whose training its events are."""
    kind = form.save()
    rows = EventParticipant.objects.filter(event__kind=kind).values_list(
        "organisation_id", "pair__mentor__organisation_id"
    )
    freshness.touch(*{pk for row in rows for pk in row}, topics=(freshness.TRAINING,))
    return kind


@transaction.atomic
def delete_event(event: Event) -> None:
    _touch_participants(event)
    for document in event.documents.all():
        document.file.delete(save=False)
    for participant in event.participants.exclude(certificate=""):
        participant.certificate.delete(save=False)
    event.delete()


def add_document(event: Event, upload, name: str, *, user: User) -> EventDocument:
    """Keep a document the gate let through (`name`: the user's own file name)."""
    document = EventDocument(event=event, original_name=name, uploaded_by=user)
    document.file.save(name, upload, save=False)
    document.save()
    return document


@dataclass(frozen=True)
class Held:
    event: Event
    occurrence: Occurrence | None  # the roadmap occurrence marked done, if the event holds one


def evidence_comment(event: Event) -> str:
    dates = f"{event.start_date:%d.%m.%Y}"
    if event.end_date != event.start_date:
        dates += f"–{event.end_date:%d.%m.%Y}"
    return f"Проведено: {event.kind.name} «{event.title}», {dates} ({event.get_level_display()})."


def evidence_url(event: Event) -> str:
    return settings.SITE_URL.rstrip("/") + event.get_absolute_url()


@transaction.atomic
def mark_held(event: Event, *, user: User, today=None) -> Held:
    """«Мероприятие проведено»: refused (ValidationError) without a document or before the end date; the
    occurrence the event holds is marked done on the event's end date with the event as its evidence."""
    today = today or timezone.localdate()
    if not event.documents.exists():
        raise ValidationError(NO_DOCUMENTS)
    if event.end_date > today:
        raise ValidationError(NOT_ENDED.format(end=event.end_date))
    event.held_on = event.end_date
    event.save()
    occurrence = None
    if event.roadmap_occurrence_id:
        occurrence = Occurrence.objects.select_for_update().get(pk=event.roadmap_occurrence_id)
        if occurrence.item.roadmap.department_id != event.department_id:
            raise ValidationError("Пункт дорожной карты относится к другому муниципалитету.")
        comment = evidence_comment(event)
        if occurrence.comment and comment not in occurrence.comment:
            comment = f"{occurrence.comment}\n{comment}"
        # The mark as the roadmap's own form would post it (its version signed like the page's hidden field).
        signed = str(OccurrenceForm(instance=occurrence).fields["version"].prepare_value(occurrence.version))
        form = OccurrenceForm(
            {
                "status": Status.DONE,
                "done_on": f"{event.end_date:%d.%m.%Y}",
                "due": f"{occurrence.due:%d.%m.%Y}" if occurrence.due else "",
                "comment": comment,
                "evidence_url": evidence_url(event),
                "version": signed,
            },
            instance=occurrence,
        )
        if not form.is_valid():
            problems = "; ".join(str(message) for errors in form.errors.values() for message in errors)
            raise ValidationError(f"Пункт дорожной карты не отмечен: {problems}")
        occurrence = save_mark(form, user)
    return Held(event, occurrence)
