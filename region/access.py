"""Who sees and does what in the region: the coordinator's role, and the methodists who answer.

- a regional coordinator (registry.RegionalCoordinator) reads the aggregates of every department of the
  region — counts and shares, never a person's row or name — and opens and closes the region's
  collections; the coordinator holds no Membership, so every department page answers 403 or finds nothing;
- a methodist of a department placed in a region sees the region's collections and answers them with a
  snapshot of the own department;
- anyone else finds nothing here (403 for the pages, 404 for a collection).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from region.models import RegionalCollection
from registry.access import scope_for
from registry.models import EducationDepartment, Region, RegionalCoordinator, User

_CACHE_ATTR = "_coordinated_regions"
COORDINATOR_ONLY = "Эта страница — для регионального координатора."
ANSWER_REFUSED = "Отвечать на сборы региона может методист муниципалитета, входящего в регион."


def coordinated_regions(user: User) -> list[Region]:
    """The regions the user coordinates (one query; none for an anonymous or inactive user)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is None:
        cached = [role.region for role in RegionalCoordinator.objects.filter(user=user).select_related("region")]
        setattr(user, _CACHE_ATTR, cached)  # once per request, like the scope
    return cached


def coordinated_region(user: User, pk: str | None = None) -> Region:
    """The region whose pages the user opens: the one coordinated, or the one `?region=` names among them
    (404 for another region's number); 403 for anyone who coordinates none."""
    regions = coordinated_regions(user)
    if not regions:
        raise PermissionDenied(COORDINATOR_ONLY)
    if pk and pk.isdigit():
        chosen = next((region for region in regions if str(region.pk) == pk), None)
        if chosen is None:
            raise Http404("Регион не найден.")
        return chosen
    return regions[0]


def departments_of(region: Region) -> list[EducationDepartment]:
    return list(EducationDepartment.objects.filter(in_region=region).order_by("municipality", "name"))


def answering_departments(user: User) -> list[EducationDepartment]:
    """The user's departments (as methodist) that belong to a region."""
    scope = scope_for(user)
    return list(
        EducationDepartment.objects.filter(pk__in=scope.methodist_departments, in_region__isnull=False)
        .select_related("in_region")
        .order_by("name")
    )


def collections(user: User) -> QuerySet[RegionalCollection]:
    """The regional collections the user reaches: a coordinator's regions', a methodist's regions'."""
    region_ids = {region.pk for region in coordinated_regions(user)}
    region_ids |= {d.in_region_id for d in answering_departments(user) if d.in_region_id is not None}
    return RegionalCollection.objects.filter(region_id__in=region_ids).select_related("region")


def get_collection(user: User, pk: int, *, coordinate: bool = False) -> RegionalCollection:
    """The collection, 404 outside the user's regions; 403 when `coordinate` is asked of a methodist."""
    collection = get_object_or_404(collections(user), pk=pk)
    if coordinate and collection.region_id not in {region.pk for region in coordinated_regions(user)}:
        raise PermissionDenied(COORDINATOR_ONLY)
    return collection


def coordinates(user: User, collection: RegionalCollection) -> bool:
    return collection.region_id in {region.pk for region in coordinated_regions(user)}


def answering_department(user: User, collection: RegionalCollection) -> EducationDepartment:
    """The user's department that answers this collection; 403 for anyone but its methodist."""
    department = next((d for d in answering_departments(user) if d.in_region_id == collection.region_id), None)
    if department is None:
        raise PermissionDenied(ANSWER_REFUSED)
    return department
