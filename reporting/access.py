"""Who sees and does what in the reporting collections: the registry's scope with this app's refusals.

- a methodist opens, edits, closes collections of the department and reads the matrix;
- a head reads the matrix and the snapshots;
- a curator reads the department's collections with the own organisation's checklist, and confirms
  only the own organisation;
- another department's user finds nothing (404).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from registry.access import get_organisation, managed_departments, scope_for
from registry.models import EducationDepartment, Organisation, User
from reporting.models import Collection, Snapshot

MANAGE_REFUSED = "Открывать, изменять и закрывать сборы может методист муниципалитета."
CONFIRM_REFUSED = "Подтверждает данные организации её куратор."
SNAPSHOT_REFUSED = "Снимки сборов открыты методисту и руководителю органа управления образованием."


def collections(user: User) -> QuerySet[Collection]:
    return Collection.objects.for_user(user).select_related("department")


def creatable_departments(user: User) -> QuerySet[EducationDepartment]:
    """Where the user may open a collection; 403 for anyone but a methodist."""
    return managed_departments(user, MANAGE_REFUSED)


def get_collection(user: User, pk: int, *, manage: bool = False) -> Collection:
    """The collection, or 404 outside the user's departments; 403 when `manage` is asked of a non-methodist."""
    collection = get_object_or_404(collections(user), pk=pk)
    if manage and not scope_for(user).manages_department(collection.department_id):
        raise PermissionDenied(MANAGE_REFUSED)
    return collection


def reads_matrix(user: User, collection: Collection) -> bool:
    """The whole department's matrix: its methodists and heads."""
    return collection.department_id in scope_for(user).department_wide


def own_organisations(user: User, collection: Collection) -> list[Organisation]:
    """The organisations of the collection's department the user is curator of."""
    scope = scope_for(user)
    return list(
        Organisation.objects.filter(pk__in=scope.curator_organisations, department_id=collection.department_id)
        .select_related("department")
        .order_by("short_name")
    )


def get_confirming_organisation(user: User, collection: Collection, pk: int) -> Organisation:
    """The organisation whose data the user confirms: 404 outside the reach or the collection's department,
    403 for anyone but its curator."""
    organisation = get_organisation(user, pk)
    if organisation.department_id != collection.department_id:
        raise PermissionDenied(CONFIRM_REFUSED)
    if organisation.pk not in scope_for(user).curator_organisations:
        raise PermissionDenied(CONFIRM_REFUSED)
    return organisation


def snapshots(user: User) -> QuerySet[Snapshot]:
    return Snapshot.objects.for_user(user).select_related("collection", "department")


def get_snapshot(user: User, pk: int) -> Snapshot:
    """A snapshot of a department the user reads as a whole; 403 for its curators, 404 for anyone else."""
    scope = scope_for(user)
    queryset = Snapshot.objects.filter(department_id__in=scope.department_wide | scope.curator_departments)
    snapshot = get_object_or_404(queryset.select_related("collection", "department"), pk=pk)
    if snapshot.department_id not in scope.department_wide:
        raise PermissionDenied(SNAPSHOT_REFUSED)
    return snapshot
