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

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from registry.models import (
    Consent,
    EducationDepartment,
    Membership,
    MentoringPair,
    MentoringProgram,
    Organisation,
    Person,
    Role,
    User,
)

_CACHE_ATTR = "_registry_scope"


@dataclass(frozen=True)
class Scope:
    methodist_departments: frozenset[int] = field(default_factory=frozenset)
    head_departments: frozenset[int] = field(default_factory=frozenset)
    curator_organisations: frozenset[int] = field(default_factory=frozenset)
    curator_departments: frozenset[int] = field(default_factory=frozenset)

    # --- who the user is ----------------------------------------------------------------------

    @property
    def is_empty(self) -> bool:
        return not (self.methodist_departments or self.head_departments or self.curator_organisations)

    @property
    def is_methodist(self) -> bool:
        return bool(self.methodist_departments)

    @property
    def is_head(self) -> bool:
        return bool(self.head_departments)

    @property
    def is_curator(self) -> bool:
        return bool(self.curator_organisations)

    @property
    def department_wide(self) -> frozenset[int]:
        """Departments the user reads as a whole (methodist or head)."""
        return self.methodist_departments | self.head_departments

    # --- what the user reads --------------------------------------------------------------------

    def departments(self, queryset: QuerySet[EducationDepartment]) -> QuerySet[EducationDepartment]:
        return queryset.filter(pk__in=self.department_wide | self.curator_departments)

    def organisations(self, queryset: QuerySet[Organisation]) -> QuerySet[Organisation]:
        return queryset.filter(Q(department_id__in=self.department_wide) | Q(pk__in=self.curator_organisations))

    def by_organisation(self, queryset: QuerySet) -> QuerySet:
        """Rows that belong to an organisation (people, programs, pairs): the same reach as organisations."""
        return queryset.filter(
            Q(organisation__department_id__in=self.department_wide) | Q(organisation_id__in=self.curator_organisations)
        )

    def memberships(self, queryset: QuerySet[Membership]) -> QuerySet[Membership]:
        """Roles the user may see: all of a department read as a whole, a curator's colleagues."""
        return queryset.filter(
            Q(department_id__in=self.department_wide) | Q(organisation_id__in=self.curator_organisations)
        )

    # --- what the user changes ------------------------------------------------------------------

    def manages_department(self, department_id: int) -> bool:
        """Organisations, curator accounts and the department's own records."""
        return department_id in self.methodist_departments

    def edits_organisation(self, organisation: Organisation) -> bool:
        """The organisation's registry data: people, pairs, its roadmap."""
        return organisation.pk in self.curator_organisations or organisation.department_id in self.methodist_departments

    def editable_organisations(self, queryset: QuerySet[Organisation]) -> QuerySet[Organisation]:
        """Organisations whose people, programs and pairs the user may change."""
        return queryset.filter(Q(pk__in=self.curator_organisations) | Q(department_id__in=self.methodist_departments))


def scope_for(user: User) -> Scope:
    """The user's scope, read once per request (one query) and kept on the user object."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Scope()
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    methodist, head, curator_orgs, curator_depts = set(), set(), set(), set()
    for role, department_id, organisation_id in Membership.objects.filter(user=user).values_list(
        "role", "department_id", "organisation_id"
    ):
        if role == Role.METHODIST:
            methodist.add(department_id)
        elif role == Role.HEAD:
            head.add(department_id)
        elif role == Role.CURATOR:
            curator_orgs.add(organisation_id)
            curator_depts.add(department_id)
    scope = Scope(frozenset(methodist), frozenset(head), frozenset(curator_orgs), frozenset(curator_depts))
    setattr(user, _CACHE_ATTR, scope)
    return scope


def forget_scope(user: User) -> None:
    """Call after the user's memberships change within the same request."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


# --- The helpers views start with ------------------------------------------------------------------


def get_organisation(user: User, pk: int, *, manage: bool = False) -> Organisation:
    """The organisation, or 404 outside the scope; 403 when `manage` is asked of a non-methodist."""
    queryset = Organisation.objects.for_user(user).select_related("department")
    organisation = get_object_or_404(queryset, pk=pk)
    if manage and not scope_for(user).manages_department(organisation.department_id):
        raise PermissionDenied("Изменять сведения об организации может только методист муниципалитета.")
    return organisation


def get_membership(user: User, pk: int, *, manage: bool = False) -> Membership:
    queryset = scope_for(user).memberships(Membership.objects.select_related("user", "organisation"))
    membership = get_object_or_404(queryset, pk=pk)
    if manage and not scope_for(user).manages_department(membership.department_id):
        raise PermissionDenied("Назначать и снимать кураторов может только методист муниципалитета.")
    return membership


def managed_departments(user: User) -> QuerySet[EducationDepartment]:
    """Departments where the user may create organisations and accounts; 403 if there are none."""
    scope = scope_for(user)
    if not scope.methodist_departments:
        raise PermissionDenied("Это действие доступно только методисту муниципалитета.")
    return EducationDepartment.objects.filter(pk__in=scope.methodist_departments)


def editable_organisations(user: User) -> QuerySet[Organisation]:
    """Where the user may create people, programs and pairs; 403 for a read-only user."""
    scope = scope_for(user)
    if not (scope.curator_organisations or scope.methodist_departments):
        raise PermissionDenied("Вносить данные могут куратор организации и методист муниципалитета.")
    return scope.editable_organisations(Organisation.objects.select_related("department"))


def _get_in_organisation(user: User, queryset: QuerySet, pk: int, write: bool):
    """An object that belongs to an organisation: 404 outside the scope, 403 on a read-only write."""
    obj = get_object_or_404(scope_for(user).by_organisation(queryset), pk=pk)
    if write and not scope_for(user).edits_organisation(obj.organisation):
        raise PermissionDenied("Изменять эти данные могут куратор организации и методист муниципалитета.")
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
    consent = get_object_or_404(
        queryset.filter(person__in=scope_for(user).by_organisation(Person.objects.all())), pk=pk
    )
    if write and not scope_for(user).edits_organisation(consent.person.organisation):
        raise PermissionDenied("Изменять эти данные могут куратор организации и методист муниципалитета.")
    return consent
