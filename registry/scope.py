"""The reach of a user's roles: which rows they read and which they change, as rules over field lookups.

The bottom of the access layer. It imports no model, so every model's `for_user` can ask it without
an import cycle; `registry/access.py` builds on it the helpers views start with (404 outside the
reach, 403 for a read-only change), and each app's `access.py` applies it to the app's own rows.

- a methodist reads and changes the whole department;
- a head reads the whole department and changes nothing;
- a curator reads and changes one organisation (and sees its department's name and its municipal
  roadmaps, marking the organisation's part of them).
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.db.models import Q, QuerySet

_CACHE_ATTR = "_registry_scope"


class Role(models.TextChoices):
    METHODIST = "methodist", "Методист (муниципальный координатор)"
    HEAD = "head", "Руководитель органа управления образованием"
    CURATOR = "curator", "Куратор образовательной организации"


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
    def writes_anywhere(self) -> bool:
        """Enters data somewhere: a curator, or a methodist."""
        return bool(self.curator_organisations or self.methodist_departments)

    @property
    def department_wide(self) -> frozenset[int]:
        """Departments the user reads as a whole (methodist or head)."""
        return self.methodist_departments | self.head_departments

    @property
    def only_organisation(self) -> int | None:
        """The one organisation a curator of a single school reads (their «Моя организация»), else None."""
        if self.department_wide or len(self.curator_organisations) != 1:
            return None
        return next(iter(self.curator_organisations))

    # --- what the user reads --------------------------------------------------------------------

    def departments(self, queryset: QuerySet) -> QuerySet:
        return queryset.filter(pk__in=self.department_wide | self.curator_departments)

    def organisations(self, queryset: QuerySet) -> QuerySet:
        return queryset.filter(Q(department_id__in=self.department_wide) | Q(pk__in=self.curator_organisations))

    def by_organisation(self, queryset: QuerySet, via: str = "organisation") -> QuerySet:
        """Rows that belong to an organisation (people, programs, pairs, contingents; consents `via`
        their person's organisation): the same reach as organisations."""
        return queryset.filter(
            Q(**{f"{via}__department_id__in": self.department_wide})
            | Q(**{f"{via}_id__in": self.curator_organisations})
        )

    def reads_organisation(self, organisation: Any) -> bool:
        """The rule of `organisations` for one organisation already loaded."""
        return organisation.pk in self.curator_organisations or organisation.department_id in self.department_wide

    def memberships(self, queryset: QuerySet) -> QuerySet:
        """Roles the user may see: all of a department read as a whole, a curator's colleagues."""
        return queryset.filter(
            Q(department_id__in=self.department_wide) | Q(organisation_id__in=self.curator_organisations)
        )

    def reference_items(self, queryset: QuerySet) -> QuerySet:
        """Reference lists: the common items and the own items of the departments the user reads."""
        return queryset.filter(
            Q(department__isnull=True) | Q(department_id__in=self.department_wide | self.curator_departments)
        )

    def roadmaps(self, queryset: QuerySet) -> QuerySet:
        """Municipal roadmaps of the departments the user belongs to, and the organisations' own."""
        return queryset.filter(
            Q(organisation__isnull=True, department_id__in=self.department_wide | self.curator_departments)
            | Q(organisation__department_id__in=self.department_wide)
            | Q(organisation_id__in=self.curator_organisations)
        )

    def occurrences(self, queryset: QuerySet) -> QuerySet:
        """Occurrences of the roadmaps the user reads: of a municipal «каждая ОО» item, a curator
        reads the own organisation's part only."""
        return queryset.filter(
            Q(item__roadmap__department_id__in=self.department_wide)
            | Q(item__roadmap__organisation_id__in=self.curator_organisations)
            | Q(item__roadmap__organisation__isnull=True, organisation_id__in=self.curator_organisations)
            | Q(
                item__roadmap__organisation__isnull=True,
                organisation__isnull=True,
                item__roadmap__department_id__in=self.curator_departments,
            )
        )

    # --- what the user changes ------------------------------------------------------------------

    def manages_department(self, department_id: int | None) -> bool:
        """Organisations, curator accounts, reference lists and the department's own records."""
        return department_id in self.methodist_departments

    def edits_organisation(self, organisation: Any) -> bool:
        """The organisation's registry data: people, pairs, its contingent, its roadmap."""
        return organisation.pk in self.curator_organisations or organisation.department_id in self.methodist_departments

    def editable_organisations(self, queryset: QuerySet) -> QuerySet:
        """Organisations whose people, programs and pairs the user may change."""
        return queryset.filter(Q(pk__in=self.curator_organisations) | Q(department_id__in=self.methodist_departments))

    def edits_roadmap(self, roadmap: Any) -> bool:
        """A municipal roadmap: its methodists; an organisation's: its curator and the methodists."""
        if roadmap.organisation_id is None:
            return roadmap.department_id in self.methodist_departments
        return (
            roadmap.organisation_id in self.curator_organisations or roadmap.department_id in self.methodist_departments
        )

    def marks_occurrence(self, occurrence: Any, roadmap: Any) -> bool:
        """A methodist marks anything in the department; a curator the own roadmap's items and the
        own organisation's part of municipal «каждая ОО» items."""
        if roadmap.department_id in self.methodist_departments:
            return True
        if roadmap.organisation_id is not None:
            return roadmap.organisation_id in self.curator_organisations
        return occurrence.organisation_id in self.curator_organisations

    def markable(self, queryset: QuerySet) -> QuerySet:
        """The occurrences among these that the user may mark (the rule of `marks_occurrence`)."""
        return queryset.filter(
            Q(item__roadmap__department_id__in=self.methodist_departments)
            | Q(item__roadmap__organisation_id__in=self.curator_organisations)
            | Q(item__roadmap__organisation__isnull=True, organisation_id__in=self.curator_organisations)
        )


def scope_for(user: Any) -> Scope:
    """The user's scope, read once per request (one query) and kept on the user object.

    `user` is the request's user (anonymous too) or a `registry.models.User`: this module names no model.
    """
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Scope()
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    scope = _scope_of(user.memberships.values_list("role", "department_id", "organisation_id"))
    setattr(user, _CACHE_ATTR, scope)
    return scope


def _scope_of(memberships: Iterable[tuple[Any, ...]]) -> Scope:
    methodist, head, curator_orgs, curator_depts = set(), set(), set(), set()
    for role, department_id, organisation_id in memberships:
        if role == Role.METHODIST:
            methodist.add(department_id)
        elif role == Role.HEAD:
            head.add(department_id)
        elif role == Role.CURATOR:
            curator_orgs.add(organisation_id)
            curator_depts.add(department_id)
    return Scope(frozenset(methodist), frozenset(head), frozenset(curator_orgs), frozenset(curator_depts))


def within_departments(user: Any, department_ids: Iterable[int]) -> Any:
    """A stand-in for `user` whose scope holds only their roles in these departments (one query).

    A methodist reading what another user will be reminded of sees that user's part in the methodist's
    own municipality, never what the user's roles elsewhere reach.
    """
    stand_in = copy.copy(user)
    rows = user.memberships.filter(department_id__in=list(department_ids)).values_list(
        "role", "department_id", "organisation_id"
    )
    setattr(stand_in, _CACHE_ATTR, _scope_of(rows) if user.is_active else Scope())
    return stand_in


def forget_scope(user: Any) -> None:
    """Call after the user's memberships change within the same request."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)
