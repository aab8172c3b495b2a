"""What a user may see and change: the one place that answers it.

Every view starts by calling one of the `get_*` helpers below (or a QuerySet's
`for_user`), which return only what the user's memberships reach:

- a methodist reads and changes the whole department;
- a head reads the whole department and changes nothing;
- a curator reads and changes one organisation (and sees its department's name).

Outside the scope an object does not exist (404, so nothing leaks across tenants);
inside the scope but read-only, a write answers 403.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from registry.models import (
    Consent,
    EducationDepartment,
    Membership,
    MentoringPair,
    MentoringProgram,
    Organisation,
    Person,
    User,
)
from registry.models.reference import ReferenceItem
from registry.scope import Scope, forget_scope, scope_for

__all__ = [
    "Scope",
    "department_wide",
    "editable_organisations",
    "forget_scope",
    "get_consent",
    "get_membership",
    "get_organisation",
    "get_pair",
    "get_person",
    "get_program",
    "get_reference_item",
    "managed_departments",
    "methodist_scope",
    "scope_for",
]

WRITE_REFUSED = "Изменять эти данные могут куратор организации и методист муниципалитета."


# --- The helpers views start with ------------------------------------------------------------------


def get_organisation(user: User, pk: int, *, manage: bool = False, write: str = "") -> Organisation:
    """The organisation, or 404 outside the scope; 403 when `manage` (its own record, curators) is asked
    of a non-methodist, or `write` (its registry data: the refusal to show) of a read-only user."""
    queryset = Organisation.objects.for_user(user).select_related("department")
    organisation = get_object_or_404(queryset, pk=pk)
    if manage and not scope_for(user).manages_department(organisation.department_id):
        raise PermissionDenied("Изменять сведения об организации может только методист муниципалитета.")
    if write and not scope_for(user).edits_organisation(organisation):
        raise PermissionDenied(write)
    return organisation


def chosen_organisation(organisations: list[Organisation], raw: str) -> Organisation | None:
    """The organisation a page's `?organisation=` names, among those the page offers (the user's reach);
    None when none is named, 404 for any other."""
    if not raw:
        return None
    chosen = next((o for o in organisations if str(o.pk) == raw), None)
    if chosen is None:
        raise Http404("Организация не найдена.")
    return chosen


def get_membership(user: User, pk: int, *, manage: bool = False) -> Membership:
    queryset = scope_for(user).memberships(Membership.objects.select_related("user", "organisation"))
    membership = get_object_or_404(queryset, pk=pk)
    if manage and not scope_for(user).manages_department(membership.department_id):
        raise PermissionDenied("Назначать и снимать кураторов может только методист муниципалитета.")
    return membership


def managed_departments(
    user: User, refusal: str = "Это действие доступно только методисту муниципалитета."
) -> QuerySet[EducationDepartment]:
    """Departments where the user may create organisations and accounts; 403 (`refusal`) if there are none."""
    scope = scope_for(user)
    if not scope.methodist_departments:
        raise PermissionDenied(refusal)
    return EducationDepartment.objects.filter(pk__in=scope.methodist_departments).order_by("name")


def methodist_scope(user: User, refusal: str) -> Scope:
    """The scope of a methodist; 403 (`refusal`) for anyone else."""
    scope = scope_for(user)
    if not scope.is_methodist:
        raise PermissionDenied(refusal)
    return scope


def department_wide(user: User, refusal: str) -> QuerySet[EducationDepartment]:
    """Departments the user reads as a whole (methodist, head); 403 (`refusal`) for a curator."""
    departments = EducationDepartment.objects.filter(pk__in=scope_for(user).department_wide).order_by("name")
    if not departments:
        raise PermissionDenied(refusal)
    return departments


def editable_organisations(user: User) -> QuerySet[Organisation]:
    """Where the user may create people, programs and pairs; 403 for a read-only user."""
    scope = scope_for(user)
    if not scope.writes_anywhere:
        raise PermissionDenied("Вносить данные могут куратор организации и методист муниципалитета.")
    return scope.editable_organisations(Organisation.objects.select_related("department"))


def _get_in_organisation(user: User, queryset: QuerySet, pk: int, write: bool):
    """An object that belongs to an organisation: 404 outside the scope, 403 on a read-only write."""
    obj = get_object_or_404(scope_for(user).by_organisation(queryset), pk=pk)
    if write and not scope_for(user).edits_organisation(obj.organisation):
        raise PermissionDenied(WRITE_REFUSED)
    return obj


def get_person(user: User, pk: int, *, write: bool = False) -> Person:
    person = _get_in_organisation(user, Person.objects.select_related("organisation__department"), pk, write)
    if write and person.erased_at is not None:
        raise PermissionDenied("Сведения об этом участнике уничтожены: изменять больше нечего.")
    return person


def get_program(user: User, pk: int, *, write: bool = False) -> MentoringProgram:
    return _get_in_organisation(user, MentoringProgram.objects.select_related("organisation__department"), pk, write)


def get_pair(user: User, pk: int, *, write: bool = False) -> MentoringPair:
    queryset = MentoringPair.objects.select_related(
        "organisation__department", "mentor__organisation", "format", "role_model", "kind", "program"
    )
    return _get_in_organisation(user, queryset, pk, write)


def get_consent(user: User, pk: int, *, write: bool = False) -> Consent:
    queryset = Consent.objects.select_related("person__organisation")
    consent = get_object_or_404(scope_for(user).by_organisation(queryset, via="person__organisation"), pk=pk)
    if write and not scope_for(user).edits_organisation(consent.person.organisation):
        raise PermissionDenied(WRITE_REFUSED)
    return consent


def get_reference_item(user: User, model: type[ReferenceItem], pk: int) -> ReferenceItem:
    """An item to change: 404 outside the user's departments; 403 for a common item or a read-only role."""
    item = get_object_or_404(scope_for(user).reference_items(model.objects.select_related("department")), pk=pk)
    if item.is_common:
        raise PermissionDenied("Общий элемент справочника один для всех муниципалитетов: изменить его нельзя.")
    if not scope_for(user).manages_department(item.department_id):
        raise PermissionDenied("Изменять справочники может только методист муниципалитета.")
    return item
