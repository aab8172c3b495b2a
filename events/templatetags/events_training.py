"""`{% person_events person %}` on the person's card (registry/person_detail.html): the events the person took
part in (in person or with a pair they mentor), their results and training hours. The registry names no feature
app: its template loads this library, and the card stays whole without events."""

from __future__ import annotations

from django import template
from django.db.models import Q

from events.models import Event, EventParticipant

register = template.Library()


@register.inclusion_tag("events/includes/person_events.html", takes_context=True)
def person_events(context, person) -> dict:
    user = context["request"].user
    rows = list(
        EventParticipant.objects.filter(Q(person=person) | Q(pair__mentor=person))
        .filter(event__in=Event.objects.for_user(user))
        .select_related("event__kind")
        .order_by("-event__end_date", "-pk")
    )
    hours = sum(row.training_hours or 0 for row in rows if row.event.kind.is_training)
    return {"rows": rows, "hours": hours, "person": person}
