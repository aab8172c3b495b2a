"""Mentor training: a mentor's courses and hours come from the events of a training kind they took part in
(`EventKind.is_training`) — in person, or with their pair (a pair's training counts for its mentor).

The public functions, for the person's card, the portfolio and the analytic report:

    training_hours(person_ids, since=None)   {person id: hours} from training events that ended on or after `since`
    trainings_of(person_ids, since=None)     {person id: [training participations]}, newest first
    trained_since(since)                     an `Exists` for a Person queryset: trained on or after `since`
    mentors_without_training(user, organisation=None, *, today=None)
                                             teachers and staff mentoring an active pair, untrained in TRAINING_YEARS
    training_cutoff(today)                   the first day that still counts as recent training
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from events.models import EventParticipant
from registry.models import MentoringPair, Organisation, Person, User
from registry.models.people import STAFF_CATEGORIES, PersonQuerySet

TRAINING_YEARS = 3


def training_cutoff(today: date | None = None) -> date:
    """Three years back from `today` (29 February falls back to the 28th)."""
    today = today or timezone.localdate()
    try:
        return today.replace(year=today.year - TRAINING_YEARS)
    except ValueError:
        return today.replace(year=today.year - TRAINING_YEARS, day=28)


def credited_person(row: EventParticipant) -> int:
    """Whose participation it is: the person's own, or the mentor's of a pair."""
    if row.person_id is not None:
        return row.person_id
    assert row.pair is not None
    return row.pair.mentor_id


def _trainings(person_ids: Iterable[int], since: date | None) -> QuerySet[EventParticipant]:
    ids = list(person_ids)
    rows = EventParticipant.objects.trainings().filter(Q(person_id__in=ids) | Q(pair__mentor_id__in=ids))
    if since is not None:
        rows = rows.filter(event__end_date__gte=since)
    return rows


def training_hours(person_ids: Iterable[int], since: date | None = None) -> dict[int, int]:
    """Each person's training hours (0 for a person without training), from events ended on or after `since`."""
    ids = list(person_ids)
    hours: dict[int, int] = dict.fromkeys(ids, 0)
    for person_id, mentor_id, value in _trainings(ids, since).values_list(
        "person_id", "pair__mentor_id", "training_hours"
    ):
        hours[person_id or mentor_id] += value or 0
    return hours


def trainings_of(person_ids: Iterable[int], since: date | None = None) -> dict[int, list[EventParticipant]]:
    """Each person's training participations (with the event and its kind), newest first."""
    ids = list(person_ids)
    found: dict[int, list[EventParticipant]] = defaultdict(list)
    rows = _trainings(ids, since).select_related("event__kind", "pair").order_by("-event__end_date", "-pk")
    for row in rows:
        found[credited_person(row)].append(row)
    return dict(found)


def trained_since(since: date) -> Exists:
    """For a Person queryset: took part in a training event (in person or with a pair they mentor) that ended
    on or after `since`."""
    return Exists(
        EventParticipant.objects.trainings()
        .filter(event__end_date__gte=since)
        .filter(Q(person=OuterRef("pk")) | Q(pair__mentor=OuterRef("pk")))
    )


def present_mentors(people: QuerySet[Person]) -> QuerySet[Person]:
    return people.select_related("organisation").order_by("organisation__short_name", "last_name", "first_name", "pk")


def _without_training(people: PersonQuerySet, today: date | None) -> QuerySet[Person]:
    in_active_pair = Exists(MentoringPair.objects.filter(mentor=OuterRef("pk"), end_date__isnull=True))
    return present_mentors(
        people.current()
        .filter(in_active_pair, category__in=STAFF_CATEGORIES)
        .exclude(trained_since(training_cutoff(today)))
    )


def mentors_without_training(
    user: User, organisation: Organisation | None = None, *, today: date | None = None
) -> QuerySet[Person]:
    """«Наставники без обучения»: the user's mentors in an active pair with no training in the last
    TRAINING_YEARS years (one organisation's, if given). Teachers and staff only: a pupil or an external
    mentor is not trained through the department's courses."""
    people = Person.objects.for_user(user)
    if organisation is not None:
        people = people.filter(organisation=organisation)
    return _without_training(people, today)


def mentors_without_training_of(user: User, organisation_ids: list[int]) -> QuerySet[Person]:
    return _without_training(Person.objects.for_user(user).filter(organisation_id__in=organisation_ids), None)
