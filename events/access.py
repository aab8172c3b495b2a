"""Who sees and changes events: the registry's scope with this app's refusals.

- a methodist reads and changes every event of the department (any level, any school's), its documents and
  participants, and extends the list of kinds;
- a head reads the department's events and changes nothing (403);
- a curator reads the department's events held above a school (municipal, regional, federal) and the own
  school's; creates and changes school-level events of the own school only (403 for the municipal ones);
- participants are shown within the reader's reach: a curator reading a municipal event sees the own school's
  participants, never another school's;
- another department's event, a school's event to another school's curator, and every event to the regional
  coordinator (no department role): 404; the list and creating answer 403 to a user with no department role.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from events.models import Event, EventDocument, EventKind, EventParticipant, Level
from registry.models import EducationDepartment, MentoringPair, Organisation, Person, User
from registry.scope import Scope, scope_for

READ_REFUSED = "Мероприятия ведут методист муниципалитета и кураторы организаций."
WRITE_REFUSED = "Изменять мероприятие может методист муниципалитета; куратор — школьные мероприятия своей организации."
CREATE_REFUSED = "Вносить мероприятия могут методист муниципалитета и куратор организации (школьные мероприятия)."
KINDS_REFUSED = "Изменять виды мероприятий может только методист муниципалитета."


def _member(user: User) -> Scope:
    """The user's scope; 403 for a user with no role in a department (the regional coordinator)."""
    scope = scope_for(user)
    if scope.is_empty:
        raise PermissionDenied(READ_REFUSED)
    return scope


def events(user: User) -> QuerySet[Event]:
    """The events the user reads; 403 for a user with no department role."""
    _member(user)
    return Event.objects.for_user(user).select_related("kind", "organisation", "department")


def changes_event(scope: Scope, event: Event) -> bool:
    """The department's methodist; the curator of the school that holds a school-level event."""
    if scope.manages_department(event.department_id):
        return True
    return event.level == Level.SCHOOL and event.organisation_id in scope.curator_organisations


def get_event(user: User, pk: int, *, write: bool = False) -> Event:
    """The event, or 404 outside the user's reach; 403 when `write` is asked of a user who may not change it."""
    event = get_object_or_404(
        Event.objects.for_user(user).select_related(
            "kind", "organisation", "department", "roadmap_occurrence__item__roadmap"
        ),
        pk=pk,
    )
    if write and not changes_event(scope_for(user), event):
        raise PermissionDenied(WRITE_REFUSED)
    return event


def creatable(user: User) -> tuple[QuerySet[EducationDepartment], QuerySet[Organisation], bool]:
    """Where the user may create an event: the departments of a methodist (any level), the organisations of a
    curator (school level only; `True` when the user is limited to it). 403 for anyone else."""
    scope = scope_for(user)
    departments = EducationDepartment.objects.filter(pk__in=scope.methodist_departments).order_by("name")
    if scope.methodist_departments:
        organisations = Organisation.objects.filter(department_id__in=scope.methodist_departments)
        return departments, organisations.order_by("short_name"), False
    if scope.curator_organisations:
        organisations = Organisation.objects.filter(pk__in=scope.curator_organisations).order_by("short_name")
        curator_departments = EducationDepartment.objects.filter(pk__in=scope.curator_departments).order_by("name")
        return curator_departments, organisations, True
    raise PermissionDenied(CREATE_REFUSED)


def participants(user: User, event: Event) -> QuerySet[EventParticipant]:
    """The event's participants within the user's reach."""
    return (
        EventParticipant.objects.for_user(user)
        .filter(event=event)
        .select_related("person", "pair__mentor", "pair__format", "organisation")
        .order_by("organisation__short_name", "person__last_name", "pair__mentor__last_name", "pk")
    )


def get_participant(user: User, pk: int, *, write: bool = False) -> EventParticipant:
    """A participant of an event the user reads, within the user's reach: 404 otherwise; 403 on a write by a
    user who may not change the event."""
    participant = get_object_or_404(
        EventParticipant.objects.for_user(user)
        .filter(event__in=Event.objects.for_user(user))
        .select_related("person", "pair__mentor", "pair__format", "organisation"),
        pk=pk,
    )
    participant.event = get_event(user, participant.event_id, write=write)
    return participant


def get_document(user: User, pk: int, *, write: bool = False) -> EventDocument:
    document = get_object_or_404(EventDocument.objects.filter(event__in=Event.objects.for_user(user)), pk=pk)
    document.event = get_event(user, document.event_id, write=write)
    return document


def people_of(user: User, event: Event) -> QuerySet[Person]:
    """Whom the user may add to the event: current people of the event's department within the user's
    reach (a curator's school-level event: the school's people)."""
    people = Person.objects.for_user(user).current().filter(organisation__department_id=event.department_id)
    if event.level == Level.SCHOOL and not scope_for(user).manages_department(event.department_id):
        people = people.filter(organisation_id=event.organisation_id)
    return people


def pairs_of(user: User, event: Event) -> QuerySet[MentoringPair]:
    """The pairs the user may add: the active pairs of the event's department within the user's reach."""
    pairs = MentoringPair.objects.for_user(user).active().filter(organisation__department_id=event.department_id)
    if event.level == Level.SCHOOL and not scope_for(user).manages_department(event.department_id):
        pairs = pairs.filter(organisation_id=event.organisation_id)
    return pairs.select_related("mentor", "format", "organisation").order_by(
        "organisation__short_name", "mentor__last_name", "pk"
    )


def kinds(user: User) -> QuerySet[EventKind]:
    """The common kinds and the own kinds of the user's departments; 403 for a user with no department role."""
    return _member(user).reference_items(EventKind.objects.select_related("department"))


def get_kind(user: User, pk: int) -> EventKind:
    """A kind to change: 404 outside the user's departments; 403 for a common kind or a non-methodist."""
    kind = get_object_or_404(scope_for(user).reference_items(EventKind.objects.select_related("department")), pk=pk)
    if kind.is_common:
        raise PermissionDenied("Общий вид мероприятия один для всех муниципалитетов: изменить его нельзя.")
    if not scope_for(user).manages_department(kind.department_id):
        raise PermissionDenied(KINDS_REFUSED)
    return kind


def kind_departments(user: User) -> QuerySet[EducationDepartment]:
    """Where the user may add a kind: the methodist's departments; 403 for anyone else."""
    scope = scope_for(user)
    if not scope.methodist_departments:
        raise PermissionDenied(KINDS_REFUSED)
    return EducationDepartment.objects.filter(pk__in=scope.methodist_departments).order_by("name")
