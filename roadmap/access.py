"""Who may read and change roadmaps: the registry's scope (`registry/access.py`) applied to them.

- A municipal roadmap is read by everyone of its department (curators too: they see the items
  their organisation must do) and changed by its methodists.
- An organisation's roadmap is read like the organisation's registry and changed by its curator
  and the department's methodists.
- Execution marks: a methodist marks anything in the department; a curator marks the items of
  the organisation's own roadmap and the organisation's part of municipal «каждая ОО» items.
A head reads everything in the department and changes nothing. Outside the scope: 404.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from registry.access import scope_for
from registry.models import EducationDepartment, Organisation, User
from roadmap.models import Occurrence, Roadmap, RoadmapItem, RoadmapKind, Section

READ_ONLY = "Изменять эту дорожную карту могут методист муниципалитета и куратор её организации."
MARK_ONLY_OWN = "Отмечать исполнение может методист муниципалитета или куратор организации, которая выполняет пункт."
REGISTER_READ_ONLY = "Изменять реестр документов может методист муниципалитета."
SUBMIT_ONLY_OWN = "Сдать документ может куратор своей организации или методист муниципалитета."


def get_roadmap(user: User, pk: int, *, write: bool = False) -> Roadmap:
    roadmap = get_object_or_404(
        Roadmap.objects.for_user(user).select_related("department", "organisation", "source"), pk=pk
    )
    if write and not scope_for(user).edits_roadmap(roadmap):
        raise PermissionDenied(READ_ONLY)
    return roadmap


def get_section(user: User, pk: int, *, write: bool = False) -> Section:
    # Looked up among the readable roadmaps' sections: another tenant's row is never read.
    section = get_object_or_404(Section.objects.filter(roadmap__in=Roadmap.objects.for_user(user)), pk=pk)
    section.roadmap = get_roadmap(user, section.roadmap_id, write=write)
    return section


def get_item(user: User, pk: int, *, write: bool = False) -> RoadmapItem:
    item = get_object_or_404(
        RoadmapItem.objects.filter(roadmap__in=Roadmap.objects.for_user(user)).select_related("section"), pk=pk
    )
    item.roadmap = get_roadmap(user, item.roadmap_id, write=write)
    return item


def get_occurrence(user: User, pk: int, *, write: bool = False) -> Occurrence:
    occurrence = get_object_or_404(
        Occurrence.objects.for_user(user).select_related(
            "item__roadmap__department", "item__roadmap__organisation", "item__section", "organisation"
        ),
        pk=pk,
    )
    if write and not scope_for(user).marks_occurrence(occurrence, occurrence.item.roadmap):
        raise PermissionDenied(MARK_ONLY_OWN)
    return occurrence


def roadmap_owners(user: User) -> tuple[QuerySet[EducationDepartment], QuerySet[Organisation]]:
    """Where the user may create a roadmap: departments (methodist) and organisations; 403 if nowhere."""
    scope = scope_for(user)
    departments = EducationDepartment.objects.filter(pk__in=scope.methodist_departments)
    organisations = scope.editable_organisations(Organisation.objects.select_related("department"))
    if not scope.methodist_departments and not scope.curator_organisations:
        raise PermissionDenied("Создавать дорожные карты могут методист муниципалитета и куратор организации.")
    return departments, organisations


def markable(user: User, occurrences: QuerySet[Occurrence]) -> QuerySet[Occurrence]:
    """The occurrences among these that the user may mark."""
    return scope_for(user).markable(occurrences)


# --- the document register (roadmap/register.py) ------------------------------------------------------------


def get_register(user: User, pk: int, *, write: bool = False) -> Roadmap:
    register = get_object_or_404(Roadmap.objects.for_user(user).registers().select_related("department"), pk=pk)
    if write and not scope_for(user).edits_roadmap(register):
        raise PermissionDenied(REGISTER_READ_ONLY)
    return register


def get_requirement(user: User, pk: int, *, write: bool = False) -> RoadmapItem:
    """A required document of a register the user reads (404 otherwise); to change it, a methodist's (403)."""
    item = get_object_or_404(RoadmapItem.objects.filter(roadmap__in=Roadmap.objects.for_user(user).registers()), pk=pk)
    item.roadmap = get_register(user, item.roadmap_id, write=write)
    return item


def get_submission(user: User, pk: int, *, write: bool = False) -> Occurrence:
    """An organisation's part of a required document: its curator and the methodists give the document."""
    occurrence = get_object_or_404(
        Occurrence.objects.for_user(user)
        .filter(item__roadmap__kind=RoadmapKind.DOCUMENT_REGISTER, organisation__isnull=False)
        .select_related("item__roadmap__department", "organisation"),
        pk=pk,
    )
    if write and not scope_for(user).marks_occurrence(occurrence, occurrence.item.roadmap):
        raise PermissionDenied(SUBMIT_ONLY_OWN)
    return occurrence


def register_departments(user: User) -> QuerySet[EducationDepartment]:
    """Where the user may open a register: the departments of a methodist; 403 for anyone else."""
    scope = scope_for(user)
    if not scope.methodist_departments:
        raise PermissionDenied("Открыть реестр документов может методист муниципалитета.")
    return EducationDepartment.objects.filter(pk__in=scope.methodist_departments).order_by("name")
